"""Alembic environment: runs on the connection handed over by `national.db.migrate`."""

from national.db.migrate import not_a_partition
from national.db.tables import Base
from service_kit.alembic_env import run_migrations

run_migrations(Base.metadata, include_object=not_a_partition)
