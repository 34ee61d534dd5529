"""A pure mirror of the centre's queue state, fed by the stream's snapshot and events."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar

from pydantic import ValidationError

from centre_client.records import from_wire
from centre_core.counters import CounterStatus
from centre_core.events import EventType
from centre_core.hall import CALL_TYPES
from centre_core.tickets import ACTIVE_STATUSES, HELD_STATUSES, TicketStatus
from centre_core.wire import (
    CallRecord,
    CounterEventData,
    ErrorMessage,
    EventMessage,
    HallSnapshot,
    LivenessMessage,
    ServerMessage,
    SnapshotMessage,
    TicketRecord,
)

R = TypeVar("R", TicketRecord, CounterEventData)
COUNTER_TYPES = frozenset(
    {
        EventType.counter_opened,
        EventType.counter_resumed,
        EventType.counter_paused,
        EventType.counter_closed,
    }
)


class MirrorError(ValueError):
    """A message the mirror cannot apply; the stream answers it by asking for a snapshot."""


class SequenceGap(MirrorError):
    """An event arrived whose `seq` is beyond the next one expected: events were missed."""

    def __init__(self, *, expected: int, received: int) -> None:
        super().__init__(f"expected seq {expected}, received {received}")
        self.expected = expected
        self.received = received


class MalformedMessage(MirrorError):
    """An event whose data is not what its type carries (a ticket or counter record)."""


@dataclass(frozen=True)
class CounterView:
    """A counter's status and the ticket it holds, if any (what the stream keeps current)."""

    code: str
    status: str  # a `CounterStatus`
    ticket_id: str | None = None
    number: str | None = None
    pause_reason: str | None = None


@dataclass(frozen=True)
class Reset:
    """The whole state was replaced by a snapshot at `seq`."""

    seq: int


@dataclass(frozen=True)
class TicketChanged:
    """A ticket entered, moved within or (when `ticket` is None) left the hall."""

    seq: int
    ticket_id: str
    ticket: TicketRecord | None


@dataclass(frozen=True)
class CounterChanged:
    """A counter's status or held ticket changed."""

    seq: int
    counter: CounterView


@dataclass(frozen=True)
class Called:
    """A ticket was called or recalled: announce it."""

    call: CallRecord


@dataclass(frozen=True)
class OtherEvent:
    """An event the mirror keeps no state for (device status, appointment check-in, ...)."""

    seq: int
    type: str
    data: Mapping[str, Any]


Change = Reset | TicketChanged | CounterChanged | Called | OtherEvent


