"""An in-memory centre for tests: the real client talks to it unchanged, and it can fail on cue.

`FakeCentre` keeps a centre's state in memory and changes it with the core's own rules
(`centre_core.tickets`, `.policy`, `.counters`, `.appointments`, `.estimates`), so it numbers,
calls, recalls, finishes, transfers and refuses like the server, with the same error codes and
HTTP statuses, `request_id` idempotency and a gapless event log. Its REST API is an
`httpx.MockTransport` (`fake.transport`, or `fake.client(token)`); its event stream is a real
websocket server on 127.0.0.1 that `EventStream(fake.url, token)` connects to, which also
answers GET routes over plain HTTP (a display's hall request). `tests/client/
test_centre_contract.py` runs the same cases against it and the real server.

Single process, single event loop: commands run whole between two awaits, which is the fake's
write lock. It skips what only the server needs: the database, PIN hashing and lockout, token
expiry, the national outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import secrets
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from http import HTTPStatus
from typing import Any, TypeVar, Unpack, cast
from urllib.parse import parse_qs, urlsplit

import httpx
from pydantic import BaseModel
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from centre_client.api import CentreClient
from centre_client.stream import STREAM_PATH
from centre_core import appointments as appointment_rules
from centre_core import counters as counter_rules
from centre_core import estimates, policy
from centre_core import tickets as ticket_rules
from centre_core.appointments import Appointment
from centre_core.centre import CentreConfig
from centre_core.clock import Clock, business_day, business_day_bounds
from centre_core.counters import CounterState, CounterStatus
from centre_core.errors import ErrorCode, QueueError, ServerErrorCode, status_for
from centre_core.events import DomainEvent, EventType
from centre_core.hall import CALL_TYPES, RECENT_CALLS, HallFigures
from centre_core.phones import mask_phone
from centre_core.tickets import CallOutcome, Ticket, TicketSource, TicketStatus, TransferTarget
from centre_core.wire import (
    CLOSE_FORBIDDEN,
    CLOSE_INVALID_REQUEST,
    CLOSE_UNAUTHENTICATED,
    CallRecord,
    CheckInOut,
    CounterCommandOut,
    CounterOut,
    CounterQueueOut,
    DeviceOut,
    DeviceStatusOut,
    ErrorDetail,
    ErrorMessage,
    EventMessage,
    HallSnapshot,
    Health,
    HeartbeatMessage,
    NextTicketOut,
    PingMessage,
    PongMessage,
    QueueCountOut,
    ReasonOut,
    ServicesOut,
    SnapshotMessage,
    StaffFiguresOut,
    StaffLoginOut,
    TicketPublic,
    TicketRecord,
    TicketStaffView,
)

M = TypeVar("M", bound=BaseModel)
# A route's answer from the request, who sent it and their token: (status, body or None).
_Answer = Callable[[httpx.Request, "Principal", str], tuple[int, BaseModel | None]]


KIOSK, DISPLAY, COUNTER, MANAGER, ADMIN = "kiosk", "display", "counter", "manager", "admin"
HALL_AUDIENCE = frozenset({KIOSK, DISPLAY, COUNTER, MANAGER, ADMIN})
ISSUERS = frozenset({KIOSK, COUNTER, MANAGER})
VOIDERS = frozenset({KIOSK, MANAGER})
COUNTER_STAFF = frozenset({COUNTER, MANAGER})
DEVICES = frozenset({KIOSK, DISPLAY})
MANAGING = frozenset({MANAGER, ADMIN})
API = "/api/v1"
REQUEST_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
# Kenyan numbers as the server's `phonenumbers` check reads most of them: 07.., 01.., +254...
KENYAN_PHONE = re.compile(r"^(?:\+?254|0)([17]\d{8})$")
CANCEL_REASONS = frozenset({"not_printed", "left", "duplicate", "other"})


class WallClock:
    """The real time (aware UTC), for a fake centre that runs beside real apps."""

    def now(self) -> datetime:
        """Return the current instant."""
        return datetime.now(UTC)


@dataclass(frozen=True)
class Principal:
    """Who a bearer token belongs to: a device, or a staff session (bound to a counter)."""

    id: str
    name: str
    roles: frozenset[str]
    counter: str | None = None
    session: bool = False


@dataclass
class _Device:
    principal: Principal
    status: dict[str, Any] | None = None
    status_at: datetime | None = None


@dataclass(frozen=True)
class _Staff:
    number: str
    name: str
    pin: str
    role: str


@dataclass(frozen=True)
class _ServiceTime:
    queue_key: str
    finished_at: datetime
    seconds: float
    staff_number: str | None


@dataclass(eq=False)
class _Connection:
    """One stream connection: its queue of live events (None: drop it) and what it was sent."""

    after: int | None
    socket: ServerConnection
    queue: asyncio.Queue[tuple[int, str, bool] | None] = field(default_factory=asyncio.Queue)
    sent: int = 0


@dataclass
class _Queue:
    """The centre's queue state: what the server keeps in its tables, minus credentials."""

    tickets: dict[str, Ticket] = field(default_factory=dict)
    counters: dict[str, CounterState] = field(default_factory=dict)
    phones: dict[str, str] = field(default_factory=dict)
    numbers: dict[tuple[date, str], int] = field(default_factory=dict)
    log: list[EventMessage] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    answers: dict[str, tuple[str, str, BaseModel]] = field(default_factory=dict)
    appointments: dict[str, Appointment] = field(default_factory=dict)
    service_times: list[_ServiceTime] = field(default_factory=list)


def _refuse(code: str, message: str) -> QueueError:
    return QueueError(code, message)


