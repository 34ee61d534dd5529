"""The sync merge rules: each outcome by example, then order and repetition by property."""

from dataclasses import dataclass
from datetime import datetime

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from centre_core import appointment_sync
from centre_core.appointment_sync import AppointmentRecord, Merged, MergeOutcome
from centre_core.appointments import AppointmentStatus
from centre_core.sync_wire import ATTENDANCE_ORDER, AppointmentFact, Attendance, BookingStatus
from tests.core.factory import MONDAY_9AM, minutes

REF = "HUD-7F3K"
SLOT = MONDAY_9AM + minutes(60)


def fact(
    version: int,
    status: BookingStatus = BookingStatus.booked,
    slot: datetime = SLOT,
    ref: str = REF,
) -> AppointmentFact:
    return AppointmentFact(
        ref=ref,
        service_code="BC",
        slot_start=slot,
        status=status,
        version=version,
        channel="web",
        phone="+254712345678",
    )


def held(version: int = 1, attendance: Attendance = Attendance.none) -> AppointmentRecord:
    return AppointmentRecord(fact(version), attendance)


def test_the_first_fact_creates_the_record() -> None:
    merged = appointment_sync.apply_booking(None, fact(1))
    assert merged.outcome == MergeOutcome.created
    assert merged.record == AppointmentRecord(fact(1), Attendance.none)
    assert appointment_sync.hall_status(merged.record) == AppointmentStatus.booked


def test_a_reschedule_replaces_the_fact_and_keeps_attendance() -> None:
    later = fact(2, slot=SLOT + minutes(90))
    merged = appointment_sync.apply_booking(held(1, Attendance.checked_in), later)
    assert merged.outcome == MergeOutcome.applied
    assert merged.record.fact.slot_start == SLOT + minutes(90)
    assert merged.record.attendance == Attendance.checked_in


def test_a_lower_version_is_stale() -> None:
    record = held(3)
    merged = appointment_sync.apply_booking(record, fact(2, slot=SLOT + minutes(30)))
    assert merged.outcome == MergeOutcome.stale
    assert merged.record == record


def test_the_same_version_again_is_a_duplicate() -> None:
    record = held(2, Attendance.called)
    merged = appointment_sync.apply_booking(record, fact(2))
    assert merged.outcome == MergeOutcome.duplicate
    assert merged.record == record


def test_a_cancellation_before_check_in_cancels_in_the_hall() -> None:
    merged = appointment_sync.apply_booking(held(1), fact(2, BookingStatus.cancelled))
    assert merged.outcome == MergeOutcome.applied
    assert appointment_sync.hall_status(merged.record) == AppointmentStatus.cancelled
    assert not appointment_sync.needs_follow_up(merged.record)


def test_a_cancellation_after_check_in_keeps_the_citizen_and_asks_for_follow_up() -> None:
    merged = appointment_sync.apply_booking(
        held(1, Attendance.checked_in), fact(2, BookingStatus.cancelled)
    )
    assert merged.outcome == MergeOutcome.cancelled_after_check_in
    assert merged.record.fact.status == BookingStatus.cancelled
    assert merged.record.attendance == Attendance.checked_in
    assert appointment_sync.hall_status(merged.record) == AppointmentStatus.checked_in
    assert appointment_sync.needs_follow_up(merged.record)


def test_only_the_merge_that_raises_the_flag_reports_it() -> None:
    first = appointment_sync.apply_booking(
        held(1, Attendance.served), fact(2, BookingStatus.cancelled)
    )
    again = appointment_sync.apply_booking(first.record, fact(3, BookingStatus.cancelled))
    assert first.outcome == MergeOutcome.cancelled_after_check_in
    assert again.outcome == MergeOutcome.applied
    assert appointment_sync.needs_follow_up(again.record)


def test_a_rebooking_after_the_cancellation_clears_the_flag() -> None:
    cancelled = AppointmentRecord(fact(2, BookingStatus.cancelled), Attendance.called)
    merged = appointment_sync.apply_booking(cancelled, fact(3))
    assert merged.outcome == MergeOutcome.applied
    assert not appointment_sync.needs_follow_up(merged.record)


def test_attendance_arriving_after_the_cancellation_raises_the_flag() -> None:
    # The nation's view: the cancellation is applied first, the centre's check-in comes later.
    cancelled = AppointmentRecord(fact(2, BookingStatus.cancelled))
    assert appointment_sync.hall_status(cancelled) == AppointmentStatus.cancelled
    record = appointment_sync.apply_attendance(cancelled, Attendance.checked_in)
    assert appointment_sync.needs_follow_up(record)
    assert appointment_sync.hall_status(record) == AppointmentStatus.checked_in


def test_attendance_never_moves_backwards() -> None:
    record = held(1)
    for attendance in [Attendance.called, Attendance.checked_in, Attendance.served]:
        record = appointment_sync.apply_attendance(record, attendance)
    assert record.attendance == Attendance.served
    for late in Attendance:
        assert appointment_sync.apply_attendance(record, late).attendance == Attendance.served


