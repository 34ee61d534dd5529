"""The calling policy, rule by rule, with the reasons it gives."""

from dataclasses import replace
from typing import Unpack

import pytest

from centre_core import policy, tickets
from centre_core.centre import PolicySettings
from centre_core.counters import CounterState, CounterStatus
from centre_core.errors import ErrorCode, QueueError
from centre_core.tickets import Ticket, TicketSource
from tests.core.factory import (
    MONDAY_9AM,
    IssueOptions,
    appointment_ticket,
    counter_after,
    example_centre,
    issue,
    minutes,
    nairobi,
    open_state,
    small_centre,
)

CENTRE = small_centre()


def call_order(
    centre, counter: str, waiting: list[Ticket], now, count: int, state: CounterState | None = None
) -> tuple[list[Ticket], list[policy.CallReason], CounterState]:
    """Call `count` tickets in a row at one counter, finishing each; return them and the reasons."""
    state = state or open_state(counter)
    config = centre.counter(counter)
    called: list[Ticket] = []
    reasons: list[policy.CallReason] = []
    pool = list(waiting)
    for _ in range(count):
        outcome = policy.call_next(
            centre=centre, counter=config, state=state, waiting=pool, now=now
        )
        assert outcome.reason is not None
        called.append(outcome.ticket)
        reasons.append(outcome.reason)
        pool = [t for t in pool if t.id != outcome.ticket.id]
        state = counter_after(
            tickets.finish_ticket(
                outcome.ticket, counter=counter_after(outcome), centre=centre, now=now
            )
        )
    return called, reasons, state


def numbers(ticket_list: list[Ticket]) -> list[str]:
    return [t.number for t in ticket_list]


def test_one_queue_is_first_come_first_served() -> None:
    waiting = [issue(CENTRE, "BC", MONDAY_9AM + minutes(i), sequence=i + 1) for i in range(3)]
    called, reasons, _ = call_order(
        CENTRE, "C1", list(reversed(waiting)), MONDAY_9AM + minutes(20), 3
    )
    assert numbers(called) == ["B-001", "B-002", "B-003"]
    assert reasons[0] == policy.CallReason(
        "most_urgent",
        "waited 20 min of a 20 min target",
        {"minutes": 20, "target": 20, "weight": 1},
    )


def test_urgency_is_waited_over_target_times_weight() -> None:
    # C2 serves NID (weight 1, target 30 min) and BC (weight 2, target 20 min).
    nid = issue(CENTRE, "NID", MONDAY_9AM)
    bc = issue(CENTRE, "BC", MONDAY_9AM + minutes(5))
    now = MONDAY_9AM + minutes(20)  # NID 20/30*1 = 0.67, BC 15/20*2 = 1.5
    choice = policy.choose_next(
        centre=CENTRE,
        counter=CENTRE.counter("C2"),
        state=open_state("C2"),
        waiting=[nid, bc],
        now=now,
    )
    assert choice is not None and choice.ticket.id == bc.id
    assert choice.reason.explanation == "waited 15 min of a 20 min target (queue weight 2)"
    assert choice.reason.figures == {"minutes": 15, "target": 20, "weight": 2}
    old_nid = issue(CENTRE, "NID", MONDAY_9AM - minutes(30))  # 50/30 = 1.67 beats 1.5
    choice = policy.choose_next(
        centre=CENTRE,
        counter=CENTRE.counter("C2"),
        state=open_state("C2"),
        waiting=[old_nid, bc],
        now=now,
    )
    assert choice is not None and choice.ticket.id == old_nid.id


def test_equal_urgency_goes_to_the_heavier_queue() -> None:
    nid = issue(CENTRE, "NID", MONDAY_9AM)
    bc = issue(CENTRE, "BC", MONDAY_9AM)
    choice = policy.choose_next(
        centre=CENTRE,
        counter=CENTRE.counter("C2"),
        state=open_state("C2"),
        waiting=[nid, bc],
        now=MONDAY_9AM,
    )
    assert choice is not None and choice.ticket.id == bc.id


