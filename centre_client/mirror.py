"""A pure mirror of the centre's queue state, fed by the stream's snapshot and events."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

# Statuses in which a ticket is still in the hall; any other status removes it from the mirror.
ACTIVE_STATUSES = frozenset({"waiting", "called", "serving"})
# Statuses in which a counter holds the ticket.
HELD_STATUSES = frozenset({"called", "serving"})
EARLIEST = datetime.min.replace(tzinfo=UTC)
CALL_TYPES = frozenset({"ticket.called", "ticket.recalled"})
COUNTER_STATUS_BY_TYPE = {
    "counter.opened": "open",
    "counter.resumed": "open",
    "counter.paused": "paused",
    "counter.closed": "closed",
}


class MirrorError(ValueError):
    """A message the mirror cannot apply; the stream answers it by asking for a snapshot."""


class SequenceGap(MirrorError):
    """An event arrived whose `seq` is beyond the next one expected: events were missed."""

    def __init__(self, *, expected: int, received: int) -> None:
        super().__init__(f"expected seq {expected}, received {received}")
        self.expected = expected
        self.received = received


class MalformedMessage(MirrorError):
    """A message lacking the fields the envelope requires."""


@dataclass(frozen=True)
class TicketView:
    """A ticket still in the hall (waiting, called or serving), without personal data."""

    ticket_id: str
    number: str
    service_code: str
    queue_key: str
    stage_index: int
    status: str
    priority: str | None
    source: str | None
    issued_at: datetime | None
    counter: str | None
    target_counter: str | None
    recalls: int


@dataclass(frozen=True)
class CounterView:
    """A counter's status and the ticket it holds, if any."""

    code: str
    status: str
    ticket_id: str | None = None
    number: str | None = None
    pause_reason: str | None = None


@dataclass(frozen=True)
class Call:
    """One call (or recall) of a ticket to a counter: what the hall display announces."""

    seq: int
    at: datetime | None  # None when learnt from a snapshot that does not say when
    ticket_id: str
    number: str
    counter: str
    queue_key: str
    recalls: int


@dataclass(frozen=True)
class Reset:
    """The whole state was replaced by a snapshot at `seq`."""

    seq: int


@dataclass(frozen=True)
class TicketChanged:
    """A ticket entered, moved within or (when `ticket` is None) left the hall."""

    seq: int
    ticket_id: str
    ticket: TicketView | None


@dataclass(frozen=True)
class CounterChanged:
    """A counter's status or held ticket changed."""

    seq: int
    counter: CounterView