def _held_ticket_command(
    command: str,
    rule: Callable[[FakeCentre, Ticket, CounterState], CallOutcome],
    doc: str,
) -> Callable[..., CounterCommandOut]:
    """Make a command on the ticket a counter holds (checked against `ticket_id` when given)."""

    def run(
        fake: FakeCentre,
        *,
        counter: str,
        ticket_id: str | None = None,
        request_id: str | None = None,
    ) -> CounterCommandOut:
        return fake._counter_command(
            command,
            counter,
            request_id,
            {"ticket_id": ticket_id},
            lambda state: rule(fake, fake._held(state, ticket_id), state),
        )

    run.__doc__ = doc
    return run


class FakeCentre:
    """An in-memory centre server: REST through `transport`, the stream on a loopback port.

    Credentials: `add_device(role)` returns a device token; `add_staff(...)` creates a member
    of staff who logs in with `CentreClient.login_staff`. Commands can also be called directly
    (`fake.issue_ticket(service_code="BC")`), as a test calls the server's services.

    Fault switches: `go_offline()`/`come_online()` (connections refused, REST raises
    `httpx.ConnectError`), `drop_connections()`, `fail_next(n)` (n answers 503 from a gateway),
    `delay` (seconds before each answer), and on the stream: `silent` (nothing sent, not even
    heartbeats), `skip_next` (leave out live events: a gap), `duplicate_live` (each live event
    twice), `send_raw(text)` and `replace_database()` (a fresh log, credentials kept).
    """

    def __init__(
        self,
        centre: CentreConfig,
        *,
        clock: Clock | None = None,
        heartbeat_seconds: float = 0.2,
        replay_window: int = 5000,
        public_base_url: str = "http://centre.test",
        session_hours: float = 12.0,
    ) -> None:
        self.centre = centre
        self.clock: Clock = clock if clock is not None else WallClock()
        self.heartbeat_seconds = heartbeat_seconds
        self.replay_window = replay_window
        self.public_base_url = public_base_url.rstrip("/")
        self.session_hours = session_hours
        self.counter_queues = centre.queues_by_counter()
        self._devices: dict[str, _Device] = {}
        self._staff: dict[str, _Staff] = {}
        self._sessions: dict[str, Principal] = {}
        self._state = self._fresh_state()
        # Fault switches (see the class docstring).
        self.offline = False
        self.delay = 0.0
        self.silent = False
        self.skip_next = 0
        self.duplicate_live = False
        self._failures = 0
        # What a test may look at: the `after` of each stream connection, pings answered.
        self.stream_afters: list[int | None] = []
        self.pings = 0
        self._connections: set[_Connection] = set()
        self._server: Server | None = None
        self._port = 0
        self.transport = httpx.MockTransport(self._handle)

    # Running ---------------------------------------------------------------------------------

    async def __aenter__(self) -> FakeCentre:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def start(self) -> None:
        """Listen on 127.0.0.1 (a free port the first time, the same one after that)."""
        self._server = await serve(
            self._stream,
            "127.0.0.1",
            self._port,
            process_request=self._http_get,
            close_timeout=0.5,
        )
        self._port = self._server.sockets[0].getsockname()[1]
        self.offline = False

    async def aclose(self) -> None:
        """Stop listening and cut every connection, as a crashed server would."""
        server, self._server = self._server, None
        if server is None:
            return
        for connection in list(self._connections):
            connection.queue.put_nowait(None)
            connection.socket.transport.abort()
        server.close(close_connections=False)
        await server.wait_closed()

    async def go_offline(self) -> None:
        """Become unreachable: the port refuses connections and REST calls fail to connect."""
        await self.aclose()
        self.offline = True

    async def come_online(self) -> None:
        """Listen again on the same port."""
        await self.start()

    @property
    def url(self) -> str:
        """The base URL of the centre (`http://127.0.0.1:PORT`), for clients and streams."""
        if not self._port:
            raise RuntimeError("start the fake centre first")
        return f"http://127.0.0.1:{self._port}"

    def client(self, token: str | None = None, **options: Any) -> CentreClient:
        """Return a `CentreClient` talking to this centre through its transport."""
        return CentreClient(
            self.url if self._port else "http://centre.test",
            token,
            transport=self.transport,
            **options,
        )

    @property
    def live_connections(self) -> int:
        """How many stream connections are open now."""
        return len(self._connections)

    # Credentials and bookings ----------------------------------------------------------------

    def add_device(self, role: str, *, name: str | None = None, token: str | None = None) -> str:
        """Register a device (kiosk, display, manager, admin); return its token (or `token`)."""
        if role not in {KIOSK, DISPLAY, MANAGER, ADMIN}:
            raise ValueError(f"a device role is kiosk, display, manager or admin, not {role!r}")
        token = token or secrets.token_urlsafe(24)
        device_id = uuid.uuid4().hex
        principal = Principal(device_id, name or f"{role}-{device_id[:6]}", frozenset({role}))
        self._devices[token] = _Device(principal)
        return token

    def add_staff(self, staff_number: str, *, pin: str, name: str, role: str = COUNTER) -> None:
        """Create a member of staff (role counter or manager) who logs in with `pin`."""
        if role not in {COUNTER, MANAGER}:
            raise ValueError(f"staff role is counter or manager, not {role!r}")
        self._staff[staff_number] = _Staff(staff_number, name, pin, role)

    def book(
        self, reference: str, *, service_code: str, slot_start: datetime, phone: str | None = None
    ) -> None:
        """Book an appointment, as the national feed (or the admin import) would."""
        self.centre.service(service_code)
        e164 = _normalise_phone(phone) if phone is not None else None
        self._state.appointments[reference] = Appointment(
            ref=reference, service_code=service_code, slot_start=slot_start, phone=e164
        )

    def replace_database(self) -> None:
        """Start again from an empty log, as after the server's database was replaced."""
        self._state = self._fresh_state()

    # Faults ----------------------------------------------------------------------------------

    def fail_next(self, count: int = 1) -> None:
        """Answer the next `count` REST requests with a bare 503, as a gateway does."""
        self._failures += count

    def drop_connections(self) -> None:
        """Close every stream connection from the server's side (clients resume with `after`)."""
        for connection in list(self._connections):
            connection.queue.put_nowait(None)

    async def send_raw(self, text: str) -> None:
        """Send `text` as is on every stream connection (a malformed message)."""
        for connection in list(self._connections):
            await connection.socket.send(text)

    # The log ---------------------------------------------------------------------------------

    @property
    def head(self) -> int:
        """The seq of the newest event."""
        return len(self._state.log)

    @property
    def events(self) -> list[dict[str, Any]]:
        """Every event so far as the stream sends it (`{seq, type, at, data}`)."""
        return [json.loads(text) for text in self._state.texts]

    def _append(self, events: Iterable[DomainEvent]) -> int:
        """Give events the next seqs, keep them and send them live; return the last seq."""
        for event in events:
            message = EventMessage.from_event(event, seq=self.head + 1)
            text = message.model_dump_json()
            self._state.log.append(message)
            self._state.texts.append(text)
            if self.skip_next:
                self.skip_next -= 1
                continue
            for connection in self._connections:
                connection.queue.put_nowait((message.seq, text, False))
                if self.duplicate_live:
                    connection.queue.put_nowait((message.seq, text, True))
        return self.head

    # Reads -----------------------------------------------------------------------------------

    def health(self) -> Health:
        """Answer liveness and the newest seq."""
        return Health(status="ok", centre=self.centre.code, seq=self.head)

    def list_services(self) -> ServicesOut:
        """Return the kiosk's menu with waiting counts, estimates and opening state."""
        return self._figures().services_menu()

    def ticket_status(self, token: str) -> TicketPublic:
        """Return a ticket's public status by its QR token."""
        for ticket in self._state.tickets.values():
            if ticket.token == token:
                return self._public(ticket, phone=None)
        raise _refuse(ErrorCode.ticket_not_found, "no ticket with this code")

    def hall_snapshot(self, *, include_devices: bool = False) -> HallSnapshot:
        """Return the whole hall at the newest seq (the stream's snapshot)."""
        calls = [m for m in self._state.log if m.type in CALL_TYPES][-RECENT_CALLS:]
        devices = [
            DeviceOut(
                device_id=d.principal.id,
                name=d.principal.name,
                role=next(iter(d.principal.roles)),
                status=d.status,
                status_at=d.status_at,
            )
            for d in sorted(self._devices.values(), key=lambda d: d.principal.name)
        ]
        return self._figures().hall_snapshot(
            seq=self.head,
            recent_calls=[
                CallRecord.of(TicketRecord.model_validate(m.data), seq=m.seq, at=m.at)
                for m in calls
            ],
            devices=devices if include_devices else None,
        )

    def counter_queue(self, *, counter: str, limit: int = 5) -> CounterQueueOut:
        """Return a counter's state, held ticket, waiting per queue and next in calling order."""
        config = self.centre.counter(counter)
        state = self._counter(config.code)
        queues = self.counter_queues[config.code]
        waiting = [t for t in self._waiting() if t.queue_key in queues]
        order = policy.preview_order(
            centre=self.centre,
            counter=config,
            state=state,
            waiting=waiting,
            now=self.clock.now(),
            limit=limit,
        )
        held = self._state.tickets.get(state.current_ticket_id or "")
        return CounterQueueOut(
            counter=self._counter_out(state, held.number if held is not None else None),
            current=self._staff_view(held) if held is not None else None,
            queues=[
                QueueCountOut(queue_key=key, waiting=sum(1 for t in waiting if t.queue_key == key))
                for key in queues
            ],
            next=[
                NextTicketOut(ticket=self._staff_view(c.ticket), reason=ReasonOut.of(c.reason))
                for c in order
            ],
            waiting_total=len(waiting),
        )

    def staff_figures(self, *, staff_number: str) -> StaffFiguresOut:
        """Return what a member of staff finished in the centre-local day, and how long it took."""
        start, end = business_day_bounds(self.clock.now(), timezone=self.centre.timezone)
        seconds = [
            t.seconds
            for t in self._state.service_times
            if t.staff_number == staff_number and start <= t.finished_at < end
        ]
        return StaffFiguresOut(
            served=len(seconds),
            mean_handling_seconds=sum(seconds) / len(seconds) if seconds else None,
            longest_handling_seconds=max(seconds) if seconds else None,
        )

    # Kiosk commands --------------------------------------------------------------------------

    def issue_ticket(
        self,
        *,
        service_code: str,
        priority: str | None = None,
        phone: str | None = None,
        request_id: str | None = None,
    ) -> TicketPublic:
        """Issue a walk-in ticket with the day's next number of its service."""
        e164 = _normalise_phone(phone) if phone is not None else None

        def run() -> TicketPublic:
            ticket = self._issue(
                service_code=service_code, priority=priority, phone=e164, source=None
            )
            return self._public(ticket, phone=e164)

        args = {"service_code": service_code, "priority": priority, "phone": e164}
        return self._once("ticket.issue", request_id, args, run)

    def cancel_ticket(
        self, *, ticket_id: str, reason: str = "other", request_id: str | None = None
    ) -> TicketPublic:
        """Withdraw a waiting ticket."""

        def run() -> TicketPublic:
            outcome = ticket_rules.cancel_ticket(
                self._ticket(ticket_id), now=self.clock.now(), reason=reason
            )
            self._state.tickets[ticket_id] = outcome.ticket
            self._append(outcome.events)
            return self._public(outcome.ticket, phone=None)

        args = {"ticket_id": ticket_id, "reason": reason}
        return self._once("ticket.cancel", request_id, args, run)

    def check_in(
        self,
        *,
        reference: str | None = None,
        phone: str | None = None,
        request_id: str | None = None,
    ) -> CheckInOut:
        """Check an appointment in by reference or phone, issuing its ticket."""
        if (reference is None) == (phone is None):
            raise _refuse(ServerErrorCode.invalid_request, "give a reference or a phone number")
        e164 = _normalise_phone(phone) if phone is not None else None

        def run() -> CheckInOut:
            booked = self._appointment(reference=reference, phone=e164)
            decided = appointment_rules.check_in(booked, centre=self.centre, now=self.clock.now())
            self._append(decided.events)
            ticket = self._issue(
                service_code=booked.service_code,
                priority=None,
                phone=booked.phone,
                source=decided.source,
                appointment=booked,
                ready_at=decided.ready_at,
            )
            self._state.appointments[booked.ref] = replace(decided.appointment, ticket_id=ticket.id)
            return CheckInOut(
                reference=booked.ref,
                timing=str(decided.timing),
                ticket=self._public(ticket, phone=booked.phone),
            )

        args = {"reference": reference, "phone": e164}
        return self._once("appointment.check_in", request_id, args, run)

    def report_device_status(self, principal: Principal, status: dict[str, Any]) -> int:
        """Record a device's reported state; return the seq of its `device.status` event."""
        device = next((d for d in self._devices.values() if d.principal == principal), None)
        if device is None:
            raise _refuse(ServerErrorCode.forbidden, "only a device reports a device status")
        now = self.clock.now()
        device.status, device.status_at = status, now
        role = next(iter(principal.roles))
        data = {"device_id": principal.id, "name": principal.name, "role": role, **status}
        return self._append([DomainEvent(type=EventType.device_status, at=now, data=data)])

    # Staff -----------------------------------------------------------------------------------

    def login_staff(self, *, staff_number: str, pin: str, counter: str | None) -> StaffLoginOut:
        """Check a PIN and open a session (at a counter, which opens if it was closed)."""
        if counter is not None:
            self.centre.counter(counter)
        staff = self._staff.get(staff_number)
        if staff is None or not secrets.compare_digest(staff.pin, pin):
            raise _refuse(ServerErrorCode.invalid_credentials, "staff number or PIN is wrong")
        if staff.role == COUNTER and counter is None:
            raise _refuse(ServerErrorCode.invalid_request, "counter staff log in at a counter")
        roles = ({COUNTER} if counter is not None else set()) | (
            {MANAGER} if staff.role == MANAGER else set()
        )
        now = self.clock.now()
        if counter is not None:
            # One staff session per counter: a new login there ends the previous one.
            for token, other in list(self._sessions.items()):
                if other.counter == counter:
                    del self._sessions[token]
            state = self._counter(counter)
            if state.status == CounterStatus.closed:
                outcome = counter_rules.open_counter(state, staff_number=staff_number, now=now)
                self._state.counters[counter] = outcome.counter
                self._append(outcome.events)
            else:
                self._state.counters[counter] = replace(state, staff_number=staff_number)
        token = secrets.token_urlsafe(24)
        self._sessions[token] = Principal(
            staff_number, staff.name, frozenset(roles), counter=counter, session=True
        )
        return StaffLoginOut(
            token=token,
            expires_at=now + timedelta(hours=self.session_hours),
            staff_number=staff_number,
            name=staff.name,
            roles=sorted(roles),
            counter=counter,
        )

    def logout(self, token: str) -> None:
        """End a staff session; a counter session also closes its counter (which must be free)."""
        principal = self._sessions.get(token)
        if principal is None:
            raise _refuse(ServerErrorCode.invalid_request, "a device token cannot log out")
        if principal.counter is not None:
            state = self._counter(principal.counter)
            if state.status != CounterStatus.closed and state.staff_number == principal.id:
                outcome = counter_rules.close_counter(state, now=self.clock.now())
                self._state.counters[state.code] = outcome.counter
                self._append(outcome.events)
        del self._sessions[token]

    # Counter commands ------------------------------------------------------------------------

    def call_next(self, *, counter: str, request_id: str | None = None) -> CounterCommandOut:
        """Call the next ticket by the calling policy."""

        def step(state: CounterState) -> CallOutcome:
            counter_rules.require_ready_to_call(state)
            return policy.call_next(
                centre=self.centre,
                counter=self.centre.counter(state.code),
                state=state,
                waiting=self._waiting(),
                now=self.clock.now(),
            )

        return self._counter_command("counter.call_next", counter, request_id, {}, step)

    def call_ticket(
        self, *, counter: str, ticket_id: str, request_id: str | None = None
    ) -> CounterCommandOut:
        """Call one specific waiting ticket (the counter must serve its queue or be its target)."""

        def step(state: CounterState) -> CallOutcome:
            return ticket_rules.call_chosen_ticket(
                self._ticket(ticket_id),
                counter=state,
                config=self.centre.counter(state.code),
                now=self.clock.now(),
            )

        args = {"ticket_id": ticket_id}
        return self._counter_command("counter.call", counter, request_id, args, step)

    def _record_finish(self, ticket: Ticket, state: CounterState) -> CallOutcome:
        """Finish a held ticket and record its handling time, as the server's finish does."""
        now = self.clock.now()
        outcome = ticket_rules.finish_ticket(ticket, counter=state, centre=self.centre, now=now)
        seconds = ticket_rules.handling_seconds(ticket, now=now)
        if seconds is not None:
            self._state.service_times.append(
                _ServiceTime(ticket.queue_key, now, seconds, state.staff_number)
            )
        return outcome

    recall = _held_ticket_command(
        "counter.recall",
        lambda fake, ticket, state: ticket_rules.recall_ticket(
            ticket, counter=state, centre=fake.centre, now=fake.clock.now()
        ),
        "Announce the held ticket again (past the recall limit it becomes a no-show).",
    )
    start_serving = _held_ticket_command(
        "counter.start",
        lambda fake, ticket, state: ticket_rules.start_serving(
            ticket, counter=state, now=fake.clock.now()
        ),
        "Start serving the held ticket: the citizen reached the counter.",
    )
    finish = _held_ticket_command(
        "counter.finish",
        lambda fake, ticket, state: fake._record_finish(ticket, state),
        "Finish the held ticket (done, or on to the next stage); record its handling time.",
    )
    mark_no_show = _held_ticket_command(
        "counter.no_show",
        lambda fake, ticket, state: ticket_rules.mark_no_show(
            ticket, counter=state, now=fake.clock.now()
        ),
        "End the held ticket as a no-show.",
    )

    def transfer(
        self,
        *,
        counter: str,
        ticket_id: str | None = None,
        request_id: str | None = None,
        **target: Unpack[TransferTarget],
    ) -> CounterCommandOut:
        """Send the held ticket (or a waiting one by id) to another queue or counter."""

        def step(state: CounterState) -> CallOutcome:
            if ticket_id is not None and ticket_id != state.current_ticket_id:
                ticket = self._ticket(ticket_id)
            else:
                ticket = self._held(state, None)
            return ticket_rules.transfer_by_counter(
                ticket, counter=state, centre=self.centre, now=self.clock.now(), **target
            )

        args = {"ticket_id": ticket_id, **target}
        return self._counter_command("counter.transfer", counter, request_id, args, step)

    def pause(
        self, *, counter: str, reason: str = "break", request_id: str | None = None
    ) -> CounterCommandOut:
        """Pause the counter (it must hold no ticket)."""
        return self._counter_command(
            "counter.pause",
            counter,
            request_id,
            {"reason": reason},
            lambda state: counter_rules.pause_counter(state, reason=reason, now=self.clock.now()),
        )

    def resume(self, *, counter: str, request_id: str | None = None) -> CounterCommandOut:
        """Resume calling after a pause."""
        return self._counter_command(
            "counter.resume",
            counter,
            request_id,
            {},
            lambda state: counter_rules.resume_counter(state, now=self.clock.now()),
        )

    # The write path --------------------------------------------------------------------------

    def _once(
        self, command: str, request_id: str | None, args: Mapping[str, Any], run: Callable[[], M]
    ) -> M:
        """Run a command, or return the first answer to its `request_id` (changing nothing)."""
        fingerprint = json.dumps(args, sort_keys=True, default=str)
        if request_id is not None and request_id in self._state.answers:
            stored_command, stored_fingerprint, answer = self._state.answers[request_id]
            if (stored_command, stored_fingerprint) != (command, fingerprint):
                raise _refuse(
                    ServerErrorCode.request_id_reused,
                    "this request_id was used for another request",
                )
            return cast(M, answer)
        result = run()
        if request_id is not None:
            self._state.answers[request_id] = (command, fingerprint, result)
        return result

    def _counter_command(
        self,
        command: str,
        counter: str,
        request_id: str | None,
        args: dict[str, Any],
        step: Callable[[CounterState], CallOutcome | counter_rules.CounterOutcome],
    ) -> CounterCommandOut:
        config = self.centre.counter(counter)

        def run() -> CounterCommandOut:
            state = self._counter(config.code)
            outcome = step(state)
            ticket = outcome.ticket if isinstance(outcome, CallOutcome) else None
            new_state = outcome.counter if outcome.counter is not None else state
            if ticket is not None:
                self._state.tickets[ticket.id] = ticket
            self._state.counters[new_state.code] = new_state
            before = self.head
            last = self._append(outcome.events)
            held = (
                ticket if ticket is not None and ticket.id == new_state.current_ticket_id else None
            )
            reason = outcome.reason if isinstance(outcome, CallOutcome) else None
            return CounterCommandOut(
                counter=self._counter_out(new_state, held.number if held is not None else None),
                ticket=self._staff_view(ticket) if ticket is not None else None,
                reason=ReasonOut.of(reason) if reason is not None else None,
                seq=last if last > before else before,
            )

        return self._once(command, request_id, {"counter": counter, **args}, run)

    def _held(self, state: CounterState, ticket_id: str | None) -> Ticket:
        return ticket_rules.held_ticket(state, ticket_id, load=self._ticket)

    def _issue(
        self,
        *,
        service_code: str,
        priority: str | None,
        phone: str | None,
        source: TicketSource | None,
        appointment: Appointment | None = None,
        ready_at: datetime | None = None,
    ) -> Ticket:
        now = self.clock.now()
        service = self.centre.service(service_code)
        day = business_day(now, timezone=self.centre.timezone)
        sequence = self._state.numbers.get((day, service.code), 0) + 1
        outcome = ticket_rules.issue_ticket(
            centre=self.centre,
            service_code=service.code,
            sequence=sequence,
            ticket_id=uuid.uuid4().hex,
            token=secrets.token_urlsafe(16),
            now=now,
            issued_today=sequence - 1,
            source=source or TicketSource.walk_in,
            priority=priority,
            appointment_ref=appointment.ref if appointment is not None else None,
            appointment_slot=appointment.slot_start if appointment is not None else None,
            ready_at=ready_at,
        )
        self._state.numbers[(day, service.code)] = sequence
        self._state.tickets[outcome.ticket.id] = outcome.ticket
        if phone is not None:
            self._state.phones[outcome.ticket.id] = phone
        self._append(outcome.events)
        return outcome.ticket

    # State lookups ---------------------------------------------------------------------------

    def _fresh_state(self) -> _Queue:
        state = _Queue()
        state.counters = {c.code: CounterState(code=c.code) for c in self.centre.counters}
        return state

    def _ticket(self, ticket_id: str) -> Ticket:
        try:
            return self._state.tickets[ticket_id]
        except KeyError:
            raise _refuse(ErrorCode.ticket_not_found, f"no ticket {ticket_id!r}") from None

    def _counter(self, code: str) -> CounterState:
        return self._state.counters[self.centre.counter(code).code]

    def _counter_states(self) -> list[CounterState]:
        return [self._state.counters[c.code] for c in self.centre.counters]

    def _appointment(self, *, reference: str | None, phone: str | None) -> Appointment:
        today = business_day(self.clock.now(), timezone=self.centre.timezone)
        for booked in sorted(self._state.appointments.values(), key=lambda a: a.slot_start):
            if reference is not None and booked.ref == reference:
                return booked
            if (
                phone is not None
                and booked.phone == phone
                and business_day(booked.slot_start, timezone=self.centre.timezone) == today
            ):
                return booked
        raise _refuse(ErrorCode.appointment_not_found, "no such appointment")

    def _active(self) -> list[Ticket]:
        return sorted(
            (t for t in self._state.tickets.values() if t.is_active),
            key=lambda t: (t.issued_at, t.number),
        )

    def _waiting(self) -> list[Ticket]:
        return [t for t in self._active() if t.status == TicketStatus.waiting]

    def _figures(self) -> HallFigures:
        return HallFigures(
            centre=self.centre,
            tickets=self._active(),
            counters=self._counter_states(),
            means=self._means(self.centre.queue_keys),
            now=self.clock.now(),
            issued_today={
                code: number
                for (day, code), number in self._state.numbers.items()
                if day == business_day(self.clock.now(), timezone=self.centre.timezone)
            },
        )

    def _means(self, queue_keys: Iterable[str]) -> dict[str, float]:
        means = {}
        for key in queue_keys:
            recent = [t.seconds for t in self._state.service_times if t.queue_key == key]
            service, _ = self.centre.queue(key)
            means[key] = estimates.mean_service_seconds(
                recent[::-1][: estimates.RECENT_SERVICE_TIMES],
                prior_seconds=service.prior_service_minutes * 60.0,
            )
        return means

    # Views -----------------------------------------------------------------------------------

    def _public(self, ticket: Ticket, *, phone: str | None) -> TicketPublic:
        ahead, wait = 0, None
        if ticket.status == TicketStatus.waiting:
            related = estimates.related_queues(self.counter_queues, ticket.queue_key)
            waiting: dict[str, list[Ticket]] = {key: [] for key in related}
            for other in self._waiting():
                if other.queue_key in related:
                    waiting[other.queue_key].append(other)
            ahead, until = estimates.ticket_wait(
                ticket,
                centre=self.centre,
                waiting=waiting,
                open_counters=sorted(
                    s.code for s in self._counter_states() if s.status == CounterStatus.open
                ),
                means=self._means([ticket.queue_key]),
                now=self.clock.now(),
            )
            wait = estimates.wait_minutes(until)
        return TicketPublic.for_citizen(
            ticket,
            centre=self.centre,
            people_ahead=ahead,
            estimated_wait_minutes=wait,
            status_url=f"{self.public_base_url}/t/{ticket.token}",
            phone_masked=mask_phone(phone),
        )

    def _staff_view(self, ticket: Ticket) -> TicketStaffView:
        return TicketStaffView.of(
            ticket, phone_masked=mask_phone(self._state.phones.get(ticket.id))
        )

    def _counter_out(self, state: CounterState, number: str | None) -> CounterOut:
        return CounterOut.of(state, centre=self.centre, number=number)

    # REST ------------------------------------------------------------------------------------

    async def _handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request of the transport: the network first, then the API."""
        if self.offline:
            raise httpx.ConnectError("the fake centre is offline", request=request)
        return await self._answer(request)

    async def _answer(self, request: httpx.Request) -> httpx.Response:
        """Answer one API request as the server would (faults first)."""
        if self.delay:
            await asyncio.sleep(self.delay)
        if self._failures:
            self._failures -= 1
            return httpx.Response(503, text="Service Unavailable")
        try:
            status, result = self._route(request)
        except QueueError as error:
            body = {"error": {"code": error.code, "message": error.message}}
            return httpx.Response(status_for(error.code), json=body)
        if result is None:
            return httpx.Response(status)
        return httpx.Response(
            status,
            content=result.model_dump_json().encode(),
            headers={"Content-Type": "application/json"},
        )

    def _route(self, request: httpx.Request) -> tuple[int, BaseModel | None]:
        path, method = request.url.path, request.method
        token = _bearer(request.headers.get("Authorization"))
        if path == "/healthz" and method == "GET":
            return 200, self.health()
        if path.startswith(f"{API}/tickets/status/") and method == "GET":
            return 200, self.ticket_status(path.rsplit("/", 1)[1])
        if path == f"{API}/auth/staff" and method == "POST":
            body = _body(request, {"staff_number", "pin", "counter"}, {"staff_number", "pin"})
            return 200, self.login_staff(
                staff_number=body["staff_number"], pin=body["pin"], counter=body.get("counter")
            )
        found = self._route_for(method, path)
        if found is None:
            raise _refuse(ServerErrorCode.not_found, "no such route")
        roles, answer = found
        principal = self._principal(token)
        if principal is None:
            raise _refuse(ServerErrorCode.unauthenticated, "a valid token is required")
        if principal.roles.isdisjoint(roles):
            raise _refuse(ServerErrorCode.forbidden, "this token may not do that")
        return answer(request, principal, token or "")

    def _route_for(self, method: str, path: str) -> tuple[frozenset[str], _Answer] | None:
        routes: dict[tuple[str, str], tuple[frozenset[str], _Answer]] = {
            ("GET", f"{API}/services"): (HALL_AUDIENCE, lambda *_: (200, self.list_services())),
            ("GET", f"{API}/hall"): (HALL_AUDIENCE, self._hall_route),
            ("POST", f"{API}/tickets"): (ISSUERS, self._issue_route),
            ("POST", f"{API}/appointments/check-in"): (ISSUERS, self._check_in_route),
            ("POST", f"{API}/devices/status"): (DEVICES, self._device_route),
            ("POST", f"{API}/auth/logout"): (COUNTER_STAFF, self._logout_route),
            ("GET", f"{API}/staff/me/figures"): (frozenset({COUNTER}), self._figures_route),
        }
        if (method, path) in routes:
            return routes[(method, path)]
        parts = path.removeprefix(f"{API}/").split("/")
        if len(parts) == 3 and parts[0] == "tickets" and parts[2] == "cancel" and method == "POST":
            return VOIDERS, self._cancel_route
        if len(parts) == 3 and parts[0] == "counters":
            if method == "GET" and parts[2] == "queue":
                return COUNTER_STAFF, self._queue_route
            if method == "POST" and parts[2] in COUNTER_ACTIONS:
                return COUNTER_STAFF, self._counter_route
        return None

    def _principal(self, token: str | None) -> Principal | None:
        if token is None:
            return None
        if token in self._devices:
            return self._devices[token].principal
        return self._sessions.get(token)

    def _hall_route(self, _r: httpx.Request, who: Principal, _t: str) -> tuple[int, BaseModel]:
        return 200, self.hall_snapshot(include_devices=not who.roles.isdisjoint(MANAGING))

    def _issue_route(self, request: httpx.Request, _w: Principal, _t: str) -> tuple[int, BaseModel]:
        body = _body(request, {"service_code", "priority", "phone", "request_id"}, {"service_code"})
        return 201, self.issue_ticket(**body)

    def _cancel_route(
        self, request: httpx.Request, _w: Principal, _t: str
    ) -> tuple[int, BaseModel]:
        body = _body(request, {"reason", "request_id"}, set())
        if body.setdefault("reason", "other") not in CANCEL_REASONS:
            raise _refuse(
                ServerErrorCode.invalid_request, "reason: not_printed, left, duplicate or other"
            )
        return 200, self.cancel_ticket(ticket_id=request.url.path.split("/")[-2], **body)

    def _check_in_route(
        self, request: httpx.Request, _w: Principal, _t: str
    ) -> tuple[int, BaseModel]:
        body = _body(request, {"reference", "phone", "request_id"}, set())
        return 201, self.check_in(**body)

    def _device_route(
        self, request: httpx.Request, who: Principal, _t: str
    ) -> tuple[int, BaseModel]:
        body = _body(request, {"printer", "message"}, set())
        return 200, DeviceStatusOut(seq=self.report_device_status(who, body))

    def _logout_route(self, _r: httpx.Request, _w: Principal, token: str) -> tuple[int, None]:
        self.logout(token)
        return 204, None

    def _figures_route(self, _r: httpx.Request, who: Principal, _t: str) -> tuple[int, BaseModel]:
        return 200, self.staff_figures(staff_number=who.id)

    def _queue_route(
        self, request: httpx.Request, who: Principal, _t: str
    ) -> tuple[int, BaseModel]:
        counter = request.url.path.split("/")[-2]
        _require_counter_access(who, counter)
        raw = request.url.params.get("limit", "5")
        if not raw.isdigit() or not 1 <= int(raw) <= 50:
            raise _refuse(ServerErrorCode.invalid_request, "limit: a whole number from 1 to 50")
        return 200, self.counter_queue(counter=counter, limit=int(raw))

    def _counter_route(
        self, request: httpx.Request, who: Principal, _t: str
    ) -> tuple[int, BaseModel]:
        _, counter, action = request.url.path.removeprefix(f"{API}/").split("/")
        allowed, required = COUNTER_ACTIONS[action]
        body = _body(request, allowed, required)
        _require_counter_access(who, counter)
        commands: dict[str, Callable[..., CounterCommandOut]] = {
            "call-next": self.call_next,
            "call": self.call_ticket,
            "recall": self.recall,
            "start": self.start_serving,
            "finish": self.finish,
            "no-show": self.mark_no_show,
            "transfer": self.transfer,
            "pause": self.pause,
            "resume": self.resume,
        }
        return 200, commands[action](counter=counter, **body)

    async def _http_get(self, _connection: ServerConnection, request: Request) -> Response | None:
        """Answer a plain HTTP GET on the stream's port (an app whose client has no transport)."""
        if urlsplit(request.path).path == STREAM_PATH:
            return None
        forwarded = httpx.Request("GET", f"{self.url}{request.path}", headers=dict(request.headers))
        answer = await self._answer(forwarded)
        body = answer.content
        headers = Headers(
            [
                ("Content-Type", answer.headers.get("Content-Type", "application/json")),
                ("Content-Length", str(len(body))),
            ]
        )
        return Response(answer.status_code, HTTPStatus(answer.status_code).phrase, headers, body)

    # The stream ------------------------------------------------------------------------------

    async def _stream(self, socket: ServerConnection) -> None:
        """Serve one stream connection: refuse a bad token or cursor, open, then go live."""
        request = socket.request
        assert request is not None  # set once the handshake is done
        query = parse_qs(urlsplit(request.path).query)
        token = _bearer(request.headers.get("Authorization")) or next(
            iter(query.get("token", [])), None
        )
        principal = self._principal(token)
        raw_after = next(iter(query.get("after", [])), None)
        if principal is None:
            await _close_with(
                socket,
                ServerErrorCode.unauthenticated,
                "a valid token is required",
                CLOSE_UNAUTHENTICATED,
            )
            return
        if principal.roles.isdisjoint(HALL_AUDIENCE):
            await _close_with(
                socket, ServerErrorCode.forbidden, "this token may not stream", CLOSE_FORBIDDEN
            )
            return
        if raw_after is not None and not raw_after.isdigit():
            await _close_with(
                socket,
                ServerErrorCode.invalid_request,
                "after: a non-negative integer",
                CLOSE_INVALID_REQUEST,
            )
            return
        after = int(raw_after) if raw_after is not None else None
        self.stream_afters.append(after)
        connection = _Connection(after=after, socket=socket)
        # Subscribed before the opening is read, as on the server: nothing falls in between.
        self._connections.add(connection)
        pings = asyncio.create_task(self._answer_pings(connection))
        try:
            for text in self._opening(after, managing=not principal.roles.isdisjoint(MANAGING)):
                await socket.send(text)
            connection.sent = self.head
            await self._send_live(connection)
        except ConnectionClosed:
            pass  # the client comes back with `?after=`
        finally:
            pings.cancel()
            self._connections.discard(connection)
            with contextlib.suppress(Exception):
                await socket.close()

    def _opening(self, after: int | None, *, managing: bool) -> list[str]:
        head = self.head
        if after is not None and head - self.replay_window <= after <= head:
            return self._state.texts[after:]
        snapshot = self.hall_snapshot(include_devices=managing)
        return [SnapshotMessage(seq=snapshot.seq, data=snapshot).model_dump_json()]

    async def _send_live(self, connection: _Connection) -> None:
        while True:
            try:
                item = await asyncio.wait_for(connection.queue.get(), self.heartbeat_seconds)
            except TimeoutError:
                if not self.silent:
                    await connection.socket.send(HeartbeatMessage(seq=self.head).model_dump_json())
                continue
            if item is None:
                return
            seq, text, repeat = item
            if (seq > connection.sent or repeat) and not self.silent:
                await connection.socket.send(text)
                connection.sent = max(connection.sent, seq)

    async def _answer_pings(self, connection: _Connection) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for text in connection.socket:
                if _is_ping(text) and not self.silent:
                    self.pings += 1
                    pong = PongMessage(seq=connection.sent)
                    await connection.socket.send(pong.model_dump_json())


