"""The national service's routes."""
