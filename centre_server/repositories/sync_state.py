"""The centre's side of the national link: one `sync_state` row, read and updated in place."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from centre_server.db.tables import CENTRE_ROW_ID, CentreStateRow, OutboxRow, SyncStateRow

SYNC_ROW_ID = 1
# `sync_state.last_error` is a String(300): PostgreSQL refuses a longer one.
ERROR_LENGTH = 300
SYNC = SyncStateRow.__table__
OUTBOX = OutboxRow.__table__


def get(session: Session) -> SyncStateRow:
    """Return the sync state row."""
    return session.get_one(SyncStateRow, SYNC_ROW_ID)


def last_out_seq(session: Session) -> int:
    """Return the seq of the newest committed outbox row."""
    return (
        session.scalar(
            select(CentreStateRow.last_out_seq).where(CentreStateRow.id == CENTRE_ROW_ID)
        )
        or 0
    )


def oldest_unacked_at(session: Session, acked_through: int) -> datetime | None:
    """Return when the oldest row the nation has not acknowledged was written."""
    return session.scalar(
        select(func.min(OUTBOX.c.created_at)).where(OUTBOX.c.out_seq > acked_through)
    )


def record_contact(
    session: Session, *, at: datetime, acked_through: int | None = None, error: str | None = None
) -> None:
    """Store a successful exchange (clearing the error), and how far the nation acknowledged."""
    values: dict[str, Any] = {"last_contact": at, "last_error": _fit(error)}
    if acked_through is not None:
        values["acked_through"] = acked_through
    session.execute(update(SYNC).where(SYNC.c.id == SYNC_ROW_ID).values(**values))


def record_error(session: Session, error: str) -> None:
    """Store why the last exchange failed."""
    session.execute(update(SYNC).where(SYNC.c.id == SYNC_ROW_ID).values(last_error=_fit(error)))


def _fit(error: str | None) -> str | None:
    return None if error is None else error[:ERROR_LENGTH]
