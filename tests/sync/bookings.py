"""Booking versions written at the nation for the sync tests (the booking API has its own)."""

from datetime import UTC, datetime

from sqlalchemy import Engine

from national import feed
from national.db.session import transaction
from national.db.tables import BookingRow


def put_booking(
    engine: Engine,
    centre: str,
    ref: str,
    *,
    version: int = 1,
    status: str = "booked",
    slot: datetime | None = None,
) -> int:
    """Write a booking version and put it in the centre's feed; return its cursor."""
    # The slot under way by default: a check-in is on time, and still today near midnight.
    slot = slot or datetime.now(UTC).replace(microsecond=0)
    now = datetime.now(UTC)
    with transaction(engine) as session:
        row = session.get(BookingRow, ref)
        if row is None:
            row = BookingRow(
                ref=ref,
                centre=centre,
                person_hash=ref,
                created_at=now,
                attendance="none",
                follow_up=False,
            )
            session.add(row)
        row.service_code, row.slot_start, row.day = "BC", slot, slot.date()
        row.status, row.version, row.channel = status, version, "web"
        row.phone, row.updated_at = "+254712345678", now
        session.flush()
        return feed.append_appointment(session, row)
