"""Alembic environment: runs on the connection handed over by `centre_server.db.migrate`."""

from centre_server.db.tables import Base
from service_kit.alembic_env import run_migrations

run_migrations(Base.metadata)
