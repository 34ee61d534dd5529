"""The national booking API, used by every channel (web, USSD, contact centre, the centre).

Slots per centre, service and day with a capacity; book, reschedule and cancel by reference,
each idempotent by `request_id`; one live booking per (person, service, day). A booking's
changes reach its centre through the change feed (`sync_wire.AppointmentChange`).
"""

from datetime import date
from enum import StrEnum

from pydantic import AwareDatetime, Field

from centre_core.sync_wire import Attendance, BookingStatus, SyncRequest
from centre_core.wire import WireModel

SLOTS_PATH = "/api/v1/centres/{centre}/services/{service}/slots"
BOOKINGS_PATH = "/api/v1/bookings"
BOOKING_PATH = "/api/v1/bookings/{ref}"
RESCHEDULE_PATH = "/api/v1/bookings/{ref}/reschedule"
CANCEL_PATH = "/api/v1/bookings/{ref}/cancel"


class Channel(StrEnum):
    """Where a booking was made (recorded on every version)."""

    web = "web"
    ussd = "ussd"
    contact_centre = "contact_centre"
    centre = "centre"


class BookingErrorCode(StrEnum):
    """Stable codes of the booking routes."""

    centre_not_found = "centre_not_found"
    service_not_bookable = "service_not_bookable"
    slot_not_offered = "slot_not_offered"
    slot_full = "slot_full"
    day_full = "day_full"
    already_booked = "already_booked"
    booking_not_found = "booking_not_found"
    booking_cancelled = "booking_cancelled"
    booking_attended = "booking_attended"
    invalid_id_number = "invalid_id_number"
    invalid_phone = "invalid_phone"


BOOKING_STATUS_BY_CODE: dict[str, int] = {
    BookingErrorCode.centre_not_found: 404,
    BookingErrorCode.booking_not_found: 404,
    BookingErrorCode.service_not_bookable: 404,
    BookingErrorCode.slot_full: 409,
    BookingErrorCode.day_full: 409,
    BookingErrorCode.already_booked: 409,
    BookingErrorCode.booking_cancelled: 409,
    BookingErrorCode.booking_attended: 409,
    BookingErrorCode.slot_not_offered: 422,
    BookingErrorCode.invalid_id_number: 422,
    BookingErrorCode.invalid_phone: 422,
}


class SlotOut(WireModel):
    """One bookable slot and how full it is."""

    start: AwareDatetime
    capacity: int
    booked: int
    available: int


class SlotsOut(WireModel):
    """A service's slots on one day at a centre; `closed` says why there are none."""

    centre: str
    service_code: str
    day: date
    slots: tuple[SlotOut, ...]
    closed: str | None = None


class BookIn(SyncRequest):
    """Book a slot for a person (the ID number is kept only as a keyed hash and a mask)."""

    request_id: str = Field(min_length=8, max_length=64)
    centre: str = Field(min_length=1, max_length=32)
    service_code: str = Field(min_length=1, max_length=32)
    slot_start: AwareDatetime
    id_number: str = Field(min_length=4, max_length=20)
    phone: str | None = Field(default=None, max_length=20)
    channel: Channel
    agent_id: str | None = Field(default=None, max_length=64)


class RescheduleIn(SyncRequest):
    """Move a live booking to another slot of the same service and centre."""

    request_id: str = Field(min_length=8, max_length=64)
    slot_start: AwareDatetime
    channel: Channel
    agent_id: str | None = Field(default=None, max_length=64)


class CancelIn(SyncRequest):
    """Cancel a booking."""

    request_id: str = Field(min_length=8, max_length=64)
    channel: Channel
    agent_id: str | None = Field(default=None, max_length=64)


class BookingOut(WireModel):
    """A booking as the nation holds it, with the attendance its centre reported."""

    ref: str
    centre: str
    service_code: str
    slot_start: AwareDatetime
    status: BookingStatus
    version: int
    channel: Channel
    agent_id: str | None
    attendance: Attendance
    follow_up: bool
