"""Stateful property test: random days of a centre, checking the queue's invariants throughout.

Hypothesis drives issue / check-in / call next / recall / serve / finish / no-show / cancel /
transfer / pause across several counters, with the clock moving (across Nairobi midnight), and
after every step checks: a ticket is held by at most one counter; no ticket is lost or
duplicated; numbers run 1..N per day and service; the head of a counter's line is passed over at
most `max_pass_over` times there (and any ticket at most `max_pass_over x (1 + d)` times, see
`centre_core.policy`); due appointments go before walk-ins who arrived after their slot began;
the priority ratio holds at every call that rules 4-5 decide.
"""

from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Unpack

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from centre_core import appointments, policy, tickets
from centre_core.appointments import Appointment
from centre_core.centre import CentreConfig
from centre_core.clock import FixedClock, business_day
from centre_core.counters import CounterState, CounterStatus, pause_counter, resume_counter
from centre_core.errors import ErrorCode, QueueError
from centre_core.tickets import Ticket, TicketSource, TicketStatus
from tests.core.factory import AppointmentOptions, nairobi, open_state, small_centre
from tests.core.policy_model import PolicyWatch

MACHINE_SETTINGS = settings(
    max_examples=200,
    stateful_step_count=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
SERVICES = ["BC", "NID", "PCC", "KRA", "COL"]
COUNTERS = ["C1", "C2", "C3", "C4"]
PRIORITIES = [None, None, None, "elderly", "disability"]


class QueueMachine(RuleBasedStateMachine):
    """A centre's day driven at random; the model checks the core against the documented rules."""

    centre: CentreConfig = small_centre(max_pass_over=1, priority_every=2, recall_limit=2)

    def __init__(self) -> None:
        super().__init__()
        self.clock = FixedClock(nairobi(2026, 11, 23, 22, 30))
        self.tickets: dict[str, Ticket] = {}
        self.states: dict[str, CounterState] = {}
        self.sequences: Counter[tuple[date, str]] = Counter()
        self.walk_ins_today: Counter[tuple[date, str]] = Counter()
        self.issued_numbers: dict[tuple[date, str], list[str]] = defaultdict(list)
        self.watch = PolicyWatch(self.centre.policy)
        self.next_id = 0

    @initialize(
        crowd=st.lists(
            st.tuples(st.sampled_from(SERVICES), st.sampled_from(PRIORITIES)), max_size=12
        )
    )
    def open_the_hall(self, crowd: list[tuple[str, str | None]]) -> None:
        """Counters open on a hall where a crowd has been arriving for the past hour."""
        for code in COUNTERS:
            self.states[code] = open_state(code, self.clock.now())
        for service, priority in crowd:
            self.issue_one(service, priority, TicketSource.walk_in)
            self.clock.advance(minutes=5)

    # --- helpers ---------------------------------------------------------------------------

    def waiting(self) -> list[Ticket]:
        return [t for t in self.tickets.values() if t.status == TicketStatus.waiting]

    def eligible_at(self, code: str) -> list[Ticket]:
        counter = self.centre.counter(code)
        now = self.clock.now()
        return [
            t
            for t in self.waiting()
            if t.ready_at <= now
            and (
                t.target_counter == code
                if t.target_counter is not None
                else counter.weight_for(t.queue_key) > 0
            )
        ]

    def held(self, code: str) -> Ticket | None:
        ticket_id = self.states[code].current_ticket_id
        return None if ticket_id is None else self.tickets[ticket_id]

    def store(self, outcome: tickets.CallOutcome, code: str | None) -> None:
        self.tickets[outcome.ticket.id] = outcome.ticket
        if code is not None and outcome.counter is not None:
            self.states[code] = outcome.counter

    def new_id(self) -> str:
        self.next_id += 1
        return f"t{self.next_id:04d}"

    def issue_one(
        self,
        service: str,
        priority: str | None,
        source: TicketSource,
        **extra: Unpack[AppointmentOptions],
    ) -> None:
        now = self.clock.now()
        day = business_day(now, timezone=self.centre.timezone)
        cap = self.centre.service(service).daily_cap
        counts_for_cap = source != TicketSource.appointment
        ticket_id = self.new_id()
        try:
            outcome = tickets.issue_ticket(
                centre=self.centre,
                service_code=service,
                sequence=self.sequences[(day, service)] + 1,
                ticket_id=ticket_id,
                token=f"tok-{ticket_id}-0123456789abcdef",
                now=now,
                issued_today=self.walk_ins_today[(day, service)],
                source=source,
                priority=priority,
                **extra,
            )
        except QueueError as error:
            if error.code == ErrorCode.daily_cap_reached:
                assert counts_for_cap and cap is not None
                assert self.walk_ins_today[(day, service)] >= cap
            else:
                assert error.code == ErrorCode.priority_not_allowed
                assert priority is not None and not self.centre.service(service).priority_allowed
            return
        self.sequences[(day, service)] += 1
        if counts_for_cap:
            self.walk_ins_today[(day, service)] += 1
        self.issued_numbers[(day, service)].append(outcome.ticket.number)
        assert outcome.ticket.id not in self.tickets
        self.tickets[outcome.ticket.id] = outcome.ticket
        assert [e.type for e in outcome.events] == ["ticket.issued"]

    # --- rules -----------------------------------------------------------------------------

    @rule(minutes=st.integers(min_value=0, max_value=20))
    def time_passes(self, minutes: int) -> None:
        before = business_day(self.clock.now(), timezone=self.centre.timezone)
        self.clock.advance(minutes=minutes)
        if business_day(self.clock.now(), timezone=self.centre.timezone) != before:
            event("crossed Nairobi midnight")

    @rule(
        arrivals=st.lists(
            st.tuples(st.sampled_from(SERVICES), st.sampled_from(PRIORITIES)),
            min_size=1,
            max_size=6,
        )
    )
    def walk_ins(self, arrivals: list[tuple[str, str | None]]) -> None:
        for service, priority in arrivals:
            self.issue_one(service, priority, TicketSource.walk_in)

    @rule(service=st.sampled_from(SERVICES), slot_offset=st.integers(min_value=-40, max_value=60))
    def appointment_check_in(self, service: str, slot_offset: int) -> None:
        now = self.clock.now()
        slot = now.replace(second=0, microsecond=0) + timedelta(minutes=slot_offset)
        booking = Appointment(ref=f"APT-{self.next_id}", service_code=service, slot_start=slot)
        try:
            result = appointments.check_in(booking, centre=self.centre, now=now)
        except QueueError as error:
            assert error.code == ErrorCode.appointment_not_today
            return
        self.issue_one(
            service,
            None,
            result.source,
            appointment_ref=booking.ref,
            appointment_slot=slot,
            ready_at=result.ready_at,
        )

    @rule(
        rounds=st.lists(st.tuples(st.sampled_from(COUNTERS), st.booleans()), min_size=1, max_size=5)
    )
    def counters_call(self, rounds: list[tuple[str, bool]]) -> None:
        """Counters press "call next", most after finishing the ticket they hold."""
        for code, finish_first in rounds:
            if finish_first:
                self.finish(code)
            self.call_next(code)

    def call_next(self, code: str) -> None:
        state = self.states[code]
        eligible = self.eligible_at(code)
        try:
            outcome = policy.call_next(
                centre=self.centre,
                counter=self.centre.counter(code),
                state=state,
                waiting=list(self.tickets.values()),
                now=self.clock.now(),
            )
        except QueueError as error:
            if state.status == CounterStatus.paused:
                assert error.code == ErrorCode.counter_paused
            elif state.current_ticket_id is not None:
                assert error.code == ErrorCode.counter_busy
            else:
                assert error.code == ErrorCode.no_waiting_tickets
                assert eligible == []
            return
        assert state.status == CounterStatus.open and state.current_ticket_id is None
        reason = outcome.reason
        assert reason is not None
        self.watch.observe_call(code, eligible, outcome.ticket, reason.code, self.clock.now())
        assert outcome.counter is not None
        assert outcome.counter.normal_streak == self.watch.normal_streak(code)
        self.store(outcome, code)
        event(f"call reason: {reason.code}")

    def recall(self, code: str) -> None:
        ticket = self.held(code)
        if ticket is None or ticket.status != TicketStatus.called:
            return
        outcome = tickets.recall_ticket(
            ticket, counter=self.states[code], centre=self.centre, now=self.clock.now()
        )
        if ticket.recalls >= self.centre.policy.recall_limit:
            assert outcome.ticket.status == TicketStatus.no_show
            assert outcome.counter is not None and outcome.counter.current_ticket_id is None
        else:
            assert outcome.ticket.recalls == ticket.recalls + 1
        self.store(outcome, code)

    def start_serving(self, code: str) -> None:
        ticket = self.held(code)
        if ticket is None or ticket.status != TicketStatus.called:
            return
        self.store(
            tickets.start_serving(ticket, counter=self.states[code], now=self.clock.now()), code
        )

    @rule(
        code=st.sampled_from(COUNTERS),
        action=st.sampled_from(["recall", "start_serving", "no_show", "finish"]),
    )
    def counter_action(self, code: str, action: str) -> None:
        getattr(self, action)(code)

    def finish(self, code: str) -> None:
        ticket = self.held(code)
        if ticket is None:
            return
        outcome = tickets.finish_ticket(
            ticket, counter=self.states[code], centre=self.centre, now=self.clock.now()
        )
        stages = self.centre.service(ticket.service_code).stage_count
        if ticket.stage_index + 1 < stages:
            assert outcome.ticket.status == TicketStatus.waiting
            assert outcome.ticket.stage_index == ticket.stage_index + 1
        else:
            assert outcome.ticket.status == TicketStatus.done
        assert outcome.ticket.issued_at == ticket.issued_at
        assert outcome.ticket.number == ticket.number
        self.store(outcome, code)

    def no_show(self, code: str) -> None:
        ticket = self.held(code)
        if ticket is None or ticket.status != TicketStatus.called:
            return
        self.store(
            tickets.mark_no_show(ticket, counter=self.states[code], now=self.clock.now()), code
        )

    @rule(
        code=st.sampled_from(COUNTERS),
        to_service=st.sampled_from([None, *SERVICES]),
        to_counter=st.sampled_from([None, *COUNTERS]),
    )
    def transfer_held(self, code: str, to_service: str | None, to_counter: str | None) -> None:
        ticket = self.held(code)
        if ticket is None:
            return
        self.transfer(ticket, code, to_service, to_counter)

    @rule(
        pick=st.integers(min_value=0),
        to_service=st.sampled_from([None, *SERVICES]),
        to_counter=st.sampled_from([None, *COUNTERS]),
    )
    def transfer_waiting(self, pick: int, to_service: str | None, to_counter: str | None) -> None:
        waiting = self.waiting()
        if waiting:
            self.transfer(waiting[pick % len(waiting)], None, to_service, to_counter)

    def transfer(
        self, ticket: Ticket, code: str | None, to_service: str | None, to_counter: str | None
    ) -> None:
        try:
            outcome = tickets.transfer_ticket(
                ticket,
                counter=self.states[code] if code is not None else None,
                centre=self.centre,
                now=self.clock.now(),
                to_service=to_service,
                to_counter=to_counter,
            )
        except QueueError as error:
            assert error.code == ErrorCode.transfer_target_invalid
            assert to_counter is not None
            return
        moved = outcome.ticket
        assert moved.status == TicketStatus.waiting
        assert (moved.number, moved.issued_at, moved.source) == (
            ticket.number,
            ticket.issued_at,
            ticket.source,
        )
        assert moved.target_counter == to_counter
        self.store(outcome, code)

    @rule(pick=st.integers(min_value=0))
    def cancel(self, pick: int) -> None:
        waiting = self.waiting()
        if waiting:
            ticket = waiting[pick % len(waiting)]
            outcome = tickets.cancel_ticket(ticket, now=self.clock.now(), reason="left")
            self.tickets[ticket.id] = outcome.ticket

    @rule(code=st.sampled_from(COUNTERS), other=st.sampled_from(COUNTERS))
    def another_counter_interferes(self, code: str, other: str) -> None:
        ticket = self.held(code)
        if ticket is None or other == code:
            return
        for action in (
            lambda: tickets.call_ticket(ticket, counter=self.states[other], now=self.clock.now()),
            lambda: tickets.finish_ticket(
                ticket, counter=self.states[other], centre=self.centre, now=self.clock.now()
            ),
            lambda: tickets.transfer_ticket(
                ticket, counter=self.states[other], centre=self.centre, now=self.clock.now()
            ),
        ):
            try:
                action()
            except QueueError as error:
                assert error.code == ErrorCode.ticket_taken
            else:
                raise AssertionError("another counter acted on a held ticket")

    @rule(code=st.sampled_from(COUNTERS))
    def pause_or_resume(self, code: str) -> None:
        state = self.states[code]
        if state.status == CounterStatus.paused:
            self.states[code] = resume_counter(state, now=self.clock.now()).counter
        elif state.current_ticket_id is None:
            self.states[code] = pause_counter(state, reason="break", now=self.clock.now()).counter

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def each_ticket_is_held_by_at_most_one_counter(self) -> None:
        holders = Counter(s.current_ticket_id for s in self.states.values() if s.current_ticket_id)
        assert all(n == 1 for n in holders.values())
        for code, state in self.states.items():
            if state.current_ticket_id is not None:
                ticket = self.tickets[state.current_ticket_id]
                assert ticket.status in (TicketStatus.called, TicketStatus.serving)
                assert ticket.counter == code
        for ticket in self.tickets.values():
            if ticket.status in (TicketStatus.called, TicketStatus.serving):
                assert holders[ticket.id] == 1
                assert self.states[ticket.counter or ""].current_ticket_id == ticket.id

    @invariant()
    def no_ticket_is_lost_or_duplicated(self) -> None:
        issued = sum(len(numbers) for numbers in self.issued_numbers.values())
        assert len(self.tickets) == issued
        for ticket in self.tickets.values():
            assert ticket.status in TicketStatus
            if ticket.status == TicketStatus.waiting:
                assert ticket.counter is None
                self.centre.queue(ticket.queue_key)

    @invariant()
    def numbers_run_one_to_n_per_day_and_service(self) -> None:
        for (_day, service), numbers in self.issued_numbers.items():
            prefix = self.centre.service(service).prefix
            assert numbers == [tickets.format_number(prefix, n) for n in range(1, len(numbers) + 1)]
        seen = Counter((t.business_day, t.number) for t in self.tickets.values())
        assert all(n == 1 for n in seen.values())


class FifoMachine(QueueMachine):
    """The same day under FIFO mode, a tight pass-over bound and 1:1 priority."""

    centre = small_centre(mode="fifo", max_pass_over=1, priority_every=1, recall_limit=0)


TestQueueUrgency = QueueMachine.TestCase
TestQueueUrgency.settings = MACHINE_SETTINGS
TestQueueFifo = FifoMachine.TestCase
TestQueueFifo.settings = MACHINE_SETTINGS
