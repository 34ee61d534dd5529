"""The sync merge rules: how a booking fact and an attendance fact meet in one record.

Each side sees the other's changes late, repeated and in any order, so a record (one per
booking `ref`) is merged from facts, never overwritten by the last message to arrive.

Rules:

1. *The nation owns the booking fact* (`AppointmentFact`: slot, service, status...). A fact
   with a higher `version` replaces the held one whole (a reschedule or a cancellation is a
   new version); an equal version is a repeat (`duplicate`) and a lower one is late
   (`stale`): both leave the record as it was. A version names one fact: the nation never
   sends two different facts under one version of a ref.
2. *The centre owns attendance* (`Attendance`). It only moves forward: merging takes the later
   of the held and the arriving attendance by `ATTENDANCE_ORDER` (none < checked_in < called <
   no_show < served), so a late "checked_in" never undoes "served". A booking fact never
   changes attendance.
3. *A cancellation after check-in does not remove the citizen from the hall.* Once attendance
   is at least `checked_in`, a cancelled fact is still applied (the nation's booking is
   cancelled) but the hall keeps the citizen (`hall_status` stays `checked_in`) and the record
   needs follow-up (`needs_follow_up`): staff settle it with the citizen. The merge that
   raises the flag reports `cancelled_after_check_in`; the flag itself is read from the
   record, because on the nation's side the attendance may be the fact that arrives second.

*Attendance before its booking.* The centre only records attendance for a booking it holds,
so `apply_attendance` takes a record, never `None`. The nation may receive a centre's
attendance for a ref before the booking version it refers to; it keeps that attendance apart
(the latest per ref, by the same order) and applies it once the booking is known. Rule 2 is a
maximum, so holding it back changes nothing in the end.

*Order and repetition do not matter (proved by the property test).* A record is a pair
(booking fact, attendance). Under rule 1 the held fact is the one with the highest version
seen, under rule 2 the attendance is the highest seen: each is the maximum of a totally
ordered set, a join that is associative, commutative and idempotent. Folding any permutation
of the same facts, each delivered any number of times, therefore ends in the same pair: the
highest-version fact and the highest attendance. `needs_follow_up` and `hall_status` are
functions of that pair alone, so they end the same too; only the outcomes reported on the way
depend on the order.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from centre_core.appointments import AppointmentStatus
from centre_core.events import DomainEvent, EventType
from centre_core.sync_wire import ATTENDANCE_ORDER, AppointmentFact, Attendance, BookingStatus


@dataclass(frozen=True)
class AppointmentRecord:
    """What one side holds for one booking `ref`: the nation's fact and the centre's attendance."""

    fact: AppointmentFact
    attendance: Attendance = Attendance.none


class MergeOutcome(StrEnum):
    """What merging one booking fact did to the record."""

    created = "created"
    applied = "applied"
    # The arriving version is lower than the held one: it was overtaken.
    stale = "stale"
    # The arriving version is the held one: a repeat.
    duplicate = "duplicate"
    # Applied, but the citizen is already in the hall: the record needs follow-up.
    cancelled_after_check_in = "cancelled_after_check_in"


@dataclass(frozen=True)
class Merged:
    """The record after a booking fact was merged, and what the merge did."""

    record: AppointmentRecord
    outcome: MergeOutcome


def _in_hall(attendance: Attendance) -> bool:
    return ATTENDANCE_ORDER[attendance] >= ATTENDANCE_ORDER[Attendance.checked_in]


def needs_follow_up(record: AppointmentRecord) -> bool:
    """Tell whether the booking was cancelled although the citizen had checked in."""
    return record.fact.status == BookingStatus.cancelled and _in_hall(record.attendance)


def apply_booking(record: AppointmentRecord | None, fact: AppointmentFact) -> Merged:
    """Merge a booking fact from the nation into the record for its ref (`None`: none yet)."""
    if record is None:
        return Merged(AppointmentRecord(fact), MergeOutcome.created)
    if fact.ref != record.fact.ref:
        raise ValueError(f"booking fact for {fact.ref} merged into the record of {record.fact.ref}")
    if fact.version < record.fact.version:
        return Merged(record, MergeOutcome.stale)
    if fact.version == record.fact.version:
        return Merged(record, MergeOutcome.duplicate)
    merged = replace(record, fact=fact)
    if needs_follow_up(merged) and not needs_follow_up(record):
        return Merged(merged, MergeOutcome.cancelled_after_check_in)
    return Merged(merged, MergeOutcome.applied)


def apply_attendance(record: AppointmentRecord, attendance: Attendance) -> AppointmentRecord:
    """Merge an attendance fact from the centre: the later of the held and the arriving one."""
    if ATTENDANCE_ORDER[attendance] <= ATTENDANCE_ORDER[record.attendance]:
        return record
    return replace(record, attendance=attendance)


def hall_status(record: AppointmentRecord) -> AppointmentStatus:
    """Return the booking's status as the hall sees it: checked in wins over cancelled."""
    if _in_hall(record.attendance):
        return AppointmentStatus.checked_in
    if record.fact.status == BookingStatus.cancelled:
        return AppointmentStatus.cancelled
    return AppointmentStatus.booked


def merge_events(merged: Merged, *, at: datetime) -> tuple[DomainEvent, ...]:
    """Return the hall events of a merge: none for a stale or repeated fact.

    Their data is the booking without personal data (no phone, no ID number).
    """
    if merged.outcome in (MergeOutcome.stale, MergeOutcome.duplicate):
        return ()
    fact = merged.record.fact
    if merged.outcome == MergeOutcome.cancelled_after_check_in:
        kind = EventType.appointment_cancelled_after_check_in
    elif fact.status == BookingStatus.cancelled:
        kind = EventType.appointment_cancelled
    else:
        kind = EventType.appointment_booked
    data = {
        "ref": fact.ref,
        "service_code": fact.service_code,
        "slot_start": fact.slot_start.isoformat(),
        "version": fact.version,
        "channel": fact.channel,
        "status": str(hall_status(merged.record)),
    }
    return (DomainEvent(type=kind, at=at, data=data),)