def test_a_counter_with_weights_serves_both_queues_in_a_long_run() -> None:
    """C4: COL (weight 1, target 10) and KRA (weight 3, target 60): both keep moving."""
    at = MONDAY_9AM
    waiting: list[Ticket] = []
    state = open_state("C4")
    served = {"COL": 0, "KRA": 0}
    for step in range(120):
        at += minutes(2)
        waiting.append(issue(CENTRE, "COL" if step % 2 else "KRA", at))
        if step % 2:
            outcome = policy.call_next(
                centre=CENTRE, counter=CENTRE.counter("C4"), state=state, waiting=waiting, now=at
            )
            served[outcome.ticket.service_code] += 1
            waiting = [t for t in waiting if t.id != outcome.ticket.id]
            state = counter_after(
                tickets.finish_ticket(
                    outcome.ticket, counter=counter_after(outcome), centre=CENTRE, now=at
                )
            )
    # Urgency: COL's 10 min target over weight 1 equals KRA's 60 min over weight 3 only at a
    # 1:2 wait ratio, so COL is served more, yet KRA is never starved.
    assert served["COL"] > served["KRA"] > 10


def test_fifo_mode_ignores_weights_and_targets() -> None:
    centre = small_centre(mode="fifo")
    nid = issue(centre, "NID", MONDAY_9AM)
    bc = issue(centre, "BC", MONDAY_9AM + minutes(5))
    choice = policy.choose_next(
        centre=centre,
        counter=centre.counter("C2"),
        state=open_state("C2"),
        waiting=[bc, nid],
        now=MONDAY_9AM + minutes(20),
    )
    assert choice is not None and choice.ticket.id == nid.id
    assert choice.reason == policy.CallReason(
        "first_in_line", "first in line, waiting since 09:00", {"since": "09:00"}
    )


def test_transfer_to_this_counter_goes_first() -> None:
    old = issue(CENTRE, "BC", MONDAY_9AM)
    moved = tickets.transfer_ticket(
        issue(CENTRE, "BC", MONDAY_9AM + minutes(1)),
        counter=None,
        centre=CENTRE,
        now=MONDAY_9AM + minutes(10),
        to_counter="C2",
    ).ticket
    now = MONDAY_9AM + minutes(11)
    for_c2 = policy.choose_next(
        centre=CENTRE,
        counter=CENTRE.counter("C2"),
        state=open_state("C2"),
        waiting=[old, moved],
        now=now,
    )
    assert for_c2 is not None and for_c2.ticket.id == moved.id
    assert for_c2.reason == policy.CallReason(
        "transfer_to_counter", "transferred to this counter at 09:10", {"at": "09:10"}
    )
    # C1 also serves BC but must not take a ticket sent to C2.
    assert policy.eligible_tickets(counter=CENTRE.counter("C1"), waiting=[old, moved], now=now) == [
        old
    ]


def test_due_appointment_goes_before_walk_ins() -> None:
    walk_in = issue(CENTRE, "BC", MONDAY_9AM)
    booked = appointment_ticket(
        CENTRE, "BC", slot=MONDAY_9AM + minutes(30), checked_in=MONDAY_9AM + minutes(10)
    )
    state, counter = open_state("C1"), CENTRE.counter("C1")
    # 09:25: the slot has not begun, the appointment waits.
    before = policy.choose_next(
        centre=CENTRE,
        counter=counter,
        state=state,
        waiting=[walk_in, booked],
        now=MONDAY_9AM + minutes(25),
    )
    assert before is not None and before.ticket.id == walk_in.id
    at_slot = policy.choose_next(
        centre=CENTRE,
        counter=counter,
        state=state,
        waiting=[walk_in, booked],
        now=MONDAY_9AM + minutes(30),
    )
    assert at_slot is not None and at_slot.ticket.id == booked.id
    assert at_slot.reason == policy.CallReason(
        "appointment_due", "appointment 09:30", {"slot": "09:30"}
    )


def test_earliest_slot_first_among_due_appointments() -> None:
    later = appointment_ticket(CENTRE, "BC", slot=MONDAY_9AM + minutes(15), checked_in=MONDAY_9AM)
    earlier = appointment_ticket(CENTRE, "BC", slot=MONDAY_9AM, checked_in=MONDAY_9AM + minutes(10))
    choice = policy.choose_next(
        centre=CENTRE,
        counter=CENTRE.counter("C1"),
        state=open_state("C1"),
        waiting=[later, earlier],
        now=MONDAY_9AM + minutes(20),
    )
    assert choice is not None and choice.ticket.id == earlier.id


