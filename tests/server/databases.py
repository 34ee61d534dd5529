"""Fresh databases for server tests: an SQLite file, or a PostgreSQL schema of its own."""

import functools
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from centre_server.db.engine import create_db_engine
from centre_server.db.migrate import upgrade

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
def fresh_database(backend: str, tmp_path, *, migrated: bool = False) -> Iterator[str]:
    """Yield the URL of an empty (or freshly migrated) database of the given backend."""
    if backend == "sqlite":
        path = tmp_path / "foleni.sqlite3"
        if migrated:
            # A copy of a file migrated once per run: the same schema, without paying for the
            # migration in every test.
            shutil.copyfile(_sqlite_template(), path)
        yield f"sqlite:///{path}"
    else:
        with postgres_schema() as url:
            if migrated:
                engine = create_db_engine(url)
                upgrade(engine)
                engine.dispose()
            yield url


@functools.cache
def _sqlite_template() -> Path:
    directory = Path(tempfile.mkdtemp(prefix="foleni-template-"))
    path = directory / "template.sqlite3"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path
