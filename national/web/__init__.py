"""The national overview in the browser: login, every centre on one page, reports."""
