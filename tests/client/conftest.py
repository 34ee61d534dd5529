"""Fixtures of the client tests: anyio on asyncio, and the fake centre."""

from collections.abc import AsyncIterator

import pytest

from tests.client.fake_centre import FakeCentre


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def centre() -> AsyncIterator[FakeCentre]:
    fake = FakeCentre()
    await fake.start()
    yield fake
    if fake.server is not None:
        await fake.stop()
