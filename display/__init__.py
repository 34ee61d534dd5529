"""Hall display board with offline voice announcements."""
