"""Engine creation: SQLite pragmas and write lock, PostgreSQL pool, clear URL errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from service_kit.sqlite import configure_sqlite

# Execution option that marks a connection as the writer: SQLite then takes the write lock at
# BEGIN (BEGIN IMMEDIATE) instead of upgrading a read lock later, which fails at once with
# SQLITE_BUSY without consulting busy_timeout.
WRITE_OPTION = "foleni_write"
SQLITE_PRAGMAS = ("journal_mode", "synchronous", "busy_timeout", "foreign_keys")


class DatabaseUrlError(ValueError):
    """The database URL cannot be used (syntax, driver or location)."""


def parse_database_url(url: str) -> URL:
    """Parse and check a database URL, raising `DatabaseUrlError` with a readable message."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUrlError(f"not a database URL: {url!r} ({exc})") from exc
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseUrlError(
            f"unsupported database {parsed.get_backend_name()!r} in {url!r}: "
            "use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"
        )
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() != "psycopg":
        raise DatabaseUrlError(f"use the psycopg driver: postgresql+psycopg://... (got {url!r})")
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        raise DatabaseUrlError(
            f"an SQLite database must be a file (got {url!r}): one centre, several connections"
        )
    return parsed


def is_sqlite(engine: Engine) -> bool:
    """Whether the engine talks to SQLite."""
    return engine.dialect.name == "sqlite"


def create_db_engine(url: str, *, busy_timeout_ms: int = 5000) -> Engine:
    """Create the engine for a database URL with Foleni's durability and locking settings."""
    parsed = parse_database_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, busy_timeout_ms=busy_timeout_ms)
    try:
        return create_engine(parsed, pool_size=20, max_overflow=20, pool_recycle=1800)
    except NoSuchModuleError as exc:
        raise DatabaseUrlError(f"no driver for {url!r}: {exc}") from exc


def _begin(connection: Any) -> str:
    return "BEGIN IMMEDIATE" if connection.get_execution_options().get(WRITE_OPTION) else "BEGIN"


def _sqlite_engine(url: URL, *, busy_timeout_ms: int) -> Engine:
    database = Path(str(url.database))
    if not database.parent.exists():
        raise DatabaseUrlError(f"the directory of the SQLite database does not exist: {database}")
    engine = create_engine(
        url,
        pool_size=20,
        max_overflow=20,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
    )

    configure_sqlite(engine, busy_timeout_ms=busy_timeout_ms, begin=_begin, foreign_keys=True)
    return engine
