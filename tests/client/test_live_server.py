"""The client against the real server stopped and restarted (the rest is in the contract tests)."""

import asyncio
from collections.abc import AsyncIterator

import pytest

from centre_client.api import CentreClient
from centre_client.errors import CentreUnavailable
from centre_client.mirror import QueueMirror, Reset
from centre_client.stream import Backoff, EventStream
from centre_core.wire import SnapshotMessage
from centre_server.services import queue_service
from tests.client.live_centre import PIN, LiveCentre

pytestmark = pytest.mark.anyio
FAST = Backoff(initial=0.05, cap=0.2)


@pytest.fixture
async def centre(tmp_path) -> AsyncIterator[LiveCentre]:
    live = LiveCentre(tmp_path)
    await live.start()
    yield live
    if live._server is not None:
        await live.stop()


def display_stream(centre: LiveCentre, **kwargs: object) -> EventStream:
    options: dict = {"heartbeat_timeout": 2.0, "backoff": FAST, **kwargs}
    return EventStream(centre.url, centre.tokens["display"], **options)


async def assert_mirror_equals_the_hall(stream: EventStream, centre: LiveCentre) -> None:
    async with CentreClient(centre.url, centre.tokens["display"]) as client:
        hall = await client.hall_snapshot()
    truth = QueueMirror()
    truth.apply(SnapshotMessage(seq=hall.seq, data=hall))
    assert stream.mirror.last_seq == truth.last_seq
    assert stream.mirror.tickets == truth.tickets
    assert stream.mirror.counters == truth.counters


async def test_server_down_goes_offline_and_after_restart_nothing_is_missed(
    centre: LiveCentre,
) -> None:
    changes: list = []
    states: list[bool] = []
    async with CentreClient(centre.url, centre.tokens["kiosk"]) as kiosk:
        stream = display_stream(centre, on_changes=changes.extend, on_online=states.append)
        async with stream, asyncio.timeout(20):
            await kiosk.issue_ticket(service_code="BC")
            await stream.wait_for_seq(1)
            await centre.stop()
            await stream.wait_online(False)
            with pytest.raises(CentreUnavailable) as down:
                await kiosk.health()
            assert down.value.code == "server_unreachable"

            # While the display cannot reach it, the centre goes on: two tickets are written.
            context = centre.app().state.context
            for _ in range(2):
                queue_service.issue_ticket(context, service_code="DC")
            context.db.engine.dispose()
            resets_before = sum(isinstance(c, Reset) for c in changes)

            await centre.start()
            await stream.wait_for_seq(3)
            assert stream.online
            assert stream.mirror.waiting_count("DC") == 2
            await assert_mirror_equals_the_hall(stream, centre)
    # It resumed by replay from seq 1, not by a fresh snapshot.
    assert sum(isinstance(c, Reset) for c in changes) == resets_before
    assert states[:3] == [True, False, True]


async def test_many_restarts_and_a_resume_older_than_the_replay_window_end_in_step(
    tmp_path,
) -> None:
    centre = LiveCentre(tmp_path, stream_replay_window=3)
    await centre.start()
    changes: list = []
    kiosk = CentreClient(centre.url, centre.tokens["kiosk"])
    counter = CentreClient(centre.url)
    try:
        async with kiosk, counter, display_stream(centre, on_changes=changes.extend) as stream:
            async with asyncio.timeout(30):
                await counter.login_staff(staff_number="S1", pin=PIN, counter="C07")
                for round_ in range(4):
                    await kiosk.issue_ticket(service_code="BC")
                    called = await counter.call_next(counter="C07")
                    await stream.wait_for_seq(called.seq)
                    await centre.stop()
                    await stream.wait_online(False)
                    # Missed while away: within the replay window on even rounds, beyond it on
                    # odd ones (the server then answers the resume with a snapshot).
                    context = centre.app().state.context
                    for _ in range(2 + 2 * (round_ % 2)):
                        queue_service.issue_ticket(context, service_code="DC")
                    context.db.engine.dispose()
                    await centre.start()
                    await counter.finish(counter="C07")
                    health = await kiosk.health()
                    await stream.wait_for_seq(health.seq)
                await assert_mirror_equals_the_hall(stream, centre)
                assert centre.context is not None
                assert centre.context.hub.subscriber_count == 1
    finally:
        await centre.stop()
    assert sum(isinstance(change, Reset) for change in changes) == 1 + 2
