"""The event log: the last seqs (in the locked `centre_state` row), appending, replaying.

The write path's statements are built once and run on the transaction's connection: they are
on every command's path (docs/server.md, bench/RESULTS.md).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Connection, Row, bindparam, insert, select, update
from sqlalchemy.orm import Session

from centre_core.wire import EventMessage
from centre_server.db.tables import CENTRE_ROW_ID, CentreStateRow, EventRow

CENTRE_STATE = CentreStateRow.__table__
EVENTS = EventRow.__table__
_LAST_SEQ = select(CENTRE_STATE.c.last_seq).where(CENTRE_STATE.c.id == CENTRE_ROW_ID)
# The lock every write transaction takes first (PostgreSQL; SQLite holds its own already).
_LOCK_LAST_SEQS = (
    select(CENTRE_STATE.c.last_seq, CENTRE_STATE.c.last_out_seq)
    .where(CENTRE_STATE.c.id == CENTRE_ROW_ID)
    .with_for_update()
)
_STORE_LAST_SEQ = update(CENTRE_STATE).where(CENTRE_STATE.c.id == CENTRE_ROW_ID)
_INSERT = insert(EVENTS)
_AFTER = select(EVENTS).where(EVENTS.c.seq > bindparam("after")).order_by(EVENTS.c.seq)
_NEWEST_OF_TYPES = (
    select(EVENTS)
    .where(EVENTS.c.type.in_(bindparam("types", expanding=True)))
    .order_by(EVENTS.c.seq.desc())
    .limit(bindparam("limit"))
)


def lock_last_seqs(connection: Connection) -> tuple[int, int]:
    """Lock the centre row for this transaction; return the newest event's and outbox row's seqs."""
    row = connection.execute(_LOCK_LAST_SEQS).one()
    return row.last_seq, row.last_out_seq


def store_last_seqs(connection: Connection, seq: int, out_seq: int) -> None:
    """Record the seqs of the newest event and outbox row (once per commit)."""
    connection.execute(_STORE_LAST_SEQ, {"last_seq": seq, "last_out_seq": out_seq})


def row(message: EventMessage) -> dict[str, Any]:
    """Return the row of an event, its data as JSON-native values."""
    data = message.model_dump(mode="json", include={"data"})["data"]
    return {"seq": message.seq, "type": message.type, "at": message.at, "data": data}


def add(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert event rows (one executemany)."""
    connection.execute(_INSERT, rows)


def last_seq(session: Session) -> int:
    """Return the seq of the newest committed event (0 before the first)."""
    return session.execute(_LAST_SEQ).scalar_one()


def after(session: Session, seq: int) -> list[EventMessage]:
    """Return the events after `seq`, oldest first."""
    return [_message(r) for r in session.execute(_AFTER, {"after": seq})]


def newest_of_types(session: Session, types: Collection[str], *, limit: int) -> list[EventMessage]:
    """Return the newest `limit` events of these types, oldest first."""
    rows = session.execute(_NEWEST_OF_TYPES, {"types": list(types), "limit": limit})
    return [_message(r) for r in rows][::-1]


def _message(r: Row[Any]) -> EventMessage:
    return EventMessage(seq=r.seq, type=r.type, at=r.at, data=r.data)
