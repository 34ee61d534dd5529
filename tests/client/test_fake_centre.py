"""FakeCentre's own switches: offline, a gateway's 503s, a slow answer, the hall over real HTTP."""

import asyncio
import time

import pytest

from centre_client.api import CentreClient
from centre_client.errors import CentreUnavailable
from centre_client.testing import FakeCentre
from tests.client.centres import DISPLAY_TOKEN

pytestmark = pytest.mark.anyio


async def test_an_offline_centre_is_unreachable_until_it_comes_back(centre: FakeCentre) -> None:
    async with centre.client(DISPLAY_TOKEN, retry_delay=0.01) as client:
        await centre.go_offline()
        with pytest.raises(CentreUnavailable):
            await client.health()
        await centre.come_online()
        assert (await client.health()).status == "ok"


async def test_a_kiosk_pressing_again_after_a_503_gets_one_ticket(centre: FakeCentre) -> None:
    kiosk_token = centre.add_device("kiosk")
    async with centre.client(kiosk_token) as kiosk:
        centre.fail_next(1)
        with pytest.raises(CentreUnavailable):
            await kiosk.issue_ticket(service_code="BC", request_id="kiosk1-press-0007")
        ticket = await kiosk.issue_ticket(service_code="BC", request_id="kiosk1-press-0007")
        again = await kiosk.issue_ticket(service_code="BC", request_id="kiosk1-press-0007")
    assert ticket == again
    assert (ticket.number, centre.head) == ("B-001", 1)


async def test_a_delayed_centre_answers_late(centre: FakeCentre) -> None:
    centre.delay = 0.2
    async with centre.client(DISPLAY_TOKEN) as client:
        started = time.monotonic()
        await client.health()
    assert time.monotonic() - started >= 0.2


async def test_the_hall_is_also_served_over_http_on_the_stream_port(centre: FakeCentre) -> None:
    centre.issue_ticket(service_code="DC")
    # An app whose client cannot take a transport (the display) reads the hall over the wire.
    async with CentreClient(centre.url, DISPLAY_TOKEN) as display, asyncio.timeout(5):
        hall = await display.hall_snapshot()
    assert (hall.seq, hall.totals.waiting) == (1, 1)
