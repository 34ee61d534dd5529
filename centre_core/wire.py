"""The centre's wire types: API answers, the hall's ticket and call records, stream messages.

Defined once here and imported by both sides: the server builds them and names them as its
routes' `response_model`, the client parses the server's answers and stream with them. Readers
ignore unknown fields, so an older client keeps working against a newer server; every model is
frozen. The request bodies only the server reads stay with the server (`centre_server.schemas`).
"""

from __future__ import annotations

import functools
from dataclasses import fields
from datetime import date, datetime
from typing import Annotated, Any, Literal, Self, cast

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, TypeAdapter

from centre_core.centre import CentreConfig
from centre_core.counters import CounterState, CounterStatus
from centre_core.events import DomainEvent
from centre_core.notices import ServiceNotice
from centre_core.reasons import CallReason
from centre_core.tickets import Ticket, TicketSource, TicketStatus


class WireModel(BaseModel):
    """Base of what the server sends: frozen, unknown fields ignored."""

    model_config = ConfigDict(frozen=True, extra="ignore")


# What a `Ticket` holds that a view of it may show under the same name.
_TICKET_ATTRIBUTES = frozenset(field.name for field in fields(Ticket)) | {"queue_key"}


@functools.cache
def _fields_from_ticket(view: type[BaseModel]) -> tuple[str, ...]:
    return tuple(name for name in view.model_fields if name in _TICKET_ATTRIBUTES)


class TicketView(WireModel):
    """Base of the views of one ticket: `ticket_id` is its id, its other fields come by name."""

    ticket_id: str

    @classmethod
    def of(cls, ticket: Ticket, **values: Any) -> Self:
        """Return the view of `ticket`; `values` give the fields it lacks, or replace some."""
        held = {name: getattr(ticket, name) for name in _fields_from_ticket(cls)}
        return cls(ticket_id=ticket.id, **(held | values))


# Errors and health ---------------------------------------------------------------------------


class ErrorDetail(WireModel):
    """What went wrong: a stable code and a sentence."""

    code: str
    message: str


class ErrorOut(WireModel):
    """The body of every error response."""

    error: ErrorDetail


class Health(WireModel):
    """Liveness and the database's reachability."""

    status: Literal["ok"]
    centre: str
    seq: int


# The kiosk's menu and tickets ----------------------------------------------------------------


class NoticeOut(WireModel):
    """A manager's notice shown now: for one service, or the centre (`service_code` null)."""

    notice_id: str
    service_code: str | None
    text_en: str
    text_sw: str | None
    posted_at: datetime
    ends_at: datetime | None

    @classmethod
    def of(cls, notice: ServiceNotice) -> NoticeOut:
        """Return a notice as the kiosk and the board read it (no staff number)."""
        return cls.model_validate(notice.data())


class ServiceOut(WireModel):
    """A service on the kiosk menu with its queue now.

    `is_open` is false outside its hours, when a manager closed it for today, and when today's
    tickets are all given out; `closed_reason` says which as a code (`not_yet_open`,
    `closed_for_the_day`, `closed_today`, `daily_cap_reached`) and `closed_note` holds the
    manager's reason for `closed_today`, in the manager's words.
    """

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
    closed_today: bool = False
    closed_note: str | None = None
    daily_cap: int | None = None
    tickets_left: int | None = Field(
        default=None, description="Walk-in tickets left under today's cap (null: no cap)."
    )
    notices: list[NoticeOut] = Field(default=[], description="This service's notices now.")


class PriorityOut(WireModel):
    """A priority category a citizen may claim."""

    code: str
    name_en: str
    name_sw: str


class ServicesOut(WireModel):
    """The menu: centre, services with waiting counts and estimates, priority categories."""

    centre_code: str
    centre_name: str
    services: list[ServiceOut]
    priorities: list[PriorityOut]
    notices: list[NoticeOut] = Field(default=[], description="The centre-wide notices now.")


class TicketPublic(TicketView):
    """A ticket as the citizen sees it (kiosk slip, status page): no personal data."""

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

    @classmethod
    def for_citizen(
        cls,
        ticket: Ticket,
        *,
        centre: CentreConfig,
        people_ahead: int,
        estimated_wait_minutes: int | None,
        status_url: str,
        phone_masked: str | None = None,
    ) -> TicketPublic:
        """Return the citizen's view of a ticket, its place and wait worked out by the caller."""
        service = centre.service(ticket.service_code)
        return cls.of(
            ticket,
            service_name_en=service.name_en,
            service_name_sw=service.name_sw,
            people_ahead=people_ahead,
            estimated_wait_minutes=estimated_wait_minutes,
            # An ended ticket keeps the counter that ended it; the citizen sees none.
            counter=ticket.counter if ticket.is_active else None,
            status_url=status_url,
            centre_name=centre.name,
            phone_masked=phone_masked,
        )


