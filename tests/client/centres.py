"""One face for the two centres the contract tests run on: `FakeCentre` and the real server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from centre_client.api import CentreClient
from centre_client.stream import Backoff, EventStream
from centre_client.testing import FakeCentre
from centre_core.centre import CentreConfig
from centre_core.centre_file import load_centre_config
from centre_core.clock import FixedClock
from centre_server.settings import EXAMPLE_CENTRE_FILE
from tests.client.live_centre import AT, PIN, LiveCentre

FAST = Backoff(initial=0.05, cap=0.2)
STAFF_NUMBER = "S1"
DISPLAY_TOKEN = "display-token"


def example_centre() -> CentreConfig:
    """The Huduma-style centre of `examples/`, which the real server loads by default."""
    return load_centre_config(EXAMPLE_CENTRE_FILE.read_text(), source=EXAMPLE_CENTRE_FILE.name)


@dataclass
class Centre:
    """A running centre (fake or real) with a kiosk and a display token and staff S1 (PIN)."""

    kind: str
    url: str
    tokens: dict[str, str]
    clock: FixedClock
    client: Callable[[str | None], CentreClient]
    book: Callable[[str, str, datetime], None]

    def kiosk(self) -> CentreClient:
        """A client with the kiosk's token."""
        return self.client(self.tokens["kiosk"])

    def staff(self) -> CentreClient:
        """A client without a token yet (staff log in)."""
        return self.client(None)

    def display_stream(self, **options: object) -> EventStream:
        """A display's event stream with quick reconnects."""
        settings: dict = {"heartbeat_timeout": 2.0, "backoff": FAST, **options}
        return EventStream(self.url, self.tokens["display"], **settings)


def fake_centre(**options: object) -> FakeCentre:
    """A fake of the example centre at the live centre's instant, with its credentials."""
    fake = FakeCentre(example_centre(), clock=FixedClock(AT), **options)  # type: ignore[arg-type]
    fake.add_staff(STAFF_NUMBER, pin=PIN, name="Amina")
    return fake


@asynccontextmanager
async def running(kind: str, data_dir: Path) -> AsyncIterator[Centre]:
    """Start the fake or the real centre and give its `Centre` face."""
    if kind == "fake":
        fake = fake_centre()
        tokens = {role: fake.add_device(role) for role in ("kiosk", "display")}
        assert isinstance(fake.clock, FixedClock)
        async with fake:
            yield Centre(
                kind,
                fake.url,
                tokens,
                fake.clock,
                fake.client,
                lambda ref, service, slot: fake.book(ref, service_code=service, slot_start=slot),
            )
        return
    live = LiveCentre(data_dir)
    await live.start()
    try:
        yield Centre(
            kind,
            live.url,
            live.tokens,
            live.clock,
            lambda token: CentreClient(live.url, token),
            lambda ref, service, slot: live.book(ref, service_code=service, slot_start=slot),
        )
    finally:
        await live.stop()
