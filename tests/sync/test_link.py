"""Centre and nation, both real on loopback: rows go up once, bookings come down, offline works."""

import json
from datetime import UTC, datetime

import httpx
from sqlalchemy import select

from centre_core.sync_wire import BookingStatus
from centre_server import cli
from centre_server.db.tables import AppointmentRow, EventRow, OutboxRow, StaffRow, SyncStateRow
from national import centres, feed
from national.db.session import transaction
from national.db.tables import BookingRow, InboxRow
from tests.server.harness import CHEAP_PIN_HASH, PIN
from tests.sync.bookings import put_booking
from tests.sync.centre import wait_until


def outbox_rows(centre) -> list[tuple[int, str, dict]]:
    with centre.context.db.read() as session:
        rows = session.scalars(select(OutboxRow).order_by(OutboxRow.out_seq))
        return [(row.out_seq, row.topic, row.payload) for row in rows]


def inbox_rows(nation) -> list[tuple[int, str, dict]]:
    with transaction(nation.engine) as session:
        rows = session.scalars(select(InboxRow).order_by(InboxRow.seq))
        return [(row.seq, row.topic, row.payload) for row in rows]


def acked(nation) -> int:
    (state,) = centres.sync_states(nation.engine)
    return state.acked_through


def book(nation, ref: str, *, version: int = 1, status: str = "booked") -> None:
    """Write a booking version at the nation and put it in the centre's feed."""
    put_booking(nation.engine, nation.centre, ref, version=version, status=status)


def appointment(centre, ref: str) -> AppointmentRow | None:
    with centre.context.db.read() as session:
        return session.get(AppointmentRow, ref)


def test_every_outbox_row_reaches_the_nation_once_and_the_link_reports_it(centre, nation):
    for _ in range(12):
        centre.issue()
    wait_until(lambda: acked(nation) == 12, what="the nation to hold 12 rows")
    assert inbox_rows(nation) == outbox_rows(centre)
    link = wait_until(lambda: (s := centre.link())["acked_through"] == 12 and s, what="the ack")
    assert link["link"] == "up" and link["pending"] == 0 and link["last_seq"] == 12


def test_bookings_reach_the_centre_through_the_feed_and_merge_by_version(centre, nation):
    book(nation, "HB-AAA2222")
    row = wait_until(lambda: appointment(centre, "HB-AAA2222"), what="the booking at the centre")
    assert (row.status, row.version, row.channel) == ("booked", 1, "web")
    book(nation, "HB-AAA2222", version=2, status=BookingStatus.cancelled)
    wait_until(
        lambda: (a := appointment(centre, "HB-AAA2222")) and a.status == "cancelled",
        what="the cancellation",
    )
    cursor = centre.link()["cursor"]
    assert cursor == 2


