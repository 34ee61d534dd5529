"""The calling policy: which ticket a counter calls next, and why.

A counter presses "call next". The policy looks at every waiting ticket of the centre and
keeps those this counter may call now (*eligible*): tickets transferred to this very counter,
plus untargeted tickets in a queue the counter serves (weight >= 1), in both cases only once
`ready_at` has passed (an early appointment waits for its slot).

Each eligible ticket has an *arrival* in its current queue, the instant it took its place
there: for an appointment ticket, the start of its slot (the holder booked that place in
advance); for any other ticket, when it entered the queue (`queued_at`, reset by a transfer or
a stage advance) or, if later, when it became callable (`ready_at`). The *head* is the eligible
ticket with the earliest arrival (appointments first on a tie, then by id).

Rules, strongest first; the first that applies picks the ticket:

1. `passed_over_bound` -- the head has been passed over `max_pass_over` times at this counter
   (see below): call the head.
2. `transfer_to_counter` -- tickets staff sent to this counter, earliest transfer first.
3. `appointment_due` -- appointment tickets whose slot has begun, earliest slot first. A late
   arrival beyond the check-in window was issued as a walk-in and is not one of these.
4. `priority_turn` -- a priority ticket (elderly, disability, pregnant or with infant) when the
   counter has called `priority_every` normal tickets since its last priority ticket, or when
   only priority tickets are eligible. Among priority tickets, rule 5's order applies.
   `priority_every = 2` gives normal, normal, priority, normal, normal, priority... while both
   kinds wait; 0 means priority tickets always go first among the walk-ins.
5. The normal tickets, by the centre's `mode`:
   - `urgency` (`most_urgent`): the highest score `waited / target wait x weight`, where
     `waited` is the time since arrival, the target wait is the service's, and the weight is
     the counter's weight for the ticket's queue. Within one queue this is first come, first
     served; across queues, a ticket is as urgent as the share of its target already used,
     and a counter that serves several queues prefers its heavier ones in proportion: a
     weight-2 queue's ticket at 30 % of its target ties with a weight-1 ticket at 60 %.
     Equal scores (e.g. both just arrived) go to the heavier weight, then the earlier arrival.
   - `fifo` (`first_in_line`): the earliest arrival; weights and targets are ignored.

**The pass-over bound.** Rules 2-5 can keep choosing later arrivals over an older ticket (a
stream of appointments, a heavier queue, a short target). The counter remembers, in its state,
`passover_anchor` (an arrival instant) and `passover_count`. At each call:

- if there is no anchor, or the head arrived after the anchor, every ticket counted before has
  left: the anchor becomes the head's arrival and the count 0;
- if the count has reached `max_pass_over`, the head is called (rule 1);
- when the called ticket arrived after the head, the count goes up by one.

*Bound (proved by the stateful property test).* While a ticket T waits, the head never
arrived after T, and once T has been the head the anchor is at or after T's arrival, so the
count is never reset while T waits; every call that passes T over (calls a later arrival) while
T is the head adds one. Hence **the head is passed over at most `max_pass_over` times at a
counter, then it is called**; and any ticket is passed over at a counter at most
`max_pass_over x (1 + d)` times, `d` being the number of distinct arrivals at or before its own
among the tickets that counter could call while it waited (each reset of the count moves the
anchor to a later such arrival). The rule needs no per-ticket bookkeeping: two fields on the
counter row, which is written by every call anyway. A counter that was closed or paused keeps
them. With `max_pass_over = 0` every call takes the head: strict arrival order.

*Appointments before later walk-ins.* Rules 1 and 3 never call a walk-in who arrived after a
due appointment's slot began while that appointment is eligible: rule 3 ranks above the walk-in
rules, and rule 1 takes the head, whose arrival is not after the slot start (an appointment
wins the tie). Only a ticket transferred to this very counter (rule 2) goes first.

*Priority ratio.* `normal_streak` counts the normal tickets a counter called since its last
priority ticket (capped at `priority_every`); any priority ticket resets it. So whenever
rule 4 or 5 decides and both kinds are eligible, at most `priority_every` normal tickets are
called in a row, and no two priority tickets in a row unless `priority_every` is 0.

`choose_next` returns the ticket and a `CallReason` (code, a short English sentence and its
figures, for the counter screen to word in its language); `call_next` also calls it and updates
the counter's policy fields; `preview_order` lists the next few in order.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from centre_core.centre import CentreConfig, CounterConfig
from centre_core.clock import as_utc, local_time
from centre_core.counters import CounterState, require_ready_to_call
from centre_core.errors import ErrorCode, QueueError
from centre_core.reasons import CallReason, Figures, ReasonCode
from centre_core.tickets import CallOutcome, Ticket, TicketSource, TicketStatus, call_ticket

__all__ = [
    "CallReason",
    "Choice",
    "ReasonCode",
    "arrival",
    "call_next",
    "choose_next",
    "eligible_tickets",
    "preview_order",
]


@dataclass(frozen=True)
class Choice:
    """The ticket the policy picked and why."""

    ticket: Ticket
    reason: CallReason


def arrival(ticket: Ticket) -> datetime:
    """Return when a ticket took its place in its current queue, for ordering and fairness."""
    if ticket.source == TicketSource.appointment and ticket.appointment_slot is not None:
        return ticket.appointment_slot
    return max(ticket.queued_at, ticket.ready_at)


def _age(ticket: Ticket) -> tuple[datetime, int, str]:
    return (arrival(ticket), 0 if ticket.source == TicketSource.appointment else 1, ticket.id)


def _is_due_appointment(ticket: Ticket, now: datetime) -> bool:
    slot = ticket.appointment_slot
    return ticket.source == TicketSource.appointment and (slot is None or slot <= now)


def eligible_tickets(
    *, counter: CounterConfig, waiting: Sequence[Ticket], now: datetime
) -> list[Ticket]:
    """Return the waiting tickets this counter may call at `now`."""
    now = as_utc(now)
    found = []
    for ticket in waiting:
        if ticket.status != TicketStatus.waiting or ticket.ready_at > now:
            continue
        if ticket.target_counter is not None:
            if ticket.target_counter == counter.code:
                found.append(ticket)
        elif counter.serves(ticket.queue_key):
            found.append(ticket)
    return found


def _hhmm(moment: datetime, centre: CentreConfig) -> str:
    return local_time(moment, timezone=centre.timezone).strftime("%H:%M")


def _minutes(seconds: float) -> int:
    return max(0, round(seconds / 60))


class _Ranker:
    """Orders normal (or priority) tickets by the centre's mode for one counter at one instant."""

    def __init__(self, centre: CentreConfig, counter: CounterConfig, now: datetime) -> None:
        self.centre = centre
        self.counter = counter
        self.now = now

    def _weight(self, ticket: Ticket) -> int:
        # A ticket transferred to this counter may sit in a queue it does not normally serve.
        return max(1, self.counter.weight_for(ticket.queue_key))

    def _target_seconds(self, ticket: Ticket) -> float:
        return self.centre.service(ticket.service_code).target_wait_minutes * 60.0

    def score(self, ticket: Ticket) -> float:
        """Return waited / target wait x weight."""
        waited = (self.now - arrival(ticket)).total_seconds()
        return waited / self._target_seconds(ticket) * self._weight(ticket)

    def best(self, tickets: Sequence[Ticket]) -> Ticket:
        """Return the ticket this mode calls first."""
        if self.centre.policy.mode == "fifo":
            return min(tickets, key=_age)
        return min(
            tickets,
            key=lambda t: (-self.score(t), -self._weight(t), arrival(t), t.id),
        )

    def reason(self, ticket: Ticket) -> CallReason:
        """Explain rule 5's choice."""
        waited = (self.now - arrival(ticket)).total_seconds()
        if self.centre.policy.mode == "fifo":
            since = _hhmm(arrival(ticket), self.centre)
            return CallReason(
                ReasonCode.first_in_line,
                f"first in line, waiting since {since}",
                {"since": since},
            )
        minutes = _minutes(waited)
        target = self.centre.service(ticket.service_code).target_wait_minutes
        weight = self._weight(ticket)
        text = f"waited {minutes} min of a {target} min target"
        if weight > 1:
            text += f" (queue weight {weight})"
        figures: Figures = {"minutes": minutes, "target": target, "weight": weight}
        return CallReason(ReasonCode.most_urgent, text, figures)


