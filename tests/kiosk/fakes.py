"""Fakes at the kiosk's boundaries: a fake clock, a scripted server and printer."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from centre_client.errors import CentreApiError, CentreUnavailable
from kiosk.models import IssuedTicket, KioskMenu, PriorityOption, ServiceOption
from kiosk.ports import (
    PRINTER_OK,
    PRINTER_PAPER_LOW,
    PrintFailed,
)

NAIROBI = ZoneInfo("Africa/Nairobi")


class FakeTimer:
    def __init__(self, deadline: float, callback: Callable[[], None]) -> None:
        self.deadline = deadline
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class FakeScheduler:
    """Time moves only when a test calls `advance`."""

    def __init__(self) -> None:
        self.now = 1000.0
        self._timers: list[FakeTimer] = []

    def monotonic(self) -> float:
        return self.now

    def call_later(self, delay: float, callback: Callable[[], None]) -> FakeTimer:
        timer = FakeTimer(self.now + delay, callback)
        self._timers.append(timer)
        return timer

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()

        def wake() -> None:
            if not future.done():  # the sleeper was cancelled
                future.set_result(None)

        self.call_later(seconds, wake)
        await future

    async def advance(self, seconds: float) -> None:
        """Move the clock, firing due timers in order and letting tasks run after each."""
        target = self.now + seconds
        while True:
            due = [t for t in self._timers if not t.cancelled and t.deadline <= target]
            if not due:
                break
            timer = min(due, key=lambda t: t.deadline)
            self._timers.remove(timer)
            self.now = timer.deadline
            timer.callback()
            await settle()
        self.now = target
        await settle()


async def settle() -> None:
    """Let every ready task run until none is left ready (fakes do no real I/O)."""
    for _ in range(50):
        await asyncio.sleep(0)


def service(code: str, *, waiting: int = 3, minutes: int | None = 12, **kwargs) -> ServiceOption:
    names = {
        "NID": ("National ID", "Kitambulisho cha Taifa"),
        "BC": ("Birth certificate", "Cheti cha kuzaliwa"),
        "GC": ("Police clearance", "Cheti cha tabia njema"),
    }
    en, sw = names.get(code, (f"Service {code}", f"Huduma {code}"))
    return ServiceOption(code, en, sw, waiting, minutes, **kwargs)


PRIORITIES = (
    PriorityOption("elderly", "Elderly (60 and above)", "Wazee (miaka 60 na zaidi)"),
    PriorityOption("disability", "Person with disability", "Mtu mwenye ulemavu"),
    PriorityOption("pregnant", "Pregnant or with an infant", "Mjamzito au mwenye mtoto mchanga"),
)


def menu(
    *services: ServiceOption, priorities: tuple[PriorityOption, ...] = PRIORITIES
) -> KioskMenu:
    return KioskMenu(
        centre_name="Huduma Centre GPO",
        services=services or (service("NID"), service("BC", priority_allowed=False)),
        priorities=priorities,
    )


@dataclass
class FakeBackend:
    """A scripted centre server; like the real one, a repeated request id gets the same ticket."""

    menu: KioskMenu = field(default_factory=menu)
    # Outcomes for the next commands, in order: an exception to raise, or None for success.
    outcomes: list[Exception | None] = field(default_factory=list)
    calls: list[dict] = field(default_factory=list)
    printer_reports: list[str] = field(default_factory=list)
    reachable: bool = True
    gate: asyncio.Event | None = None
    _tickets: dict[str, IssuedTicket] = field(default_factory=dict)

    async def fetch_menu(self) -> KioskMenu:
        if not self.reachable:
            raise CentreUnavailable("down")
        return self.menu

    async def issue_ticket(self, *, service_code, priority, phone, request_id) -> IssuedTicket:
        self.calls.append(
            {
                "kind": "issue",
                "service_code": service_code,
                "priority": priority,
                "phone": phone,
                "request_id": request_id,
            }
        )
        return await self._answer(request_id, service_code, None)

    async def check_in(self, *, reference, phone, request_id) -> IssuedTicket:
        self.calls.append(
            {"kind": "check_in", "reference": reference, "phone": phone, "request_id": request_id}
        )
        slot = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
        return await self._answer(request_id, "NID", slot)

    async def report_printer_status(self, *, state: str) -> None:
        if not self.reachable:
            raise CentreUnavailable("down")
        self.printer_reports.append(state)

    async def _answer(self, request_id, service_code, slot) -> IssuedTicket:
        if self.gate is not None:
            await self.gate.wait()
        if self.outcomes:
            outcome = self.outcomes.pop(0)
            if outcome is not None:
                raise outcome
        if not self.reachable:
            raise CentreUnavailable("down")
        if request_id not in self._tickets:
            chosen = self.menu.service(service_code) or service(service_code)
            number = f"{service_code[0]}-{len(self._tickets) + 1:03d}"
            self._tickets[request_id] = IssuedTicket(
                ticket_id=f"t{len(self._tickets) + 1}",
                number=number,
                service_code=service_code,
                service_name_en=chosen.name_en,
                service_name_sw=chosen.name_sw,
                people_ahead=chosen.waiting,
                estimated_wait_minutes=chosen.estimated_wait_minutes,
                issued_at=datetime(2026, 11, 23, 6, 0, tzinfo=UTC),
                qr_payload=f"http://127.0.0.1/t/{number}",
                centre_name=self.menu.centre_name,
                appointment_slot=slot,
            )
        return self._tickets[request_id]


@dataclass
class FakeStation:
    """A printer whose state the test sets; it prints only when its state is ok."""

    state: str = PRINTER_OK
    printed: list[str] = field(default_factory=list)

    async def check(self) -> str:
        return self.state

    async def print_ticket(self, ticket: IssuedTicket) -> str:
        if self.state not in (PRINTER_OK, PRINTER_PAPER_LOW):
            raise PrintFailed(self.state)
        self.printed.append(ticket.number)
        return self.state

    async def preview_png(self, ticket: IssuedTicket) -> bytes:
        return b"\x89PNG preview of " + ticket.number.encode()


def refused(code: str) -> CentreApiError:
    return CentreApiError(code, "refused by the test")
