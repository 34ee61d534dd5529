"""The event stream against a real websocket server on loopback that drops, skips and stalls."""

import asyncio
import random
from collections.abc import Callable

import pytest

from centre_client.mirror import Called, QueueMirror
from centre_client.stream import Backoff, EventStream
from tests.client.events import ticket_data
from tests.client.fake_centre import TOKEN, FakeCentre

pytestmark = pytest.mark.anyio

# Quick reconnects and a short watchdog keep the tests fast; the logic is the production one.
FAST = Backoff(initial=0.01, cap=0.05)


def make_stream(centre: FakeCentre, **kwargs: object) -> EventStream:
    options: dict = {"heartbeat_timeout": 2.0, "backoff": FAST, **kwargs}
    return EventStream(centre.url, TOKEN, **options)


def replayed(centre: FakeCentre) -> QueueMirror:
    mirror = QueueMirror()
    for message in centre.log:
        mirror.apply(message)
    return mirror


def assert_mirrors_the_log(stream: EventStream, centre: FakeCentre) -> None:
    truth = replayed(centre)
    assert stream.mirror.last_seq == truth.last_seq
    assert stream.mirror.tickets == truth.tickets
    assert stream.mirror.counters == truth.counters


async def until(predicate: Callable[[], bool]) -> None:
    """Poll the fake server's or the stream's state (neither has an event to wait on)."""
    async with asyncio.timeout(5):
        while not predicate():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


async def test_a_fresh_client_starts_from_a_snapshot_then_follows_live_events(
    centre: FakeCentre,
) -> None:
    centre.publish("counter.opened", {"counter": "C1", "status": "open"})
    centre.issue()
    async with make_stream(centre) as stream, asyncio.timeout(5):
        await stream.wait_for_seq(2)
        assert stream.online
        centre.issue()
        centre.publish("ticket.called", ticket_data("t1", "N-001", status="called", counter="C1"))
        await stream.wait_for_seq(4)
        assert_mirrors_the_log(stream, centre)
        assert [call.number for call in stream.mirror.called_now()] == ["N-001"]
    assert [session.after for session in centre.sessions] == [None]


async def test_after_a_server_drop_it_resumes_from_the_last_applied_seq(
    centre: FakeCentre,
) -> None:
    async with make_stream(centre) as stream, asyncio.timeout(5):
        for _ in range(3):
            centre.issue()
        await stream.wait_for_seq(3)
        centre.drop_all()
        await until(lambda: len(centre.sessions) == 2)
        centre.issue()
        centre.issue()
        await stream.wait_for_seq(5)
        assert_mirrors_the_log(stream, centre)
    assert [session.after for session in centre.sessions] == [None, 3]


async def test_a_gap_makes_it_reconnect_for_a_snapshot(centre: FakeCentre) -> None:
    seen: list = []
    async with make_stream(centre, on_changes=seen.extend) as stream, asyncio.timeout(5):
        centre.issue()
        await stream.wait_for_seq(1)
        centre.skip_next = 1
        centre.issue()
        centre.issue()
        await stream.wait_for_seq(3)
        assert_mirrors_the_log(stream, centre)
        assert stream.last_error is None
        assert stream.connections == 2
    assert [session.after for session in centre.sessions] == [None, None]


async def test_duplicates_from_the_server_are_applied_once(centre: FakeCentre) -> None:
    seen: list = []
    centre.publish("counter.opened", {"counter": "C1", "status": "open"})
    async with make_stream(centre, on_changes=seen.extend) as stream, asyncio.timeout(5):
        await stream.wait_for_seq(1)
        centre.duplicate_live = True
        centre.issue()
        centre.publish("ticket.called", ticket_data("t1", "N-001", status="called", counter="C1"))
        await stream.wait_for_seq(3)
        centre.duplicate_live = False
        centre.issue()
        await stream.wait_for_seq(4)
        assert_mirrors_the_log(stream, centre)
        assert stream.connections == 1
    assert [c.call.number for c in seen if isinstance(c, Called)] == ["N-001"]


