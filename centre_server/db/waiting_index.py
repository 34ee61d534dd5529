"""The waiting tickets of every queue, kept in memory by the single writer.

Call-next must look at every waiting ticket of its counter's queues; reading and rebuilding
hundreds of rows on every call costs more than the rest of the command. This index is loaded
from the database once, then updated after each writer's savepoint with the tickets it saved
(`record_saved`; the batch's next writer must see them, and a failed group commit drops the
index), so the two stay equal as long as only this process writes tickets,
which ARCHITECTURE.md guarantees (one server process per centre; the CLI never touches
tickets). Every use happens under the writer lock. Commands still re-read the ticket they act
on (`ticket_is_current`), so a stale index can never make them act on a changed ticket: it is
rebuilt instead.

**Candidates.** Call-next need not score every waiting ticket: `candidates` returns a few among
which `policy.call_next` decides exactly as among all of them. The index keeps each queue's
tickets in *buckets* the policy cannot tell apart but by arrival: one target counter (or none),
one service, priority or not, and one kind (not an appointment; an appointment with a slot; one
without). Each bucket is sorted by (arrival, id). Within a bucket the counter's weight and the
target wait are the same, so rule 5 (either mode) and the head's order both follow that sort;
an appointment with a slot is due once its slot has begun, so no eligible ticket behind a
bucket's first eligible one is due unless it is; one without a slot is always due. So each pick
the policy makes among the eligible tickets (the head, the earliest due appointment, the best
priority and the best normal ticket) is the first ticket ready at `now` of some bucket. Rule 2
orders the tickets sent to a counter by when they were sent, so those also sit in a second
bucket sorted by (queued_at, id). The candidates are the first ready ticket of each bucket of
the queues, untargeted or sent to this counter (the property test checks the claim).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from centre_core.clock import as_utc
from centre_core.policy import arrival
from centre_core.tickets import Ticket, TicketSource, TicketStatus

SAVED_TICKETS = "foleni.saved_tickets"
LOADED_HERE = "foleni.waiting_index_loaded"


def record_saved(session: Session, ticket: Ticket) -> None:
    """Note a ticket saved in this transaction (applied to the index only if it commits)."""
    session.info.setdefault(SAVED_TICKETS, {})[ticket.id] = ticket


def saved_tickets(session: Session) -> list[Ticket]:
    """Return the tickets saved in this transaction."""
    return list(session.info.get(SAVED_TICKETS, {}).values())


_Order = Callable[[Ticket], tuple[datetime, str]]
# Buckets are found by (queue, target counter), then told apart by (service, priority or not,
# kind, which order): see the module docstring.
_Line = tuple[str, str | None]
_BucketKey = tuple[str, bool, str, str]


def _by_arrival(ticket: Ticket) -> tuple[datetime, str]:
    return (arrival(ticket), ticket.id)


def _by_transfer(ticket: Ticket) -> tuple[datetime, str]:
    # Rule 2's own order: earliest transfer first.
    return (ticket.queued_at, ticket.id)


def _kind(ticket: Ticket) -> str:
    if ticket.source != TicketSource.appointment:
        return "walk_in"
    return "slot" if ticket.appointment_slot is not None else "no_slot"


def _bucket_keys(ticket: Ticket) -> list[tuple[_BucketKey, _Order]]:
    common = (ticket.service_code, ticket.priority is not None)
    keys: list[tuple[_BucketKey, _Order]] = [((*common, _kind(ticket), "arrival"), _by_arrival)]
    if ticket.target_counter is not None:
        keys.append(((*common, "any", "transfer"), _by_transfer))
    return keys


class _Bucket:
    """Tickets in one order, with the earliest `ready_at` at hand."""

    __slots__ = ("_keys", "_order", "_ready", "_tickets")

    def __init__(self, order: _Order) -> None:
        self._order = order
        self._keys: list[tuple[datetime, str]] = []
        self._ready: list[tuple[datetime, str]] = []
        self._tickets: dict[str, Ticket] = {}

    def __bool__(self) -> bool:
        return bool(self._tickets)

    def add(self, ticket: Ticket) -> None:
        """Put a ticket in its place."""
        insort(self._keys, self._order(ticket))
        insort(self._ready, (ticket.ready_at, ticket.id))
        self._tickets[ticket.id] = ticket

    def remove(self, ticket: Ticket) -> None:
        """Take out a ticket, as it was when added."""
        del self._keys[bisect_left(self._keys, self._order(ticket))]
        del self._ready[bisect_left(self._ready, (ticket.ready_at, ticket.id))]
        del self._tickets[ticket.id]

    def first_ready(self, now: datetime) -> Ticket | None:
        """Return the first ticket in order whose `ready_at` has passed, if any."""
        if not self._ready or self._ready[0][0] > now:
            return None
        # In practice the first ticket: tickets are queued or checked in before `now`, so a ticket
        # is ready exactly when it has arrived, and the first to arrive is ready first. The walk
        # covers tickets dated after `now` (a clock set back).
        for _, ticket_id in self._keys:
            ticket = self._tickets[ticket_id]
            if ticket.ready_at <= now:
                return ticket
        raise AssertionError("a ticket is ready, yet none was found")


class WaitingIndex:
    """Waiting tickets by queue key (see the module docstring for when it is valid)."""

    def __init__(self) -> None:
        self._by_queue: dict[str, dict[str, Ticket]] | None = None
        self._queue_of: dict[str, str] = {}
        self._buckets: dict[_Line, dict[_BucketKey, _Bucket]] = {}

    @property
    def loaded(self) -> bool:
        """Tell whether the index holds the waiting tickets (False until first used)."""
        return self._by_queue is not None

    def load(self, session: Session, tickets: Iterable[Ticket]) -> None:
        """Replace the index with these waiting tickets, read in `session`'s transaction.

        If that transaction then fails, the index may hold what it had not committed: the
        writer invalidates it (`loaded_in`).
        """
        session.info[LOADED_HERE] = True
        self._by_queue = {}
        self._queue_of = {}
        self._buckets = {}
        self._put_all(tickets)

    def waiting_in(self, queue_keys: Iterable[str]) -> list[Ticket]:
        """Return the waiting tickets of these queues; the index must be loaded."""
        assert self._by_queue is not None
        return [ticket for key in queue_keys for ticket in self._by_queue.get(key, {}).values()]

    def candidates(
        self, queue_keys: Iterable[str], counter_code: str, now: datetime
    ) -> list[Ticket]:
        """Return the few waiting tickets of these queues that call-next at this counter needs.

        `policy.call_next` over them decides exactly as over `waiting_in(queue_keys)` (see the
        module docstring); the index must be loaded.
        """
        assert self._by_queue is not None
        now = as_utc(now)
        found: dict[str, Ticket] = {}
        for queue_key in queue_keys:
            for target in (None, counter_code):
                for bucket in self._buckets.get((queue_key, target), {}).values():
                    ticket = bucket.first_ready(now)
                    if ticket is not None:
                        found[ticket.id] = ticket
        return list(found.values())

    def apply(self, tickets: Iterable[Ticket]) -> None:
        """Take committed ticket changes into account (no-op until loaded)."""
        if self._by_queue is not None:
            self._put_all(tickets)

    @staticmethod
    def loaded_in(session: Session) -> bool:
        """Tell whether the index was (re)loaded inside this session's transaction."""
        return bool(session.info.get(LOADED_HERE))

    def invalidate(self) -> None:
        """Forget everything; the next use reloads from the database."""
        self._by_queue = None
        self._queue_of = {}
        self._buckets = {}

    def _put_all(self, tickets: Iterable[Ticket]) -> None:
        assert self._by_queue is not None
        for ticket in tickets:
            previous = self._queue_of.pop(ticket.id, None)
            if previous is not None:
                self._unbucket(self._by_queue[previous].pop(ticket.id))
            if ticket.status == TicketStatus.waiting:
                self._by_queue.setdefault(ticket.queue_key, {})[ticket.id] = ticket
                self._queue_of[ticket.id] = ticket.queue_key
                self._bucket(ticket)

    def _bucket(self, ticket: Ticket) -> None:
        buckets = self._buckets.setdefault((ticket.queue_key, ticket.target_counter), {})
        for key, order in _bucket_keys(ticket):
            bucket = buckets.get(key)
            if bucket is None:
                bucket = buckets[key] = _Bucket(order)
            bucket.add(ticket)

    def _unbucket(self, ticket: Ticket) -> None:
        buckets = self._buckets[(ticket.queue_key, ticket.target_counter)]
        for key, _ in _bucket_keys(ticket):
            bucket = buckets[key]
            bucket.remove(ticket)
            if not bucket:
                # Gone, so that candidates walks only buckets that hold tickets.
                del buckets[key]
