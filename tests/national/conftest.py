"""Fixtures of the national tests: a fresh migrated national database per backend, a live app."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import Engine

from national import centres, keys
from national.app import create_app
from national.db.engine import create_national_engine
from national.db.migrate import upgrade
from national.settings import NationalSettings
from tests.server.databases import BACKENDS, postgres_schema
from tests.server.live import LiveServer


@contextmanager
def national_database(backend: str, tmp_path) -> Iterator[str]:
    """Yield the URL of a freshly migrated national database."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'national.sqlite3'}"
        engine = create_national_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
        return
    with postgres_schema() as url:
        engine = create_national_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


@dataclass
class Nation:
    """A running national service with one registered centre and an operator key."""

    url: str
    database_url: str
    engine: Engine
    centre: str
    credential: str
    operator_key: str

    def client(self, credential: str | None = None) -> httpx.Client:
        """Return a client authenticated as the centre (or with another credential)."""
        token = self.credential if credential is None else credential
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {token}"}, timeout=10
        )


@pytest.fixture(params=BACKENDS)
def national_url(request, tmp_path) -> Iterator[str]:
    with national_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def nation(national_url, tmp_path) -> Iterator[Nation]:
    settings = NationalSettings(
        database_url=national_url, data_dir=tmp_path, poll_seconds=0.05, sweep_seconds=0.1
    )
    app = create_app(settings)
    engine: Engine = app.state.engine
    credential = centres.add_centre(engine, code="NRB-GPO", name="Huduma Centre GPO")
    operator_key = keys.add_key(engine, name="ops", role="operator")
    server = LiveServer(app)
    try:
        yield Nation(server.url, national_url, engine, "NRB-GPO", credential, operator_key)
    finally:
        server.stop()
