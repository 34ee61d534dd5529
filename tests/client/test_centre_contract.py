"""The same cases on FakeCentre and on the real server: where they differ, the fake is wrong."""

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import BaseModel
from websockets.asyncio.client import connect

from centre_client.errors import CentreApiError
from centre_client.mirror import Called, OtherEvent, QueueMirror, Reset
from centre_client.stream import EventStream
from centre_core.wire import HallSnapshot, PrinterStatus, SnapshotMessage
from tests.client.centres import FAST, STAFF_NUMBER, Centre, running
from tests.client.live_centre import AT, PIN

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["fake", "real"])
async def centre(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Centre]:
    async with running(request.param, tmp_path) as started:
        yield started


def mirror_of(hall: HallSnapshot) -> QueueMirror:
    mirror = QueueMirror()
    mirror.apply(SnapshotMessage(seq=hall.seq, data=hall))
    return mirror


async def refusal(command: object) -> tuple[str, int | None]:
    """Run a command that must be refused; return its code and HTTP status."""
    with pytest.raises(CentreApiError) as refused:
        await command  # type: ignore[misc]
    return refused.value.code, refused.value.status


async def test_a_ticket_is_issued_called_served_and_finished(centre: Centre) -> None:
    async with centre.kiosk() as kiosk, centre.staff() as counter:
        menu = await kiosk.list_services()
        bc = next(service for service in menu.services if service.code == "BC")
        assert (bc.waiting, bc.is_open, bc.counters_open) == (0, True, 0)
        first = await kiosk.issue_ticket(service_code="BC")
        centre.clock.advance(seconds=30)
        second = await kiosk.issue_ticket(service_code="BC", priority="elderly")
        centre.clock.advance(seconds=30)
        third = await kiosk.issue_ticket(service_code="BC", phone="0712345678")
        assert (first.number, second.number, third.number) == ("B-001", "B-002", "B-003")
        assert [t.people_ahead for t in (first, second, third)] == [0, 1, 2]
        # The estimate plans with the calling order: the priority ticket goes before B-001.
        assert [t.estimated_wait_minutes for t in (first, second, third)] == [0, 0, 18]
        assert third.phone_masked == "+254 7** *** 678"
        assert first.status_url == f"http://centre.test/t/{first.token}"

        session = await counter.login_staff(staff_number=STAFF_NUMBER, pin=PIN, counter="C07")
        assert (session.counter, session.roles) == ("C07", ["counter"])
        view = await counter.counter_queue(counter="C07")
        assert view.counter.status == "open"
        # Two normal tickets, then the priority one (priority_every = 2).
        assert [n.ticket.number for n in view.next] == ["B-001", "B-003", "B-002"]
        assert [(q.queue_key, q.waiting) for q in view.queues] == [("BC", 3), ("DC", 0)]

        called = await counter.call_next(counter="C07")
        assert called.ticket is not None and called.reason is not None
        assert (called.ticket.number, called.ticket.status, called.reason.code) == (
            "B-001",
            "called",
            "most_urgent",
        )
        assert (called.counter.ticket_id, called.counter.number) == (first.ticket_id, "B-001")
        serving = await counter.start_serving(counter="C07", ticket=first.ticket_id)
        assert serving.ticket is not None and serving.ticket.status == "serving"
        centre.clock.advance(minutes=4)
        done = await counter.finish(counter="C07")
        assert done.ticket is not None and done.ticket.status == "done"
        assert (done.counter.ticket_id, done.seq) == (None, 7)
        status = await kiosk.ticket_status(first.token)
        assert (status.status, status.counter) == ("done", None)
        figures = await counter.staff_figures()
        assert (figures.served, figures.mean_handling_seconds) == (1, 240.0)

        normal = await counter.call_next(counter="C07")
        assert normal.ticket is not None and normal.ticket.phone_masked == "+254 7** *** 678"
        no_show = await counter.mark_no_show(counter="C07")
        assert no_show.ticket is not None and no_show.ticket.status == "no_show"
        priority = await counter.call_next(counter="C07")
        assert priority.reason is not None and priority.ticket is not None
        assert (priority.ticket.number, priority.reason.code) == ("B-002", "priority_turn")
        await counter.finish(counter="C07")
        await counter.logout()
        assert (await kiosk.health()).seq == 12
        menu = await kiosk.list_services()
        bc = next(service for service in menu.services if service.code == "BC")
        assert (bc.waiting, bc.counters_open, bc.estimated_wait_minutes) == (0, 0, 0)


