"""What the counter needs from the centre: one small interface, met by the centre client."""

from __future__ import annotations

from typing import Protocol

from app_shell.ports import ChangesHandler, OnlineHandler
from counter.model import CounterQueue, Directory, HeldTicket, Session, StaffFigures


class CounterLink(Protocol):
    """Commands and events of one counter session.

    Every command raises `centre_client.errors.CentreApiError` with the server's code when the
    centre refuses, and its subclass `CentreUnavailable` when the centre is out of reach.
    """

    async def log_in(self, *, staff_number: str, pin: str, counter: str) -> Session:
        """Log a member of staff in at a counter (which opens if it was closed)."""
        ...

    async def log_out(self) -> None:
        """End the session (the centre closes the counter)."""
        ...

    async def directory(self) -> Directory:
        """Names of services, counters and priority categories."""
        ...

    async def counter_queue(self, *, limit: int) -> CounterQueue:
        """Return the counter now, with the next `limit` waiting tickets in calling order."""
        ...

    async def staff_figures(self) -> StaffFigures | None:
        """Return the staff's figures for today, or None when the centre offers none."""
        ...

    async def call_next(self) -> HeldTicket:
        """Call the next ticket the policy chooses for this counter."""
        ...

    async def serve_ticket(self, ticket_id: str) -> HeldTicket:
        """Call one particular waiting ticket."""
        ...

    async def recall(self, ticket_id: str) -> HeldTicket | None:
        """Call the held ticket again; None when the recall limit made it a no-show."""
        ...

    async def start_serving(self, ticket_id: str) -> HeldTicket:
        """Start serving: the citizen is at the counter."""
        ...

    async def finish(self, ticket_id: str) -> None:
        """Done (or on to the journey's next stage)."""
        ...

    async def mark_no_show(self, ticket_id: str) -> None:
        """Mark the called ticket as a no-show: the citizen never came."""
        ...

    async def transfer(
        self, ticket_id: str, *, to_service: str | None, to_counter: str | None, note: str | None
    ) -> None:
        """Send the held ticket to another service's queue or to a particular counter."""
        ...

    async def pause(self, reason: str) -> None:
        """Pause the counter (break, back office)."""
        ...

    async def resume(self) -> None:
        """Open the paused counter again."""
        ...

    async def follow(self, *, on_changes: ChangesHandler, on_online: OnlineHandler) -> None:
        """Follow the centre's event stream until cancelled, reporting changes and reachability."""
        ...
