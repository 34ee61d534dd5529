"""Registered centres: add, rotate the credential, authenticate, and each one's sync state."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from centre_core.errors import QueueError, ServerErrorCode
from centre_core.sync_wire import CentreSyncState
from national.db.session import lock_centre, transaction
from national.db.tables import CentreRow, InboxRow, SyncStateRow
from national.security import hash_credential, new_credential

CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]{1,31}$"


def add_centre(
    engine: Engine,
    *,
    code: str,
    name: str,
    timezone: str = "Africa/Nairobi",
) -> str:
    """Register a centre; return its credential (only its hash is stored)."""
    credential = new_credential()
    now = datetime.now(UTC)
    try:
        with transaction(engine) as session:
            session.add(
                CentreRow(
                    code=code,
                    name=name,
                    timezone=timezone,
                    hours={},
                    credential_hash=hash_credential(credential),
                    credential_rotated_at=now,
                    created_at=now,
                    config_version=0,
                )
            )
            session.flush()
            session.add(
                SyncStateRow(
                    centre=code, acked_through=0, centre_last_seq=0, feed_cursor=0, feed_horizon=0
                )
            )
    except IntegrityError as exc:
        raise QueueError(ServerErrorCode.device_exists, f"centre {code} is registered") from exc
    return credential


def rotate_credential(engine: Engine, *, code: str) -> str:
    """Give a centre a new credential; the old one stops working at once."""
    credential = new_credential()
    with transaction(engine) as session:
        row = session.get(CentreRow, code)
        if row is None:
            raise QueueError(ServerErrorCode.not_found, f"no centre {code}")
        row.credential_hash = hash_credential(credential)
        row.credential_rotated_at = datetime.now(UTC)
    return credential


def sync_states(engine: Engine, *, centre: str | None = None) -> list[CentreSyncState]:
    """Return the nation's view of each centre's link (or of one)."""
    now = datetime.now(UTC)
    with transaction(engine) as session:
        query = select(SyncStateRow, CentreRow.name).join(
            CentreRow, CentreRow.code == SyncStateRow.centre
        )
        if centre is not None:
            query = query.where(SyncStateRow.centre == centre)
        dead: dict[str, int] = {
            code: count
            for code, count in session.execute(
                select(InboxRow.centre, func.count())
                .where(InboxRow.status == "dead")
                .group_by(InboxRow.centre)
            )
        }
        states = []
        for state, name in session.execute(query.order_by(SyncStateRow.centre)):
            states.append(
                CentreSyncState(
                    centre=state.centre,
                    name=name,
                    acked_through=state.acked_through,
                    centre_last_seq=state.centre_last_seq,
                    pending=max(0, state.centre_last_seq - state.acked_through),
                    last_contact=state.last_contact,
                    lag_seconds=(
                        None
                        if state.last_contact is None
                        else round((now - state.last_contact).total_seconds(), 1)
                    ),
                    feed_cursor=state.feed_cursor,
                    centre_cursor=state.centre_cursor,
                    dead_letters=dead.get(state.centre, 0),
                )
            )
        return states


def touch(engine: Engine, *, centre: str, cursor: int | None = None) -> None:
    """Record that a centre was heard from (and, for a feed read, where its cursor is)."""
    with transaction(engine) as session:
        state = lock_centre(session, centre)
        state.last_contact = datetime.now(UTC)
        if cursor is not None:
            state.centre_cursor = cursor
