"""Fixtures of the server tests: fresh migrated databases on every backend."""

from datetime import UTC, datetime

import pytest

from tests.server.databases import BACKENDS, fresh_database

AT = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # 10:00 in Nairobi, a Monday


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def database_url(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        yield url
