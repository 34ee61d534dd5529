"""Fixtures of the server tests: fresh migrated databases on every backend, an app on them."""

from datetime import UTC, datetime

import pytest

from centre_core.clock import FixedClock
from tests.server.databases import BACKENDS, fresh_database
from tests.server.harness import make_settings, start_harness, stop_harness

AT = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # 10:00 in Nairobi, a Monday


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def database_url(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        yield url


@pytest.fixture
def clock():
    return FixedClock(AT)


@pytest.fixture
def migrated_url(backend, tmp_path):
    with fresh_database(backend, tmp_path, migrated=True) as url:
        yield url


@pytest.fixture
def harness(migrated_url, tmp_path, clock):
    running = start_harness(make_settings(migrated_url, tmp_path), clock)
    yield running
    stop_harness(running)


@pytest.fixture
def sqlite_harness(tmp_path, clock):
    with fresh_database("sqlite", tmp_path, migrated=True) as url:
        running = start_harness(make_settings(url, tmp_path), clock)
        yield running
        stop_harness(running)