def test_a_cancellation_after_check_in_keeps_the_citizen_and_is_flagged_on_both_sides(
    centre, nation
):
    book(nation, "HB-CCC3333")
    wait_until(lambda: appointment(centre, "HB-CCC3333"), what="the booking at the centre")
    response = httpx.post(
        f"{centre.server.url}/api/v1/appointments/check-in",
        json={"reference": "HB-CCC3333"},
        headers={"Authorization": f"Bearer {centre.kiosk}"},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    # The check-in goes up: the nation learns the attendance it does not own.
    wait_until(
        lambda: (b := nation_booking(nation, "HB-CCC3333")) and b.attendance == "checked_in",
        what="the attendance at the nation",
    )
    book(nation, "HB-CCC3333", version=2, status=BookingStatus.cancelled)
    row = wait_until(
        lambda: (a := appointment(centre, "HB-CCC3333")) and a.version == 2 and a,
        what="the late cancellation at the centre",
    )
    assert (row.status, row.booking_status, row.follow_up) == ("checked_in", "cancelled", True)
    with centre.context.db.read() as session:
        types = list(session.scalars(select(EventRow.type).order_by(EventRow.seq)))
    assert "appointment.cancelled_after_check_in" in types
    # The ticket is still waiting in the hall.
    ticket = response.json()["ticket"]
    assert ticket["status"] == "waiting"


def test_a_centre_behind_the_compacted_feed_takes_a_snapshot(centre, nation):
    for n in range(3):
        book(nation, f"HB-SNP{n}222")
    wait_until(lambda: centre.link()["cursor"] == 3, what="three changes applied")
    assert feed.compact(nation.engine, centre=nation.centre, keep=0) == 3
    # The centre restored from an old backup: its cursor is behind the feed's horizon.
    with centre.context.db.write() as transaction:
        transaction.session.get_one(SyncStateRow, 1).cursor = 1
    wait_until(lambda: centre.link()["cursor"] == 3, what="the snapshot's cursor")
    book(nation, "HB-SNP9222")
    wait_until(lambda: appointment(centre, "HB-SNP9222"), what="changes after the snapshot")
    # A cursor the nation never gave (a centre pointed at a rebuilt nation): snapshot too.
    with centre.context.db.write() as transaction:
        transaction.session.get_one(SyncStateRow, 1).cursor = 99
    wait_until(lambda: centre.link()["cursor"] == 4, what="back to the nation's cursor")


def test_the_managers_hall_shows_the_link_and_the_link_flip_is_an_event(centre, nation):
    centre.issue()
    wait_until(lambda: centre.link()["link"] == "up", what="the link up")
    hall = httpx.get(
        f"{centre.server.url}/api/v1/hall",
        headers={"Authorization": f"Bearer {centre.manager}"},
        timeout=10,
    ).json()
    assert hall["national_link"]["link"] == "up"
    kiosk_hall = httpx.get(
        f"{centre.server.url}/api/v1/hall",
        headers={"Authorization": f"Bearer {centre.kiosk}"},
        timeout=10,
    ).json()
    assert kiosk_hall["national_link"] is None
    with centre.context.db.read() as session:
        links = list(session.scalars(select(EventRow.data).where(EventRow.type == "sync.link")))
    assert links and links[0]["link"] == "up"


def nation_booking(nation, ref: str) -> BookingRow | None:
    with transaction(nation.engine) as session:
        return session.get(BookingRow, ref)


def test_the_centre_works_the_same_with_the_link_cut_and_catches_up(
    cut_link, nation, capsys, monkeypatch
):
    centre, proxy = cut_link
    book(nation, "HB-BFR2222")
    wait_until(lambda: appointment(centre, "HB-BFR2222"), what="a booking before the cut")
    centre.issue()
    # The centre has stored the nation's answer (a cut before that would lose it: a resend).
    wait_until(lambda: centre.link()["acked_through"] == 1, what="the first row acknowledged")
    proxy.cut()
    book_while_down = "HB-DWN2222"
    book(nation, book_while_down)
    # Issuing and checking in do not wait for the nation.
    for _ in range(4):
        centre.issue()
    checked_in = httpx.post(
        f"{centre.server.url}/api/v1/appointments/check-in",
        json={"reference": "HB-BFR2222"},
        headers={"Authorization": f"Bearer {centre.kiosk}"},
        timeout=10,
    )
    assert checked_in.status_code == 201, checked_in.text
    link = wait_until(lambda: (s := centre.link())["link"] == "down" and s, what="link down")
    # 4 tickets, and the check-in's event and its ticket: 6 rows wait for the nation.
    assert link["pending"] == 6 and link["last_seq"] == 7 and link["last_error"]
    monkeypatch.setenv("FOLENI_DATABASE_URL", centre.context.settings.resolved_database_url())
    assert appointment(centre, book_while_down) is None
    assert cli.main(["sync", "status", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert set(printed) == {
        "link",
        "last_seq",
        "acked_through",
        "pending",
        "lag_seconds",
        "cursor",
        "last_error",
    }
    assert (printed["link"], printed["pending"]) == ("down", 6)
    proxy.restore()
    wait_until(lambda: acked(nation) == 7, what="the catch-up")
    wait_until(lambda: appointment(centre, book_while_down), what="the booking made while down")
    wait_until(lambda: centre.link()["link"] == "up", what="the link up again")
    with centre.context.db.read() as session:
        flips = [
            data["link"]
            for data in session.scalars(
                select(EventRow.data).where(EventRow.type == "sync.link").order_by(EventRow.seq)
            )
        ]
    assert flips == ["up", "down", "up"]


def test_attendance_moves_forward_at_the_centre(centre, nation):
    # The slot under way (the default): the checked-in ticket is callable at once.
    put_booking(nation.engine, nation.centre, "HB-ATT2222")
    wait_until(lambda: appointment(centre, "HB-ATT2222"), what="the booking at the centre")
    kiosk = {"Authorization": f"Bearer {centre.kiosk}"}
    url = centre.server.url
    checked_in = httpx.post(
        f"{url}/api/v1/appointments/check-in", json={"reference": "HB-ATT2222"}, headers=kiosk
    )
    assert checked_in.status_code == 201, checked_in.text
    with centre.context.db.write() as transaction:
        transaction.session.add(
            StaffRow(
                staff_number="S1",
                name="Staff",
                role="counter",
                pin_hash=CHEAP_PIN_HASH,
                failed_attempts=0,
                locked_until=None,
                active=True,
                created_at=datetime.now(UTC),
            )
        )
    login = httpx.post(
        f"{url}/api/v1/auth/staff", json={"staff_number": "S1", "pin": PIN, "counter": "C07"}
    )
    desk = {"Authorization": f"Bearer {login.json()['token']}"}
    seen = []
    for command in ("call-next", "start", "finish"):
        answer = httpx.post(f"{url}/api/v1/counters/C07/{command}", json={}, headers=desk)
        assert answer.status_code == 200, answer.text
        seen.append(appointment(centre, "HB-ATT2222").attendance)
    assert seen == ["called", "called", "served"]
