"""Stream messages as the centre server sends them, and a board wired to a mirror."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from centre_client.mirror import QueueMirror
from centre_core.clock import FixedClock
from centre_core.wire import SERVER_MESSAGES
from display.board import BoardCall, BoardViewModel
from display.directory import CentreDirectory, CounterInfo, ServiceInfo
from display.settings import DisplaySettings
from display.zone import WHOLE_CENTRE, Zone

START = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # 10:00 in Nairobi
SERVICE_CODES = {"N": "NID", "B": "BC", "G": "GC"}
DIRECTORY = CentreDirectory(
    name="Huduma Centre GPO",
    services=(
        ServiceInfo("NID", "National ID", "Kitambulisho cha Taifa", 23, counters_open=1),
        ServiceInfo("BC", "Birth certificate", "Cheti cha kuzaliwa", 83, counters_open=0),
        ServiceInfo("GC", "Good conduct", "Cheti cha tabia njema"),
    ),
    counters=(
        CounterInfo("1", "Counter 1", frozenset({"NID"})),
        CounterInfo("2", "Counter 2", frozenset({"NID"})),
        CounterInfo("3", "Counter 3", frozenset({"BC"})),
        CounterInfo("4", "Counter 4", frozenset({"BC", "GC"})),
    ),
)

# A counter of the hall snapshot, open and free; tests give its code, name and what differs.
COUNTER: dict[str, Any] = {
    "code": "1",
    "name": "Counter 1",
    "status": "open",
    "staff_number": None,
    "ticket_id": None,
    "number": None,
    "pause_reason": None,
    "status_since": None,
    "services": [],
}


def hall(
    name: str,
    services: list[tuple[str, str, str, int | None, int]],
    counters: list[tuple[str, str] | tuple[str, str, list[str]]],
) -> dict[str, Any]:
    """The server's hall snapshot (`GET /api/v1/hall`).

    Services as (code, en, sw, estimate, open); counters as (code, name[, services]).
    """
    return {
        "seq": 0,
        "at": START.isoformat(),
        "business_day": START.date().isoformat(),
        "centre_code": "TEST",
        "centre_name": name,
        "services": [
            {
                "code": code,
                "name_en": name_en,
                "name_sw": name_sw,
                "waiting": 0,
                "longest_wait_minutes": 0,
                "estimated_wait_minutes": estimate,
                "counters_open": counters_open,
            }
            for code, name_en, name_sw, estimate, counters_open in services
        ],
        "counters": [
            {
                **COUNTER,
                "code": code,
                "name": counter_name,
                "services": list(served[0]) if served else [],
            }
            for code, counter_name, *served in counters
        ],
        "totals": dict.fromkeys(
            (
                "waiting",
                "longest_wait_minutes",
                "counters_open",
                "counters_serving",
                "counters_paused",
                "counters_closed",
            ),
            0,
        ),
        "called_now": [],
        "recent_calls": [],
        "tickets": [],
    }


def ticket(ticket_id: str, number: str, **fields: Any) -> dict[str, Any]:
    """A ticket's event data (never personal data), service taken from the number's letter."""
    service = fields.pop("service_code", SERVICE_CODES[number[0]])
    return {
        "ticket_id": ticket_id,
        "number": number,
        "service_code": service,
        "stage_index": 0,
        "queue_key": service,
        "status": fields.pop("status", "waiting"),
        "counter": fields.pop("counter", None),
        "priority": None,
        "source": "walk_in",
        "target_counter": fields.pop("target_counter", None),
        "recalls": fields.pop("recalls", 0),
        "issued_at": START.isoformat(),
        **fields,
    }


def event(seq: int, type_: str, data: dict[str, Any], *, at: datetime) -> dict[str, Any]:
    return {"seq": seq, "type": type_, "at": at.isoformat(), "data": data}


def snapshot(
    seq: int,
    *,
    tickets: list[dict[str, Any]],
    counters: list[dict[str, Any]],
    recent_calls: list[dict[str, Any]],
) -> dict:
    data = {
        **hall("Huduma Centre GPO", [], []),
        "seq": seq,
        "tickets": tickets,
        "counters": [{**COUNTER, **counter} for counter in counters],
        "recent_calls": recent_calls,
    }
    return {"type": "snapshot", "seq": seq, "data": data}


class Log:
    """Builds a centre's event log the way the server numbers it."""

    def __init__(self, clock: FixedClock) -> None:
        self.clock = clock
        self.messages: list[dict[str, Any]] = []

    def add(self, type_: str, data: dict[str, Any]) -> dict[str, Any]:
        message = event(len(self.messages) + 1, type_, data, at=self.clock.now())
        self.messages.append(message)
        return message

    def open(self, counter: str) -> dict[str, Any]:
        return self.add("counter.opened", {"counter": counter, "status": "open"})

    def issue(self, ticket_id: str, number: str) -> dict[str, Any]:
        return self.add("ticket.issued", ticket(ticket_id, number))

    def call(self, ticket_id: str, number: str, counter: str, recalls: int = 0) -> dict:
        type_ = "ticket.recalled" if recalls else "ticket.called"
        data = ticket(ticket_id, number, status="called", counter=counter, recalls=recalls)
        return self.add(type_, data)

    def finish(self, ticket_id: str, number: str, counter: str) -> dict[str, Any]:
        return self.add("ticket.done", ticket(ticket_id, number, status="done", counter=counter))


class Board:
    """A view-model fed through a client mirror, recording what it announces."""

    def __init__(
        self,
        clock: FixedClock,
        *,
        zone: Zone = WHOLE_CENTRE,
        directory: CentreDirectory = DIRECTORY,
        recent_count: int = 6,
    ) -> None:
        self.clock = clock
        self.mirror = QueueMirror(max_calls=60)
        settings = DisplaySettings(
            server_url="http://centre.test",
            token="display-token",
            zone=zone,
            recent_count=recent_count,
            highlight_seconds=10,
        )
        self.vm = BoardViewModel(clock=clock, settings=settings)
        self.announced: list[BoardCall] = []
        self.vm.bind(on_announce=lambda _vm, call: self.announced.append(call))
        self.vm.use_directory(directory, self.mirror)

    def feed(self, *messages: dict[str, Any]) -> None:
        for message in messages:
            changes = self.mirror.apply(SERVER_MESSAGES.validate_python(message))
            self.vm.show_changes(changes, self.mirror)

    def reconnect(self) -> None:
        """A new mirror, as after a display restart: the server replays from the start."""
        self.mirror = QueueMirror(max_calls=60)

    @property
    def announced_numbers(self) -> list[tuple[int, str, bool]]:
        return [(call.seq, call.number, call.is_recall) for call in self.announced]
