"""The hall read from the queue's state: the kiosk's menu and the hall snapshot (pure).

The server feeds it from one read transaction (`centre_server.services.hall_service`),
`centre_client.testing.FakeCentre` from its memory: both answer the same figures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TypedDict

from centre_core import estimates
from centre_core.centre import CentreConfig
from centre_core.clock import business_day
from centre_core.counters import CounterState, CounterStatus
from centre_core.events import EventType
from centre_core.notices import ServiceNotice, notices_for
from centre_core.service_days import ServiceDay, cap_of
from centre_core.tickets import Ticket, TicketStatus
from centre_core.wire import (
    CallRecord,
    CounterOut,
    DeviceOut,
    HallCounterOut,
    HallServiceOut,
    HallSnapshot,
    HallTotalsOut,
    NoticeOut,
    PriorityOut,
    ServiceOut,
    ServicesOut,
    StandingCall,
    TicketRecord,
)


class _DayFields(TypedDict):
    closed_today: bool
    closed_note: str | None
    daily_cap: int | None
    tickets_left: int | None
    notices: list[NoticeOut]


# Why a service is shut for the rest of today, besides its hours.
CLOSED_TODAY = "closed_today"
CAP_REACHED = "daily_cap_reached"
# The events that call a ticket to a counter, and how many of the newest the snapshot carries.
CALL_TYPES = frozenset({EventType.ticket_called, EventType.ticket_recalled})
RECENT_CALLS = 20


class HallFigures:
    """The queue figures of the whole centre at one instant.

    `tickets` are the tickets still in the hall (waiting, called, serving), `counters` the
    state of every counter, `means` the planning mean service seconds by queue key; `days`
    what managers decided for today by service code, `issued_today` the tickets numbered today
    by service code, and `notices` the notices posted (the current ones are shown).
    """

    def __init__(
        self,
        *,
        centre: CentreConfig,
        tickets: Sequence[Ticket],
        counters: Sequence[CounterState],
        means: Mapping[str, float],
        now: datetime,
        days: Mapping[str, ServiceDay] | None = None,
        issued_today: Mapping[str, int] | None = None,
        notices: Sequence[ServiceNotice] = (),
    ) -> None:
        self.centre = centre
        self.days = days or {}
        self.issued_today = issued_today or {}
        self.notices = [notice for notice in notices if notice.is_current(now)]
        self.tickets = list(tickets)
        self.counters = list(counters)
        self.means = means
        self.now = now
        self.waiting = [t for t in self.tickets if t.status == TicketStatus.waiting]
        # Grouped once: the menu and the snapshot ask for each service's waiting several times.
        self._waiting_by_service: dict[str, list[Ticket]] = {}
        for ticket in self.waiting:
            self._waiting_by_service.setdefault(ticket.service_code, []).append(ticket)

    def serves(self, counter_code: str, service_code: str) -> bool:
        """Whether a counter serves any stage of a service."""
        counter = self.centre.counter(counter_code)
        return any(counter.serves(key) for key in self.centre.service(service_code).queue_keys)

    def waiting_for(self, service_code: str) -> list[Ticket]:
        """Return the waiting tickets of a service, every stage."""
        return list(self._waiting_by_service.get(service_code, ()))

    def counters_open_for(self, service_code: str) -> int:
        """Count the open counters serving a service."""
        return sum(
            1
            for state in self.counters
            if state.status == CounterStatus.open and self.serves(state.code, service_code)
        )

    def new_ticket_wait(self, service_code: str) -> int | None:
        """Return the wait in minutes of a ticket issued now for a service."""
        wait = estimates.queue_estimate(
            centre=self.centre,
            queue_key=self.centre.service(service_code).queue_key(0),
            waiting=self.waiting,
            counters=self.counters,
            means=self.means,
        )
        return estimates.wait_minutes(wait)

    def longest_wait_minutes(self, tickets: Sequence[Ticket]) -> int:
        """Return how long the longest waiting of `tickets` has been in the centre, in minutes."""
        if not tickets:
            return 0
        waited = max((self.now - t.issued_at).total_seconds() for t in tickets)
        return max(0, int(waited // 60))

    def notices_of(self, service_code: str | None) -> list[NoticeOut]:
        """Return the current notices of a service (None: the centre-wide ones)."""
        return [NoticeOut.of(n) for n in notices_for(self.notices, service_code, self.now)]

    def tickets_left(self, service_code: str) -> int | None:
        """Return the walk-in tickets left under today's cap (None: no cap)."""
        cap = cap_of(self.centre.service(service_code), self.days.get(service_code))
        return None if cap is None else max(0, cap - self.issued_today.get(service_code, 0))

    def closed_reason(self, service_code: str) -> str | None:
        """Why a walk-in cannot take a ticket now, as a code; else None.

        `not_yet_open` or `closed_for_the_day` (hours), `closed_today` (a manager: the reason
        is the service's `closed_note`) or `daily_cap_reached`.
        """
        reason = self.centre.closed_reason(service_code, self.now)
        if reason is not None:
            return reason
        day = self.days.get(service_code)
        if day is not None and day.closed_reason is not None:
            return CLOSED_TODAY
        if self.tickets_left(service_code) == 0:
            return CAP_REACHED
        return None

    def services_menu(self) -> ServicesOut:
        """Return the kiosk's menu: services with waiting counts, estimates and opening state."""
        centre = self.centre
        services = []
        for service in centre.services:
            closed = self.closed_reason(service.code)
            services.append(
                ServiceOut(
                    code=service.code,
                    name_en=service.name_en,
                    name_sw=service.name_sw,
                    prefix=service.prefix,
                    waiting=len(self.waiting_for(service.code)),
                    estimated_wait_minutes=self.new_ticket_wait(service.code),
                    is_open=closed is None,
                    closed_reason=closed,
                    priority_allowed=service.priority_allowed,
                    collection=service.collection,
                    counters_open=self.counters_open_for(service.code),
                    **self._day_fields(service.code),
                )
            )
        return ServicesOut(
            centre_code=centre.code,
            centre_name=centre.name,
            services=services,
            priorities=[
                PriorityOut(code=p.code, name_en=p.name_en, name_sw=p.name_sw)
                for p in centre.priority_categories
            ],
            notices=self.notices_of(None),
        )

    def _day_fields(self, service_code: str) -> _DayFields:
        """Return today's manager state of a service as the menu and the snapshot carry it."""
        day = self.days.get(service_code)
        return {
            "closed_today": day is not None and day.closed,
            "closed_note": None if day is None else day.closed_reason,
            "daily_cap": cap_of(self.centre.service(service_code), day),
            "tickets_left": self.tickets_left(service_code),
            "notices": self.notices_of(service_code),
        }

    def hall_snapshot(
        self, *, seq: int, recent_calls: Sequence[CallRecord], devices: list[DeviceOut] | None
    ) -> HallSnapshot:
        """Return the whole hall at `seq` with its last calls (and, for managers, devices)."""
        centre, now = self.centre, self.now
        records = [TicketRecord.of(ticket) for ticket in self.tickets]
        numbers = {t.id: t.number for t in self.tickets}
        by_status: Counter[str] = Counter()
        for state in self.counters:
            serving = state.status == CounterStatus.open and state.current_ticket_id is not None
            by_status["serving" if serving else str(state.status)] += 1
        return HallSnapshot(
            seq=seq,
            at=now,
            business_day=business_day(now, timezone=centre.timezone),
            centre_code=centre.code,
            centre_name=centre.name,
            services=[
                HallServiceOut(
                    code=service.code,
                    name_en=service.name_en,
                    name_sw=service.name_sw,
                    waiting=len(self.waiting_for(service.code)),
                    longest_wait_minutes=self.longest_wait_minutes(self.waiting_for(service.code)),
                    estimated_wait_minutes=self.new_ticket_wait(service.code),
                    counters_open=self.counters_open_for(service.code),
                    is_open=self.closed_reason(service.code) is None,
                    closed_reason=self.closed_reason(service.code),
                    **self._day_fields(service.code),
                )
                for service in centre.services
            ],
            counters=[
                self._hall_counter(state, numbers.get(state.current_ticket_id or ""))
                for state in self.counters
            ],
            totals=HallTotalsOut(
                waiting=len(self.waiting),
                longest_wait_minutes=self.longest_wait_minutes(self.waiting),
                counters_open=by_status["open"] + by_status["serving"],
                counters_serving=by_status["serving"],
                counters_paused=by_status["paused"],
                counters_closed=by_status["closed"],
            ),
            called_now=[
                StandingCall.model_validate(record, from_attributes=True)
                for record in sorted(
                    (r for r in records if r.status == TicketStatus.called),
                    key=lambda r: r.called_at or now,
                    reverse=True,
                )
            ],
            recent_calls=list(recent_calls),
            tickets=records,
            devices=devices,
            notices=self.notices_of(None),
        )

    def _hall_counter(self, state: CounterState, number: str | None) -> HallCounterOut:
        # Displays get the snapshot too: no staff number on it.
        out = CounterOut.of(state, centre=self.centre, number=number)
        return HallCounterOut(
            **out.model_dump(exclude={"staff_number"}),
            staff_number=None,
            services=[s.code for s in self.centre.services if self.serves(state.code, s.code)],
        )