@dataclass(frozen=True)
class Called:
    """A ticket was called or recalled: announce it."""

    call: Call


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
        self._tickets: dict[str, TicketView] = {}
        self._counters: dict[str, CounterView] = {}
        self._calls: list[Call] = []

    @property
    def last_seq(self) -> int | None:
        """The `seq` of the last applied snapshot or event; None before any."""
        return self._last_seq

    @property
    def tickets(self) -> Mapping[str, TicketView]:
        """Tickets in the hall by ticket id."""
        return dict(self._tickets)

    @property
    def counters(self) -> Mapping[str, CounterView]:
        """Counters by code."""
        return dict(self._counters)

    def apply(self, message: Mapping[str, Any]) -> list[Change]:
        """Apply one stream message; return what changed ([] for heartbeats and duplicates).

        Raises `SequenceGap` (state untouched) when the event is not the next one expected and
        `MalformedMessage` when the envelope is incomplete.
        """
        kind = message.get("type")
        if kind == "heartbeat":
            return []
        seq = message.get("seq")
        if not isinstance(kind, str) or not isinstance(seq, int) or isinstance(seq, bool):
            raise MalformedMessage(f"message without type or integer seq: {message!r}")
        data = message.get("data")
        if not isinstance(data, Mapping):
            raise MalformedMessage(f"message {seq} without data object")
        if kind == "snapshot":
            return self._apply_snapshot(seq, data)
        expected = 1 if self._last_seq is None else self._last_seq + 1
        if seq < expected:
            return []
        if seq > expected:
            raise SequenceGap(expected=expected, received=seq)
        at = _parse_time(message.get("at"), field="at")
        if at is None:
            raise MalformedMessage(f"event {seq} without time")
        changes = self._apply_event(seq, kind, at, data)
        self._last_seq = seq
        return changes

    def ticket(self, ticket_id: str) -> TicketView | None:
        """Return the ticket with this id if it is still in the hall."""
        return self._tickets.get(ticket_id)

    def find_number(self, number: str) -> TicketView | None:
        """Return the ticket in the hall with this number (e.g. `B-014`), if any."""
        return next((t for t in self._tickets.values() if t.number == number), None)

    def waiting(self, queue: str | None = None) -> list[TicketView]:
        """Return the waiting tickets, oldest arrival first; `queue`: service code or stage key.

        Arrival order, not calling order: the calling policy (priority, appointments, urgency)
        lives on the server; the counter asks it for the real order.
        """
        found = [
            t
            for t in self._tickets.values()
            if t.status == "waiting" and (queue is None or _in_queue(t, queue))
        ]
        return sorted(found, key=_arrival_key)

    def waiting_count(self, queue: str | None = None) -> int:
        """How many tickets wait in `queue` (a service code or stage key; all queues if None)."""
        return len(self.waiting(queue))

    def called_now(self) -> list[Call]:
        """Return the latest call of each ticket a counter holds now, newest first."""
        latest: dict[str, Call] = {}
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
            key=lambda call: call.seq,
            reverse=True,
        )

    def recent_calls(self, n: int | None = None) -> list[Call]:
        """Return the last `n` calls and recalls (all kept if None), newest first."""
        newest_first = list(reversed(self._calls))
        return newest_first if n is None else newest_first[:n]

    def _apply_snapshot(self, seq: int, data: Mapping[str, Any]) -> list[Change]:
        records = list(_records(data, "tickets"))
        tickets = {t.ticket_id: t for t in map(_ticket_from, records)}
        tickets = {key: t for key, t in tickets.items() if t.status in ACTIVE_STATUSES}
        counters = {c.code: c for c in map(_counter_from, _records(data, "counters"))}
        if "recent_calls" in data:
            history = sorted(map(_call_from, _records(data, "recent_calls")), key=_call_seq)
        else:
            history = list(self._calls)
        missed = self._missed_calls(seq, records, tickets, history)
        history.extend(call for call in missed if call not in history)
        self._tickets = tickets
        self._counters = counters
        self._calls = sorted(history, key=_call_seq)[-self._max_calls :]
        self._last_seq = seq
        return [Reset(seq=seq), *(Called(call=call) for call in missed)]

    def _missed_calls(
        self,
        seq: int,
        records: list[Mapping[str, Any]],
        tickets: Mapping[str, TicketView],
        history: list[Call],
    ) -> list[Call]:
        """Return the standing calls made while this mirror was not listening.

        A display that lost its connection must still announce them. A mirror that never had
        state (a display starting up) announces nothing: those calls were announced already.
        """
        if self._last_seq is None:
            return []
        heard = {(call.ticket_id, call.recalls) for call in self._calls}
        known = {(call.ticket_id, call.recalls): call for call in history}
        missed = []
        for record in records:
            ticket = tickets.get(str(record.get("ticket_id")))
            if ticket is None or ticket.status != "called" or ticket.counter is None:
                continue
            key = (ticket.ticket_id, ticket.recalls)
            if key in heard:
                continue
            missed.append(
                known.get(key)
                or Call(
                    seq=seq,
                    at=_parse_time(record.get("called_at"), field="called_at"),
                    ticket_id=ticket.ticket_id,
                    number=ticket.number,
                    counter=ticket.counter,
                    queue_key=ticket.queue_key,
                    recalls=ticket.recalls,
                )
            )
        return sorted(missed, key=_call_seq)

    def _apply_event(
        self, seq: int, kind: str, at: datetime, data: Mapping[str, Any]
    ) -> list[Change]:
        if kind.startswith("ticket."):
            return self._apply_ticket_event(seq, kind, at, data)
        if kind in COUNTER_STATUS_BY_TYPE:
            code = _text(data, "counter")
            previous = self._counters.get(code, CounterView(code=code, status="closed"))
            status = data.get("status") or COUNTER_STATUS_BY_TYPE[kind]
            pause_reason = _optional_text(data, "pause_reason") or _optional_text(data, "reason")
            counter = replace(
                previous,
                status=str(status),
                pause_reason=pause_reason if status == "paused" else None,
            )
            self._counters[code] = counter
            return [CounterChanged(seq=seq, counter=counter)]
        return [OtherEvent(seq=seq, type=kind, data=dict(data))]

    def _apply_ticket_event(
        self, seq: int, kind: str, at: datetime, data: Mapping[str, Any]
    ) -> list[Change]:
        # Ticket event data carries the ticket's view after the change, so every ticket event
        # is applied the same way: upsert or drop the ticket, then fix the counters that hold it.
        ticket = _ticket_from(data)
        changes: list[Change] = []
        if ticket.status in ACTIVE_STATUSES:
            self._tickets[ticket.ticket_id] = ticket
            changes.append(TicketChanged(seq=seq, ticket_id=ticket.ticket_id, ticket=ticket))
        elif self._tickets.pop(ticket.ticket_id, None) is not None:
            changes.append(TicketChanged(seq=seq, ticket_id=ticket.ticket_id, ticket=None))
        changes.extend(self._settle_counters(seq, ticket))
        if kind in CALL_TYPES and ticket.counter is not None:
            call = Call(
                seq=seq,
                at=at,
                ticket_id=ticket.ticket_id,
                number=ticket.number,
                counter=ticket.counter,
                queue_key=ticket.queue_key,
                recalls=ticket.recalls,
            )
            self._calls = [*self._calls, call][-self._max_calls :]
            changes.append(Called(call=call))
        return changes

    def _settle_counters(self, seq: int, ticket: TicketView) -> list[Change]:
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
            previous = self._counters.get(holder, CounterView(code=holder, status="open"))
            held = replace(previous, ticket_id=ticket.ticket_id, number=ticket.number)
            if held != self._counters.get(holder):
                self._counters[holder] = held
                changes.append(CounterChanged(seq=seq, counter=held))
        return changes


