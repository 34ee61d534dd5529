"""A small in-memory centre behind the counter's link, for headless view-model tests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

from app_shell.ports import ChangesHandler, OnlineHandler
from centre_client.errors import CentreApiError, CentreUnavailable
from centre_client.mirror import Change
from centre_core.clock import FixedClock
from centre_core.reasons import CallReason
from counter.model import (
    CounterQueue,
    CounterState,
    Directory,
    HeldTicket,
    Session,
    StaffFigures,
    WaitingList,
    WaitingTicket,
)

DIRECTORY = Directory(
    services={"NID": "National ID", "BC": "Birth certificate", "GC": "Good conduct"},
    counters={"C1": "Counter 1", "C2": "Counter 2"},
    priorities={"elderly": "Elderly"},
)
SERVES = {"C1": ("NID", "BC"), "C2": ("GC",)}

MORNING = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)  # 09:30 in Nairobi


@dataclass
class FakeTicket:
    ticket_id: str
    number: str
    service_code: str
    arrived: datetime
    status: str = "waiting"
    source: str = "walk_in"
    priority: str | None = None
    counter: str | None = None
    called_at: datetime | None = None
    serving_at: datetime | None = None
    recalls: int = 0


class FakeLink:
    """Meets `CounterLink` with FIFO calling; records every command it was sent."""

    def __init__(self, *, clock: FixedClock, counter: str = "C1") -> None:
        self.clock = clock
        self.counter = counter
        self.status = "open"
        self.pause_reason: str | None = None
        self.tickets: dict[str, FakeTicket] = {}
        self.sent: list[str] = []
        self.refuse_next: str | None = None
        self.unreachable = False
        self.figures: StaffFigures | None = None
        self.changes: ChangesHandler | None = None
        self.online: OnlineHandler | None = None
        self.gate: asyncio.Event | None = None
        # The policy's reason for every waiting ticket (a code the counter does not know).
        self.reason = CallReason("", "first in line")

    def add(self, number: str, service: str = "NID", **fields: object) -> FakeTicket:
        ticket = FakeTicket(
            ticket_id=f"t{len(self.tickets) + 1}",
            number=number,
            service_code=service,
            arrived=self.clock.now(),
            **fields,  # type: ignore[arg-type]
        )
        self.tickets[ticket.ticket_id] = ticket
        return ticket

    def held(self) -> FakeTicket | None:
        return next(
            (
                t
                for t in self.tickets.values()
                if t.counter == self.counter and t.status in {"called", "serving"}
            ),
            None,
        )

    async def _enter(self, command: str) -> None:
        self.sent.append(command)
        if self.gate is not None:
            await self.gate.wait()
        if self.unreachable:
            raise CentreUnavailable("connection refused")
        if self.refuse_next is not None:
            code, self.refuse_next = self.refuse_next, None
            raise CentreApiError(code, "refused", 409)

    def _view(self, ticket: FakeTicket) -> HeldTicket:
        return HeldTicket(
            ticket_id=ticket.ticket_id,
            number=ticket.number,
            service_code=ticket.service_code,
            status=ticket.status,
            source=ticket.source,
            priority=ticket.priority,
            phone_masked="+2547•••••678",
            called_at=ticket.called_at,
            serving_at=ticket.serving_at,
            recalls=ticket.recalls,
        )

    def _mine(self, ticket_id: str) -> FakeTicket:
        ticket = self.tickets.get(ticket_id)
        if ticket is None:
            raise CentreApiError("ticket_not_found", "no such ticket", 404)
        if ticket.counter != self.counter:
            raise CentreApiError("ticket_not_held", "not yours", 409)
        return ticket

    def _waiting(self) -> list[FakeTicket]:
        served = SERVES[self.counter]
        found = [t for t in self.tickets.values() if t.status == "waiting"]
        return sorted(
            (t for t in found if t.service_code in served), key=lambda t: (t.arrived, t.number)
        )

    def _call(self, ticket: FakeTicket) -> HeldTicket:
        if self.status != "open":
            raise CentreApiError(f"counter_{self.status}", "not open", 409)
        if self.held() is not None:
            raise CentreApiError("counter_busy", "holds a ticket", 409)
        ticket.status, ticket.counter, ticket.called_at = "called", self.counter, self.clock.now()
        return self._view(ticket)

    async def log_in(self, *, staff_number: str, pin: str, counter: str) -> Session:
        await self._enter("log_in")
        if staff_number == "LOCKED":
            raise CentreApiError(
                "account_locked",
                "this account is locked until 10:45 after too many wrong PINs; "
                "a manager can unlock it",
                403,
            )
        if pin != "2468":
            raise CentreApiError("invalid_credentials", "wrong", 401)
        return Session(staff_number=staff_number, counter=counter)

    async def log_out(self) -> None:
        await self._enter("log_out")
        self.status = "closed"

    async def directory(self) -> Directory:
        return DIRECTORY

    async def counter_queue(self, *, limit: int) -> CounterQueue:
        if self.unreachable:
            raise CentreUnavailable("connection refused")
        held = self.held()
        waiting = self._waiting()
        return CounterQueue(
            state=CounterState(
                code=self.counter,
                status=self.status,
                pause_reason=self.pause_reason,
                held=None if held is None else self._view(held),
            ),
            waiting=WaitingList(
                count=len(waiting),
                longest_since=waiting[0].arrived if waiting else None,
                upcoming=tuple(
                    WaitingTicket(
                        ticket_id=t.ticket_id,
                        number=t.number,
                        service_code=t.service_code,
                        waiting_since=t.arrived,
                        reason=self.reason.explanation,
                        reason_code=self.reason.code,
                        reason_figures=self.reason.figures,
                        priority=t.priority,
                        source=t.source,
                    )
                    for t in waiting[:limit]
                ),
            ),
            queues=SERVES[self.counter],
        )

    async def staff_figures(self) -> StaffFigures | None:
        return self.figures

    async def call_next(self) -> HeldTicket:
        await self._enter("call_next")
        waiting = self._waiting()
        if not waiting:
            raise CentreApiError("no_waiting_tickets", "nobody", 409)
        return self._call(waiting[0])

    async def serve_ticket(self, ticket_id: str) -> HeldTicket:
        await self._enter(f"serve_ticket {ticket_id}")
        ticket = self.tickets[ticket_id]
        if ticket.status != "waiting":
            raise CentreApiError("ticket_taken", "taken", 409)
        return self._call(ticket)

    async def recall(self, ticket_id: str) -> HeldTicket | None:
        await self._enter("recall")
        ticket = self._mine(ticket_id)
        ticket.recalls += 1
        if ticket.recalls > 2:
            ticket.status, ticket.counter = "no_show", None
            return None
        return self._view(ticket)

    async def start_serving(self, ticket_id: str) -> HeldTicket:
        await self._enter("start_serving")
        ticket = self._mine(ticket_id)
        ticket.status, ticket.serving_at = "serving", self.clock.now()
        return self._view(ticket)

    async def finish(self, ticket_id: str) -> None:
        await self._enter("finish")
        ticket = self._mine(ticket_id)
        ticket.status, ticket.counter = "done", None

    async def mark_no_show(self, ticket_id: str) -> None:
        await self._enter("no_show")
        ticket = self._mine(ticket_id)
        ticket.status, ticket.counter = "no_show", None

    async def transfer(
        self, ticket_id: str, *, to_service: str | None, to_counter: str | None, note: str | None
    ) -> None:
        await self._enter(f"transfer {to_service or ''}{to_counter or ''} {note or ''}".strip())
        ticket = self._mine(ticket_id)
        ticket.status, ticket.counter = "waiting", None
        ticket.service_code = to_service or ticket.service_code
        ticket.source = "transfer" if ticket.source == "walk_in" else ticket.source

    async def pause(self, reason: str) -> None:
        await self._enter(f"pause {reason}")
        if self.held() is not None:
            raise CentreApiError("counter_busy", "holds a ticket", 409)
        self.status, self.pause_reason = "paused", reason

    async def resume(self) -> None:
        await self._enter("resume")
        self.status, self.pause_reason = "open", None

    async def follow(self, *, on_changes: ChangesHandler, on_online: OnlineHandler) -> None:
        self.changes, self.online = on_changes, on_online
        on_online(True)
        await asyncio.Event().wait()

    def publish(self, changes: list[Change]) -> None:
        assert self.changes is not None
        self.changes(changes)
