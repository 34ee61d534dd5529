"""Counter client for staff calling and serving citizens."""
