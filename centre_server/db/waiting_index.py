"""The waiting tickets of every queue, kept in memory by the single writer.

Call-next must look at every waiting ticket of its counter's queues; reading and rebuilding
hundreds of rows on every call costs more than the rest of the command. This index is loaded
from the database once, then updated after each commit with the tickets the transaction
saved (`record_saved`), so the two stay equal as long as only this process writes tickets,
which ARCHITECTURE.md guarantees (one server process per centre; the CLI never touches
tickets). Every use happens under the writer lock. Commands still re-read the ticket they act
on (`ticket_is_current`), so a stale index can never make them act on a changed ticket: it is
rebuilt instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from centre_core.tickets import Ticket, TicketStatus

SAVED_TICKETS = "foleni.saved_tickets"
LOADED_HERE = "foleni.waiting_index_loaded"


def record_saved(session: Session, ticket: Ticket) -> None:
    """Note a ticket saved in this transaction (applied to the index only if it commits)."""
    session.info.setdefault(SAVED_TICKETS, {})[ticket.id] = ticket


def saved_tickets(session: Session) -> list[Ticket]:
    """Return the tickets saved in this transaction."""
    return list(session.info.get(SAVED_TICKETS, {}).values())


class WaitingIndex:
    """Waiting tickets by queue key (see the module docstring for when it is valid)."""

    def __init__(self) -> None:
        self._by_queue: dict[str, dict[str, Ticket]] | None = None
        self._queue_of: dict[str, str] = {}

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
        self._put_all(tickets)

    def waiting_in(self, queue_keys: Iterable[str]) -> list[Ticket]:
        """Return the waiting tickets of these queues; the index must be loaded."""
        assert self._by_queue is not None
        return [ticket for key in queue_keys for ticket in self._by_queue.get(key, {}).values()]

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

    def _put_all(self, tickets: Iterable[Ticket]) -> None:
        assert self._by_queue is not None
        for ticket in tickets:
            previous = self._queue_of.pop(ticket.id, None)
            if previous is not None:
                self._by_queue[previous].pop(ticket.id, None)
            if ticket.status == TicketStatus.waiting:
                self._by_queue.setdefault(ticket.queue_key, {})[ticket.id] = ticket
                self._queue_of[ticket.id] = ticket.queue_key
