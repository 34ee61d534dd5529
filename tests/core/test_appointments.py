"""Appointment check-in: early, on time, late beyond the window, duplicates, other days."""

from dataclasses import replace
from datetime import datetime

import pytest

from centre_core import appointments, policy, tickets
from centre_core.appointments import Appointment, AppointmentStatus, CheckInTiming
from centre_core.errors import ErrorCode, QueueError
from centre_core.tickets import TicketSource
from tests.core.factory import MONDAY_9AM, issue, minutes, nairobi, open_state, small_centre

CENTRE = small_centre(appointment_early_minutes=30, appointment_late_minutes=15)
SLOT = MONDAY_9AM + minutes(60)  # 10:00 Nairobi


def booking(
    slot: datetime = SLOT, status: AppointmentStatus = AppointmentStatus.booked
) -> Appointment:
    return Appointment(
        ref="HUD-7F3K", service_code="BC", slot_start=slot, phone="+254712345678", status=status
    )


def test_on_time_inside_the_window() -> None:
    for offset, ready in [
        (-30, SLOT),
        (-5, SLOT),
        (0, SLOT),
        (10, SLOT + minutes(10)),
        (15, SLOT + minutes(15)),
    ]:
        now = SLOT + minutes(offset)
        result = appointments.check_in(booking(), centre=CENTRE, now=now)
        assert result.timing == CheckInTiming.on_time, offset
        assert result.source == TicketSource.appointment
        assert result.ready_at == ready
        assert result.appointment.status == AppointmentStatus.checked_in
        assert result.appointment.checked_in_at == now


def test_early_arrival_waits_for_the_slot() -> None:
    result = appointments.check_in(booking(), centre=CENTRE, now=SLOT - minutes(90))
    assert result.timing == CheckInTiming.early
    assert result.source == TicketSource.appointment
    assert result.ready_at == SLOT


def test_late_arrival_is_still_served_as_a_walk_in() -> None:
    now = SLOT + minutes(16)
    result = appointments.check_in(booking(), centre=CENTRE, now=now)
    assert result.timing == CheckInTiming.late
    assert result.source == TicketSource.walk_in
    assert result.ready_at == now


def test_duplicate_check_in_is_refused() -> None:
    first = appointments.check_in(booking(), centre=CENTRE, now=SLOT)
    with pytest.raises(QueueError) as caught:
        appointments.check_in(first.appointment, centre=CENTRE, now=SLOT + minutes(1))
    assert caught.value.code == ErrorCode.appointment_already_checked_in


def test_cancelled_and_other_day_and_unknown_service() -> None:
    cases = [
        (booking(status=AppointmentStatus.cancelled), ErrorCode.appointment_cancelled),
        (booking(slot=SLOT + minutes(24 * 60)), ErrorCode.appointment_not_today),
        (replace(booking(), service_code="XYZ"), ErrorCode.service_not_found),
    ]
    for appointment, code in cases:
        with pytest.raises(QueueError) as caught:
            appointments.check_in(appointment, centre=CENTRE, now=SLOT)
        assert caught.value.code == code


def test_today_is_the_nairobi_day() -> None:
    # Slot 00:30 Nairobi on Tuesday = 21:30 UTC on Monday; checking in at 23:50 Nairobi Monday
    # is another day even though both are Monday in UTC.
    slot = nairobi(2026, 11, 24, 0, 30)
    with pytest.raises(QueueError) as caught:
        appointments.check_in(booking(slot=slot), centre=CENTRE, now=nairobi(2026, 11, 23, 23, 50))
    assert caught.value.code == ErrorCode.appointment_not_today


def test_check_in_event_carries_no_phone() -> None:
    [event] = appointments.check_in(booking(), centre=CENTRE, now=SLOT).events
    assert event.type == "appointment.checked_in"
    assert event.data["timing"] == "on_time"
    assert "+254712345678" not in repr(dict(event.data))


def ticket_for(result: appointments.CheckIn, at) -> tickets.Ticket:
    return issue(
        CENTRE,
        "BC",
        at,
        source=result.source,
        appointment_ref=result.appointment.ref,
        appointment_slot=result.appointment.slot_start,
        ready_at=result.ready_at,
    )


def test_early_on_time_late_in_the_queue() -> None:
    """Check-in then the calling policy: early waits, on time goes first, late is a walk-in."""
    counter, state = CENTRE.counter("C1"), open_state("C1")
    walk_in = issue(CENTRE, "BC", SLOT - minutes(20))
    early_at = SLOT - minutes(45)
    early = ticket_for(appointments.check_in(booking(), centre=CENTRE, now=early_at), early_at)

    def first(waiting, now):
        choice = policy.choose_next(
            centre=CENTRE, counter=counter, state=state, waiting=waiting, now=now
        )
        assert choice is not None
        return choice.ticket

    assert first([walk_in, early], SLOT - minutes(1)).id == walk_in.id
    assert first([walk_in, early], SLOT).id == early.id
    late_at = SLOT + minutes(20)
    late = ticket_for(appointments.check_in(booking(), centre=CENTRE, now=late_at), late_at)
    assert late.source == TicketSource.walk_in
    assert late.issued_at == late_at
    assert first([walk_in, late], late_at + minutes(1)).id == walk_in.id