def _call_seq(call: Call) -> int:
    return call.seq


def _in_queue(ticket: TicketView, queue: str) -> bool:
    return ticket.queue_key == queue or ticket.service_code == queue


def _arrival_key(ticket: TicketView) -> tuple[datetime, str]:
    return (ticket.issued_at or EARLIEST, ticket.number)


def _records(data: Mapping[str, Any], key: str) -> Iterable[Mapping[str, Any]]:
    records = data.get(key) or []
    if not isinstance(records, Sequence) or not all(isinstance(r, Mapping) for r in records):
        raise MalformedMessage(f"snapshot field {key} is not a list of objects")
    return records


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if value is None or value == "":
        raise MalformedMessage(f"missing field {key}")
    return str(value)


def _optional_text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return None if value is None else str(value)


def _parse_time(value: object, *, field: str) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError as error:
        raise MalformedMessage(f"{field} is not an ISO 8601 time: {value!r}") from error


def _ticket_from(data: Mapping[str, Any]) -> TicketView:
    service_code = _text(data, "service_code")
    return TicketView(
        ticket_id=_text(data, "ticket_id"),
        number=_text(data, "number"),
        service_code=service_code,
        queue_key=_optional_text(data, "queue_key") or service_code,
        stage_index=int(data.get("stage_index") or 0),
        status=_text(data, "status"),
        priority=_optional_text(data, "priority"),
        source=_optional_text(data, "source"),
        issued_at=_parse_time(data.get("issued_at"), field="issued_at"),
        counter=_optional_text(data, "counter"),
        target_counter=_optional_text(data, "target_counter") or _optional_text(data, "to_counter"),
        recalls=int(data.get("recalls") or 0),
    )


def _counter_from(data: Mapping[str, Any]) -> CounterView:
    return CounterView(
        code=_text(data, "code"),
        status=_text(data, "status"),
        ticket_id=_optional_text(data, "ticket_id"),
        number=_optional_text(data, "number"),
        pause_reason=_optional_text(data, "pause_reason"),
    )


def _call_from(data: Mapping[str, Any]) -> Call:
    seq = data.get("seq")
    if not isinstance(seq, int):
        raise MalformedMessage("recent call without seq")
    return Call(
        seq=seq,
        at=_parse_time(data.get("at"), field="at"),
        ticket_id=_text(data, "ticket_id"),
        number=_text(data, "number"),
        counter=_text(data, "counter"),
        queue_key=_text(data, "queue_key"),
        recalls=int(data.get("recalls") or 0),
    )
