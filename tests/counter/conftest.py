import os

# Kivy reads these at import: no command-line parsing, no console or file log noise.
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")

import pytest

from centre_core.clock import FixedClock
from tests.counter.fakes import MORNING, FakeLink


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MORNING)


@pytest.fixture
def link(clock: FixedClock) -> FakeLink:
    return FakeLink(clock=clock)
