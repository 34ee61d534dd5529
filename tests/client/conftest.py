"""Fixtures of the client tests: anyio on asyncio, and a fake centre with a display token."""

from collections.abc import AsyncIterator

import pytest

from centre_client.testing import FakeCentre
from tests.client.centres import DISPLAY_TOKEN, fake_centre


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def centre() -> AsyncIterator[FakeCentre]:
    fake = fake_centre(heartbeat_seconds=0.05)
    fake.add_device("display", token=DISPLAY_TOKEN)
    async with fake:
        yield fake
