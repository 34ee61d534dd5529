"""The national engine: PostgreSQL in production, an SQLite file for the demo and small tests."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from service_kit.sqlite import configure_sqlite


class NationalDatabaseError(ValueError):
    """The national database URL cannot be used."""


def create_national_engine(url: str) -> Engine:
    """Create the engine; SQLite gets WAL, full fsync and write-locking transactions."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise NationalDatabaseError(f"not a database URL: {url!r}") from exc
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        if parsed.get_driver_name() != "psycopg":
            raise NationalDatabaseError(f"use postgresql+psycopg://... (got {url!r})")
        return create_engine(parsed, pool_size=10, max_overflow=20, pool_pre_ping=True)
    if backend != "sqlite" or parsed.database in (None, "", ":memory:"):
        raise NationalDatabaseError(f"use sqlite:///FILE or postgresql+psycopg://... ({url!r})")
    if not Path(str(parsed.database)).parent.is_dir():
        raise NationalDatabaseError(f"the directory of {parsed.database} does not exist")
    engine = create_engine(parsed, connect_args={"check_same_thread": False, "timeout": 30})

    # Every national transaction may write: taking the lock at BEGIN makes concurrent workers
    # queue in busy_timeout instead of failing on a read-to-write upgrade.
    configure_sqlite(
        engine,
        busy_timeout_ms=30_000,
        begin=lambda _connection: "BEGIN IMMEDIATE",
        foreign_keys=False,
    )
    return engine


def is_postgres(engine: Engine) -> bool:
    """Whether the engine talks to PostgreSQL."""
    return engine.dialect.name == "postgresql"
