"""Centre and nation, both real on loopback: rows go up once, bookings come down, offline works."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from centre_core.sync_wire import BookingStatus
from centre_server.db.tables import AppointmentRow, OutboxRow
from national import centres, feed
from national.db.session import transaction
from national.db.tables import BookingRow, InboxRow
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


def book(nation, ref: str, *, version: int = 1, status: str = "booked", slot=None) -> None:
    """Write a booking version at the nation and put it in the centre's feed."""
    slot = slot or datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=30)
    now = datetime.now(UTC)
    with transaction(nation.engine) as session:
        row = session.get(BookingRow, ref)
        if row is None:
            row = BookingRow(
                ref=ref,
                centre=nation.centre,
                person_hash=ref,
                created_at=now,
                attendance="none",
                follow_up=False,
            )
            session.add(row)
        row.service_code, row.slot_start, row.day = "BC", slot, slot.date()
        row.status, row.version, row.channel = status, version, "web"
        row.phone, row.updated_at = "+254712345678", now
        session.flush()
        feed.append_appointment(session, row)


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
