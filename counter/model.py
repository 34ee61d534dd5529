"""What the counter screen shows, as plain values the link to the centre hands over."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Session:
    """A member of staff logged in at a counter."""

    staff_number: str
    counter: str
    staff_name: str = ""


@dataclass(frozen=True)
class HeldTicket:
    """The ticket a counter holds (called or serving), with the phone already masked."""

    ticket_id: str
    number: str
    service_code: str
    status: str
    source: str
    priority: str | None = None
    phone_masked: str | None = None
    called_at: datetime | None = None
    serving_at: datetime | None = None
    recalls: int = 0
    note: str | None = None


@dataclass(frozen=True)
class CounterState:
    """A counter's status (open, paused, closed) and the ticket it holds."""

    code: str
    status: str
    pause_reason: str | None = None
    held: HeldTicket | None = None


@dataclass(frozen=True)
class WaitingTicket:
    """A waiting ticket in the order the policy will call it, with the policy's reason."""

    ticket_id: str
    number: str
    service_code: str
    waiting_since: datetime
    reason: str
    reason_code: str = ""
    # The figures the counter words the reason with (`centre_core.reasons.CallReason`).
    reason_figures: Mapping[str, str | int] = field(default_factory=dict)
    priority: str | None = None
    source: str = "walk_in"


@dataclass(frozen=True)
class WaitingList:
    """The counter's waiting list: how many wait, since when the longest, who comes next."""

    count: int
    longest_since: datetime | None
    upcoming: tuple[WaitingTicket, ...] = ()


@dataclass(frozen=True)
class CounterQueue:
    """The counter as the centre sees it: its state, the queues it serves, who waits."""

    state: CounterState
    waiting: WaitingList
    queues: tuple[str, ...] = ()


@dataclass(frozen=True)
class Directory:
    """Names of the centre's services, counters and priority categories, by code."""

    services: Mapping[str, str] = field(default_factory=dict)
    counters: Mapping[str, str] = field(default_factory=dict)
    priorities: Mapping[str, str] = field(default_factory=dict)
    timezone: str = "Africa/Nairobi"


@dataclass(frozen=True)
class StaffFigures:
    """The staff member's own figures for today: served, average and longest handling time."""

    served: int
    mean_handling_seconds: float | None
    longest_handling_seconds: float | None
