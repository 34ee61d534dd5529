"""Fresh databases for server tests: an SQLite file, or a PostgreSQL schema of its own."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text

POSTGRES_URL = os.environ.get("FOLENI_TEST_POSTGRES_URL")
POSTGRES_SKIP_REASON = (
    "PostgreSQL tests skipped: FOLENI_TEST_POSTGRES_URL is not set "
    "(scripts/run-tests sets it when a server answers on 127.0.0.1:5432)"
)
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(not POSTGRES_URL, reason=POSTGRES_SKIP_REASON),
        ],
    ),
]


@contextmanager
def postgres_schema() -> Iterator[str]:
    """Create an empty schema, yield a URL whose connections use it, drop it afterwards."""
    assert POSTGRES_URL is not None
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def fresh_database(backend: str, tmp_path) -> Iterator[str]:
    """Yield the URL of an empty database of the given backend."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'foleni.sqlite3'}"
    else:
        with postgres_schema() as url:
            yield url