async def test_a_silent_server_is_dead_after_the_heartbeat_timeout(centre: FakeCentre) -> None:
    states: list[bool] = []
    async with (
        make_stream(centre, on_online=states.append, heartbeat_timeout=0.8) as stream,
        asyncio.timeout(5),
    ):
        centre.issue()
        await stream.wait_for_seq(1)
        centre.silent = True
        await stream.wait_online(False)
        assert stream.last_error == "heartbeat_timeout"
        centre.silent = False
        await stream.wait_online(True)
        centre.issue()
        await stream.wait_for_seq(2)
    assert states == [True, False, True, False]
    assert [session.after for session in centre.sessions][:2] == [None, 1]


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
        centre.issue()
        await stream.wait_for_seq(1)
        port = centre.port
        await centre.stop()
        await stream.wait_online(False)
        assert stream.last_error in {"connection_closed", "server_unreachable"}
        await until(lambda: len(delays) >= 6)
        # Events the server recorded while the client could not hear it.
        centre.issue()
        centre.issue()
        await centre.start(port)
        await stream.wait_for_seq(3)
        assert stream.online
        assert_mirrors_the_log(stream, centre)
    assert delays[:6] == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert [session.after for session in centre.sessions] == [None, 1]


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
    centre.heartbeat_interval = 10.0
    async with make_stream(centre, heartbeat_timeout=0.6, ping_interval=0.1) as stream:
        await stream.wait_online(True)
        await asyncio.sleep(1.5)
        assert stream.connections == 1
        assert centre.pings >= 5


async def test_a_malformed_message_makes_it_resync(centre: FakeCentre) -> None:
    async with make_stream(centre) as stream, asyncio.timeout(5):
        centre.issue()
        await stream.wait_for_seq(1)
        for session in centre.live:
            await session.connection.send("not json")
        centre.issue()
        await stream.wait_for_seq(2)
        assert_mirrors_the_log(stream, centre)
    assert [session.after for session in centre.sessions] == [None, None]


async def test_a_server_whose_log_went_back_in_time_is_resynced(centre: FakeCentre) -> None:
    for _ in range(3):
        centre.issue()
    async with make_stream(centre) as stream, asyncio.timeout(5):
        await stream.wait_for_seq(3)
        centre.log = centre.log[:1]
        await until(lambda: len(centre.sessions) == 2)
        await until(lambda: stream.mirror.last_seq == 1)
        assert_mirrors_the_log(stream, centre)


async def test_a_failing_callback_does_not_stop_the_stream(centre: FakeCentre) -> None:
    def explode(changes: list) -> None:
        raise RuntimeError("view-model bug")

    async with make_stream(centre, on_changes=explode, on_online=explode) as stream:
        centre.issue()
        centre.issue()
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
    await until(lambda: len(centre.live) == 1)
    await stream.aclose()
    assert not stream.online
    await until(lambda: not centre.live)


async def test_many_forced_disconnects_end_with_the_log_and_one_connection(
    centre: FakeCentre,
) -> None:
    chaos = random.Random(7)
    centre.publish("counter.opened", {"counter": "C1", "status": "open"})
    async with make_stream(centre, heartbeat_timeout=0.3) as stream, asyncio.timeout(20):
        for round_ in range(30):
            action = chaos.choice(["issue", "issue", "drop", "gap", "call", "restart"])
            if action == "issue":
                centre.issue()
            elif action == "drop":
                centre.drop_all()
            elif action == "gap":
                centre.skip_next = chaos.randint(1, 3)
            elif action == "call":
                ticket = replayed(centre).waiting("NID")
                if ticket and replayed(centre).counters["C1"].ticket_id is None:
                    number, ticket_id = ticket[0].number, ticket[0].ticket_id
                    centre.publish(
                        "ticket.called",
                        ticket_data(ticket_id, number, status="called", counter="C1"),
                    )
                    centre.publish("ticket.done", ticket_data(ticket_id, number, status="done"))
            else:
                port = centre.port
                await centre.stop()
                centre.issue()
                await centre.start(port)
            await asyncio.sleep(chaos.uniform(0, 0.03) if round_ % 3 else 0)
        centre.skip_next = 0
        centre.issue()
        await stream.wait_for_seq(centre.head)
        assert_mirrors_the_log(stream, centre)
        await until(lambda: len(centre.live) == 1)
        await asyncio.sleep(0.2)
        assert len(centre.live) == 1


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
