"""Ticket life: issue, call, recall, serve, finish, stage advance, no-show, cancel, transfer."""

from dataclasses import replace
from datetime import date, datetime
from typing import TypedDict, Unpack

import pytest

from centre_core import tickets
from centre_core.centre import CentreConfig
from centre_core.counters import CounterState, CounterStatus
from centre_core.errors import ErrorCode, QueueError
from centre_core.tickets import TicketSource, TicketStatus
from tests.core.factory import (
    MONDAY_9AM,
    IssueOptions,
    counter_after,
    example_centre,
    issue,
    minutes,
    nairobi,
    open_state,
    small_centre,
)

CENTRE = small_centre()


class TransferTarget(TypedDict, total=False):
    """Where `transfer_ticket` sends a ticket."""

    to_service: str | None
    to_stage: int | None
    to_counter: str | None


def code_of(action) -> str:
    with pytest.raises(QueueError) as caught:
        action()
    return caught.value.code


def issue_now(service: str = "BC", **options: Unpack[IssueOptions]) -> tickets.Ticket:
    return issue(CENTRE, service, MONDAY_9AM, **options)


def called(ticket: tickets.Ticket, counter: str = "C1") -> tickets.CallOutcome:
    return tickets.call_ticket(ticket, counter=open_state(counter), now=MONDAY_9AM + minutes(1))


def test_issue_numbers_and_fields() -> None:
    outcome = tickets.issue_ticket(
        centre=CENTRE,
        service_code="BC",
        sequence=14,
        ticket_id="t-14",
        token="k3Jq0Wc1-unguessable-token",
        now=MONDAY_9AM,
        issued_today=13,
    )
    ticket = outcome.ticket
    assert ticket.number == "B-014"
    assert ticket.status == TicketStatus.waiting
    assert ticket.source == TicketSource.walk_in
    assert ticket.business_day == date(2026, 11, 23)
    assert ticket.issued_at == ticket.queued_at == ticket.ready_at == MONDAY_9AM
    assert ticket.queue_key == "BC"
    assert ticket.is_active
    [event] = outcome.events
    assert event.type == "ticket.issued"
    assert event.data["number"] == "B-014"
    assert "token" not in event.data


def test_format_number() -> None:
    assert tickets.format_number("B", 14) == "B-014"
    assert tickets.format_number("CL", 1) == "CL-001"
    assert tickets.format_number("A", 1234) == "A-1234"
    with pytest.raises(ValueError):
        tickets.format_number("A", 0)


def test_staged_service_starts_at_its_first_stage() -> None:
    ticket = issue_now("NID")
    assert (ticket.stage_index, ticket.stage_code, ticket.queue_key) == (
        0,
        "verification",
        "NID.verification",
    )


def issue_refusal(
    *,
    centre: CentreConfig = CENTRE,
    service_code: str = "PCC",
    now: datetime = MONDAY_9AM,
    issued_today: int = 0,
    priority: str | None = None,
) -> str:
    """The error code `issue_ticket` refuses with."""
    return code_of(
        lambda: tickets.issue_ticket(
            centre=centre,
            service_code=service_code,
            sequence=1,
            ticket_id="t",
            token="token-abcdefghijklmnop",
            now=now,
            issued_today=issued_today,
            priority=priority,
        )
    )


def test_issue_refusals() -> None:
    assert issue_refusal(service_code="XYZ") == ErrorCode.service_not_found
    assert issue_refusal(issued_today=3) == ErrorCode.daily_cap_reached
    assert issue_refusal(priority="vip") == ErrorCode.unknown_priority
    assert issue_refusal(service_code="KRA", priority="elderly") == ErrorCode.priority_not_allowed


def test_daily_cap_counts_walk_ins_only() -> None:
    ticket = tickets.issue_ticket(
        centre=CENTRE,
        service_code="PCC",
        sequence=4,
        ticket_id="t",
        token="token-abcdefghijklmnop",
        now=MONDAY_9AM,
        issued_today=3,
        source=TicketSource.appointment,
        appointment_slot=MONDAY_9AM,
    ).ticket
    assert ticket.number == "P-004"


