"""An independent statement of the calling policy's guarantees, checked call by call.

Both the stateful machine and the policy property tests feed every call to `PolicyWatch`, which
keeps its own books (it never reads the counter's policy fields) and asserts:

- the head of a counter's line (earliest arrival) is passed over at most `max_pass_over` times
  there, and any ticket at most `max_pass_over x (1 + d)` times, `d` being the distinct arrivals
  at or before its own seen among that counter's eligible tickets during its wait;
- a walk-in is never called while a due appointment whose slot began no later than the walk-in's
  arrival waits at the same counter (tickets transferred to that counter excepted);
- whenever rules 4-5 decide and both kinds are eligible, a priority ticket is called exactly
  when `priority_every` normal tickets were called since the counter's last priority ticket.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from centre_core.centre import PolicySettings
from centre_core.tickets import Ticket, TicketSource

RATIO_RULES = ("priority_turn", "most_urgent", "first_in_line")


def arrival(ticket: Ticket) -> datetime:
    """A ticket's place in its queue, as the policy's docstring states it."""
    if ticket.source == TicketSource.appointment and ticket.appointment_slot is not None:
        return ticket.appointment_slot
    return max(ticket.queued_at, ticket.ready_at)


def age(ticket: Ticket) -> tuple[datetime, bool, str]:
    return (arrival(ticket), ticket.source != TicketSource.appointment, ticket.id)


@dataclass
class WaitRecord:
    """What one ticket went through at one counter during one wait in one queue."""

    passes: int = 0
    passes_as_head: int = 0
    older_arrivals: frozenset[datetime] = frozenset()


class PolicyWatch:
    """Keeps the model's books of every call and asserts the guarantees."""

    def __init__(self, policy: PolicySettings) -> None:
        self.policy = policy
        self.waits: dict[tuple[str, datetime, str], WaitRecord] = defaultdict(WaitRecord)
        self.streak: dict[str, int] = defaultdict(int)
        self.longest_head_passes = 0

    def observe_call(
        self, code: str, eligible: list[Ticket], chosen: Ticket, reason: str, now: datetime
    ) -> None:
        assert chosen.id in {t.id for t in eligible}
        self._pass_over(code, eligible, chosen)
        self._appointments_first(eligible, chosen, reason, now)
        self._priority_ratio(code, eligible, chosen, reason)

    def normal_streak(self, code: str) -> int:
        return self.streak[code]

    def _pass_over(self, code: str, eligible: list[Ticket], chosen: Ticket) -> None:
        bound = self.policy.max_pass_over
        head = min(eligible, key=age)
        for ticket in eligible:
            record = self.waits[(ticket.id, ticket.queued_at, code)]
            record.older_arrivals |= {
                arrival(other) for other in eligible if arrival(other) <= arrival(ticket)
            }
            if ticket.id != chosen.id and arrival(chosen) > arrival(ticket):
                record.passes += 1
                if ticket.id == head.id:
                    record.passes_as_head += 1
            self.longest_head_passes = max(self.longest_head_passes, record.passes_as_head)
            assert record.passes_as_head <= bound, (ticket, record)
            assert record.passes <= bound * (1 + len(record.older_arrivals)), (ticket, record)

    @staticmethod
    def _appointments_first(
        eligible: list[Ticket], chosen: Ticket, reason: str, now: datetime
    ) -> None:
        if chosen.source == TicketSource.appointment or reason == "transfer_to_counter":
            return
        for other in eligible:
            slot = other.appointment_slot
            if other.source == TicketSource.appointment and slot is not None and slot <= now:
                assert chosen.issued_at < slot and arrival(chosen) < slot, (chosen, other)

    def _priority_ratio(
        self, code: str, eligible: list[Ticket], chosen: Ticket, reason: str
    ) -> None:
        every = self.policy.priority_every
        if reason in RATIO_RULES:
            kinds = {t.priority is not None for t in eligible}
            if kinds == {True, False}:
                assert (chosen.priority is not None) == (self.streak[code] >= every)
        if chosen.priority is not None:
            self.streak[code] = 0
        else:
            self.streak[code] = min(self.streak[code] + 1, every)
