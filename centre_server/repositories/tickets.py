"""Ticket rows <-> `centre_core.tickets.Ticket`, and the few queries the commands need."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from centre_core.errors import ErrorCode, QueueError
from centre_core.tickets import Ticket, TicketStatus
from centre_server.db.tables import DailySequenceRow, TicketRow
from centre_server.db.waiting_index import record_saved

ACTIVE = (str(TicketStatus.waiting), str(TicketStatus.called), str(TicketStatus.serving))


def to_ticket(row: TicketRow | Row[Any]) -> Ticket:
    """Build the domain ticket of a row (an ORM row, or a plain result row of its columns)."""
    return Ticket(
        id=row.id,
        token=row.token,
        number=row.number,
        service_code=row.service_code,
        stage_index=row.stage_index,
        stage_code=row.stage_code,
        status=row.status,
        source=row.source,
        priority=row.priority,
        business_day=row.business_day,
        issued_at=row.issued_at,
        queued_at=row.queued_at,
        ready_at=row.ready_at,
        appointment_ref=row.appointment_ref,
        appointment_slot=row.appointment_slot,
        counter=row.counter,
        target_counter=row.target_counter,
        called_at=row.called_at,
        serving_at=row.serving_at,
        finished_at=row.finished_at,
        recalls=row.recalls,
        note=row.note,
    )


def _copy(ticket: Ticket, row: TicketRow) -> None:
    row.service_code = ticket.service_code
    row.stage_index = ticket.stage_index
    row.stage_code = ticket.stage_code
    row.queue_key = ticket.queue_key
    row.status = str(ticket.status)
    row.source = str(ticket.source)
    row.priority = ticket.priority
    row.queued_at = ticket.queued_at
    row.ready_at = ticket.ready_at
    row.appointment_ref = ticket.appointment_ref
    row.appointment_slot = ticket.appointment_slot
    row.counter = ticket.counter
    row.target_counter = ticket.target_counter
    row.called_at = ticket.called_at
    row.serving_at = ticket.serving_at
    row.finished_at = ticket.finished_at
    row.recalls = ticket.recalls
    row.note = ticket.note


def add(session: Session, ticket: Ticket, *, sequence: int, phone: str | None) -> TicketRow:
    """Insert a newly issued ticket."""
    row = TicketRow(
        id=ticket.id,
        token=ticket.token,
        number=ticket.number,
        sequence=sequence,
        issued_service_code=ticket.service_code,
        business_day=ticket.business_day,
        issued_at=ticket.issued_at,
        phone=phone,
    )
    _copy(ticket, row)
    session.add(row)
    record_saved(session, ticket)
    return row


def get_row(session: Session, ticket_id: str) -> TicketRow:
    """Return a ticket's row; raise `ticket_not_found`."""
    row = session.get(TicketRow, ticket_id)
    if row is None:
        raise QueueError(ErrorCode.ticket_not_found, f"no ticket {ticket_id!r}")
    return row


def load(session: Session, ticket_id: str) -> Ticket:
    """Return a ticket; raise `ticket_not_found`."""
    return to_ticket(get_row(session, ticket_id))


def save(session: Session, ticket: Ticket) -> None:
    """Write a ticket's new state to its row."""
    row = get_row(session, ticket.id)
    _copy(ticket, row)
    record_saved(session, ticket)


def by_token(session: Session, token: str) -> TicketRow | None:
    """Return the ticket row with this public token."""
    return session.execute(select(TicketRow).where(TicketRow.token == token)).scalar_one_or_none()


def waiting_in(session: Session, queue_keys: Iterable[str]) -> list[Ticket]:
    """Return the waiting tickets of some queues (the index on status, queue_key serves this)."""
    keys = list(queue_keys)
    if not keys:
        return []
    # Plain rows, not ORM objects: several times faster, and call-next runs this every time.
    rows = session.execute(
        select(*TicketRow.__table__.columns).where(
            TicketRow.status == str(TicketStatus.waiting), TicketRow.queue_key.in_(keys)
        )
    )
    return [to_ticket(row) for row in rows]


def active(session: Session) -> list[Row[Any]]:
    """Return every ticket still in the hall (waiting, called or serving), oldest first."""
    return list(
        session.execute(
            select(*TicketRow.__table__.columns)
            .where(TicketRow.status.in_(ACTIVE))
            .order_by(TicketRow.issued_at, TicketRow.number)
        )
    )


def day_counter(session: Session, *, business_day: date, service_code: str) -> DailySequenceRow:
    """Return the row holding a service's last number of a day (created at 0)."""
    row = session.get(DailySequenceRow, (business_day, service_code))
    if row is None:
        row = DailySequenceRow(business_day=business_day, service_code=service_code, last_number=0)
        session.add(row)
    return row