def test_issue_is_refused_outside_opening_hours() -> None:
    centre = example_centre()

    def attempt(service: str, at: datetime) -> str:
        return issue_refusal(centre=centre, service_code=service, now=at)

    assert attempt("BC", nairobi(2026, 11, 23, 7, 30)) == ErrorCode.service_closed
    assert attempt("BC", nairobi(2026, 11, 29, 10)) == ErrorCode.service_closed  # Sunday
    assert attempt("NSSF", nairobi(2026, 11, 28, 10)) == ErrorCode.service_closed  # Saturday
    assert issue(centre, "BC", nairobi(2026, 11, 28, 10)).number.startswith("B-")


def test_collection_walk_ins_are_collections() -> None:
    assert issue_now("COL").source == TicketSource.collection


def test_call_then_serve_then_finish() -> None:
    ticket = issue_now()
    call = called(ticket)
    assert call.ticket.status == TicketStatus.called
    assert call.ticket.counter == "C1"
    assert counter_after(call).current_ticket_id == ticket.id
    assert call.events[0].type == "ticket.called"
    assert call.events[0].data["reason"] == "manual"
    serve = tickets.start_serving(
        call.ticket, counter=counter_after(call), now=MONDAY_9AM + minutes(2)
    )
    assert serve.ticket.status == TicketStatus.serving
    assert serve.ticket.serving_at == MONDAY_9AM + minutes(2)
    done = tickets.finish_ticket(
        serve.ticket, counter=counter_after(serve), centre=CENTRE, now=MONDAY_9AM + minutes(9)
    )
    assert done.ticket.status == TicketStatus.done
    assert not done.ticket.is_active
    assert done.ticket.counter == "C1"
    assert counter_after(done).current_ticket_id is None
    assert [e.type for e in done.events] == ["ticket.done"]


def test_a_called_ticket_can_be_finished_without_start_serving() -> None:
    call = called(issue_now())
    done = tickets.finish_ticket(
        call.ticket, counter=counter_after(call), centre=CENTRE, now=MONDAY_9AM
    )
    assert done.ticket.status == TicketStatus.done


def test_two_counters_cannot_hold_one_ticket() -> None:
    call = called(issue_now(), "C1")
    other = open_state("C2")
    assert code_of(lambda: tickets.call_ticket(call.ticket, counter=other, now=MONDAY_9AM)) == (
        ErrorCode.ticket_taken
    )
    assert code_of(lambda: tickets.start_serving(call.ticket, counter=other, now=MONDAY_9AM)) == (
        ErrorCode.ticket_taken
    )
    assert code_of(
        lambda: tickets.finish_ticket(call.ticket, counter=other, centre=CENTRE, now=MONDAY_9AM)
    ) == (ErrorCode.ticket_taken)


def test_a_counter_holds_one_ticket_and_must_be_open() -> None:
    first = called(issue_now())
    second = issue_now()
    assert code_of(
        lambda: tickets.call_ticket(second, counter=counter_after(first), now=MONDAY_9AM)
    ) == (ErrorCode.counter_busy)
    closed = replace(open_state("C1"), status=CounterStatus.closed)
    paused = replace(open_state("C1"), status=CounterStatus.paused)
    assert code_of(lambda: tickets.call_ticket(second, counter=closed, now=MONDAY_9AM)) == (
        ErrorCode.counter_closed
    )
    assert code_of(lambda: tickets.call_ticket(second, counter=paused, now=MONDAY_9AM)) == (
        ErrorCode.counter_paused
    )


def test_acting_on_a_ticket_the_counter_does_not_hold() -> None:
    call = called(issue_now())
    stale_counter = open_state("C1")  # same code, but holds nothing
    assert code_of(
        lambda: tickets.start_serving(call.ticket, counter=stale_counter, now=MONDAY_9AM)
    ) == (ErrorCode.ticket_not_held)