async def test_a_ticket_issued_called_and_finished_shows_in_the_mirror(centre: Centre) -> None:
    changes: list = []
    kiosk, counter = centre.kiosk(), centre.staff()
    async with kiosk, counter, centre.display_stream(on_changes=changes.extend) as stream:
        async with asyncio.timeout(10):
            await stream.wait_online()
            ticket = await kiosk.issue_ticket(service_code="BC")
            await stream.wait_until(lambda: stream.mirror.ticket(ticket.ticket_id) is not None)
            assert stream.mirror.waiting_count("BC") == 1

            await counter.login_staff(staff_number=STAFF_NUMBER, pin=PIN, counter="C07")
            called = await counter.call_next(counter="C07")
            await stream.wait_for_seq(called.seq)
            [call] = stream.mirror.called_now()
            assert (call.number, call.counter) == (ticket.number, "C07")
            assert stream.mirror.counters["C07"].ticket_id == ticket.ticket_id
            async with centre.client(centre.tokens["display"]) as display:
                truth = mirror_of(await display.hall_snapshot())
            assert (stream.mirror.tickets, stream.mirror.counters) == (
                truth.tickets,
                truth.counters,
            )

            await counter.start_serving(counter="C07", ticket=ticket.ticket_id)
            done = await counter.finish(counter="C07")
            await stream.wait_for_seq(done.seq)
            assert stream.mirror.ticket(ticket.ticket_id) is None
            assert stream.mirror.counters["C07"].ticket_id is None
            await counter.logout()
            assert counter.token is None
            await stream.wait_until(lambda: stream.mirror.counters["C07"].status == "closed")
    assert [c.call.number for c in changes if isinstance(c, Called)] == [ticket.number]


async def test_a_staged_journey_recalls_transfers_and_pauses(centre: Centre) -> None:
    async with centre.kiosk() as kiosk, centre.staff() as staff:
        await staff.login_staff(staff_number=STAFF_NUMBER, pin=PIN, counter="C02")
        ticket = await kiosk.issue_ticket(service_code="NID")
        assert (ticket.number, ticket.queue_key) == ("A-001", "NID.verification")
        await staff.call_next(counter="C02")
        advanced = await staff.finish(counter="C02")
        assert advanced.ticket is not None
        assert (advanced.ticket.status, advanced.ticket.queue_key) == ("waiting", "NID.biometrics")

        other = await kiosk.issue_ticket(service_code="BC")
        await staff.serve_ticket(counter="C02", ticket=other.ticket_id)
        recalled = await staff.recall(counter="C02", ticket=other.ticket_id)
        assert recalled.ticket is not None and recalled.ticket.recalls == 1
        moved = await staff.transfer(counter="C02", to_service="DC", note="wrong queue")
        assert moved.ticket is not None
        assert (moved.ticket.queue_key, moved.ticket.number, moved.ticket.note) == (
            "DC",
            "B-001",
            "wrong queue",
        )
        paused = await staff.pause(counter="C02", reason="tea")
        assert (paused.counter.status, paused.counter.pause_reason) == ("paused", "tea")
        assert await refusal(staff.call_next(counter="C02")) == ("counter_paused", 409)
        resumed = await staff.resume(counter="C02")
        assert resumed.counter.status == "open"
        assert await refusal(staff.call_next(counter="C02")) == ("no_waiting_tickets", 409)