class CheckInOut(WireModel):
    """A checked-in appointment and its ticket."""

    reference: str
    timing: str
    ticket: TicketPublic


# Counters ------------------------------------------------------------------------------------


class TicketStaffView(TicketView):
    """A ticket as counter staff see it (phone masked)."""

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


class ReasonOut(WireModel):
    """Why the calling policy chose a ticket."""

    code: str
    explanation: str
    # The sentence's figures by name (see `CallReason`): a client words the reason from `code`
    # and these in its language; an older server sends none.
    figures: dict[str, str | int] = {}

    @classmethod
    def of(cls, reason: CallReason) -> ReasonOut:
        """Return the policy's reason as the counter screen shows it."""
        return cls(code=reason.code, explanation=reason.explanation, figures=dict(reason.figures))


class CounterOut(WireModel):
    """A counter's live state."""

    code: str
    name: str
    status: str
    staff_number: str | None
    ticket_id: str | None
    number: str | None
    pause_reason: str | None
    status_since: datetime | None

    @classmethod
    def of(cls, state: CounterState, *, centre: CentreConfig, number: str | None) -> CounterOut:
        """Return a counter's live state (`number`: that of the ticket it holds)."""
        return cls(
            code=state.code,
            name=centre.counter(state.code).name,
            status=str(state.status),
            staff_number=state.staff_number,
            ticket_id=state.current_ticket_id,
            number=number if state.current_ticket_id else None,
            pause_reason=state.pause_reason,
            status_since=state.status_since,
        )


class CounterCommandOut(WireModel):
    """The result of a counter command: the counter, the ticket it acted on, why (for calls)."""

    counter: CounterOut
    ticket: TicketStaffView | None
    reason: ReasonOut | None = None
    seq: int = Field(description="The seq of the last event this command produced.")


class NextTicketOut(WireModel):
    """A ticket in the order this counter would call it."""

    ticket: TicketStaffView
    reason: ReasonOut


class QueueCountOut(WireModel):
    """How many wait in one queue this counter serves."""

    queue_key: str
    waiting: int


class CounterQueueOut(WireModel):
    """The counter's view of its queue."""

    counter: CounterOut
    current: TicketStaffView | None
    queues: list[QueueCountOut]
    next: list[NextTicketOut]
    waiting_total: int


# Staff ---------------------------------------------------------------------------------------


class StaffLoginOut(WireModel):
    """A staff session: the bearer token (shown once) and what it allows."""

    token: str
    expires_at: datetime
    staff_number: str
    name: str
    roles: list[str]
    counter: str | None


class StaffFiguresOut(WireModel):
    """A staff member's figures for the centre-local day: stages finished and handling times."""

    served: int
    mean_handling_seconds: float | None = Field(
        description="From the start of serving (or the call, when serving never started) to "
        "the finish; null when nothing was served today."
    )
    longest_handling_seconds: float | None


class StaffOut(WireModel):
    """A staff account as managers see it (never its PIN)."""

    staff_number: str
    name: str
    role: str
    active: bool
    locked_until: datetime | None
    failed_attempts: int


class StaffListOut(WireModel):
    """Every staff account, by staff number."""

    staff: list[StaffOut]


class PinResetOut(WireModel):
    """A PIN reset: the account, and the new PIN when the centre chose it (shown only once)."""

    staff: StaffOut
    pin: str | None = None
    sessions_revoked: int


# The manager's actions -----------------------------------------------------------------------


class AuditRecordOut(WireModel):
    """Who did what, when: one manager (or CLI) action."""

    id: int
    at: datetime
    actor: str
    action: str
    target: str
    detail: dict[str, Any]


class AuditListOut(WireModel):
    """Recent audit records, newest first."""

    records: list[AuditRecordOut]


class NoticeListOut(WireModel):
    """The notices current now, oldest first."""

    notices: list[NoticeOut]