def _by_rules(
    centre: CentreConfig,
    counter: CounterConfig,
    state: CounterState,
    eligible: list[Ticket],
    now: datetime,
) -> Choice:
    """Apply rules 2-5 to a non-empty list of eligible tickets."""
    targeted = [t for t in eligible if t.target_counter == counter.code]
    if targeted:
        ticket = min(targeted, key=lambda t: (t.queued_at, t.id))
        at = _hhmm(ticket.queued_at, centre)
        return Choice(
            ticket,
            CallReason(
                ReasonCode.transfer_to_counter, f"transferred to this counter at {at}", {"at": at}
            ),
        )
    due = [t for t in eligible if _is_due_appointment(t, now)]
    if due:
        ticket = min(due, key=_age)
        slot = _hhmm(arrival(ticket), centre)
        return Choice(
            ticket, CallReason(ReasonCode.appointment_due, f"appointment {slot}", {"slot": slot})
        )
    ranker = _Ranker(centre, counter, now)
    priority = [t for t in eligible if t.priority is not None]
    normal = [t for t in eligible if t.priority is None]
    if priority and (not normal or state.normal_streak >= centre.policy.priority_every):
        ticket = ranker.best(priority)
        name = _priority_name(centre, ticket.priority)
        text = f"priority ({name})" if normal else f"priority ({name}), no other ticket waiting"
        figures: Figures = {"priority": str(ticket.priority), "only_priority": 0 if normal else 1}
        return Choice(ticket, CallReason(ReasonCode.priority_turn, text, figures))
    ticket = ranker.best(normal)
    return Choice(ticket, ranker.reason(ticket))


