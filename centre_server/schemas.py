"""Wire types of the API: requests (validated, extra fields refused) and responses."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

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


class PrinterStatusIn(Request):
    """A kiosk printer's state, as `printers.status.PrinterStatus` reads it."""

    online: bool
    paper: Literal["ok", "low", "out", "unknown"]
    cover_open: bool | None = None
    error: (
        Literal["printer_offline", "paper_out", "cover_open", "printer_error", "not_configured"]
        | None
    ) = None


class DeviceStatusIn(Request):
    """A device's report of its own state (shown to managers, sent as `device.status`)."""

    printer: PrinterStatusIn | None = None
    message: ShortText | None = None


# Responses -----------------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    """What went wrong: a stable code and a sentence."""

    code: str
    message: str


class ErrorOut(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


class Health(BaseModel):
    """Liveness and the database's reachability."""

    status: Literal["ok"]
    centre: str
    seq: int


class ServiceOut(BaseModel):
    """A service on the kiosk menu with its queue now."""

    code: str
    name_en: str
    name_sw: str
    prefix: str
    waiting: int
    estimated_wait_minutes: int | None
    is_open: bool
    closed_reason: str | None
    priority_allowed: bool
    collection: bool
    counters_open: int


class PriorityOut(BaseModel):
    """A priority category a citizen may claim."""

    code: str
    name_en: str
    name_sw: str


class ServicesOut(BaseModel):
    """The menu: centre, services with waiting counts and estimates, priority categories."""

    centre_code: str
    centre_name: str
    services: list[ServiceOut]
    priorities: list[PriorityOut]


class TicketPublic(BaseModel):
    """A ticket as the citizen sees it (kiosk slip, status page): no personal data."""

    ticket_id: str
    number: str
    token: str
    status: str
    service_code: str
    service_name_en: str
    service_name_sw: str
    queue_key: str
    stage_index: int
    priority: str | None
    source: str
    business_day: date
    issued_at: datetime
    appointment_slot: datetime | None
    people_ahead: int
    estimated_wait_minutes: int | None
    counter: str | None
    status_url: str
    centre_name: str
    phone_masked: str | None = None


class TicketStaffView(BaseModel):
    """A ticket as counter staff see it (phone masked)."""

    ticket_id: str
    number: str
    status: str
    service_code: str
    queue_key: str
    stage_index: int
    priority: str | None
    source: str
    issued_at: datetime
    queued_at: datetime
    ready_at: datetime
    called_at: datetime | None
    serving_at: datetime | None
    finished_at: datetime | None
    counter: str | None
    target_counter: str | None
    recalls: int
    appointment_ref: str | None
    appointment_slot: datetime | None
    note: str | None
    phone_masked: str | None


class ReasonOut(BaseModel):
    """Why the calling policy chose a ticket."""

    code: str
    explanation: str


class CounterOut(BaseModel):
    """A counter's live state."""

    code: str
    name: str
    status: str
    staff_number: str | None
    ticket_id: str | None
    number: str | None
    pause_reason: str | None
    status_since: datetime | None


class CounterCommandOut(BaseModel):
    """The result of a counter command: the counter, the ticket it acted on, why (for calls)."""

    counter: CounterOut
    ticket: TicketStaffView | None
    reason: ReasonOut | None = None
    seq: int = Field(description="The seq of the last event this command produced.")


class NextTicketOut(BaseModel):
    """A ticket in the order this counter would call it."""

    ticket: TicketStaffView
    reason: ReasonOut


class QueueCountOut(BaseModel):
    """How many wait in one queue this counter serves."""

    queue_key: str
    waiting: int


class CounterQueueOut(BaseModel):
    """The counter's view of its queue."""

    counter: CounterOut
    current: TicketStaffView | None
    queues: list[QueueCountOut]
    next: list[NextTicketOut]
    waiting_total: int


class StaffLoginOut(BaseModel):
    """A staff session: the bearer token (shown once) and what it allows."""

    token: str
    expires_at: datetime
    staff_number: str
    name: str
    roles: list[str]
    counter: str | None


class StaffFiguresOut(BaseModel):
    """A staff member's figures for the centre-local day: stages finished and handling times."""

    served: int
    mean_handling_seconds: float | None = Field(
        description="From the start of serving (or the call, when serving never started) to "
        "the finish; null when nothing was served today."
    )
    longest_handling_seconds: float | None


class CheckInOut(BaseModel):
    """A checked-in appointment and its ticket."""

    reference: str
    timing: str
    ticket: TicketPublic


class AppointmentOut(BaseModel):
    """An appointment as managers see it (phone and ID masked)."""

    reference: str
    service_code: str
    slot_start: datetime
    status: str
    phone_masked: str | None
    id_number_masked: str | None
    checked_in_at: datetime | None
    ticket_id: str | None


class AppointmentImportOut(BaseModel):
    """How an import went."""

    created: int
    updated: int


class AppointmentListOut(BaseModel):
    """A day's appointments."""

    business_day: date
    appointments: list[AppointmentOut]


class DeviceStatusOut(BaseModel):
    """The seq of the `device.status` event recorded."""

    seq: int


class HallServiceOut(BaseModel):
    """One service in the hall snapshot."""

    code: str
    name_en: str
    name_sw: str
    waiting: int
    longest_wait_minutes: int
    estimated_wait_minutes: int | None
    counters_open: int


class HallTotalsOut(BaseModel):
    """Counts across the hall."""

    waiting: int
    longest_wait_minutes: int
    counters_open: int
    counters_serving: int
    counters_paused: int
    counters_closed: int


class DeviceOut(BaseModel):
    """A device's last reported state (managers only)."""

    device_id: str
    name: str
    role: str
    status: dict[str, Any] | None
    status_at: datetime | None


class HallCounterOut(CounterOut):
    """A counter as the hall sees it: its live state and the services it serves."""

    services: list[str] = Field(
        description="Codes of the services the counter serves (any stage of them), in the "
        "centre file's order: a display zoned to some counters shows these services' queues."
    )


class HallSnapshot(BaseModel):
    """The whole hall at one seq: what a display or manager needs to start from."""

    seq: int
    at: datetime
    business_day: date
    centre_code: str
    centre_name: str
    services: list[HallServiceOut]
    counters: list[HallCounterOut]
    totals: HallTotalsOut
    called_now: list[dict[str, Any]]
    recent_calls: list[dict[str, Any]]
    tickets: list[dict[str, Any]]
    devices: list[DeviceOut] | None = None