# Counter actions: the body fields each takes, and those it requires.
_HELD = ({"ticket_id", "request_id"}, set[str]())
COUNTER_ACTIONS: dict[str, tuple[set[str], set[str]]] = {
    "call-next": ({"request_id"}, set()),
    "call": ({"ticket_id", "request_id"}, {"ticket_id"}),
    "recall": _HELD,
    "start": _HELD,
    "finish": _HELD,
    "no-show": _HELD,
    "transfer": (
        {"ticket_id", "to_service", "to_stage", "to_counter", "note", "request_id"},
        set(),
    ),
    "pause": ({"reason", "request_id"}, set()),
    "resume": ({"request_id"}, set()),
}


def _body(request: httpx.Request, allowed: set[str], required: set[str]) -> dict[str, Any]:
    """Return a JSON body's fields, refusing unknown or missing ones as the server does."""
    try:
        body = json.loads(request.content or b"{}")
    except ValueError:
        raise _refuse(ServerErrorCode.invalid_request, "the body is not JSON") from None
    if not isinstance(body, dict):
        raise _refuse(ServerErrorCode.invalid_request, "the body is not a JSON object")
    unknown = set(body) - allowed
    missing = required - {key for key, value in body.items() if value is not None}
    if unknown or missing:
        raise _refuse(
            ServerErrorCode.invalid_request, f"unknown {sorted(unknown)}, missing {sorted(missing)}"
        )
    request_id = body.get("request_id")
    if request_id is not None and not REQUEST_ID.match(str(request_id)):
        raise _refuse(ServerErrorCode.invalid_request, "request_id: 8-64 characters of A-Za-z0-9_-")
    return {key: value for key, value in body.items() if value is not None}


def _require_counter_access(principal: Principal, counter: str) -> None:
    if principal.roles.isdisjoint(MANAGING) and principal.counter != counter:
        raise _refuse(ServerErrorCode.forbidden, "you are logged in at another counter")


def _bearer(header: str | None) -> str | None:
    if header is None or not header.startswith("Bearer "):
        return None
    return header.removeprefix("Bearer ").strip() or None


def _is_ping(text: str | bytes) -> bool:
    try:
        PingMessage.model_validate_json(text)
    except ValueError:
        return False
    return True


async def _close_with(socket: ServerConnection, code: str, message: str, close_code: int) -> None:
    """Say why, then close: what the server does with a refused token or cursor."""
    await socket.send(ErrorMessage(error=ErrorDetail(code=code, message=message)).model_dump_json())
    await socket.close(code=close_code)


def _normalise_phone(raw: str) -> str:
    digits = re.sub(r"[\s-]", "", raw)
    match = KENYAN_PHONE.match(digits)
    if match is None:
        raise _refuse(ServerErrorCode.invalid_phone, "not a valid Kenyan phone number")
    return f"+254{match.group(1)}"
