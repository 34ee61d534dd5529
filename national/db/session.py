"""The national write path: one transaction per command, the centre's sync row as its lock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from centre_core.errors import QueueError
from centre_core.sync_wire import SyncErrorCode
from national.db.tables import SyncStateRow


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """Open a session in one transaction: committed on success, rolled back on error."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


def lock_centre(session: Session, centre: str) -> SyncStateRow:
    """Lock and return a centre's sync row (SQLite: the transaction already holds the lock).

    Ingest and every new change of the centre's feed take this lock, so their cursors and
    acknowledgements are assigned one at a time and commit in order.
    """
    row = session.scalars(
        select(SyncStateRow).where(SyncStateRow.centre == centre).with_for_update()
    ).one_or_none()
    if row is None:
        raise QueueError(SyncErrorCode.forbidden, f"no centre {centre!r} is registered")
    return row
