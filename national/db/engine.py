"""The national engine: PostgreSQL in production, an SQLite file for the demo and small tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError


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

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # SQLAlchemy's recipe: take transaction control from pysqlite so BEGIN below is ours.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Every national transaction may write: taking the lock at BEGIN makes concurrent
        # workers queue in busy_timeout instead of failing on a read-to-write upgrade.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def is_postgres(engine: Engine) -> bool:
    """Whether the engine talks to PostgreSQL."""
    return engine.dialect.name == "postgresql"
