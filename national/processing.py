"""After storage: what each inbox row means (the KPI and booking projections), with dead letters.

Processing never holds up acknowledgement: a row is stored first and processed after, one at a
time in a savepoint. A row whose handler fails is retried on the next pass and declared dead
after `MAX_ATTEMPTS`, where an operator sees it and replays it (`foleni national dead-letters`).
One centre is processed by one worker at a time (a PostgreSQL advisory lock; SQLite's write
lock), so the projections need no finer locking; attendance merges monotonically, so the
order of processing does not matter.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.orm import Session

from centre_core import appointment_sync
from centre_core.national_topics import PAYLOADS, AppointmentCheckedIn, NationalPayload, TicketFacts
from centre_core.sync_wire import Attendance
from national import feed
from national.db.engine import is_postgres
from national.db.session import transaction
from national.db.tables import BookingRow, CentreDayFiguresRow, CentreRow, InboxRow

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
BATCH = 500

Handler = Callable[[Session, str, NationalPayload], None]


def _figures(session: Session, centre: str, day: date, service_code: str) -> CentreDayFiguresRow:
    row = session.get(CentreDayFiguresRow, (centre, day, service_code))
    if row is None:
        row = CentreDayFiguresRow(
            centre=centre,
            day=day,
            service_code=service_code,
            issued=0,
            served=0,
            no_shows=0,
            cancelled=0,
            checked_in=0,
        )
        session.add(row)
    return row


def _local_day(session: Session, centre: str, payload: NationalPayload) -> date:
    zone = session.get_one(CentreRow, centre).timezone
    return payload.at.astimezone(ZoneInfo(zone)).date()


def _count(field: str) -> Handler:
    def handle(session: Session, centre: str, payload: NationalPayload) -> None:
        assert isinstance(payload, TicketFacts)
        row = _figures(session, centre, _local_day(session, centre, payload), payload.service_code)
        setattr(row, field, getattr(row, field) + 1)

    return handle


def _checked_in(session: Session, centre: str, payload: NationalPayload) -> None:
    assert isinstance(payload, AppointmentCheckedIn)
    row = _figures(session, centre, _local_day(session, centre, payload), payload.service_code)
    row.checked_in += 1
    booking = session.get(BookingRow, payload.ref)
    if booking is None or booking.centre != centre:
        # A booking imported at the centre by hand, unknown here: the figures still count it.
        return
    record = appointment_sync.apply_attendance(
        appointment_sync.AppointmentRecord(
            fact=feed.booking_fact(booking), attendance=Attendance(booking.attendance)
        ),
        Attendance.checked_in,
    )
    booking.attendance = record.attendance
    booking.follow_up = appointment_sync.needs_follow_up(record)


HANDLERS: dict[str, Handler] = {
    "ticket.issued": _count("issued"),
    "ticket.done": _count("served"),
    "ticket.no_show": _count("no_shows"),
    "ticket.cancelled": _count("cancelled"),
    "appointment.checked_in": _checked_in,
}


def _claim(session: Session, centre: str) -> bool:
    if not is_postgres(session.get_bind()):  # type: ignore[arg-type]
        return True
    return bool(
        session.scalar(
            text("SELECT pg_try_advisory_xact_lock(hashtext(:centre))"), {"centre": centre}
        )
    )


def process_centre(engine: Engine, *, centre: str) -> int:
    """Process a centre's pending rows (one pass); return how many were handled."""
    handled = 0
    with transaction(engine) as session:
        if not _claim(session, centre):
            return 0
        rows = session.scalars(
            select(InboxRow)
            .where(InboxRow.centre == centre, InboxRow.status == "pending")
            .order_by(InboxRow.seq)
            .limit(BATCH)
        ).all()
        for row in rows:
            handler = HANDLERS.get(row.topic)
            try:
                with session.begin_nested():
                    if handler is not None:
                        handler(session, centre, PAYLOADS[row.topic].model_validate(row.payload))
            except Exception as exc:
                logger.warning("processing %s seq %s failed: %r", centre, row.seq, exc)
                row.attempts += 1
                row.last_error = repr(exc)[:1000]
                if row.attempts >= MAX_ATTEMPTS:
                    row.status = "dead"
            else:
                row.status = "done"
                handled += 1
    return handled


def centres_with_pending(engine: Engine) -> list[str]:
    """Return the centres that have rows waiting to be processed."""
    with transaction(engine) as session:
        return list(
            session.scalars(select(InboxRow.centre).where(InboxRow.status == "pending").distinct())
        )


def dead_letters(engine: Engine, *, centre: str | None = None) -> list[InboxRow]:
    """Return the dead rows (of one centre, or all) in seq order."""
    with transaction(engine) as session:
        query = select(InboxRow).where(InboxRow.status == "dead")
        if centre is not None:
            query = query.where(InboxRow.centre == centre)
        return list(session.scalars(query.order_by(InboxRow.centre, InboxRow.seq)))


def replay(engine: Engine, *, centre: str | None = None, seq: int | None = None) -> int:
    """Put dead rows back to pending (after a fix); return how many."""
    with transaction(engine) as session:
        statement = update(InboxRow).where(InboxRow.status == "dead")
        if centre is not None:
            statement = statement.where(InboxRow.centre == centre)
        if seq is not None:
            statement = statement.where(InboxRow.seq == seq)
        result = session.execute(statement.values(status="pending", attempts=0))
        return int(result.rowcount)  # type: ignore[attr-defined]


def pending_count(engine: Engine) -> int:
    """Return how many rows wait for processing, over every centre."""
    with transaction(engine) as session:
        return session.scalar(select(func.count()).where(InboxRow.status == "pending")) or 0