def test_priority_ratio_two_normal_then_one_priority() -> None:
    normal = [issue(CENTRE, "BC", MONDAY_9AM + minutes(i)) for i in range(6)]
    elderly = [
        issue(CENTRE, "BC", MONDAY_9AM + minutes(10 + i), priority="elderly") for i in range(3)
    ]
    called, reasons, state = call_order(CENTRE, "C1", normal + elderly, MONDAY_9AM + minutes(20), 9)
    assert [t.priority is not None for t in called] == [False, False, True] * 3
    assert reasons[2] == policy.CallReason(
        "priority_turn", "priority (Elderly)", {"priority": "elderly", "only_priority": 0}
    )
    assert state.normal_streak == 0


def test_a_priority_arrival_after_a_run_of_normals_goes_next() -> None:
    normal = [issue(CENTRE, "BC", MONDAY_9AM + minutes(i)) for i in range(5)]
    _, _, state = call_order(CENTRE, "C1", normal, MONDAY_9AM + minutes(10), 3)
    assert state.normal_streak == 2  # capped at priority_every
    elderly = issue(CENTRE, "BC", MONDAY_9AM + minutes(11), priority="disability")
    called, _, _ = call_order(
        CENTRE, "C1", [*normal[3:], elderly], MONDAY_9AM + minutes(12), 1, state
    )
    assert called[0].id == elderly.id


def test_only_priority_tickets_waiting() -> None:
    elderly = issue(CENTRE, "BC", MONDAY_9AM, priority="elderly")
    choice = policy.choose_next(
        centre=CENTRE,
        counter=CENTRE.counter("C1"),
        state=open_state("C1"),
        waiting=[elderly],
        now=MONDAY_9AM,
    )
    assert choice is not None
    assert choice.reason == policy.CallReason(
        "priority_turn",
        "priority (Elderly), no other ticket waiting",
        {"priority": "elderly", "only_priority": 1},
    )


def test_priority_every_zero_always_serves_priority_first() -> None:
    centre = small_centre(priority_every=0)
    normal = [issue(centre, "BC", MONDAY_9AM + minutes(i)) for i in range(3)]
    elderly = [
        issue(centre, "BC", MONDAY_9AM + minutes(5 + i), priority="elderly") for i in range(2)
    ]
    called, _, _ = call_order(centre, "C1", normal + elderly, MONDAY_9AM + minutes(10), 5)
    assert [t.priority is not None for t in called] == [True, True, False, False, False]


def test_pass_over_bound_forces_the_oldest_ticket() -> None:
    # C3 serves KRA (60 min target) and PCC (10 min target): PCC tickets arriving later keep
    # outranking the KRA ticket until it has been passed over max_pass_over = 2 times.
    centre = small_centre(max_pass_over=2)
    kra = issue(centre, "KRA", MONDAY_9AM)
    pcc = [issue(centre, "PCC", MONDAY_9AM + minutes(20 + i), sequence=i + 1) for i in range(4)]
    called, reasons, state = call_order(centre, "C3", [kra, *pcc], MONDAY_9AM + minutes(30), 4)
    assert numbers(called) == ["P-001", "P-002", kra.number, "P-003"]
    assert reasons[2] == policy.CallReason(
        "passed_over_bound",
        "in line since 09:00, passed over 2 times",
        {"since": "09:00", "count": 2},
    )
    # The fourth call took the new head (P-003) itself: its count starts at 0.
    assert state.passover_count == 0
    assert state.passover_anchor == pcc[2].queued_at


def test_passed_over_once_reads_in_the_singular() -> None:
    centre = small_centre(max_pass_over=1)
    kra = issue(centre, "KRA", MONDAY_9AM)
    pcc = [issue(centre, "PCC", MONDAY_9AM + minutes(20 + i), sequence=i + 1) for i in range(2)]
    called, reasons, _ = call_order(centre, "C3", [kra, *pcc], MONDAY_9AM + minutes(30), 2)
    assert numbers(called) == ["P-001", kra.number]
    assert reasons[1] == policy.CallReason(
        "passed_over_bound",
        "in line since 09:00, passed over 1 time",
        {"since": "09:00", "count": 1},
    )


