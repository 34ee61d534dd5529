"""Fixtures of the sync tests: a national service (each backend) and a centre linked to it."""

import pytest

from national import centres, keys
from national.app import create_app
from national.settings import NationalSettings
from tests.national.conftest import Nation, national_database
from tests.server.databases import BACKENDS, fresh_database
from tests.server.live import LiveServer
from tests.sync.centre import start_centre
from tests.sync.fault_proxy import FaultProxy

CENTRE_CODE = "HC-NBI-GPO"  # the example centre file's code


@pytest.fixture(params=BACKENDS)
def nation(request, tmp_path):
    with national_database(request.param, tmp_path) as url:
        settings = NationalSettings(
            database_url=url, data_dir=tmp_path, poll_seconds=0.05, sweep_seconds=0.1
        )
        app = create_app(settings)
        engine = app.state.engine
        credential = centres.add_centre(engine, code=CENTRE_CODE, name="Huduma Centre GPO")
        operator_key = keys.add_key(engine, name="ops", role="operator")
        server = LiveServer(app)
        try:
            yield Nation(server.url, url, engine, CENTRE_CODE, credential, operator_key)
        finally:
            server.stop()


@pytest.fixture
def centre(nation, tmp_path):
    centre_dir = tmp_path / "centre"
    centre_dir.mkdir()
    with fresh_database("sqlite", centre_dir, migrated=True) as url:
        linked = start_centre(
            url, centre_dir, national_url=nation.url, credential=nation.credential
        )
        try:
            yield linked
        finally:
            linked.stop()


@pytest.fixture
def cut_link(nation, tmp_path):
    """A centre whose link to the nation runs through a fault proxy (which a test can cut)."""
    host, port = nation.url.removeprefix("http://").split(":")
    proxy = FaultProxy((host, int(port))).start()
    centre_dir = tmp_path / "centre"
    centre_dir.mkdir()
    with fresh_database("sqlite", centre_dir, migrated=True) as url:
        linked = start_centre(url, centre_dir, national_url=proxy.url, credential=nation.credential)
        try:
            yield linked, proxy
        finally:
            linked.stop()
            proxy.stop()