async def test_refusals_carry_the_servers_codes_and_statuses(centre: Centre) -> None:
    async with centre.kiosk() as kiosk, centre.staff() as staff, centre.client("nope") as stranger:
        assert await refusal(stranger.list_services()) == ("unauthenticated", 401)
        assert await refusal(
            staff.login_staff(staff_number=STAFF_NUMBER, pin="000000", counter="C07")
        ) == ("invalid_credentials", 401)
        assert await refusal(kiosk.issue_ticket(service_code="XX")) == ("service_not_found", 404)
        assert await refusal(kiosk.issue_ticket(service_code="BC", priority="vip")) == (
            "unknown_priority",
            422,
        )
        assert await refusal(kiosk.call_next(counter="C07")) == ("forbidden", 403)
        assert await refusal(kiosk.ticket_status("no-such-token")) == ("ticket_not_found", 404)
        assert await refusal(kiosk.check_in(reference="HC-NONE")) == (
            "appointment_not_found",
            404,
        )

        await staff.login_staff(staff_number=STAFF_NUMBER, pin=PIN, counter="C07")
        assert await refusal(staff.call_next(counter="C07")) == ("no_waiting_tickets", 409)
        assert await refusal(staff.call_next(counter="C01")) == ("forbidden", 403)
        assert await refusal(staff.finish(counter="C07")) == ("ticket_not_held", 409)
        ticket = await kiosk.issue_ticket(service_code="BC")
        await staff.call_next(counter="C07")
        assert await refusal(staff.call_next(counter="C07")) == ("counter_busy", 409)
        assert await refusal(staff.finish(counter="C07", ticket="wrongid")) == (
            "ticket_not_found",
            404,
        )
        assert await refusal(staff.pause(counter="C07")) == ("counter_busy", 409)
        assert await refusal(staff.transfer(counter="C07", to_counter="C09")) == (
            "transfer_target_invalid",
            422,
        )
        await staff.finish(counter="C07", ticket=ticket.ticket_id)

        centre.clock.advance(minutes=5 * 24 * 60)  # Saturday: the NSSF back office is closed
        assert await refusal(kiosk.issue_ticket(service_code="NSSF")) == ("service_closed", 409)


async def test_a_retried_request_id_changes_nothing_and_a_reused_one_is_refused(
    centre: Centre,
) -> None:
    async with centre.kiosk() as kiosk, centre.staff() as staff:
        first = await kiosk.issue_ticket(service_code="BC", request_id="kiosk1-press-0001")
        again = await kiosk.issue_ticket(service_code="BC", request_id="kiosk1-press-0001")
        assert first == again
        assert await refusal(kiosk.issue_ticket(service_code="DC", request_id="kiosk1-press-0001"))
        assert (await kiosk.health()).seq == 1

        await staff.login_staff(staff_number=STAFF_NUMBER, pin=PIN, counter="C07")
        called = await staff.call_next(counter="C07", request_id="counter7-call-0001")
        repeated = await staff.call_next(counter="C07", request_id="counter7-call-0001")
        assert called == repeated
        assert (await kiosk.health()).seq == called.seq == 3
        reused = await refusal(staff.finish(counter="C07", request_id="counter7-call-0001"))
        assert reused == ("request_id_reused", 409)


async def test_check_in_device_status_and_the_hall(centre: Centre) -> None:
    centre.book("HC-2026-0042", "NID", AT + timedelta(minutes=10))
    async with centre.kiosk() as kiosk, centre.client(centre.tokens["display"]) as display:
        checked_in = await kiosk.check_in(reference="HC-2026-0042")
        assert (checked_in.timing, checked_in.ticket.source) == ("on_time", "appointment")
        assert checked_in.ticket.queue_key == "NID.verification"
        assert await refusal(kiosk.check_in(reference="HC-2026-0042")) == (
            "appointment_already_checked_in",
            409,
        )
        report = await kiosk.report_device_status(
            printer=PrinterStatus(online=True, paper="low"), message="paper low"
        )
        assert report.seq == 3
        walk_in = await kiosk.issue_ticket(service_code="BC")
        hall = await display.hall_snapshot()
    assert (hall.seq, hall.centre_code, hall.devices) == (4, "HC-NBI-GPO", None)
    assert hall.totals.waiting == 2
    assert {t.number for t in hall.tickets} == {checked_in.ticket.number, walk_in.number}
    nid = next(service for service in hall.services if service.code == "NID")
    assert (nid.waiting, nid.estimated_wait_minutes) == (1, 7)
    assert [c.services for c in hall.counters if c.code == "C07"] == [["BC", "DC"]]
    assert (hall.called_now, hall.recent_calls) == ([], [])


async def test_the_stream_replays_after_a_seq_then_streams_live(centre: Centre) -> None:
    changes: list = []
    async with centre.kiosk() as kiosk, centre.staff() as staff:
        await kiosk.issue_ticket(service_code="BC")
        async with centre.client(centre.tokens["display"]) as display:
            mirror = mirror_of(await display.hall_snapshot())
        assert mirror.last_seq == 1
        await staff.login_staff(staff_number=STAFF_NUMBER, pin=PIN, counter="C07")
        missed = await staff.call_next(counter="C07")
        stream = centre.display_stream(mirror=mirror, on_changes=changes.extend)
        async with stream, asyncio.timeout(10):
            await stream.wait_for_seq(missed.seq)
            live = await kiosk.issue_ticket(service_code="DC")
            await stream.wait_until(lambda: stream.mirror.ticket(live.ticket_id) is not None)
            async with centre.client(centre.tokens["display"]) as display:
                truth = mirror_of(await display.hall_snapshot())
    assert not any(isinstance(change, Reset) for change in changes)
    assert [c.call.number for c in changes if isinstance(c, Called)] == ["B-001"]
    assert (stream.mirror.tickets, stream.mirror.counters) == (truth.tickets, truth.counters)
    assert stream.mirror.last_seq == truth.last_seq == 4