def test_max_pass_over_zero_is_strict_arrival_order() -> None:
    centre = small_centre(max_pass_over=0)
    kra = issue(centre, "KRA", MONDAY_9AM)
    pcc = issue(centre, "PCC", MONDAY_9AM + minutes(20))
    called, reasons, _ = call_order(centre, "C3", [pcc, kra], MONDAY_9AM + minutes(30), 2)
    assert numbers(called) == [kra.number, pcc.number]
    assert reasons[0].code == "passed_over_bound"


def test_early_appointment_is_not_eligible_before_its_slot() -> None:
    booked = appointment_ticket(CENTRE, "BC", slot=MONDAY_9AM + minutes(30), checked_in=MONDAY_9AM)
    counter = CENTRE.counter("C1")
    assert (
        policy.eligible_tickets(counter=counter, waiting=[booked], now=MONDAY_9AM + minutes(29))
        == []
    )
    with pytest.raises(QueueError) as caught:
        policy.call_next(
            centre=CENTRE, counter=counter, state=open_state("C1"), waiting=[booked], now=MONDAY_9AM
        )
    assert caught.value.code == ErrorCode.no_waiting_tickets


def test_arrival_of_an_appointment_is_its_slot() -> None:
    late_in_window = appointment_ticket(
        CENTRE, "BC", slot=MONDAY_9AM, checked_in=MONDAY_9AM + minutes(10)
    )
    assert policy.arrival(late_in_window) == MONDAY_9AM
    transferred = replace(issue(CENTRE, "BC", MONDAY_9AM), queued_at=MONDAY_9AM + minutes(5))
    assert policy.arrival(transferred) == MONDAY_9AM + minutes(5)
    assert transferred.source == TicketSource.walk_in


def test_call_next_refusals() -> None:
    waiting = [issue(CENTRE, "BC", MONDAY_9AM)]
    counter = CENTRE.counter("C1")

    def code_for(state: CounterState, pool: list[Ticket] = waiting) -> str:
        with pytest.raises(QueueError) as caught:
            policy.call_next(
                centre=CENTRE, counter=counter, state=state, waiting=pool, now=MONDAY_9AM
            )
        return caught.value.code

    assert code_for(CounterState("C1")) == ErrorCode.counter_closed
    assert (
        code_for(replace(open_state("C1"), status=CounterStatus.paused)) == ErrorCode.counter_paused
    )
    assert code_for(replace(open_state("C1"), current_ticket_id="t-x")) == ErrorCode.counter_busy
    assert (
        code_for(open_state("C1"), [issue(CENTRE, "PCC", MONDAY_9AM)])
        == ErrorCode.no_waiting_tickets
    )
    with pytest.raises(ValueError):
        policy.call_next(
            centre=CENTRE, counter=counter, state=open_state("C2"), waiting=waiting, now=MONDAY_9AM
        )


def test_call_next_records_the_reason_on_the_event() -> None:
    ticket = issue(CENTRE, "BC", MONDAY_9AM)
    outcome = policy.call_next(
        centre=CENTRE,
        counter=CENTRE.counter("C1"),
        state=open_state("C1"),
        waiting=[ticket],
        now=MONDAY_9AM + minutes(4),
    )
    [event] = outcome.events
    assert event.data["reason"] == "most_urgent"
    assert event.data["reason_text"] == "waited 4 min of a 20 min target"
    assert counter_after(outcome).current_ticket_id == ticket.id
    assert counter_after(outcome).normal_streak == 1


def test_preview_order_lists_the_next_calls_without_calling() -> None:
    normal = [issue(CENTRE, "BC", MONDAY_9AM + minutes(i)) for i in range(4)]
    elderly = issue(CENTRE, "BC", MONDAY_9AM + minutes(5), priority="elderly")
    state = open_state("C1")
    preview = policy.preview_order(
        centre=CENTRE,
        counter=CENTRE.counter("C1"),
        state=state,
        waiting=[*normal, elderly],
        now=MONDAY_9AM + minutes(10),
        limit=4,
    )
    assert [c.ticket.id for c in preview] == [normal[0].id, normal[1].id, elderly.id, normal[2].id]
    assert [c.reason.code for c in preview] == [
        "most_urgent",
        "most_urgent",
        "priority_turn",
        "most_urgent",
    ]
    called, _, _ = call_order(CENTRE, "C1", [*normal, elderly], MONDAY_9AM + minutes(10), 4)
    assert [t.id for t in called] == [c.ticket.id for c in preview]


