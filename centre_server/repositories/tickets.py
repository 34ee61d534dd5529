"""Ticket rows <-> `centre_core.tickets.Ticket`, and the few queries the commands need."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, bindparam, insert, select, update
from sqlalchemy.orm import Session

from centre_core.errors import ErrorCode, QueueError
from centre_core.tickets import ACTIVE_STATUSES, Ticket, TicketStatus
from centre_server.db.tables import DailySequenceRow, TicketRow
from centre_server.db.waiting_index import record_saved
from centre_server.repositories.rows import column_values, field_names, from_row

# The core's statuses as plain strings (a driver may dump an enum member by its name).
ACTIVE = sorted(str(status) for status in ACTIVE_STATUSES)
LOADED_TICKETS = "foleni.loaded_tickets"
TICKETS = TicketRow.__table__
SEQUENCES = DailySequenceRow.__table__
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
# A ticket's columns: its fields and its queue; its life changes all but identity and issue.
_COLUMNS = (*field_names(Ticket), "queue_key")
_STATE_COLUMNS = tuple(
    name for name in _COLUMNS if name not in {"id", "token", "number", "business_day", "issued_at"}
)


def to_ticket(row: TicketRow | Row[Any]) -> Ticket:
    """Build the domain ticket of a row (an ORM row, or a plain result row of its columns)."""
    return from_row(Ticket, row)


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
            **column_values(ticket, _COLUMNS),
            "sequence": sequence,
            "issued_service_code": ticket.service_code,
            "phone": phone,
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
    values = column_values(ticket, _STATE_COLUMNS)
    session.connection().execute(_UPDATE, {"ticket_id": ticket.id, **values})
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
