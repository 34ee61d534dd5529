"""A service's state for one business day, set by a manager: closed for today, today's cap.

A new business day starts with no such state: open (within its hours) and capped only by the
centre file's `daily_cap`. The cap counts the tickets numbered by the service that day (walk-ins
and appointment check-ins alike); only walk-ins are refused once it is reached.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from centre_core.centre import Service
from centre_core.clock import as_utc
from centre_core.errors import ErrorCode, QueueError, ServerErrorCode
from centre_core.events import DomainEvent, EventType

CAP_LIMIT = 99_999


@dataclass(frozen=True, kw_only=True)
class ServiceDay:
    """What a manager decided about a service for `business_day` (None: nothing)."""

    service_code: str
    business_day: date
    closed_reason: str | None = None
    daily_cap: int | None = None

    @property
    def closed(self) -> bool:
        """Whether a manager closed the service for the day."""
        return self.closed_reason is not None


@dataclass(frozen=True)
class ServiceDayOutcome:
    """A service's new state for the day and the event of the change."""

    day: ServiceDay
    events: tuple[DomainEvent, ...]


def cap_of(service: Service, day: ServiceDay | None) -> int | None:
    """Return the day's cap: the manager's for today, else the centre file's (None: none)."""
    if day is not None and day.daily_cap is not None:
        return day.daily_cap
    return service.daily_cap


def closed_today_message(reason: str) -> str:
    """Return what a kiosk may show of a service a manager closed."""
    return f"closed today by the centre: {reason}"


def cap_reached_message(service: Service) -> str:
    """Return what a kiosk may show of a service whose tickets for today are given out."""
    return f"today's tickets for {service.name_en} are all given out"


def _event(kind: EventType, day: ServiceDay, now: datetime, **extra: object) -> DomainEvent:
    data = {
        "service_code": day.service_code,
        "business_day": day.business_day.isoformat(),
        "closed_reason": day.closed_reason,
        "daily_cap": day.daily_cap,
        **extra,
    }
    return DomainEvent(type=kind, at=now, data=data)


def close_for_today(day: ServiceDay, *, reason: str, now: datetime) -> ServiceDayOutcome:
    """Close a service for the rest of its day (a closed one gets the new reason)."""
    cleaned = " ".join(reason.split())
    if not cleaned:
        raise QueueError(ServerErrorCode.invalid_request, "say why the service closes")
    closed = replace(day, closed_reason=cleaned)
    return ServiceDayOutcome(closed, (_event(EventType.service_closed_today, closed, as_utc(now)),))


def reopen(day: ServiceDay, *, now: datetime) -> ServiceDayOutcome:
    """Open again a service closed for today; one not closed is `invalid_transition`."""
    if not day.closed:
        raise QueueError(ErrorCode.invalid_transition, f"{day.service_code} is not closed today")
    opened = replace(day, closed_reason=None)
    return ServiceDayOutcome(opened, (_event(EventType.service_reopened, opened, as_utc(now)),))


def set_cap(day: ServiceDay, *, cap: int | None, now: datetime) -> ServiceDayOutcome:
    """Cap today's tickets of a service (None: back to the centre file's cap, if any)."""
    if cap is not None and not 1 <= cap <= CAP_LIMIT:
        raise QueueError(ServerErrorCode.invalid_request, f"a daily cap is 1 to {CAP_LIMIT}")
    capped = replace(day, daily_cap=cap)
    return ServiceDayOutcome(capped, (_event(EventType.service_cap_set, capped, as_utc(now)),))
