"""The event stream against FakeCentre's websocket on loopback, which drops, skips and stalls."""

import asyncio
import random
from collections.abc import Callable

import pytest

from centre_client.mirror import Called, QueueMirror
from centre_client.stream import Backoff, EventStream
from centre_client.testing import FakeCentre
from centre_core.clock import FixedClock
from centre_core.wire import SnapshotMessage
from tests.client.centres import DISPLAY_TOKEN, STAFF_NUMBER
from tests.client.live_centre import PIN

pytestmark = pytest.mark.anyio

# Quick reconnects and a short watchdog keep the tests fast; the logic is the production one.
FAST = Backoff(initial=0.01, cap=0.05)


def make_stream(centre: FakeCentre, **kwargs: object) -> EventStream:
    options: dict = {"heartbeat_timeout": 2.0, "backoff": FAST, **kwargs}
    return EventStream(centre.url, DISPLAY_TOKEN, **options)


def assert_mirrors_the_hall(stream: EventStream, centre: FakeCentre) -> None:
    hall = centre.hall_snapshot()
    truth = QueueMirror()
    truth.apply(SnapshotMessage(seq=hall.seq, data=hall))
    assert stream.mirror.last_seq == truth.last_seq == centre.head
    assert stream.mirror.tickets == truth.tickets
    assert stream.mirror.counters == truth.counters


def open_counter(centre: FakeCentre) -> None:
    centre.login_staff(staff_number=STAFF_NUMBER, pin=PIN, counter="C07")


def issue(centre: FakeCentre) -> str:
    """Issue a ticket; the clock moves on, so calls go in issue order (no tie on random ids)."""
    number = centre.issue_ticket(service_code="BC").number
    assert isinstance(centre.clock, FixedClock)
    centre.clock.advance(seconds=1)
    return number


async def until(predicate: Callable[[], bool]) -> None:
    """Poll the fake server's or the stream's state (neither has an event to wait on)."""
    async with asyncio.timeout(5):
        while not predicate():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


async def test_a_fresh_client_starts_from_a_snapshot_then_follows_live_events(
    centre: FakeCentre,
) -> None:
    open_counter(centre)
    number = issue(centre)
    async with make_stream(centre) as stream, asyncio.timeout(5):
        await stream.wait_for_seq(2)
        assert stream.online
        issue(centre)
        centre.call_next(counter="C07")
        await stream.wait_for_seq(4)
        assert_mirrors_the_hall(stream, centre)
        assert [call.number for call in stream.mirror.called_now()] == [number]
    assert centre.stream_afters == [None]


async def test_after_a_server_drop_it_resumes_from_the_last_applied_seq(
    centre: FakeCentre,
) -> None:
    async with make_stream(centre) as stream, asyncio.timeout(5):
        for _ in range(3):
            issue(centre)
        await stream.wait_for_seq(3)
        centre.drop_connections()
        await until(lambda: len(centre.stream_afters) == 2)
        issue(centre)
        issue(centre)
        await stream.wait_for_seq(5)
        assert_mirrors_the_hall(stream, centre)
    assert centre.stream_afters == [None, 3]


async def test_a_gap_makes_it_reconnect_for_a_snapshot(centre: FakeCentre) -> None:
    async with make_stream(centre) as stream, asyncio.timeout(5):
        issue(centre)
        await stream.wait_for_seq(1)
        centre.skip_next = 1
        issue(centre)
        issue(centre)
        await stream.wait_for_seq(3)
        assert_mirrors_the_hall(stream, centre)
        assert stream.last_error is None
        assert stream.connections == 2
    assert centre.stream_afters == [None, None]


async def test_duplicates_from_the_server_are_applied_once(centre: FakeCentre) -> None:
    seen: list = []
    open_counter(centre)
    async with make_stream(centre, on_changes=seen.extend) as stream, asyncio.timeout(5):
        await stream.wait_for_seq(1)
        centre.duplicate_live = True
        number = issue(centre)
        centre.call_next(counter="C07")
        await stream.wait_for_seq(3)
        centre.duplicate_live = False
        issue(centre)
        await stream.wait_for_seq(4)
        assert_mirrors_the_hall(stream, centre)
        assert stream.connections == 1
    assert [c.call.number for c in seen if isinstance(c, Called)] == [number]


async def test_a_silent_server_is_dead_after_the_heartbeat_timeout(centre: FakeCentre) -> None:
    states: list[bool] = []
    async with (
        make_stream(centre, on_online=states.append, heartbeat_timeout=0.8) as stream,
        asyncio.timeout(5),
    ):
        issue(centre)
        await stream.wait_for_seq(1)
        centre.silent = True
        await stream.wait_online(False)
        assert stream.last_error == "heartbeat_timeout"
        centre.silent = False
        await stream.wait_online(True)
        issue(centre)
        await stream.wait_for_seq(2)
    assert states == [True, False, True, False]
    assert centre.stream_afters[:2] == [None, 1]


async def test_heartbeats_keep_a_quiet_connection_alive(centre: FakeCentre) -> None:
    states: list[bool] = []
    async with make_stream(centre, on_online=states.append, heartbeat_timeout=0.6) as stream:
        await stream.wait_online(True)
        await asyncio.sleep(1.5)
        assert stream.connections == 1
    assert states == [True, False]