def _priority_name(centre: CentreConfig, code: str | None) -> str:
    for category in centre.priority_categories:
        if category.code == code:
            return category.name_en
    return str(code)


def _decide(
    centre: CentreConfig,
    counter: CounterConfig,
    state: CounterState,
    eligible: list[Ticket],
    now: datetime,
) -> tuple[Choice, CounterState]:
    """Pick among eligible tickets; return the choice and the counter's updated policy memory."""
    head = min(eligible, key=_age)
    anchor, count = state.passover_anchor, state.passover_count
    if anchor is None or arrival(head) > anchor:
        anchor, count = arrival(head), 0
    if count >= centre.policy.max_pass_over:
        since = _hhmm(arrival(head), centre)
        times = "time" if count == 1 else "times"
        choice = Choice(
            head,
            CallReason(
                ReasonCode.passed_over_bound,
                f"in line since {since}, passed over {count} {times}",
                {"since": since, "count": count},
            ),
        )
    else:
        choice = _by_rules(centre, counter, state, eligible, now)
    if arrival(choice.ticket) > arrival(head):
        count += 1
    if choice.ticket.priority is not None:
        streak = 0
    else:
        streak = min(state.normal_streak + 1, centre.policy.priority_every)
    remembered = replace(state, normal_streak=streak, passover_anchor=anchor, passover_count=count)
    return choice, remembered


def choose_next(
    *,
    centre: CentreConfig,
    counter: CounterConfig,
    state: CounterState,
    waiting: Sequence[Ticket],
    now: datetime,
) -> Choice | None:
    """Return the ticket this counter should call next and why, or None if none is eligible."""
    now = as_utc(now)
    eligible = eligible_tickets(counter=counter, waiting=waiting, now=now)
    if not eligible:
        return None
    return _decide(centre, counter, state, eligible, now)[0]


def call_next(
    *,
    centre: CentreConfig,
    counter: CounterConfig,
    state: CounterState,
    waiting: Sequence[Ticket],
    now: datetime,
) -> CallOutcome:
    """Choose and call the next ticket at this counter, updating the counter's policy memory.

    Raises `counter_closed`, `counter_paused`, `counter_busy` or `no_waiting_tickets`.
    """
    now = as_utc(now)
    if state.code != counter.code:
        raise ValueError(f"state of counter {state.code} given for counter {counter.code}")
    require_ready_to_call(state)
    eligible = eligible_tickets(counter=counter, waiting=waiting, now=now)
    if not eligible:
        raise QueueError(
            ErrorCode.no_waiting_tickets, f"no ticket is waiting for counter {counter.code}"
        )
    choice, remembered = _decide(centre, counter, state, eligible, now)
    return call_ticket(choice.ticket, counter=remembered, now=now, reason=choice.reason)


def preview_order(
    *,
    centre: CentreConfig,
    counter: CounterConfig,
    state: CounterState,
    waiting: Sequence[Ticket],
    now: datetime,
    limit: int = 5,
) -> list[Choice]:
    """Return the next tickets in the order this counter would call them now, with reasons."""
    now = as_utc(now)
    remaining = eligible_tickets(counter=counter, waiting=waiting, now=now)
    order: list[Choice] = []
    while remaining and len(order) < limit:
        choice, state = _decide(centre, counter, state, remaining, now)
        order.append(choice)
        remaining = [t for t in remaining if t.id != choice.ticket.id]
    return order
