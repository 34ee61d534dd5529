"""Typed results of the centre API, mirroring the server's response models field by field.

The client may not import the server (the import rules), so these repeat
`centre_server.schemas` under the same names; a test compares the two. Unknown fields are
ignored, so an older client keeps working against a newer server.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class WireModel(BaseModel):
    """Base of the response models: frozen, unknown fields ignored."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class Health(WireModel):
    """Liveness, the centre's code and the seq of its newest event."""

    status: str
    centre: str
    seq: int


class ServiceOut(WireModel):
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


class TicketPublic(WireModel):
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


class TicketStaffView(WireModel):
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


class ReasonOut(WireModel):
    """Why the calling policy chose a ticket."""

    code: str
    explanation: str


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


class CounterCommandOut(WireModel):
    """The result of a counter command: the counter, the ticket it acted on, why (for calls)."""

    counter: CounterOut
    ticket: TicketStaffView | None
    reason: ReasonOut | None = None
    seq: int


class NextTicketOut(WireModel):
    """A ticket in the order this counter would call it."""

    ticket: TicketStaffView
    reason: ReasonOut


class QueueCountOut(WireModel):
    """How many wait in one queue a counter serves."""

    queue_key: str
    waiting: int


class CounterQueueOut(WireModel):
    """The counter's view of its queue."""

    counter: CounterOut
    current: TicketStaffView | None
    queues: list[QueueCountOut]
    next: list[NextTicketOut]
    waiting_total: int


class StaffLoginOut(WireModel):
    """A staff session: the bearer token and what it allows."""

    token: str
    expires_at: datetime
    staff_number: str
    name: str
    roles: list[str]
    counter: str | None


class StaffFiguresOut(WireModel):
    """The logged-in staff member's figures for the centre-local day."""

    served: int
    mean_handling_seconds: float | None
    longest_handling_seconds: float | None


class CheckInOut(WireModel):
    """A checked-in appointment and its ticket."""

    reference: str
    timing: str
    ticket: TicketPublic


class DeviceStatusOut(WireModel):
    """The seq of the `device.status` event recorded."""

    seq: int


class HallServiceOut(WireModel):
    """One service in the hall snapshot."""

    code: str
    name_en: str
    name_sw: str
    waiting: int
    longest_wait_minutes: int
    estimated_wait_minutes: int | None
    counters_open: int


class HallTotalsOut(WireModel):
    """Counts across the hall."""

    waiting: int
    longest_wait_minutes: int
    counters_open: int
    counters_serving: int
    counters_paused: int
    counters_closed: int


class DeviceOut(WireModel):
    """A device's last reported state (managers only)."""

    device_id: str
    name: str
    role: str
    status: dict[str, Any] | None
    status_at: datetime | None


class HallCounterOut(CounterOut):
    """A counter as the hall sees it: its live state and the services it serves."""

    services: list[str]


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
    called_now: list[dict[str, Any]]
    recent_calls: list[dict[str, Any]]
    tickets: list[dict[str, Any]]
    devices: list[DeviceOut] | None = None


class PrinterStatus(WireModel):
    """A kiosk printer's state as the kiosk reports it (`paper`: ok, low, out or unknown)."""

    online: bool
    paper: str
    cover_open: bool | None = None
    error: str | None = None