def test_illegal_transitions() -> None:
    waiting = issue_now()
    state = open_state("C1")
    assert code_of(lambda: tickets.start_serving(waiting, counter=state, now=MONDAY_9AM)) == (
        ErrorCode.invalid_transition
    )
    assert code_of(lambda: tickets.mark_no_show(waiting, counter=state, now=MONDAY_9AM)) == (
        ErrorCode.invalid_transition
    )
    call = called(waiting)
    assert code_of(
        lambda: tickets.call_ticket(call.ticket, counter=counter_after(call), now=MONDAY_9AM)
    ) == (ErrorCode.invalid_transition)
    assert code_of(lambda: tickets.cancel_ticket(call.ticket, now=MONDAY_9AM, reason="x")) == (
        ErrorCode.invalid_transition
    )
    serve = tickets.start_serving(call.ticket, counter=counter_after(call), now=MONDAY_9AM)
    assert code_of(
        lambda: tickets.mark_no_show(serve.ticket, counter=counter_after(serve), now=MONDAY_9AM)
    ) == (ErrorCode.invalid_transition)
    assert code_of(
        lambda: tickets.recall_ticket(
            serve.ticket, counter=counter_after(serve), centre=CENTRE, now=MONDAY_9AM
        )
    ) == (ErrorCode.invalid_transition)
    done = tickets.finish_ticket(
        serve.ticket, counter=counter_after(serve), centre=CENTRE, now=MONDAY_9AM
    )
    for action in (
        lambda: tickets.call_ticket(done.ticket, counter=counter_after(done), now=MONDAY_9AM),
        lambda: tickets.cancel_ticket(done.ticket, now=MONDAY_9AM, reason="x"),
        lambda: tickets.transfer_ticket(
            done.ticket,
            counter=counter_after(done),
            centre=CENTRE,
            now=MONDAY_9AM,
            to_service="PCC",
        ),
        lambda: tickets.finish_ticket(
            done.ticket, counter=counter_after(done), centre=CENTRE, now=MONDAY_9AM
        ),
    ):
        assert code_of(action) == ErrorCode.invalid_transition


def test_recall_limit_turns_into_no_show() -> None:
    centre = small_centre(recall_limit=2)
    call = tickets.call_ticket(
        issue(centre, "BC", MONDAY_9AM), counter=open_state("C1"), now=MONDAY_9AM
    )
    first = tickets.recall_ticket(
        call.ticket, counter=counter_after(call), centre=centre, now=MONDAY_9AM
    )
    second = tickets.recall_ticket(
        first.ticket, counter=counter_after(first), centre=centre, now=MONDAY_9AM
    )
    assert [first.ticket.recalls, second.ticket.recalls] == [1, 2]
    assert [first.events[0].type, second.events[0].type] == ["ticket.recalled", "ticket.recalled"]
    assert counter_after(second).current_ticket_id == call.ticket.id
    third = tickets.recall_ticket(
        second.ticket, counter=counter_after(second), centre=centre, now=MONDAY_9AM
    )
    assert third.ticket.status == TicketStatus.no_show
    assert third.ticket.recalls == 2
    assert counter_after(third).current_ticket_id is None
    assert third.events[0].type == "ticket.no_show"
    assert third.events[0].data["reason"] == "recall_limit"


def test_recall_limit_zero_means_no_recall() -> None:
    centre = small_centre(recall_limit=0)
    call = tickets.call_ticket(
        issue(centre, "BC", MONDAY_9AM), counter=open_state("C1"), now=MONDAY_9AM
    )
    ended = tickets.recall_ticket(
        call.ticket, counter=counter_after(call), centre=centre, now=MONDAY_9AM
    )
    assert ended.ticket.status == TicketStatus.no_show


def test_no_show_frees_the_counter() -> None:
    call = called(issue_now())
    gone = tickets.mark_no_show(
        call.ticket, counter=counter_after(call), now=MONDAY_9AM + minutes(5)
    )
    assert gone.ticket.status == TicketStatus.no_show
    assert gone.ticket.finished_at == MONDAY_9AM + minutes(5)
    assert counter_after(gone).current_ticket_id is None
    assert gone.events[0].data["reason"] == "marked"


def test_cancel_a_waiting_ticket() -> None:
    outcome = tickets.cancel_ticket(issue_now(), now=MONDAY_9AM, reason="left the hall")
    assert outcome.ticket.status == TicketStatus.cancelled
    assert outcome.ticket.note == "left the hall"
    assert outcome.events[0].type == "ticket.cancelled"