async def test_a_fresh_stream_starts_from_a_snapshot_and_hears_device_reports(
    centre: Centre,
) -> None:
    changes: list = []
    async with centre.kiosk() as kiosk:
        for _ in range(3):
            await kiosk.issue_ticket(service_code="BC")
        async with centre.display_stream(on_changes=changes.extend) as stream:
            async with asyncio.timeout(10):
                await stream.wait_for_seq(3)
                report = await kiosk.report_device_status(
                    printer=PrinterStatus(online=False, paper="out", error="paper_out")
                )
                await stream.wait_for_seq(report.seq)
    assert isinstance(changes[0], Reset) and changes[0].seq == 3
    assert stream.mirror.waiting_count("BC") == 3
    [device] = [c for c in changes if isinstance(c, OtherEvent)]
    assert (device.type, device.data["role"], device.data["printer"]["paper"]) == (
        "device.status",
        "kiosk",
        "out",
    )


async def test_a_stream_with_a_bad_token_stays_offline_with_the_servers_code(
    centre: Centre,
) -> None:
    stream = EventStream(centre.url, "not-a-token", backoff=FAST)
    async with stream, asyncio.timeout(10):
        await stream.wait_until(lambda: stream.last_error == "unauthenticated")
        assert not stream.online


async def journey(centre: Centre) -> list[object]:
    """Every answer and event of one busy morning, as JSON."""
    answers: list[object] = []
    async with centre.kiosk() as kiosk, centre.staff() as staff:
        for service, priority in [("NID", None), ("BC", None), ("BC", "disability"), ("DC", None)]:
            answers.append(await kiosk.issue_ticket(service_code=service, priority=priority))
            centre.clock.advance(seconds=40)
        answers.append(await staff.login_staff(staff_number=STAFF_NUMBER, pin=PIN, counter="C02"))
        answers.append(await staff.counter_queue(counter="C02", limit=10))
        for command in (staff.call_next, staff.recall, staff.start_serving, staff.finish):
            answers.append(await command(counter="C02"))
            centre.clock.advance(seconds=90)
        answers.append(await staff.call_next(counter="C02"))
        answers.append(await staff.transfer(counter="C02", to_service="BC", to_counter="C07"))
        answers.append(await staff.call_next(counter="C02"))
        answers.append(await staff.counter_queue(counter="C02"))
        answers.append(await kiosk.list_services())
        answers.append(await kiosk.hall_snapshot())
        answers.append(await staff.staff_figures())
    async with connect(
        f"{centre.url.replace('http', 'ws')}/api/v1/stream?after=0",
        additional_headers={"Authorization": f"Bearer {centre.tokens['display']}"},
    ) as socket:
        head = answers[-2].seq  # type: ignore[attr-defined]
        answers.extend([json.loads(await socket.recv()) for _ in range(head)])
    return [a.model_dump(mode="json") if isinstance(a, BaseModel) else a for a in answers]


def anonymised(values: list[object]) -> list[object]:
    """Replace the random parts (ids, tokens) by labels in order of first appearance."""
    labels: dict[str, str] = {}

    def walk(value: object, key: str = "") -> object:
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, key) for v in value]
        if isinstance(value, str) and key in {"ticket_id", "token", "device_id", "name"}:
            labels.setdefault(value, f"<{key}-{len(labels)}>")
        if isinstance(value, str):
            for raw, label in labels.items():
                value = value.replace(raw, label)
        return value

    return [walk(value) for value in values]


async def test_the_fake_answers_a_whole_morning_as_the_server_does(tmp_path: Path) -> None:
    morning = {}
    for kind in ("fake", "real"):
        (tmp_path / kind).mkdir()
        async with running(kind, tmp_path / kind) as centre:
            morning[kind] = anonymised(await journey(centre))
    for fake, real in zip(morning["fake"], morning["real"], strict=True):
        assert fake == real
