"""Counter state moves: open, pause, resume, close, and refusing them while a ticket is held."""

from dataclasses import replace

import pytest

from centre_core import counters
from centre_core.counters import CounterState, CounterStatus
from centre_core.errors import ErrorCode, QueueError
from tests.core.factory import MONDAY_9AM


def code_of(action) -> str:
    with pytest.raises(QueueError) as caught:
        action()
    return caught.value.code


def test_a_counter_day() -> None:
    closed = CounterState("C1")
    opened = counters.open_counter(closed, staff_number="S-7", now=MONDAY_9AM)
    assert opened.counter.status == CounterStatus.open
    assert opened.counter.staff_number == "S-7"
    assert [e.type for e in opened.events] == ["counter.opened"]
    paused = counters.pause_counter(opened.counter, reason="tea break", now=MONDAY_9AM)
    assert paused.counter.status == CounterStatus.paused
    assert paused.events[0].data["reason"] == "tea break"
    resumed = counters.resume_counter(paused.counter, now=MONDAY_9AM)
    assert resumed.counter.status == CounterStatus.open
    assert resumed.counter.pause_reason is None
    closed_again = counters.close_counter(resumed.counter, now=MONDAY_9AM)
    assert closed_again.counter.status == CounterStatus.closed
    assert closed_again.counter.staff_number is None
    assert [e.type for e in closed_again.events] == ["counter.closed"]


def test_illegal_counter_moves() -> None:
    closed = CounterState("C1")
    opened = counters.open_counter(closed, staff_number="S-7", now=MONDAY_9AM).counter
    busy = replace(opened, current_ticket_id="t1")
    assert code_of(lambda: counters.open_counter(opened, staff_number="S", now=MONDAY_9AM)) == (
        ErrorCode.invalid_transition
    )
    assert code_of(lambda: counters.pause_counter(busy, reason="x", now=MONDAY_9AM)) == (
        ErrorCode.counter_busy
    )
    assert code_of(lambda: counters.close_counter(busy, now=MONDAY_9AM)) == ErrorCode.counter_busy
    assert code_of(lambda: counters.pause_counter(closed, reason="x", now=MONDAY_9AM)) == (
        ErrorCode.counter_closed
    )
    assert code_of(lambda: counters.resume_counter(opened, now=MONDAY_9AM)) == (
        ErrorCode.invalid_transition
    )
    assert code_of(lambda: counters.close_counter(closed, now=MONDAY_9AM)) == (
        ErrorCode.invalid_transition
    )


def test_state_accepts_plain_strings_from_a_database_row() -> None:
    assert CounterState("C1", status="paused").status == CounterStatus.paused  # type: ignore[arg-type]


def test_closing_keeps_the_policy_memory() -> None:
    opened = counters.open_counter(CounterState("C1"), staff_number="S", now=MONDAY_9AM).counter
    remembered = replace(opened, normal_streak=2, passover_anchor=MONDAY_9AM, passover_count=5)
    closed = counters.close_counter(remembered, now=MONDAY_9AM).counter
    assert (closed.normal_streak, closed.passover_anchor, closed.passover_count) == (
        2,
        MONDAY_9AM,
        5,
    )
