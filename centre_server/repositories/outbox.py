"""The outbox: what the nation must receive, inserted in the transaction of the change.

The insert is built once and runs on the transaction's connection (the write path's cost).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert

from centre_core.national_topics import NationalPayload
from centre_server.db.tables import OutboxRow

OUTBOX = OutboxRow.__table__
_INSERT = insert(OUTBOX)


def row(payload: NationalPayload, *, event_seq: int, at: datetime) -> dict[str, Any]:
    """Return the (unsent) outbox row of a national topic's payload."""
    return {
        "topic": str(payload.topic),
        "payload": payload.model_dump(mode="json"),
        "created_at": at,
        "event_seq": event_seq,
        "attempts": 0,
        "sent_at": None,
    }


def add(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert outbox rows (one executemany)."""
    connection.execute(_INSERT, rows)
