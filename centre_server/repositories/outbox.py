"""The outbox: what the nation must receive, inserted in the transaction of the change.

The insert is built once and runs on the transaction's connection (the write path's cost).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from centre_core.national_topics import NationalPayload
from centre_server.db.tables import OutboxRow

OUTBOX = OutboxRow.__table__
_INSERT = insert(OUTBOX)


def row(payload: NationalPayload, *, out_seq: int, event_seq: int, at: datetime) -> dict[str, Any]:
    """Return the outbox row of a national topic's payload."""
    return {
        "out_seq": out_seq,
        "topic": str(payload.topic),
        "payload": payload.model_dump(mode="json"),
        "created_at": at,
        "event_seq": event_seq,
    }


def add(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert outbox rows (one executemany)."""
    connection.execute(_INSERT, rows)


def after(session: Session, out_seq: int, *, limit: int) -> list[OutboxRow]:
    """Return up to `limit` outbox rows after `out_seq`, in seq order."""
    return list(
        session.scalars(
            select(OutboxRow)
            .where(OutboxRow.out_seq > out_seq)
            .order_by(OutboxRow.out_seq)
            .limit(limit)
        )
    )
