"""A centre's snapshot: its bookings for the coming days and its configuration, at one cursor."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine, select

from centre_core.sync_wire import SyncSnapshot
from national import centre_config, feed
from national.db.session import lock_centre, transaction
from national.db.tables import BookingRow


def snapshot(engine: Engine, *, centre: str, from_day: date, days: int) -> SyncSnapshot:
    """Return the centre's bookings from `from_day` for `days` days and its configuration."""
    with transaction(engine) as session:
        # Read under the centre's lock: no change commits between the cursor and the rows.
        state = lock_centre(session, centre)
        bookings = session.scalars(
            select(BookingRow)
            .where(
                BookingRow.centre == centre,
                BookingRow.day >= from_day,
                BookingRow.day < from_day + timedelta(days=days),
            )
            .order_by(BookingRow.slot_start, BookingRow.ref)
        ).all()
        return SyncSnapshot(
            cursor=state.feed_cursor,
            from_day=from_day,
            days=days,
            appointments=tuple(feed.booking_fact(row) for row in bookings),
            config=centre_config.current(session, centre=centre),
        )
