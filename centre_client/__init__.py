"""Python client of the centre API used by the kiosk, counter, display and tests."""