def test_a_late_appointment_going_first_does_not_reset_the_pass_over_count() -> None:
    """The walk-in at the head keeps its count while an older-slot appointment is served."""
    centre = small_centre(max_pass_over=2)
    kra = issue(centre, "KRA", MONDAY_9AM + minutes(20))  # 60 min target: easily passed over
    pcc = [issue(centre, "PCC", MONDAY_9AM + minutes(21 + i), sequence=i + 1) for i in range(3)]
    state, counter = open_state("C3"), centre.counter("C3")
    waiting = [kra, *pcc]
    order = []

    def call(at_minute: int) -> None:
        nonlocal state, waiting
        now = MONDAY_9AM + minutes(at_minute)
        outcome = policy.call_next(
            centre=centre, counter=counter, state=state, waiting=waiting, now=now
        )
        order.append(outcome.ticket.number)
        waiting = [t for t in waiting if t.id != outcome.ticket.id]
        state = counter_after(
            tickets.finish_ticket(
                outcome.ticket, counter=counter_after(outcome), centre=centre, now=now
            )
        )

    call(24)  # P-001 passes the KRA ticket once
    # Slot 09:15, checked in at 09:25 (inside the 15 min late window): its place is 09:15.
    waiting.append(
        appointment_ticket(
            centre, "PCC", slot=MONDAY_9AM + minutes(15), checked_in=MONDAY_9AM + minutes(25)
        )
    )
    call(25)  # the appointment: not a pass of the KRA ticket, which arrived after the slot
    call(26)  # P-002 passes the KRA ticket a second time
    call(27)  # bound reached: the KRA ticket
    assert order[0] == "P-001" and order[2] == "P-002"
    assert order[1].startswith("P-")  # the appointment ticket
    assert order[3] == kra.number


def test_the_worked_example_of_docs_calling_policy() -> None:
    """docs/calling-policy.md walks through these five calls; keep the page true."""
    centre = replace(example_centre(), policy=PolicySettings(max_pass_over=2))
    counter = centre.counter("C02")

    def at(hour: int, minute: int):
        return nairobi(2026, 11, 23, hour, minute)

    def make(service: str, sequence: int, arrived, **options: Unpack[IssueOptions]) -> Ticket:
        return issue(centre, service, arrived, sequence=sequence, **options)

    waiting = [
        make("NID", 31, at(9, 40)),
        make("BC", 17, at(9, 30)),
        make("BC", 18, at(9, 50), priority="elderly"),
        make(
            "BC",
            19,
            at(9, 45),
            source=TicketSource.appointment,
            appointment_slot=at(10, 0),
            ready_at=at(10, 0),
        ),
        make("NID", 32, at(9, 55)),
    ]
    state = replace(open_state("C02"), normal_streak=1)
    preview = policy.preview_order(
        centre=centre, counter=counter, state=state, waiting=waiting, now=at(10, 0)
    )
    calls = []
    for minute in (0, 5, 10, 15, 20):
        outcome = policy.call_next(
            centre=centre, counter=counter, state=state, waiting=waiting, now=at(10, minute)
        )
        assert outcome.reason is not None
        calls.append(
            (
                outcome.ticket.number,
                outcome.reason.explanation,
                counter_after(outcome).normal_streak,
                counter_after(outcome).passover_count,
            )
        )
        waiting = [t for t in waiting if t.id != outcome.ticket.id]
        state = counter_after(
            tickets.finish_ticket(
                outcome.ticket, counter=counter_after(outcome), centre=centre, now=at(10, minute)
            )
        )
    assert calls == [
        ("B-019", "appointment 10:00", 2, 1),
        ("B-018", "priority (Elderly (65 and over))", 0, 2),
        ("B-017", "in line since 09:30, passed over 2 times", 1, 2),
        ("A-031", "waited 35 min of a 30 min target (queue weight 2)", 2, 0),
        ("A-032", "waited 25 min of a 30 min target (queue weight 2)", 2, 0),
    ]
    assert [c.ticket.number for c in preview] == [number for number, *_ in calls]
