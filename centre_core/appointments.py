"""Appointments booked for a slot, and the check-in rules that turn them into tickets."""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from centre_core.centre import CentreConfig
from centre_core.clock import as_utc, business_day, local_time
from centre_core.errors import ErrorCode, QueueError
from centre_core.events import DomainEvent, EventType
from centre_core.tickets import TicketSource


class AppointmentStatus(StrEnum):
    """Where a booking stands."""

    booked = "booked"
    checked_in = "checked_in"
    cancelled = "cancelled"


@dataclass(frozen=True)
class Appointment:
    """A booking for a service at a slot; `phone` (E.164) never leaves the server."""

    ref: str
    service_code: str
    slot_start: datetime
    phone: str | None = None
    status: AppointmentStatus = AppointmentStatus.booked
    checked_in_at: datetime | None = None
    ticket_id: str | None = None

    def __post_init__(self) -> None:
        # Accept the plain strings a database row holds.
        object.__setattr__(self, "status", AppointmentStatus(self.status))


class CheckInTiming(StrEnum):
    """The arrival against the slot: before the window, inside it, or after it."""

    early = "early"
    on_time = "on_time"
    late = "late"


@dataclass(frozen=True)
class CheckIn:
    """What a check-in decided: issue the ticket with this `source` and `ready_at`."""

    appointment: Appointment
    timing: CheckInTiming
    source: TicketSource
    ready_at: datetime
    events: tuple[DomainEvent, ...]


def check_in(appointment: Appointment, *, centre: CentreConfig, now: datetime) -> CheckIn:
    """Check a citizen in for a booking made for today.

    Inside the window (`appointment_early_minutes` before the slot to
    `appointment_late_minutes` after it) the ticket is an appointment, callable from the slot
    start (an early arrival waits for its slot). Earlier the same day: the same, waiting for
    the slot. Later than the window: still served, as a walk-in from the check-in time (the
    centres serve whoever is in the hall).
    """
    now = as_utc(now)
    if appointment.status == AppointmentStatus.cancelled:
        raise QueueError(
            ErrorCode.appointment_cancelled, f"appointment {appointment.ref} was cancelled"
        )
    if appointment.status == AppointmentStatus.checked_in:
        raise QueueError(
            ErrorCode.appointment_already_checked_in,
            f"appointment {appointment.ref} was already checked in",
        )
    centre.service(appointment.service_code)
    slot = as_utc(appointment.slot_start)
    if business_day(slot, timezone=centre.timezone) != business_day(now, timezone=centre.timezone):
        day = local_time(slot, timezone=centre.timezone).date().isoformat()
        raise QueueError(
            ErrorCode.appointment_not_today, f"appointment {appointment.ref} is for {day}"
        )
    policy = centre.policy
    if now < slot - timedelta(minutes=policy.appointment_early_minutes):
        timing, source, ready_at = CheckInTiming.early, TicketSource.appointment, slot
    elif now <= slot + timedelta(minutes=policy.appointment_late_minutes):
        timing, source, ready_at = CheckInTiming.on_time, TicketSource.appointment, max(now, slot)
    else:
        timing, source, ready_at = CheckInTiming.late, TicketSource.walk_in, now
    checked = replace(appointment, status=AppointmentStatus.checked_in, checked_in_at=now)
    event = DomainEvent(
        type=EventType.appointment_checked_in,
        at=now,
        data={
            "ref": appointment.ref,
            "service_code": appointment.service_code,
            "slot_start": slot.isoformat(),
            "timing": str(timing),
            "source": str(source),
            "ready_at": ready_at.isoformat(),
        },
    )
    return CheckIn(checked, timing, source, ready_at, (event,))
