"""Domain events returned by every operation, and the wire envelope that carries them."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel


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
    appointment_checked_in = "appointment.checked_in"
    device_status = "device.status"


@dataclass(frozen=True)
class DomainEvent:
    """Something that happened in the centre; `data` holds JSON-native values only."""

    type: str
    at: datetime
    data: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Read-only, so an event cannot change after it was handed to the caller.
        object.__setattr__(self, "data", MappingProxyType(dict(self.data)))


class EventMessage(BaseModel):
    """The wire envelope of one event: `{seq, type, at, data}`."""

    seq: int
    type: str
    at: datetime
    data: dict[str, Any]

    @classmethod
    def from_event(cls, event: DomainEvent, *, seq: int) -> "EventMessage":
        """Wrap a domain event with the sequence number the server gave it."""
        return cls(seq=seq, type=str(event.type), at=event.at, data=dict(event.data))