class CounterServicesOut(WireModel):
    """The queues a counter serves today after a manager changed them."""

    counter: str
    services: dict[str, int] = Field(description="Selector (service or stage key): weight.")
    queue_keys: list[str]
    seq: int


class ServiceDayOut(WireModel):
    """A service's state for today after a manager's action."""

    service_code: str
    business_day: date
    closed_reason: str | None
    daily_cap: int | None
    seq: int


# Appointments --------------------------------------------------------------------------------


class AppointmentOut(WireModel):
    """An appointment as managers see it (phone and ID masked)."""

    reference: str
    service_code: str
    slot_start: datetime
    status: str
    phone_masked: str | None
    id_number_masked: str | None
    checked_in_at: datetime | None
    ticket_id: str | None


class AppointmentImportOut(WireModel):
    """How an import went."""

    created: int
    updated: int


class AppointmentListOut(WireModel):
    """A day's appointments."""

    business_day: date
    appointments: list[AppointmentOut]


# Devices -------------------------------------------------------------------------------------


class PrinterStatus(BaseModel):
    """A kiosk printer's state, as `printers.status.PrinterStatus` reads it."""

    # Sent by the kiosk inside a request: refused with unknown fields, like every request.
    model_config = ConfigDict(frozen=True, extra="forbid")

    online: bool
    paper: Literal["ok", "low", "out", "unknown"]
    cover_open: bool | None = None
    error: (
        Literal["printer_offline", "paper_out", "cover_open", "printer_error", "not_configured"]
        | None
    ) = None


class SoundStatus(BaseModel):
    """A hall board's sound: playing calls (ok), turned off, or failing (with the fault's code)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    state: Literal["ok", "off", "fault"]
    error: str | None = Field(default=None, max_length=80)


class AlertOut(WireModel):
    """An alert as managers see it (and the data of every `alert.*` event)."""

    alert_id: str
    kind: str
    subject: str
    detail: dict[str, Any]
    raised_at: datetime
    cleared_at: datetime | None
    acknowledged_at: datetime | None
    acknowledged_by: str | None


class AlertListOut(WireModel):
    """The alerts open now, oldest first (`GET /api/v1/alerts`)."""

    alerts: list[AlertOut]


class DeviceStatusOut(WireModel):
    """The seq of the `device.status` event recorded."""

    seq: int


class DeviceOut(WireModel):
    """A device's last reported state (managers only)."""

    device_id: str
    name: str
    role: str
    status: dict[str, Any] | None
    status_at: datetime | None


# The hall ------------------------------------------------------------------------------------


class TicketRecord(TicketView):
    """A ticket as the hall sees it: the data of every ticket event and the snapshot's tickets.

    No personal data and no token: displays receive it.
    """

    number: str
    service_code: str
    stage_index: int
    queue_key: str
    status: TicketStatus
    counter: str | None
    target_counter: str | None
    priority: str | None
    source: TicketSource
    recalls: int
    issued_at: datetime
    # Events logged before the record carried it lack it; a called ticket always has it now.
    called_at: datetime | None = None


class CallRecord(WireModel):
    """One call (or recall) of a ticket to a counter: what the hall display announces."""

    seq: int
    at: datetime
    ticket_id: str
    number: str
    counter: str
    queue_key: str
    recalls: int

    @classmethod
    def of(cls, ticket: TicketRecord, *, seq: int, at: datetime) -> CallRecord:
        """Return the call of a ticket made by the event `seq` at `at` (the ticket's state then).

        Raises `pydantic.ValidationError` for a ticket held by no counter.
        """
        return cls(seq=seq, at=at, **ticket.model_dump(include=set(_CALLED_TICKET_FIELDS)))


# What a call says of its ticket: every field but the call's own seq and time.
_CALLED_TICKET_FIELDS = frozenset(CallRecord.model_fields) - {"seq", "at"}


class StandingCall(WireModel):
    """A ticket called to a counter and not yet served or ended there."""

    ticket_id: str
    number: str
    counter: str
    queue_key: str
    recalls: int
    called_at: datetime | None


class HallServiceOut(WireModel):
    """One service in the hall snapshot."""

    code: str
    name_en: str
    name_sw: str
    waiting: int
    longest_wait_minutes: int
    estimated_wait_minutes: int | None
    counters_open: int
    is_open: bool = True
    closed_reason: str | None = None
    closed_today: bool = False
    closed_note: str | None = None
    daily_cap: int | None = None
    tickets_left: int | None = None
    notices: list[NoticeOut] = []


