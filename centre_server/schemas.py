"""Request bodies of the API, validated with extra fields refused (answers: `centre_core.wire`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from centre_core.wire import PrinterStatus, SoundStatus

Code = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$")]
RequestId = Annotated[
    str,
    Field(
        min_length=8,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="Client-generated id (e.g. a UUID): a retry with the same id returns the "
        "first result and changes nothing.",
    ),
]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]


class Request(BaseModel):
    """Base of request bodies: unknown fields are an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


# Requests ------------------------------------------------------------------------------------


class TicketIssueIn(Request):
    """A walk-in ticket from a kiosk (or staff issuing one for an assisted citizen)."""

    service_code: Code
    priority: Code | None = None
    phone: Annotated[str, Field(min_length=3, max_length=32)] | None = Field(
        default=None, description="Kenyan number for an SMS later; stored, returned masked."
    )
    request_id: RequestId | None = None


class CheckInIn(Request):
    """Appointment check-in by booking reference or by phone number (one of them)."""

    reference: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    phone: Annotated[str, Field(min_length=3, max_length=32)] | None = None
    request_id: RequestId | None = None


class CancelIn(Request):
    """Withdraw a waiting ticket (e.g. its slip could not be printed, or the citizen left)."""

    reason: Literal["not_printed", "left", "duplicate", "other"] = "other"
    request_id: RequestId | None = None


class AppointmentIn(Request):
    """One appointment to import."""

    reference: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
    service_code: Code
    slot_start: datetime = Field(description="Aware ISO 8601 time of the slot's start.")
    phone: Annotated[str, Field(min_length=3, max_length=32)] | None = None
    id_number: Annotated[str, Field(min_length=1, max_length=20)] | None = None
    status: Literal["booked", "cancelled"] = "booked"


class AppointmentImportIn(Request):
    """A batch of appointments (created or updated by reference)."""

    appointments: Annotated[list[AppointmentIn], Field(max_length=5000)]


class StaffLoginIn(Request):
    """Staff number and PIN, at a counter (counter staff) or without one (managers)."""

    staff_number: Annotated[str, Field(min_length=1, max_length=32)]
    pin: Annotated[str, Field(min_length=1, max_length=32)]
    counter: Code | None = None


class CounterCommandIn(Request):
    """A counter command on the ticket the counter holds (`ticket_id` guards against a mix-up)."""

    ticket_id: Code | None = None
    request_id: RequestId | None = None


class CallTicketIn(Request):
    """Call one specific waiting ticket to the counter."""

    ticket_id: Code
    request_id: RequestId | None = None


class TransferIn(Request):
    """Send the held ticket (or a waiting one) to another queue and/or counter."""

    ticket_id: Code | None = None
    to_service: Code | None = None
    to_stage: Annotated[int, Field(ge=0, le=50)] | None = None
    to_counter: Code | None = None
    note: ShortText | None = None
    request_id: RequestId | None = None


class PauseIn(Request):
    """Pause a counter for a reason (break, system down)."""

    reason: ShortText = "break"
    request_id: RequestId | None = None


class DeviceStatusIn(Request):
    """A device's report of its own state (shown to managers, sent as `device.status`)."""

    printer: PrinterStatus | None = None
    sound: SoundStatus | None = None
    message: ShortText | None = None


# The manager's actions -----------------------------------------------------------------------

NoticeText = Annotated[str, Field(min_length=1, max_length=300)]
Reason = Annotated[str, Field(min_length=1, max_length=200, pattern=r"\S")]


class NoticePostIn(Request):
    """A notice for the kiosk tile and the board: one service, or the whole centre."""

    text_en: NoticeText
    text_sw: NoticeText | None = None
    service_code: Code | None = Field(default=None, description="Null: the whole centre.")
    ends_at: datetime | None = Field(
        default=None, description="Aware ISO 8601 time the notice ends (null: until cleared)."
    )
    request_id: RequestId | None = None


class ManagerCommandIn(Request):
    """A manager's command that needs nothing but its idempotency key."""

    request_id: RequestId | None = None


class ServiceCloseIn(Request):
    """Close a service for the rest of today, saying why (the kiosk shows it)."""

    reason: Reason
    request_id: RequestId | None = None


class DailyCapIn(Request):
    """Cap today's tickets of a service (null: back to the centre file's cap)."""

    cap: Annotated[int, Field(ge=1, le=99_999)] | None
    request_id: RequestId | None = None


Selector = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9._-]+$")]
Weight = Annotated[int, Field(ge=1, le=100)]


class CounterServicesIn(Request):
    """The queues a counter serves for the rest of today: {service or stage key: weight}."""

    services: Annotated[
        dict[
            Annotated[str, Field(min_length=1, max_length=80)], Annotated[int, Field(ge=1, le=100)]
        ],
        Field(min_length=1, max_length=50),
    ]
    request_id: RequestId | None = None


class TicketMoveIn(Request):
    """Move a waiting ticket to another service, stage or counter (at least one of them)."""

    to_service: Code | None = None
    to_stage: Annotated[int, Field(ge=0, le=50)] | None = None
    to_counter: Code | None = None
    note: ShortText | None = None
    request_id: RequestId | None = None


class PinResetIn(Request):
    """A new PIN for a staff account; without one the centre chooses it and shows it once."""

    pin: Annotated[str, Field(pattern=r"^[0-9]{4,12}$")] | None = None