async def test_server_restart_goes_offline_backs_off_and_resumes_missing_nothing(
    centre: FakeCentre,
) -> None:
    delays: list[float] = []

    async def record_sleep(delay: float) -> None:
        delays.append(delay)
        await asyncio.sleep(0.01)

    backoff = Backoff(initial=1.0, factor=2.0, cap=8.0, jitter=0.0)
    async with (
        make_stream(centre, backoff=backoff, sleep=record_sleep) as stream,
        asyncio.timeout(10),
    ):
        issue(centre)
        await stream.wait_for_seq(1)
        await centre.go_offline()
        await stream.wait_online(False)
        assert stream.last_error in {"connection_closed", "server_unreachable"}
        await until(lambda: len(delays) >= 6)
        # Events the server recorded while the client could not hear it.
        issue(centre)
        issue(centre)
        await centre.come_online()
        await stream.wait_for_seq(3)
        assert stream.online
        assert_mirrors_the_hall(stream, centre)
    assert delays[:6] == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert centre.stream_afters == [None, 1]


async def test_a_refused_token_keeps_it_offline_and_says_why(centre: FakeCentre) -> None:
    states: list[bool] = []
    stream = EventStream(
        centre.url, "wrong", heartbeat_timeout=0.5, backoff=FAST, on_online=states.append
    )
    async with stream:
        await until(lambda: stream.connections >= 3)
        assert stream.last_error == "unauthenticated"
        assert not stream.online
    assert states == []


async def test_it_pings_and_the_pongs_alone_keep_it_alive(centre: FakeCentre) -> None:
    centre.heartbeat_seconds = 10.0
    async with make_stream(centre, heartbeat_timeout=0.6, ping_interval=0.1) as stream:
        await stream.wait_online(True)
        await asyncio.sleep(1.5)
        assert stream.connections == 1
        assert centre.pings >= 5


async def test_a_malformed_message_makes_it_resync(centre: FakeCentre) -> None:
    async with make_stream(centre) as stream, asyncio.timeout(5):
        issue(centre)
        await stream.wait_for_seq(1)
        await centre.send_raw("not json")
        issue(centre)
        await stream.wait_for_seq(2)
        assert_mirrors_the_hall(stream, centre)
    assert centre.stream_afters == [None, None]


async def test_a_server_whose_database_was_replaced_is_resynced(centre: FakeCentre) -> None:
    for _ in range(3):
        issue(centre)
    async with make_stream(centre) as stream, asyncio.timeout(5):
        await stream.wait_for_seq(3)
        centre.replace_database()
        issue(centre)
        await until(lambda: len(centre.stream_afters) == 2)
        await until(lambda: stream.mirror.last_seq == 1)
        assert_mirrors_the_hall(stream, centre)
    assert centre.stream_afters == [None, None]


async def test_a_failing_callback_does_not_stop_the_stream(centre: FakeCentre) -> None:
    def explode(changes: list) -> None:
        raise RuntimeError("view-model bug")

    async with make_stream(centre, on_changes=explode, on_online=explode) as stream:
        issue(centre)
        issue(centre)
        async with asyncio.timeout(5):
            await stream.wait_for_seq(2)
        assert stream.connections == 1


async def test_aclose_closes_the_one_connection(centre: FakeCentre) -> None:
    stream = make_stream(centre)
    stream.start()
    with pytest.raises(RuntimeError):
        stream.start()
    await stream.wait_online(True)
    with pytest.raises(RuntimeError):
        await stream.run()
    await until(lambda: centre.live_connections == 1)
    await stream.aclose()
    assert not stream.online
    await until(lambda: centre.live_connections == 0)


async def test_many_forced_disconnects_end_with_the_hall_and_one_connection(
    centre: FakeCentre,
) -> None:
    chaos = random.Random(7)
    open_counter(centre)
    async with make_stream(centre, heartbeat_timeout=0.3) as stream, asyncio.timeout(20):
        for round_ in range(30):
            action = chaos.choice(["issue", "issue", "drop", "gap", "call", "restart"])
            if action == "issue":
                issue(centre)
            elif action == "drop":
                centre.drop_connections()
            elif action == "gap":
                centre.skip_next = chaos.randint(1, 3)
            elif action == "call":
                if centre.counter_queue(counter="C07").waiting_total:
                    centre.call_next(counter="C07")
                    centre.finish(counter="C07")
            else:
                await centre.go_offline()
                issue(centre)
                await centre.come_online()
            await asyncio.sleep(chaos.uniform(0, 0.03) if round_ % 3 else 0)
        centre.skip_next = 0
        issue(centre)
        await stream.wait_for_seq(centre.head)
        assert_mirrors_the_hall(stream, centre)
        await until(lambda: centre.live_connections == 1)
        await asyncio.sleep(0.2)
        assert centre.live_connections == 1


def test_backoff_grows_to_its_cap_with_bounded_jitter() -> None:
    assert [Backoff(jitter=0).delay(n) for n in range(8)] == [
        0.5,
        1.0,
        2.0,
        4.0,
        8.0,
        16.0,
        30.0,
        30.0,
    ]
    low = Backoff(random=lambda: 0.0)
    high = Backoff(random=lambda: 1.0)
    assert (low.delay(3), high.delay(3)) == (2.0, 4.0)