class HallTotalsOut(WireModel):
    """Counts across the hall."""

    waiting: int
    longest_wait_minutes: int
    counters_open: int
    counters_serving: int
    counters_paused: int
    counters_closed: int


class HallCounterOut(CounterOut):
    """A counter as the hall sees it: its live state and the services it serves."""

    services: list[str] = Field(
        description="Codes of the services the counter serves (any stage of them), in the "
        "centre file's order: a display zoned to some counters shows these services' queues."
    )


class LinkStatus(WireModel):
    """The centre's view of its link (`GET /api/v1/sync`, `foleni sync status --json`)."""

    link: Literal["up", "down"]
    last_seq: int
    acked_through: int
    pending: int
    lag_seconds: float
    cursor: int
    last_error: str | None
    last_contact: datetime | None = None


class HallSnapshot(WireModel):
    """The whole hall at one seq: what a display or manager needs to start from."""

    seq: int
    at: datetime
    business_day: date
    centre_code: str
    centre_name: str
    services: list[HallServiceOut]
    counters: list[HallCounterOut]
    totals: HallTotalsOut
    called_now: list[StandingCall]
    recent_calls: list[CallRecord] = Field(description="Oldest first.")
    tickets: list[TicketRecord] = Field(description="Every ticket waiting, called or serving.")
    devices: list[DeviceOut] | None = None
    # For managers: the national link (also announced by `sync.link` events).
    national_link: LinkStatus | None = None
    notices: list[NoticeOut] = Field(default=[], description="The centre-wide notices now.")


class CounterEventData(WireModel):
    """The data of a `counter.*` event: the counter, its new status, why it paused."""

    counter: str
    status: CounterStatus
    reason: str | None = None


# The stream ----------------------------------------------------------------------------------

# The websocket close codes by which the stream refuses a connection (4000 + the HTTP status).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_INVALID_REQUEST = 4400


class EventMessage(WireModel):
    """The stream's envelope of one event: `{seq, type, at, data}`."""

    seq: int
    type: str
    at: datetime
    data: dict[str, Any]

    @classmethod
    def from_event(cls, event: DomainEvent, *, seq: int) -> EventMessage:
        """Wrap a domain event with the sequence number the server gave it."""
        return cls(seq=seq, type=str(event.type), at=event.at, data=dict(event.data))


class SnapshotMessage(WireModel):
    """The hall at `seq`, sent first to a client without a usable cursor."""

    type: Literal["snapshot"] = "snapshot"
    seq: int
    data: HallSnapshot


class LivenessMessage(WireModel):
    """A message that only proves the server alive, at `seq`; clients treat each kind alike."""

    type: str
    seq: int


class HeartbeatMessage(LivenessMessage):
    """Sent when the hall is quiet: the server is alive and at `seq`."""

    type: Literal["heartbeat"] = "heartbeat"


class PongMessage(LivenessMessage):
    """The answer to a client's ping: the seq of the last event sent on this connection."""

    type: Literal["pong"] = "pong"


class ErrorMessage(WireModel):
    """Why the server refuses the connection, sent before it closes it."""

    type: Literal["error"] = "error"
    error: ErrorDetail


class PingMessage(WireModel):
    """The client's proof of life; the server answers with a `PongMessage`."""

    type: Literal["ping"] = "ping"


# The envelopes with a fixed `type`; any other type is a dotted event type (`ticket.called`).
_CONTROL_TYPES = frozenset({"snapshot", "heartbeat", "pong", "error"})


def _server_message_tag(message: Any) -> str:
    kind = message.get("type") if isinstance(message, dict) else getattr(message, "type", None)
    return kind if isinstance(kind, str) and kind in _CONTROL_TYPES else "event"


ServerMessage = Annotated[
    Annotated[EventMessage, Tag("event")]
    | Annotated[SnapshotMessage, Tag("snapshot")]
    | Annotated[HeartbeatMessage, Tag("heartbeat")]
    | Annotated[PongMessage, Tag("pong")]
    | Annotated[ErrorMessage, Tag("error")],
    Discriminator(_server_message_tag),
]
# Parses what the server sends on the stream: `SERVER_MESSAGES.validate_json(text)`. (The cast:
# mypy reads an annotated union as a value, not as the type pydantic adapts.)
SERVER_MESSAGES: TypeAdapter[ServerMessage] = TypeAdapter(
    cast("type[ServerMessage]", ServerMessage)
)