def test_a_fact_for_another_ref_is_refused() -> None:
    with pytest.raises(ValueError, match="HUD-OTHER"):
        appointment_sync.apply_booking(held(1), fact(2, ref="HUD-OTHER"))


# --- Order and repetition do not matter --------------------------------------------------------

Delivery = AppointmentFact | Attendance
UNCHANGED = {MergeOutcome.stale, MergeOutcome.duplicate}


@dataclass(frozen=True)
class Deliveries:
    """The facts about one ref, and the order and repeats in which they reached one side."""

    facts: list[AppointmentFact]
    attendances: list[Attendance]
    order: list[Delivery]


@st.composite
def deliveries(draw: st.DrawFn) -> Deliveries:
    """Booking versions 1..n and attendance facts, some repeated, all shuffled."""
    count = draw(st.integers(1, 6))
    facts = [
        fact(
            version,
            draw(st.sampled_from(BookingStatus)),
            SLOT + minutes(30 * draw(st.integers(0, 8))),
        )
        for version in range(1, count + 1)
    ]
    attendances = draw(st.lists(st.sampled_from(Attendance), max_size=6))
    sent: list[Delivery] = [*facts, *attendances]
    repeats = draw(st.lists(st.sampled_from(sent), max_size=6))
    return Deliveries(facts, attendances, draw(st.permutations(sent + repeats)))


def fold(order: list[Delivery]) -> tuple[AppointmentRecord | None, list[Merged]]:
    """Merge deliveries one by one; attendance before any booking waits, as the nation's does."""
    record: AppointmentRecord | None = None
    waiting = Attendance.none
    outcomes: list[Merged] = []
    for delivery in order:
        if isinstance(delivery, AppointmentFact):
            merged = appointment_sync.apply_booking(record, delivery)
            outcomes.append(merged)
            record = merged.record
            if merged.outcome == MergeOutcome.created:
                record = appointment_sync.apply_attendance(record, waiting)
        elif record is None:
            waiting = max(waiting, delivery, key=ATTENDANCE_ORDER.__getitem__)
        else:
            record = appointment_sync.apply_attendance(record, delivery)
    return record, outcomes


@settings(max_examples=300, deadline=None)
@given(sent=deliveries())
def test_the_end_state_does_not_depend_on_order_or_repeats(sent: Deliveries) -> None:
    # Attendance that comes before any booking is held back and applied at creation (the
    # nation's side, see the module docstring) rather than generated away, so every order of
    # the same facts is tried, including attendance first.
    event(f"attendance before the first booking: {not isinstance(sent.order[0], AppointmentFact)}")
    final, outcomes = fold(sent.order)
    canonical, _ = fold([*sent.facts, *sent.attendances])
    assert final is not None
    assert final == canonical
    # The closed form: the highest version, the latest attendance.
    latest = max([Attendance.none, *sent.attendances], key=ATTENDANCE_ORDER.__getitem__)
    assert final == AppointmentRecord(sent.facts[-1], latest)
    in_hall = ATTENDANCE_ORDER[latest] >= ATTENDANCE_ORDER[Attendance.checked_in]
    cancelled = sent.facts[-1].status == BookingStatus.cancelled
    assert appointment_sync.needs_follow_up(final) == (cancelled and in_hall)
    assert (appointment_sync.hall_status(final) == AppointmentStatus.checked_in) == in_hall
    # One record was created, and the versions that changed it rose to the highest.
    assert [m.outcome for m in outcomes].count(MergeOutcome.created) == 1
    changed = [m.record.fact.version for m in outcomes if m.outcome not in UNCHANGED]
    assert changed == sorted(set(changed))
    assert changed[-1] == len(sent.facts)
    for merged in outcomes:
        if merged.outcome == MergeOutcome.cancelled_after_check_in:
            assert appointment_sync.needs_follow_up(merged.record)


def test_a_merge_tells_the_hall_without_personal_data_and_repeats_tell_nothing():
    booked = appointment_sync.apply_booking(None, fact(version=1))
    (event,) = appointment_sync.merge_events(booked, at=SLOT)
    assert event.type == "appointment.booked" and event.data["status"] == "booked"
    assert "phone" not in event.data and "id_number_masked" not in event.data
    assert (
        appointment_sync.merge_events(
            appointment_sync.apply_booking(booked.record, fact(version=1)), at=SLOT
        )
        == ()
    )
    checked_in = appointment_sync.apply_attendance(booked.record, Attendance.checked_in)
    late_cancel = appointment_sync.apply_booking(
        checked_in, fact(version=2, status=BookingStatus.cancelled)
    )
    (event,) = appointment_sync.merge_events(late_cancel, at=SLOT)
    assert event.type == "appointment.cancelled_after_check_in"
    assert event.data["status"] == "checked_in"
    cancelled = appointment_sync.apply_booking(
        booked.record, fact(version=2, status=BookingStatus.cancelled)
    )
    assert [e.type for e in appointment_sync.merge_events(cancelled, at=SLOT)] == [
        "appointment.cancelled"
    ]
