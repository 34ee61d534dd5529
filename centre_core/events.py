"""Domain events returned by every operation (their wire envelope is `wire.EventMessage`)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any


class EventType(StrEnum):
    """The dotted event types of a centre."""

    ticket_issued = "ticket.issued"
    ticket_called = "ticket.called"
    ticket_recalled = "ticket.recalled"
    ticket_serving = "ticket.serving"
    ticket_done = "ticket.done"
    ticket_stage_advanced = "ticket.stage_advanced"
    ticket_no_show = "ticket.no_show"
    ticket_cancelled = "ticket.cancelled"
    ticket_transferred = "ticket.transferred"
    counter_opened = "counter.opened"
    counter_paused = "counter.paused"
    counter_resumed = "counter.resumed"
    counter_closed = "counter.closed"
    # A manager changed the services a counter serves for the rest of the day.
    counter_services_changed = "counter.services_changed"
    # A manager's notices and today's state of a service (closed, reopened, its daily cap).
    service_notice_posted = "service.notice_posted"
    service_notice_cleared = "service.notice_cleared"
    service_closed_today = "service.closed_today"
    service_reopened = "service.reopened"
    service_cap_set = "service.cap_set"
    appointment_checked_in = "appointment.checked_in"
    # From the nation's change feed: a booking made or moved, cancelled, or cancelled although
    # the citizen had checked in (kept in the hall; staff follow up).
    appointment_booked = "appointment.booked"
    appointment_cancelled = "appointment.cancelled"
    appointment_cancelled_after_check_in = "appointment.cancelled_after_check_in"
    device_status = "device.status"
    # Something needs a manager (`centre_core.alerts`): raised, seen by a manager, gone.
    alert_raised = "alert.raised"
    alert_acknowledged = "alert.acknowledged"
    alert_cleared = "alert.cleared"
    # The national link went up or down (with pending rows, lag and the last error).
    sync_link = "sync.link"
    # For the nation's overview: the hall now and its day so far (centre_server/summary_worker.py).
    hall_summary = "hall.summary"


@dataclass(frozen=True)
class DomainEvent:
    """Something that happened in the centre; `data` holds JSON-native values only."""

    type: str
    at: datetime
    data: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Read-only, so an event cannot change after it was handed to the caller.
        object.__setattr__(self, "data", MappingProxyType(dict(self.data)))
