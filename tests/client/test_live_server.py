"""The client against the real centre server over real HTTP and websocket on loopback."""

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from centre_client.api import CentreClient
from centre_client.errors import CentreApiError, CentreUnavailable
from centre_client.mirror import Called, OtherEvent, QueueMirror, Reset
from centre_client.stream import Backoff, EventStream
from centre_core.wire import PrinterStatus, SnapshotMessage
from centre_server.services import queue_service
from tests.client.live_centre import AT, PIN, LiveCentre

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


async def test_a_ticket_issued_called_and_finished_shows_in_the_mirror(
    centre: LiveCentre,
) -> None:
    changes: list = []
    kiosk = CentreClient(centre.url, centre.tokens["kiosk"])
    counter = CentreClient(centre.url)
    async with kiosk, counter, display_stream(centre, on_changes=changes.extend) as stream:
        async with asyncio.timeout(10):
            await stream.wait_online()
            menu = await kiosk.list_services()
            assert "BC" in {service.code for service in menu.services}
            ticket = await kiosk.issue_ticket(service_code="BC")
            await stream.wait_until(lambda: stream.mirror.ticket(ticket.ticket_id) is not None)
            assert stream.mirror.waiting_count("BC") == 1

            session = await counter.login_staff(staff_number="S1", pin=PIN, counter="C07")
            assert session.counter == "C07"
            view = await counter.counter_queue(counter="C07")
            assert (view.waiting_total, view.next[0].ticket.number) == (1, ticket.number)
            called = await counter.call_next(counter="C07")
            assert called.ticket.number == ticket.number
            await stream.wait_for_seq(called.seq)
            [call] = stream.mirror.called_now()
            assert (call.number, call.counter) == (ticket.number, "C07")
            assert stream.mirror.counters["C07"].ticket_id == ticket.ticket_id
            await assert_mirror_equals_the_hall(stream, centre)

            await counter.start_serving(counter="C07", ticket=ticket.ticket_id)
            done = await counter.finish(counter="C07")
            await stream.wait_for_seq(done.seq)
            assert stream.mirror.ticket(ticket.ticket_id) is None
            assert stream.mirror.counters["C07"].ticket_id is None
            await assert_mirror_equals_the_hall(stream, centre)
            await counter.logout()
            assert counter.token is None
            await stream.wait_until(lambda: stream.mirror.counters["C07"].status == "closed")
    assert [c.call.number for c in changes if isinstance(c, Called)] == [ticket.number]


async def test_the_kiosk_checks_in_reports_its_printer_and_the_citizen_sees_the_ticket(
    centre: LiveCentre,
) -> None:
    centre.book("HC-2026-0042", service_code="NID", slot_start=AT + timedelta(minutes=10))
    changes: list = []
    kiosk = CentreClient(centre.url, centre.tokens["kiosk"])
    async with kiosk, display_stream(centre, on_changes=changes.extend) as stream:
        async with asyncio.timeout(10):
            await stream.wait_online()
            checked_in = await kiosk.check_in(reference="HC-2026-0042")
            assert (checked_in.timing, checked_in.ticket.source) == ("on_time", "appointment")
            report = await kiosk.report_device_status(
                printer=PrinterStatus(online=True, paper="low"), message="paper low"
            )
            await stream.wait_for_seq(report.seq)
            async with CentreClient(centre.url) as phone:
                status = await phone.ticket_status(checked_in.ticket.token)
    assert status.number == checked_in.ticket.number
    assert stream.mirror.ticket(checked_in.ticket.ticket_id).queue_key == "NID.verification"
    [device] = [c for c in changes if isinstance(c, OtherEvent) and c.type == "device.status"]
    assert (device.data["role"], device.data["printer"]["paper"]) == ("kiosk", "low")


async def test_the_same_request_id_gives_one_ticket(centre: LiveCentre) -> None:
    async with CentreClient(centre.url, centre.tokens["kiosk"]) as kiosk:
        first = await kiosk.issue_ticket(service_code="BC", request_id="kiosk1-press-0001")
        again = await kiosk.issue_ticket(service_code="BC", request_id="kiosk1-press-0001")
        other = await kiosk.issue_ticket(service_code="BC")
        health = await kiosk.health()
    assert first == again
    assert other.ticket_id != first.ticket_id
    assert health.seq == 2


async def test_the_servers_refusals_arrive_as_codes(centre: LiveCentre) -> None:
    async with CentreClient(centre.url) as counter:
        with pytest.raises(CentreApiError) as wrong_pin:
            await counter.login_staff(staff_number="S1", pin="000000", counter="C07")
        await counter.login_staff(staff_number="S1", pin=PIN, counter="C07")
        with pytest.raises(CentreApiError) as empty:
            await counter.call_next(counter="C07")
        with pytest.raises(CentreApiError) as elsewhere:
            await counter.call_next(counter="C01")
    assert (wrong_pin.value.code, wrong_pin.value.status) == ("invalid_credentials", 401)
    assert (empty.value.code, empty.value.status) == ("no_waiting_tickets", 409)
    assert elsewhere.value.code == "forbidden"


async def test_a_stream_with_a_bad_token_stays_offline_with_the_servers_code(
    centre: LiveCentre,
) -> None:
    stream = EventStream(centre.url, "not-a-token", backoff=FAST)
    async with stream, asyncio.timeout(10):
        await stream.wait_until(lambda: stream.last_error == "unauthenticated")
        assert not stream.online


async def test_a_display_starting_late_gets_a_snapshot_then_live_events(
    centre: LiveCentre,
) -> None:
    changes: list = []
    async with CentreClient(centre.url, centre.tokens["kiosk"]) as kiosk:
        for _ in range(3):
            await kiosk.issue_ticket(service_code="BC")
        async with display_stream(centre, on_changes=changes.extend) as stream:
            async with asyncio.timeout(10):
                await stream.wait_for_seq(3)
                assert isinstance(changes[0], Reset)
                last = await kiosk.issue_ticket(service_code="DC")
                await stream.wait_until(lambda: stream.mirror.ticket(last.ticket_id) is not None)
                assert stream.mirror.waiting_count() == 4
                await assert_mirror_equals_the_hall(stream, centre)


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
                assert centre.context.hub.subscriber_count == 1
    finally:
        await centre.stop()
    assert sum(isinstance(change, Reset) for change in changes) == 1 + 2
