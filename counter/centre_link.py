"""The counter's link to a real centre: `CentreClient` for commands, `EventStream` for events."""

from __future__ import annotations

from datetime import datetime

from app_shell.ports import ChangesHandler, OnlineHandler
from centre_client.api import CentreClient
from centre_client.errors import INVALID_RESPONSE, CentreApiError
from centre_client.records import from_wire
from centre_client.stream import EventStream
from centre_core.wire import CounterCommandOut, CounterQueueOut, TicketStaffView
from counter import model

NOT_FOUND = "not_found"  # the server's code for a route it does not have


class CentreCounterLink:
    """One staff session at one counter of a centre server (meets `counter.ports.CounterLink`)."""

    def __init__(self, base_url: str, *, client: CentreClient | None = None) -> None:
        self._base_url = base_url
        self.client = client or CentreClient(base_url)
        self._counter = ""
        self._stream: EventStream | None = None

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self.client.aclose()

    @property
    def counter(self) -> str:
        """The counter of the current session ("" before a login)."""
        return self._counter

    async def log_in(self, *, staff_number: str, pin: str, counter: str) -> model.Session:
        """Log a member of staff in at a counter (which opens if it was closed)."""
        login = await self.client.login_staff(staff_number=staff_number, pin=pin, counter=counter)
        self._counter = login.counter or counter
        return model.Session(
            staff_number=login.staff_number, counter=self._counter, staff_name=login.name
        )

    async def log_out(self) -> None:
        """End the session (the centre closes the counter)."""
        await self.client.logout()
        self._counter = ""

    async def directory(self) -> model.Directory:
        """Return the names of services, counters and priority categories."""
        hall = await self.client.hall_snapshot()
        menu = await self.client.list_services()
        return model.Directory(
            services={service.code: service.name_en for service in menu.services},
            counters={counter.code: counter.name for counter in hall.counters},
            priorities={priority.code: priority.name_en for priority in menu.priorities},
        )

    async def counter_queue(self, *, limit: int) -> model.CounterQueue:
        """Return the counter now, with the next `limit` waiting tickets in calling order."""
        view = await self.client.counter_queue(counter=self._counter, limit=limit)
        return model.CounterQueue(
            state=from_wire(
                model.CounterState,
                view.counter,
                held=None if view.current is None else held_ticket(view.current),
            ),
            waiting=model.WaitingList(
                count=view.waiting_total,
                longest_since=self._longest_since(view),
                upcoming=tuple(
                    from_wire(
                        model.WaitingTicket,
                        entry.ticket,
                        waiting_since=entry.ticket.issued_at,
                        reason=entry.reason.explanation,
                        reason_code=entry.reason.code,
                        reason_figures=entry.reason.figures,
                    )
                    for entry in view.next
                ),
            ),
            queues=tuple(queue.queue_key for queue in view.queues),
        )

    async def staff_figures(self) -> model.StaffFigures | None:
        """Return the staff member's figures for today; None from a centre without the route."""
        try:
            figures = await self.client.staff_figures()
        except CentreApiError as error:
            # A centre server older than the figures route: the counter keeps its own tally.
            if error.code == NOT_FOUND:
                return None
            raise
        return from_wire(model.StaffFigures, figures)

    async def call_next(self) -> model.HeldTicket:
        """Call the next ticket the policy chooses for this counter."""
        return _held(await self.client.call_next(counter=self._counter))

    async def serve_ticket(self, ticket_id: str) -> model.HeldTicket:
        """Call one particular waiting ticket."""
        return _held(await self.client.serve_ticket(counter=self._counter, ticket=ticket_id))

    async def recall(self, ticket_id: str) -> model.HeldTicket | None:
        """Call the held ticket again; None when the recall limit made it a no-show."""
        out = await self.client.recall(counter=self._counter, ticket=ticket_id)
        if out.ticket is None or out.ticket.status not in {"called", "serving"}:
            return None
        return held_ticket(out.ticket)

    async def start_serving(self, ticket_id: str) -> model.HeldTicket:
        """Start serving: the citizen is at the counter."""
        return _held(await self.client.start_serving(counter=self._counter, ticket=ticket_id))

    async def finish(self, ticket_id: str) -> None:
        """Finish the held ticket (done, or on to the journey's next stage)."""
        await self.client.finish(counter=self._counter, ticket=ticket_id)

    async def mark_no_show(self, ticket_id: str) -> None:
        """Mark the called ticket as a no-show."""
        await self.client.mark_no_show(counter=self._counter, ticket=ticket_id)

    async def transfer(
        self, ticket_id: str, *, to_service: str | None, to_counter: str | None, note: str | None
    ) -> None:
        """Send the held ticket to another service's queue or to a particular counter."""
        await self.client.transfer(
            counter=self._counter,
            ticket=ticket_id,
            to_service=to_service,
            to_counter=to_counter,
            note=note,
        )

    async def pause(self, reason: str) -> None:
        """Pause the counter (break, back office)."""
        await self.client.pause(counter=self._counter, reason=reason)

    async def resume(self) -> None:
        """Open the paused counter again."""
        await self.client.resume(counter=self._counter)

    async def follow(self, *, on_changes: ChangesHandler, on_online: OnlineHandler) -> None:
        """Follow the centre's event stream with the session's token until cancelled."""
        stream = EventStream(
            self._base_url,
            self.client.token or "",
            on_changes=on_changes,
            on_online=on_online,
        )
        self._stream = stream
        try:
            await stream.run()
        finally:
            self._stream = None

    def _longest_since(self, view: CounterQueueOut) -> datetime | None:
        """Return the arrival of the longest-waiting ticket of this counter's queues."""
        arrivals = [entry.ticket.issued_at for entry in view.next]
        # The route lists only the next few; the stream's mirror knows every waiting ticket.
        if self._stream is not None:
            queues = {queue.queue_key for queue in view.queues}
            arrivals += [
                ticket.issued_at
                for ticket in self._stream.mirror.waiting()
                if ticket.issued_at is not None
                and (ticket.queue_key in queues or ticket.service_code in queues)
            ]
        return min(arrivals, default=None) if view.waiting_total else None


def held_ticket(ticket: TicketStaffView) -> model.HeldTicket:
    """Return the counter's view of the ticket it holds."""
    return from_wire(model.HeldTicket, ticket)


def _held(out: CounterCommandOut) -> model.HeldTicket:
    if out.ticket is None:
        raise CentreApiError(INVALID_RESPONSE, "a call answered without its ticket")
    return held_ticket(out.ticket)