def test_stage_advance_keeps_number_and_arrival() -> None:
    ticket = issue_now("NID")
    number = ticket.number
    at = MONDAY_9AM
    counters_by_stage = ["C2", "C3", "C2"]
    for stage, code in enumerate(counters_by_stage):
        at += minutes(10)
        call = tickets.call_ticket(ticket, counter=open_state(code), now=at)
        finish = tickets.finish_ticket(
            call.ticket, counter=counter_after(call), centre=CENTRE, now=at + minutes(5)
        )
        ticket = finish.ticket
        assert counter_after(finish).current_ticket_id is None
        if stage < 2:
            assert ticket.status == TicketStatus.waiting
            assert ticket.stage_index == stage + 1
            assert ticket.queued_at == at + minutes(5)
            assert ticket.counter is None
            [event] = finish.events
            assert event.type == "ticket.stage_advanced"
            assert event.data["to_queue"] == ticket.queue_key
            assert event.data["finished_by"] == code
        assert ticket.number == number
        assert ticket.issued_at == MONDAY_9AM
    assert ticket.status == TicketStatus.done
    assert ticket.stage_index == 2
    assert ticket.queue_key == "NID.card_issue"


def test_transfer_to_another_service_and_back() -> None:
    ticket = issue_now("BC")
    call = called(ticket, "C1")
    there = tickets.transfer_ticket(
        call.ticket,
        counter=counter_after(call),
        centre=CENTRE,
        now=MONDAY_9AM + minutes(3),
        to_service="PCC",
        note="needs clearance",
    )
    assert there.ticket.status == TicketStatus.waiting
    assert there.ticket.queue_key == "PCC"
    assert there.ticket.number == ticket.number
    assert there.ticket.issued_at == ticket.issued_at
    assert there.ticket.queued_at == MONDAY_9AM + minutes(3)
    assert there.ticket.source == TicketSource.walk_in
    assert there.ticket.note == "needs clearance"
    assert there.counter is not None and there.counter.current_ticket_id is None
    [event] = there.events
    assert (event.type, event.data["from_queue"], event.data["to_queue"]) == (
        "ticket.transferred",
        "BC",
        "PCC",
    )
    assert event.data["from_counter"] == "C1"
    call_back = tickets.call_ticket(
        there.ticket, counter=open_state("C3"), now=MONDAY_9AM + minutes(6)
    )
    back = tickets.transfer_ticket(
        call_back.ticket,
        counter=counter_after(call_back),
        centre=CENTRE,
        now=MONDAY_9AM + minutes(8),
        to_service="BC",
    )
    assert back.ticket.queue_key == "BC"
    assert back.ticket.number == ticket.number
    assert back.ticket.issued_at == ticket.issued_at
    assert back.ticket.recalls == 0


def test_transfer_to_a_specific_counter() -> None:
    call = called(issue_now("BC"), "C1")
    moved = tickets.transfer_ticket(
        call.ticket, counter=counter_after(call), centre=CENTRE, now=MONDAY_9AM, to_counter="C2"
    )
    assert moved.ticket.target_counter == "C2"
    assert moved.ticket.queue_key == "BC"
    assert moved.events[0].data["to_counter"] == "C2"
    taken = tickets.call_ticket(moved.ticket, counter=open_state("C2"), now=MONDAY_9AM)
    assert taken.ticket.target_counter is None


def test_transfer_to_a_stage_keeps_or_resets_the_stage() -> None:
    advanced = replace(issue_now("NID"), stage_index=1, stage_code="biometrics")
    same = tickets.transfer_ticket(
        advanced, counter=None, centre=CENTRE, now=MONDAY_9AM, to_counter="C3"
    )
    assert same.ticket.queue_key == "NID.biometrics"
    assert same.counter is None
    other = tickets.transfer_ticket(
        advanced, counter=None, centre=CENTRE, now=MONDAY_9AM, to_service="BC"
    )
    assert other.ticket.stage_index == 0 and other.ticket.stage_code is None
    staged = tickets.transfer_ticket(
        issue_now("BC"), counter=None, centre=CENTRE, now=MONDAY_9AM, to_service="NID", to_stage=2
    )
    assert staged.ticket.queue_key == "NID.card_issue"


