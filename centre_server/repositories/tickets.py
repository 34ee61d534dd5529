"""Ticket rows <-> `centre_core.tickets.Ticket`, and the few queries the commands need."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, bindparam, insert, select, update
from sqlalchemy.orm import Session

from centre_core.errors import ErrorCode, QueueError
from centre_core.tickets import ACTIVE_STATUSES, Ticket, TicketSource, TicketStatus
from centre_server.db.core_tables import table_of
from centre_server.db.tables import DailySequenceRow, TicketRow
from centre_server.db.waiting_index import record_saved

# The core's statuses as plain strings (a driver may dump an enum member by its name).
ACTIVE = sorted(str(status) for status in ACTIVE_STATUSES)
LOADED_TICKETS = "foleni.loaded_tickets"
TICKETS = table_of(TicketRow)
SEQUENCES = table_of(DailySequenceRow)
_BY_ID = select(TICKETS).where(TICKETS.c.id == bindparam("ticket_id"))
# The SET columns come from the parameters' names (every key but `ticket_id`).
_UPDATE = update(TICKETS).where(TICKETS.c.id == bindparam("ticket_id"))
_INSERT = insert(TICKETS)
_SEQUENCE_KEY = (SEQUENCES.c.business_day == bindparam("day")) & (
    SEQUENCES.c.service_code == bindparam("service")
)
_LAST_NUMBER = select(SEQUENCES.c.last_number).where(_SEQUENCE_KEY)
_SET_LAST_NUMBER = update(SEQUENCES).where(_SEQUENCE_KEY)
_INSERT_SEQUENCE = insert(SEQUENCES)


def to_ticket(row: TicketRow | Row[Any]) -> Ticket:
    """Build the domain ticket of a row (an ORM row, or a plain result row of its columns)."""
    return Ticket(
        id=row.id,
        token=row.token,
        number=row.number,
        service_code=row.service_code,
        stage_index=row.stage_index,
        stage_code=row.stage_code,
        status=TicketStatus(row.status),
        source=TicketSource(row.source),
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


def _state_values(ticket: Ticket) -> dict[str, Any]:
    """Return the columns a ticket's life changes (all but identity, number and issue)."""
    return {
        "service_code": ticket.service_code,
        "stage_index": ticket.stage_index,
        "stage_code": ticket.stage_code,
        "queue_key": ticket.queue_key,
        "status": str(ticket.status),
        "source": str(ticket.source),
        "priority": ticket.priority,
        "queued_at": ticket.queued_at,
        "ready_at": ticket.ready_at,
        "appointment_ref": ticket.appointment_ref,
        "appointment_slot": ticket.appointment_slot,
        "counter": ticket.counter,
        "target_counter": ticket.target_counter,
        "called_at": ticket.called_at,
        "serving_at": ticket.serving_at,
        "finished_at": ticket.finished_at,
        "recalls": ticket.recalls,
        "note": ticket.note,
    }


@dataclass(frozen=True)
class StoredTicket:
    """A ticket as read in this transaction, with the phone only the staff view shows."""

    ticket: Ticket
    phone: str | None


def _loaded(session: Session) -> dict[str, StoredTicket]:
    # Tickets read or written in this transaction: a command reads each at most once.
    loaded: dict[str, StoredTicket] = session.info.setdefault(LOADED_TICKETS, {})
    return loaded


def add(session: Session, ticket: Ticket, *, sequence: int, phone: str | None) -> None:
    """Insert a newly issued ticket."""
    session.connection().execute(
        _INSERT,
        {
            "id": ticket.id,
            "token": ticket.token,
            "number": ticket.number,
            "sequence": sequence,
            "issued_service_code": ticket.service_code,
            "business_day": ticket.business_day,
            "issued_at": ticket.issued_at,
            "phone": phone,
            **_state_values(ticket),
        },
    )
    _loaded(session)[ticket.id] = StoredTicket(ticket, phone)
    record_saved(session, ticket)


def stored(session: Session, ticket_id: str) -> StoredTicket:
    """Return a ticket and its phone; raise `ticket_not_found`."""
    loaded = _loaded(session)
    found = loaded.get(ticket_id)
    if found is None:
        row = session.connection().execute(_BY_ID, {"ticket_id": ticket_id}).first()
        if row is None:
            raise QueueError(ErrorCode.ticket_not_found, f"no ticket {ticket_id!r}")
        found = loaded[ticket_id] = StoredTicket(to_ticket(row), row.phone)
    return found


def load(session: Session, ticket_id: str) -> Ticket:
    """Return a ticket; raise `ticket_not_found`."""
    return stored(session, ticket_id).ticket


def save(session: Session, ticket: Ticket) -> None:
    """Write a ticket's new state to its row."""
    phone = stored(session, ticket.id).phone
    session.connection().execute(_UPDATE, {"ticket_id": ticket.id, **_state_values(ticket)})
    _loaded(session)[ticket.id] = StoredTicket(ticket, phone)
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
        select(*TICKETS.columns).where(
            TicketRow.status == str(TicketStatus.waiting), TicketRow.queue_key.in_(keys)
        )
    )
    return [to_ticket(row) for row in rows]


def active(session: Session) -> list[Row[Any]]:
    """Return every ticket still in the hall (waiting, called or serving), oldest first."""
    return list(
        session.execute(
            select(*TICKETS.columns)
            .where(TicketRow.status.in_(ACTIVE))
            .order_by(TicketRow.issued_at, TicketRow.number)
        )
    )


def next_number(session: Session, *, business_day: date, service_code: str) -> int:
    """Take a service's next ticket sequence of a day (1 for its first ticket)."""
    connection = session.connection()
    key = {"day": business_day, "service": service_code}
    last = connection.execute(_LAST_NUMBER, key).scalar_one_or_none()
    if last is None:
        connection.execute(
            _INSERT_SEQUENCE,
            {"business_day": business_day, "service_code": service_code, "last_number": 1},
        )
        return 1
    connection.execute(_SET_LAST_NUMBER, {**key, "last_number": last + 1})
    return last + 1
