"""Repositories: load domain objects from rows and save them back (no business rules here)."""
