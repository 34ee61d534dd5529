"""The national service's Alembic migrations."""