def test_transfer_refusals() -> None:
    call = called(issue_now("BC"), "C1")
    holder = counter_after(call)

    def attempt(counter: CounterState | None = holder, **target: Unpack[TransferTarget]) -> str:
        return code_of(
            lambda: tickets.transfer_ticket(
                call.ticket, counter=counter, centre=CENTRE, now=MONDAY_9AM, **target
            )
        )

    assert attempt(to_counter="C3") == ErrorCode.transfer_target_invalid  # C3 does not serve BC
    assert attempt(to_service="NID", to_stage=3) == ErrorCode.transfer_target_invalid
    assert attempt(to_service="XYZ") == ErrorCode.service_not_found
    assert attempt(to_counter="C99") == ErrorCode.counter_not_found
    assert attempt(counter=open_state("C2"), to_service="PCC") == ErrorCode.ticket_taken
    assert attempt(counter=None, to_service="PCC") == ErrorCode.ticket_not_held


def test_a_chosen_ticket_is_called_only_by_a_counter_that_may_call_it() -> None:
    waiting = issue_now("PCC")

    def chosen_at(code: str, ticket: tickets.Ticket = waiting) -> tickets.CallOutcome:
        return tickets.call_chosen_ticket(
            ticket, counter=open_state(code), config=CENTRE.counter(code), now=MONDAY_9AM
        )

    assert code_of(lambda: chosen_at("C1")) == ErrorCode.counter_not_serving_service
    assert chosen_at("C3").ticket.counter == "C3"
    sent = replace(waiting, target_counter="C4")
    assert code_of(lambda: chosen_at("C3", sent)) == ErrorCode.ticket_taken
    # Sent to a counter that does not serve its queue: that counter may still call it.
    assert chosen_at("C4", sent).ticket.counter == "C4"


def test_a_counter_transfers_what_it_holds_or_a_waiting_ticket_never_anothers() -> None:
    call = called(issue_now("BC"), "C1")
    holding = call.counter
    assert holding is not None

    def by(
        counter: str,
        ticket: tickets.Ticket,
        *,
        to_service: str | None = None,
        to_counter: str | None = None,
    ) -> tickets.CallOutcome:
        state = holding if counter == holding.code else open_state(counter)
        return tickets.transfer_by_counter(
            ticket,
            counter=state,
            centre=CENTRE,
            now=MONDAY_9AM,
            to_service=to_service,
            to_counter=to_counter,
        )

    assert code_of(lambda: by("C2", call.ticket, to_service="PCC")) == ErrorCode.ticket_taken
    assert code_of(lambda: by("C1", call.ticket)) == ErrorCode.transfer_target_invalid
    moved = by("C1", call.ticket, to_service="PCC")
    assert moved.counter is not None and moved.counter.current_ticket_id is None
    waiting = by("C2", issue_now("BC"), to_counter="C2")
    assert (waiting.counter, waiting.ticket.target_counter) == (None, "C2")


def test_ticket_issued_before_midnight_keeps_its_number_after_midnight() -> None:
    late = nairobi(2026, 11, 23, 23, 59)
    ticket = issue(CENTRE, "BC", late, sequence=57)
    call = tickets.call_ticket(
        ticket, counter=open_state("C1", late), now=nairobi(2026, 11, 24, 0, 1)
    )
    assert call.ticket.number == "B-057"
    assert call.ticket.business_day == date(2026, 11, 23)
    first_of_day = issue(CENTRE, "BC", nairobi(2026, 11, 24, 0, 1), sequence=1)
    assert first_of_day.business_day == date(2026, 11, 24)
    assert first_of_day.number == "B-001"


def test_ticket_accepts_plain_strings_from_a_database_row() -> None:
    ticket = replace(issue_now(), status="called", source="appointment")  # type: ignore[arg-type]
    assert ticket.status == TicketStatus.called
    assert ticket.source == TicketSource.appointment
