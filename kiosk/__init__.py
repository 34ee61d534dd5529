"""Touchscreen kiosk for walk-in tickets and appointment check-in."""
