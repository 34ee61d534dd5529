"""After storage: what each inbox row means (the KPI and booking projections), with dead letters.

Processing never holds up acknowledgement: a row is stored and acknowledged first, and each
worker's sweeper processes what is pending a moment later. A row whose handler fails is retried
on the next pass and declared dead after `MAX_ATTEMPTS`, where an operator sees it and replays
it (`foleni national dead-letters`). One centre is processed by one worker at a time (a
PostgreSQL advisory lock; SQLite's write lock), so the projections need no finer locking;
attendance merges monotonically, so the order of processing does not matter.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, literal_column, select, text, update
from sqlalchemy.orm import Session

from centre_core import appointment_sync
from centre_core.national_topics import (
    PAYLOADS,
    AppointmentCheckedIn,
    HallSummary,
    NationalPayload,
    TicketFacts,
)
from centre_core.sync_wire import Attendance
from national import feed
from national.db.session import transaction
from national.db.tables import (
    BookingRow,
    CentreDayFiguresRow,
    CentreRow,
    CentreSummaryRow,
    InboxRow,
)

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
BATCH = 500
# A literal, not a parameter: only then may PostgreSQL's cached plans use the partial index
# `ix_inbox_pending` (a generic plan cannot prove `status = $1` implies its predicate).
PENDING = InboxRow.status == literal_column("'pending'")


@dataclass
class _Pass:
    """One processing pass over a centre's rows: its session, time zone and figures so far."""

    session: Session
    centre: str
    zone: ZoneInfo
    figures: dict[tuple[date, str], CentreDayFiguresRow] = field(default_factory=dict)

    def day_figures(self, at: datetime, service_code: str) -> CentreDayFiguresRow:
        """Return the figures of the centre-local day of `at` for a service (created if new)."""
        key = (at.astimezone(self.zone).date(), service_code)
        row = self.figures.get(key)
        if row is None:
            row = self.session.get(CentreDayFiguresRow, (self.centre, *key))
            if row is None:
                row = CentreDayFiguresRow(
                    centre=self.centre,
                    day=key[0],
                    service_code=service_code,
                    issued=0,
                    served=0,
                    no_shows=0,
                    cancelled=0,
                    checked_in=0,
                )
                self.session.add(row)
            self.figures[key] = row
        return row


Handler = Callable[[_Pass, NationalPayload], None]


def _attend(work: _Pass, ref: str, attendance: Attendance) -> None:
    """Merge the centre's attendance into its booking (monotone; follow-up recomputed)."""
    booking = work.session.get(BookingRow, ref)
    if booking is None or booking.centre != work.centre:
        # A booking imported at the centre by hand, unknown here: the figures still count it.
        return
    record = appointment_sync.apply_attendance(
        appointment_sync.AppointmentRecord(
            fact=feed.booking_fact(booking), attendance=Attendance(booking.attendance)
        ),
        attendance,
    )
    booking.attendance = record.attendance
    booking.follow_up = appointment_sync.needs_follow_up(record)


def _count(field_name: str) -> Handler:
    def handle(work: _Pass, payload: NationalPayload) -> None:
        assert isinstance(payload, TicketFacts)
        row = work.day_figures(payload.at, payload.service_code)
        setattr(row, field_name, getattr(row, field_name) + 1)

    return handle


def _checked_in(work: _Pass, payload: NationalPayload) -> None:
    assert isinstance(payload, AppointmentCheckedIn)
    work.day_figures(payload.at, payload.service_code).checked_in += 1
    _attend(work, payload.ref, Attendance.checked_in)


def _summary(work: _Pass, payload: NationalPayload) -> None:
    """Keep the newest summary of each day: they arrive late, repeated and out of order."""
    assert isinstance(payload, HallSummary)
    key = (work.centre, payload.business_day)
    row = work.session.get(CentreSummaryRow, key)
    if row is None:
        row = CentreSummaryRow(centre=work.centre, business_day=payload.business_day)
        work.session.add(row)
    elif row.at >= payload.at:
        return
    values = payload.model_dump(mode="json", exclude={"business_day", "at"})
    for name, value in values.items():
        setattr(row, name, value)
    row.at = payload.at


HANDLERS: dict[str, Handler] = {
    "ticket.issued": _count("issued"),
    "ticket.done": _count("served"),
    "ticket.no_show": _count("no_shows"),
    "ticket.cancelled": _count("cancelled"),
    "appointment.checked_in": _checked_in,
    "hall.summary": _summary,
}


def _claim(session: Session, centre: str) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(
        session.scalar(
            text("SELECT pg_try_advisory_xact_lock(hashtext(:centre))"), {"centre": centre}
        )
    )


def _handle(work: _Pass, row: InboxRow) -> None:
    handler = HANDLERS.get(row.topic)
    if handler is not None:
        handler(work, PAYLOADS[row.topic].model_validate(row.payload))


def process_centre(engine: Engine, *, centre: str) -> int:
    """Process a centre's pending rows (one pass of up to `BATCH`); return how many succeeded.

    The whole pass runs in one savepoint; only if a row fails is it run again row by row, so
    that the good rows are kept and the bad one alone counts an attempt.
    """
    with transaction(engine) as session:
        if not _claim(session, centre):
            return 0
        rows = session.scalars(
            select(InboxRow)
            .where(InboxRow.centre == centre, PENDING)
            .order_by(InboxRow.seq)
            .limit(BATCH)
        ).all()
        if not rows:
            return 0
        zone = ZoneInfo(session.get_one(CentreRow, centre).timezone)
        try:
            with session.begin_nested():
                work = _Pass(session, centre, zone)
                for row in rows:
                    _handle(work, row)
            done = list(rows)
        except Exception:
            done = []
            for row in rows:
                # A rolled-back savepoint takes the figures it created with it: start afresh.
                work = _Pass(session, centre, zone)
                try:
                    with session.begin_nested():
                        _handle(work, row)
                except Exception as exc:
                    logger.warning("processing %s seq %s failed: %r", centre, row.seq, exc)
                    row.attempts += 1
                    row.last_error = repr(exc)[:1000]
                    if row.attempts >= MAX_ATTEMPTS:
                        row.status = "dead"
                else:
                    done.append(row)
        if done:
            session.execute(
                update(InboxRow)
                .where(InboxRow.centre == centre, InboxRow.seq.in_([row.seq for row in done]))
                .values(status="done"),
                execution_options={"synchronize_session": False},
            )
        return len(done)


def centres_with_pending(engine: Engine) -> list[str]:
    """Return the centres that have rows waiting to be processed."""
    with transaction(engine) as session:
        return list(session.scalars(select(InboxRow.centre).where(PENDING).distinct()))


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