class QueueMirror:
    """Queue state rebuilt from the stream: apply every message in order, read the views.

    Pure: no I/O and no clock. `last_seq` is None until a snapshot (or the very first event of
    the centre, seq 1) is applied; the stream resumes from it.
    """

    def __init__(self, *, max_calls: int = 20) -> None:
        self._max_calls = max_calls
        self._last_seq: int | None = None
        self._tickets: dict[str, TicketRecord] = {}
        self._counters: dict[str, CounterView] = {}
        self._calls: list[CallRecord] = []

    @property
    def last_seq(self) -> int | None:
        """The `seq` of the last applied snapshot or event; None before any."""
        return self._last_seq

    @property
    def tickets(self) -> Mapping[str, TicketRecord]:
        """Tickets in the hall by ticket id."""
        return dict(self._tickets)

    @property
    def counters(self) -> Mapping[str, CounterView]:
        """Counters by code."""
        return dict(self._counters)

    def apply(self, message: ServerMessage) -> list[Change]:
        """Apply one stream message; return what changed ([] for heartbeats and duplicates).

        Raises `SequenceGap` (state untouched) when the event is not the next one expected and
        `MalformedMessage` when an event's data is not its type's record.
        """
        if isinstance(message, LivenessMessage | ErrorMessage):
            return []
        if isinstance(message, SnapshotMessage):
            return self._apply_snapshot(message.seq, message.data)
        expected = 1 if self._last_seq is None else self._last_seq + 1
        if message.seq < expected:
            return []
        if message.seq > expected:
            raise SequenceGap(expected=expected, received=message.seq)
        changes = self._apply_event(message)
        self._last_seq = message.seq
        return changes

    def ticket(self, ticket_id: str) -> TicketRecord | None:
        """Return the ticket with this id if it is still in the hall."""
        return self._tickets.get(ticket_id)

    def find_number(self, number: str) -> TicketRecord | None:
        """Return the ticket in the hall with this number (e.g. `B-014`), if any."""
        return next((t for t in self._tickets.values() if t.number == number), None)

    def waiting(self, queue: str | None = None) -> list[TicketRecord]:
        """Return the waiting tickets, oldest arrival first; `queue`: service code or stage key.

        Arrival order, not calling order: the calling policy (priority, appointments, urgency)
        lives on the server; the counter asks it for the real order.
        """
        found = [
            t
            for t in self._tickets.values()
            if t.status == TicketStatus.waiting and (queue is None or _in_queue(t, queue))
        ]
        return sorted(found, key=_arrival_key)

    def waiting_count(self, queue: str | None = None) -> int:
        """How many tickets wait in `queue` (a service code or stage key; all queues if None)."""
        return len(self.waiting(queue))

    def called_now(self) -> list[CallRecord]:
        """Return the latest call of each ticket a counter holds now, newest first."""
        latest: dict[str, CallRecord] = {}
        for call in self._calls:
            latest[call.ticket_id] = call
        return sorted(
            (
                call
                for ticket_id, call in latest.items()
                if (ticket := self._tickets.get(ticket_id)) is not None
                and ticket.status in HELD_STATUSES
                and ticket.counter == call.counter
            ),
            key=_call_seq,
            reverse=True,
        )

    def recent_calls(self, n: int | None = None) -> list[CallRecord]:
        """Return the last `n` calls and recalls (all kept if None), newest first."""
        newest_first = list(reversed(self._calls))
        return newest_first if n is None else newest_first[:n]

    def _apply_snapshot(self, seq: int, hall: HallSnapshot) -> list[Change]:
        tickets = {t.ticket_id: t for t in hall.tickets if t.status in ACTIVE_STATUSES}
        counters = {c.code: from_wire(CounterView, c) for c in hall.counters}
        history = sorted(hall.recent_calls, key=_call_seq)
        missed = self._missed_calls(seq, hall, tickets, history)
        history.extend(call for call in missed if call not in history)
        self._tickets = tickets
        self._counters = counters
        self._calls = sorted(history, key=_call_seq)[-self._max_calls :]
        self._last_seq = seq
        return [Reset(seq=seq), *(Called(call=call) for call in missed)]

    def _missed_calls(
        self,
        seq: int,
        hall: HallSnapshot,
        tickets: Mapping[str, TicketRecord],
        history: list[CallRecord],
    ) -> list[CallRecord]:
        """Return the standing calls made while this mirror was not listening.

        A display that lost its connection must still announce them. A mirror that never had
        state (a display starting up) announces nothing: those calls were announced already.
        """
        if self._last_seq is None:
            return []
        heard = {(call.ticket_id, call.recalls) for call in self._calls}
        known = {(call.ticket_id, call.recalls): call for call in history}
        missed = []
        for ticket in tickets.values():
            if ticket.status != TicketStatus.called or ticket.counter is None:
                continue
            key = (ticket.ticket_id, ticket.recalls)
            if key in heard:
                continue
            missed.append(
                known.get(key) or CallRecord.of(ticket, seq=seq, at=ticket.called_at or hall.at)
            )
        return sorted(missed, key=_call_seq)

    def _apply_event(self, message: EventMessage) -> list[Change]:
        # By namespace, so a ticket event type newer than this client still moves its ticket.
        if message.type.startswith("ticket."):
            return self._apply_ticket_event(message)
        if message.type in COUNTER_TYPES:
            data = _event_data(CounterEventData, message)
            previous = self._counters.get(
                data.counter, CounterView(code=data.counter, status=CounterStatus.closed)
            )
            counter = replace(
                previous,
                status=data.status,
                pause_reason=data.reason if data.status == CounterStatus.paused else None,
            )
            self._counters[data.counter] = counter
            return [CounterChanged(seq=message.seq, counter=counter)]
        return [OtherEvent(seq=message.seq, type=message.type, data=message.data)]

    def _apply_ticket_event(self, message: EventMessage) -> list[Change]:
        # Ticket event data carries the ticket's record after the change, so every ticket event
        # is applied the same way: upsert or drop the ticket, then fix the counters that hold it.
        seq = message.seq
        ticket = _event_data(TicketRecord, message)
        changes: list[Change] = []
        if ticket.status in ACTIVE_STATUSES:
            self._tickets[ticket.ticket_id] = ticket
            changes.append(TicketChanged(seq=seq, ticket_id=ticket.ticket_id, ticket=ticket))
        elif self._tickets.pop(ticket.ticket_id, None) is not None:
            changes.append(TicketChanged(seq=seq, ticket_id=ticket.ticket_id, ticket=None))
        changes.extend(self._settle_counters(seq, ticket))
        if message.type in CALL_TYPES and ticket.counter is not None:
            call = CallRecord.of(ticket, seq=seq, at=message.at)
            self._calls = [*self._calls, call][-self._max_calls :]
            changes.append(Called(call=call))
        return changes

    def _settle_counters(self, seq: int, ticket: TicketRecord) -> list[Change]:
        holder = ticket.counter if ticket.status in HELD_STATUSES else None
        changes: list[Change] = []
        for code, counter in list(self._counters.items()):
            if counter.ticket_id == ticket.ticket_id and code != holder:
                freed = replace(counter, ticket_id=None, number=None)
                self._counters[code] = freed
                changes.append(CounterChanged(seq=seq, counter=freed))
        if holder is not None:
            # A counter that calls a ticket is open even if we never saw it open (its
            # `counter.opened` came before our snapshot's counters list was taken).
            previous = self._counters.get(
                holder, CounterView(code=holder, status=CounterStatus.open)
            )
            held = replace(previous, ticket_id=ticket.ticket_id, number=ticket.number)
            if held != self._counters.get(holder):
                self._counters[holder] = held
                changes.append(CounterChanged(seq=seq, counter=held))
        return changes


def _event_data(record: type[R], message: EventMessage) -> R:
    try:
        return record.model_validate(message.data)
    except ValidationError as error:
        raise MalformedMessage(f"event {message.seq} ({message.type}): {error}") from error


def _call_seq(call: CallRecord) -> int:
    return call.seq


def _in_queue(ticket: TicketRecord, queue: str) -> bool:
    return ticket.queue_key == queue or ticket.service_code == queue


def _arrival_key(ticket: TicketRecord) -> tuple[datetime, str]:
    return (ticket.issued_at, ticket.number)
