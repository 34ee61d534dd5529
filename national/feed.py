"""Each centre's change feed: gapless cursors assigned under the centre's lock, read after one.

A writer takes the centre's sync row (`lock_centre`) to get the next cursor and holds it until
commit, so a later cursor never commits before an earlier one: a reader asking for the changes
after N sees N+1 first or nothing, never N+2 alone. Compaction drops old changes and raises the
horizon; a centre asking from below it is told 410 and takes a snapshot.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from centre_core.errors import QueueError
from centre_core.sync_wire import (
    AppointmentChange,
    AppointmentFact,
    BookingStatus,
    CentreConfigFact,
    Change,
    ChangeBatch,
    ConfigChange,
    SyncErrorCode,
)
from national.db.session import lock_centre, transaction
from national.db.tables import BookingRow, ChangeRow, SyncStateRow


def append(session: Session, *, centre: str, kind: str, body: dict[str, Any]) -> int:
    """Add a change to a centre's feed in the caller's transaction; return its cursor."""
    state = lock_centre(session, centre)
    state.feed_cursor += 1
    session.add(
        ChangeRow(
            centre=centre, cursor=state.feed_cursor, kind=kind, at=datetime.now(UTC), body=body
        )
    )
    return state.feed_cursor


def append_appointment(session: Session, booking: BookingRow) -> int:
    """Add a booking's current version to its centre's feed."""
    return append(
        session,
        centre=booking.centre,
        kind="appointment",
        body=booking_fact(booking).model_dump(mode="json"),
    )


def append_config(session: Session, *, centre: str, config: CentreConfigFact) -> int:
    """Add a centre's whole configuration to its feed."""
    return append(session, centre=centre, kind="config", body=config.model_dump(mode="json"))


def booking_fact(booking: BookingRow) -> AppointmentFact:
    """Return the booking fact a centre receives (no ID number: only its mask)."""
    return AppointmentFact(
        ref=booking.ref,
        service_code=booking.service_code,
        slot_start=booking.slot_start,
        status=BookingStatus(booking.status),
        version=booking.version,
        channel=booking.channel,
        phone=booking.phone,
        id_number_masked=booking.id_number_masked,
    )


def _change(row: ChangeRow) -> Change:
    if row.kind == "appointment":
        return AppointmentChange(
            cursor=row.cursor, at=row.at, appointment=AppointmentFact.model_validate(row.body)
        )
    return ConfigChange(
        cursor=row.cursor, at=row.at, config=CentreConfigFact.model_validate(row.body)
    )


def changes_after(engine: Engine, *, centre: str, cursor: int, limit: int) -> ChangeBatch:
    """Return up to `limit` changes after `cursor`; 410 below the horizon, 409 past the end."""
    with transaction(engine) as session:
        state = session.get_one(SyncStateRow, centre)
        if cursor < state.feed_horizon:
            raise QueueError(
                SyncErrorCode.cursor_expired,
                f"changes up to {state.feed_horizon} were compacted: take a snapshot",
            )
        if cursor > state.feed_cursor:
            raise QueueError(
                SyncErrorCode.cursor_from_future,
                f"cursor {cursor} is past the feed's end ({state.feed_cursor}): take a snapshot",
            )
        rows = session.scalars(
            select(ChangeRow)
            .where(ChangeRow.centre == centre, ChangeRow.cursor > cursor)
            .order_by(ChangeRow.cursor)
            .limit(limit + 1)
        ).all()
    changes = tuple(_change(row) for row in rows[:limit])
    return ChangeBatch(
        cursor=changes[-1].cursor if changes else cursor, changes=changes, more=len(rows) > limit
    )


def compact(engine: Engine, *, centre: str, keep: int) -> int:
    """Drop all but the newest `keep` changes of a centre's feed; return the new horizon."""
    with transaction(engine) as session:
        state = lock_centre(session, centre)
        horizon = max(state.feed_horizon, state.feed_cursor - keep)
        session.execute(
            delete(ChangeRow).where(ChangeRow.centre == centre, ChangeRow.cursor <= horizon)
        )
        state.feed_horizon = horizon
        return horizon
