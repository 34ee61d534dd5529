"""Property tests of the calling policy at one busy counter, denser than the stateful machine."""

from dataclasses import replace
from typing import Literal

from hypothesis import event, given, settings
from hypothesis import strategies as st

from centre_core import appointments, policy, tickets
from centre_core.appointments import Appointment
from centre_core.clock import FixedClock
from centre_core.errors import ErrorCode, QueueError
from centre_core.tickets import Ticket
from tests.core.factory import MONDAY_9AM, counter_after, issue, minutes, open_state, small_centre
from tests.core.policy_model import PolicyWatch

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)

# What may happen between two calls at counter C2 (NID weight 1, BC weight 2).
ARRIVAL = st.one_of(
    st.tuples(
        st.just("walk_in"), st.sampled_from(["BC", "NID"]), st.sampled_from([None, None, "elderly"])
    ),
    st.tuples(st.just("appointment"), st.sampled_from(["BC", "NID"]), st.integers(-30, 40)),
    st.tuples(st.just("transfer_here"), st.sampled_from(["BC", "NID"]), st.none()),
)
STEP = st.tuples(st.integers(0, 12), st.lists(ARRIVAL, max_size=4), st.integers(0, 3))


@PROPERTY_SETTINGS
@given(
    steps=st.lists(STEP, min_size=1, max_size=30),
    bound=st.integers(0, 3),
    every=st.integers(0, 3),
    mode=st.sampled_from(["urgency", "fifo"]),
)
def test_guarantees_hold_at_a_busy_counter(
    steps: list[tuple[int, list[tuple[str, str, str | int | None]], int]],
    bound: int,
    every: int,
    mode: Literal["urgency", "fifo"],
) -> None:
    centre = small_centre(max_pass_over=bound, priority_every=every, mode=mode)
    config = centre.counter("C2")
    watch = PolicyWatch(centre.policy)
    clock = FixedClock(MONDAY_9AM)
    state = open_state("C2")
    waiting: list[Ticket] = []
    for advance, arrivals, calls in steps:
        clock.advance(minutes=advance)
        now = clock.now()
        for arrival in arrivals:
            match arrival:
                case ("walk_in", service, str() | None as priority):
                    waiting.append(issue(centre, service, now, priority=priority))
                case ("appointment", service, int() as offset):
                    slot = now + minutes(offset)
                    booking = Appointment(ref="A", service_code=service, slot_start=slot)
                    result = appointments.check_in(booking, centre=centre, now=now)
                    waiting.append(
                        issue(
                            centre,
                            service,
                            now,
                            source=result.source,
                            appointment_slot=slot,
                            ready_at=result.ready_at,
                        )
                    )
                case (_, service, _):  # transfer_here
                    ticket = issue(centre, service, now)
                    waiting.append(
                        tickets.transfer_ticket(
                            ticket, counter=None, centre=centre, now=now, to_counter="C2"
                        ).ticket
                    )
        for _ in range(calls):
            eligible = policy.eligible_tickets(counter=config, waiting=waiting, now=now)
            try:
                outcome = policy.call_next(
                    centre=centre, counter=config, state=state, waiting=waiting, now=now
                )
            except QueueError as error:
                assert error.code == ErrorCode.no_waiting_tickets
                assert eligible == []
                continue
            assert outcome.reason is not None
            watch.observe_call("C2", eligible, outcome.ticket, outcome.reason.code, now)
            assert outcome.counter is not None
            assert outcome.counter.normal_streak == watch.normal_streak("C2")
            waiting = [t for t in waiting if t.id != outcome.ticket.id]
            state = counter_after(
                tickets.finish_ticket(
                    outcome.ticket, counter=outcome.counter, centre=centre, now=now
                )
            )
            event(f"call reason: {outcome.reason.code}")
    event(f"most passes of a head: {watch.longest_head_passes}")


@PROPERTY_SETTINGS
@given(every=st.integers(0, 4), calls=st.integers(1, 60), shuffle=st.randoms(use_true_random=False))
def test_priority_ratio_over_long_runs(every: int, calls: int, shuffle) -> None:
    """With both kinds always waiting, exactly 1 call in `every + 1` goes to priority.

    (The pass-over bound is set out of reach: it would rightly force an old normal ticket.)
    """
    centre = small_centre(priority_every=every, max_pass_over=1000)
    waiting = [
        issue(centre, "BC", MONDAY_9AM + minutes(i), priority="elderly" if i % 2 else None)
        for i in range(2 * calls + 2)
    ]
    shuffle.shuffle(waiting)
    state = open_state("C1")
    now = MONDAY_9AM + minutes(3 * calls)
    pattern = []
    for _ in range(calls):
        outcome = policy.call_next(
            centre=centre, counter=centre.counter("C1"), state=state, waiting=waiting, now=now
        )
        pattern.append(outcome.ticket.priority is not None)
        waiting = [t for t in waiting if t.id != outcome.ticket.id]
        state = counter_after(
            tickets.finish_ticket(
                outcome.ticket, counter=counter_after(outcome), centre=centre, now=now
            )
        )
    expected = [(i + 1) % (every + 1) == 0 for i in range(calls)]
    assert pattern == expected
    assert sum(pattern) == calls // (every + 1)


@PROPERTY_SETTINGS
@given(
    offsets=st.lists(
        st.tuples(
            st.integers(0, 90), st.sampled_from(["BC", "NID"]), st.sampled_from([None, "elderly"])
        ),
        min_size=1,
        max_size=15,
    ),
    limit=st.integers(1, 8),
)
def test_preview_is_the_order_the_counter_calls(
    offsets: list[tuple[int, str, str | None]], limit: int
) -> None:
    centre = small_centre(max_pass_over=1)
    waiting = [
        issue(centre, service, MONDAY_9AM + minutes(o), priority=p) for o, service, p in offsets
    ]
    now = MONDAY_9AM + minutes(100)
    state = replace(open_state("C2"), normal_streak=1)
    preview = policy.preview_order(
        centre=centre,
        counter=centre.counter("C2"),
        state=state,
        waiting=waiting,
        now=now,
        limit=limit,
    )
    called = []
    for _ in range(min(limit, len(waiting))):
        outcome = policy.call_next(
            centre=centre, counter=centre.counter("C2"), state=state, waiting=waiting, now=now
        )
        called.append((outcome.ticket.id, outcome.reason))
        waiting = [t for t in waiting if t.id != outcome.ticket.id]
        state = counter_after(
            tickets.finish_ticket(
                outcome.ticket, counter=counter_after(outcome), centre=centre, now=now
            )
        )
    assert [(c.ticket.id, c.reason) for c in preview] == called
