"""Tickets and their life: issue, call, recall, serve, finish or advance a stage, end, transfer."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypedDict, Unpack

from centre_core.centre import CentreConfig, CounterConfig, Service
from centre_core.clock import as_utc, business_day
from centre_core.counters import CounterState, require_ready_to_call
from centre_core.errors import ErrorCode, QueueError
from centre_core.events import DomainEvent, EventType
from centre_core.reasons import CallReason
from centre_core.service_days import ServiceDay, cap_of, cap_reached_message, closed_today_message


class TicketStatus(StrEnum):
    """Where a ticket is in its life; a transfer or a stage advance returns it to `waiting`."""

    waiting = "waiting"
    called = "called"
    serving = "serving"
    done = "done"
    no_show = "no_show"
    cancelled = "cancelled"


class TicketSource(StrEnum):
    """How the citizen came to hold the ticket."""

    walk_in = "walk_in"
    appointment = "appointment"
    collection = "collection"
    transfer = "transfer"


ACTIVE_STATUSES = frozenset({TicketStatus.waiting, TicketStatus.called, TicketStatus.serving})
HELD_STATUSES = frozenset({TicketStatus.called, TicketStatus.serving})


@dataclass(frozen=True, kw_only=True)
class Ticket:
    """One citizen's place in the centre, kept through stages and transfers.

    `issued_at` is the original arrival; `queued_at` is when it entered its current queue;
    `ready_at` is when it may first be called (an early appointment waits for its slot).
    `counter` is the holding counter while called or serving, and the counter that ended it
    once done or no-show. `stage_code` is None for a single-stage service.
    """

    id: str
    token: str
    number: str
    service_code: str
    stage_index: int = 0
    stage_code: str | None = None
    status: TicketStatus = TicketStatus.waiting
    source: TicketSource = TicketSource.walk_in
    priority: str | None = None
    business_day: date
    issued_at: datetime
    queued_at: datetime
    ready_at: datetime
    appointment_ref: str | None = None
    appointment_slot: datetime | None = None
    counter: str | None = None
    target_counter: str | None = None
    called_at: datetime | None = None
    serving_at: datetime | None = None
    finished_at: datetime | None = None
    recalls: int = 0
    note: str | None = None

    def __post_init__(self) -> None:
        # Accept the plain strings a database row holds.
        object.__setattr__(self, "status", TicketStatus(self.status))
        object.__setattr__(self, "source", TicketSource(self.source))

    @property
    def queue_key(self) -> str:
        """The queue the ticket is in: the service code, or `code.stage` for staged services."""
        if self.stage_code is None:
            return self.service_code
        return f"{self.service_code}.{self.stage_code}"

    @property
    def is_active(self) -> bool:
        """Whether the ticket is still waiting, called or being served."""
        return self.status in ACTIVE_STATUSES


@dataclass(frozen=True)
class TicketOutcome:
    """A ticket's new state and the events of the change."""

    ticket: Ticket
    events: tuple[DomainEvent, ...]


@dataclass(frozen=True)
class CallOutcome:
    """A counter command's result: the ticket, the counter, the events, and why (for a call).

    `counter` is None only for a transfer of a waiting ticket made without a counter.
    """

    ticket: Ticket
    counter: CounterState | None
    events: tuple[DomainEvent, ...]
    reason: CallReason | None = None


def format_number(prefix: str, sequence: int) -> str:
    """Format the number printed and announced: `B-014` (at least 3 digits)."""
    if sequence < 1:
        raise ValueError(f"ticket sequence starts at 1 (got {sequence})")
    return f"{prefix}-{sequence:03d}"


def ticket_event(kind: EventType, ticket: Ticket, at: datetime, **extra: Any) -> DomainEvent:
    """Build an event about a ticket: its hall record (no personal data) and `extra` keys."""
    # Imported here: the wire types import this module's ticket types.
    from centre_core.wire import TicketRecord

    data = TicketRecord.of(ticket).model_dump(mode="json")
    data.update(extra)
    return DomainEvent(type=kind, at=at, data=data)


def _refuse(ticket: Ticket, action: str) -> QueueError:
    return QueueError(
        ErrorCode.invalid_transition,
        f"cannot {action} ticket {ticket.number}: it is {ticket.status}",
    )


def _require_held(
    ticket: Ticket, counter: CounterState, allowed: set[TicketStatus], action: str
) -> None:
    if ticket.status in HELD_STATUSES and ticket.counter not in (None, counter.code):
        raise QueueError(
            ErrorCode.ticket_taken, f"ticket {ticket.number} is held by counter {ticket.counter}"
        )
    if ticket.status not in allowed:
        raise _refuse(ticket, action)
    if ticket.counter != counter.code or counter.current_ticket_id != ticket.id:
        raise QueueError(
            ErrorCode.ticket_not_held,
            f"counter {counter.code} does not hold ticket {ticket.number}",
        )


def _free(counter: CounterState) -> CounterState:
    return replace(counter, current_ticket_id=None)


def _requeued(
    ticket: Ticket,
    *,
    service: Service,
    stage_index: int,
    now: datetime,
    ready_at: datetime,
    target_counter: str | None,
    note: str | None,
) -> Ticket:
    # Waiting again, in a stage of `service` from `now`: no counter, no call, no recalls.
    return replace(
        ticket,
        service_code=service.code,
        stage_index=stage_index,
        stage_code=service.stages[stage_index].code if service.stages else None,
        status=TicketStatus.waiting,
        queued_at=now,
        ready_at=ready_at,
        counter=None,
        target_counter=target_counter,
        called_at=None,
        serving_at=None,
        recalls=0,
        note=note,
    )


def issue_ticket(
    *,
    centre: CentreConfig,
    service_code: str,
    sequence: int,
    ticket_id: str,
    token: str,
    now: datetime,
    issued_today: int,
    source: TicketSource = TicketSource.walk_in,
    priority: str | None = None,
    appointment_ref: str | None = None,
    appointment_slot: datetime | None = None,
    ready_at: datetime | None = None,
    today: ServiceDay | None = None,
) -> TicketOutcome:
    """Issue a ticket for a service, numbered prefix + the day's `sequence` (chosen by the caller).

    Refuses a closed service (by its hours, or by a manager for `today`), a full day
    (`issued_today` >= today's cap; appointments are exempt, their slots being capacity booked
    in advance) and a priority the centre or service does not take. A walk-in ticket of a
    collection service gets source `collection`.
    """
    now = as_utc(now)
    service = centre.service(service_code)
    closed = centre.closed_reason(service_code, now)
    if closed is not None:
        raise QueueError(ErrorCode.service_closed, f"{service.name_en} is closed ({closed})")
    walk_in = source != TicketSource.appointment
    if walk_in and today is not None and today.closed_reason is not None:
        raise QueueError(ErrorCode.service_closed, closed_today_message(today.closed_reason))
    cap = cap_of(service, today)
    if cap is not None and walk_in and issued_today >= cap:
        raise QueueError(ErrorCode.daily_cap_reached, cap_reached_message(service))
    if priority is not None:
        centre.priority(priority)
        if not service.priority_allowed:
            raise QueueError(
                ErrorCode.priority_not_allowed, f"{service.name_en} takes no priority tickets"
            )
    if not token:
        raise ValueError("a ticket needs an unguessable token")
    if source == TicketSource.walk_in and service.collection:
        source = TicketSource.collection
    ticket = Ticket(
        id=ticket_id,
        token=token,
        number=format_number(service.prefix, sequence),
        service_code=service.code,
        stage_index=0,
        stage_code=service.stages[0].code if service.stages else None,
        status=TicketStatus.waiting,
        source=source,
        priority=priority,
        business_day=business_day(now, timezone=centre.timezone),
        issued_at=now,
        queued_at=now,
        ready_at=max(now, as_utc(ready_at)) if ready_at is not None else now,
        appointment_ref=appointment_ref,
        appointment_slot=as_utc(appointment_slot) if appointment_slot is not None else None,
    )
    return TicketOutcome(ticket, (ticket_event(EventType.ticket_issued, ticket, now),))


def call_ticket(
    ticket: Ticket, *, counter: CounterState, now: datetime, reason: CallReason | None = None
) -> CallOutcome:
    """Call a waiting ticket to a counter, which holds it (waiting -> called).

    `reason` (from the calling policy) is recorded on the event and returned.
    """
    now = as_utc(now)
    if ticket.status in HELD_STATUSES and ticket.counter != counter.code:
        raise QueueError(
            ErrorCode.ticket_taken, f"ticket {ticket.number} is held by counter {ticket.counter}"
        )
    if ticket.status != TicketStatus.waiting:
        raise _refuse(ticket, "call")
    require_ready_to_call(counter)
    called = replace(
        ticket, status=TicketStatus.called, counter=counter.code, target_counter=None, called_at=now
    )
    holding = replace(counter, current_ticket_id=ticket.id)
    event = ticket_event(
        EventType.ticket_called,
        called,
        now,
        reason=reason.code if reason is not None else "manual",
        reason_text=reason.explanation if reason is not None else "called by staff",
    )
    return CallOutcome(called, holding, (event,), reason)


def call_chosen_ticket(
    ticket: Ticket, *, counter: CounterState, config: CounterConfig, now: datetime
) -> CallOutcome:
    """Call a ticket staff picked from the list: refused if this counter may not call it.

    A counter calls from the queues it serves, or a ticket sent to it; a ticket sent to another
    counter is that counter's (`ticket_taken`).
    """
    if ticket.status == TicketStatus.waiting and not (
        config.serves(ticket.queue_key) or ticket.target_counter == counter.code
    ):
        raise QueueError(
            ErrorCode.counter_not_serving_service,
            f"counter {counter.code} does not serve {ticket.queue_key}",
        )
    if ticket.target_counter not in (None, counter.code):
        raise QueueError(
            ErrorCode.ticket_taken,
            f"ticket {ticket.number} waits for counter {ticket.target_counter}",
        )
    return call_ticket(ticket, counter=counter, now=now)


def held_ticket(
    counter: CounterState, ticket_id: str | None, *, load: Callable[[str], Ticket]
) -> Ticket:
    """Return the ticket `counter` holds, read by `load`; `ticket_id`, when given, must be it.

    The id is a guard against acting on the wrong citizen; an unknown one is `ticket_not_found`
    before it is `ticket_not_held`.
    """
    if counter.current_ticket_id is None:
        raise QueueError(ErrorCode.ticket_not_held, f"counter {counter.code} holds no ticket")
    if ticket_id is not None and ticket_id != counter.current_ticket_id:
        load(ticket_id)
        raise QueueError(
            ErrorCode.ticket_not_held, f"counter {counter.code} does not hold ticket {ticket_id}"
        )
    return load(counter.current_ticket_id)


def handling_seconds(ticket: Ticket, *, now: datetime) -> float | None:
    """Return how long a counter has handled a held ticket (since serving, else since called)."""
    started = ticket.serving_at or ticket.called_at
    return None if started is None else max(0.0, (as_utc(now) - started).total_seconds())


def recall_ticket(
    ticket: Ticket, *, counter: CounterState, centre: CentreConfig, now: datetime
) -> CallOutcome:
    """Announce a called ticket again; past the policy's recall limit it becomes a no-show."""
    now = as_utc(now)
    _require_held(ticket, counter, {TicketStatus.called}, "recall")
    if ticket.recalls >= centre.policy.recall_limit:
        ended = replace(ticket, status=TicketStatus.no_show, finished_at=now)
        event = ticket_event(EventType.ticket_no_show, ended, now, reason="recall_limit")
        return CallOutcome(ended, _free(counter), (event,))
    recalled = replace(ticket, recalls=ticket.recalls + 1)
    return CallOutcome(recalled, counter, (ticket_event(EventType.ticket_recalled, recalled, now),))


def start_serving(ticket: Ticket, *, counter: CounterState, now: datetime) -> CallOutcome:
    """Start serving the citizen who reached the counter (called -> serving)."""
    now = as_utc(now)
    _require_held(ticket, counter, {TicketStatus.called}, "start serving")
    serving = replace(ticket, status=TicketStatus.serving, serving_at=now)
    return CallOutcome(serving, counter, (ticket_event(EventType.ticket_serving, serving, now),))


def finish_ticket(
    ticket: Ticket, *, counter: CounterState, centre: CentreConfig, now: datetime
) -> CallOutcome:
    """Finish at this counter: `done`, or into the next stage's queue keeping arrival and number."""
    now = as_utc(now)
    _require_held(ticket, counter, {TicketStatus.called, TicketStatus.serving}, "finish")
    service = centre.service(ticket.service_code)
    if ticket.stage_index + 1 >= service.stage_count:
        done = replace(ticket, status=TicketStatus.done, finished_at=now)
        return CallOutcome(done, _free(counter), (ticket_event(EventType.ticket_done, done, now),))
    advanced = _requeued(
        ticket,
        service=service,
        stage_index=ticket.stage_index + 1,
        now=now,
        ready_at=now,
        target_counter=None,
        note=ticket.note,
    )
    event = ticket_event(
        EventType.ticket_stage_advanced,
        advanced,
        now,
        from_queue=ticket.queue_key,
        to_queue=advanced.queue_key,
        finished_by=counter.code,
    )
    return CallOutcome(advanced, _free(counter), (event,))


def mark_no_show(ticket: Ticket, *, counter: CounterState, now: datetime) -> CallOutcome:
    """Mark a called citizen who did not come (called -> no_show); frees the counter."""
    now = as_utc(now)
    _require_held(ticket, counter, {TicketStatus.called}, "mark as no-show")
    ended = replace(ticket, status=TicketStatus.no_show, finished_at=now)
    event = ticket_event(EventType.ticket_no_show, ended, now, reason="marked")
    return CallOutcome(ended, _free(counter), (event,))


def cancel_ticket(ticket: Ticket, *, now: datetime, reason: str) -> TicketOutcome:
    """Withdraw a waiting ticket (a called one ends at its counter: no-show, finish, transfer)."""
    now = as_utc(now)
    if ticket.status != TicketStatus.waiting:
        raise _refuse(ticket, "cancel")
    cancelled = replace(ticket, status=TicketStatus.cancelled, finished_at=now, note=reason)
    event = ticket_event(EventType.ticket_cancelled, cancelled, now, reason=reason)
    return TicketOutcome(cancelled, (event,))


def transfer_ticket(
    ticket: Ticket,
    *,
    counter: CounterState | None,
    centre: CentreConfig,
    now: datetime,
    to_service: str | None = None,
    to_stage: int | None = None,
    to_counter: str | None = None,
    note: str | None = None,
) -> CallOutcome:
    """Send a ticket to another queue and/or a specific counter; it waits there from `now`.

    The ticket keeps its number, arrival time, source and priority. `to_service` None keeps
    the service; `to_stage` None means stage 0 of another service or the current stage of
    the same one. A called or serving ticket must be held by `counter`, which is freed.
    """
    now = as_utc(now)
    if ticket.status in HELD_STATUSES:
        if counter is None:
            raise QueueError(
                ErrorCode.ticket_not_held, f"ticket {ticket.number} is held by a counter"
            )
        _require_held(ticket, counter, set(HELD_STATUSES), "transfer")
    elif ticket.status != TicketStatus.waiting:
        raise _refuse(ticket, "transfer")
    service = centre.service(to_service if to_service is not None else ticket.service_code)
    if to_stage is None:
        to_stage = ticket.stage_index if service.code == ticket.service_code else 0
    if not 0 <= to_stage < service.stage_count:
        raise QueueError(
            ErrorCode.transfer_target_invalid, f"{service.code} has no stage {to_stage}"
        )
    queue_key = service.queue_key(to_stage)
    if to_counter is not None and not centre.counter(to_counter).serves(queue_key):
        raise QueueError(
            ErrorCode.transfer_target_invalid, f"counter {to_counter} does not serve {queue_key}"
        )
    moved = _requeued(
        ticket,
        service=service,
        stage_index=to_stage,
        now=now,
        ready_at=max(now, ticket.ready_at),
        target_counter=to_counter,
        note=note if note is not None else ticket.note,
    )
    event = ticket_event(
        EventType.ticket_transferred,
        moved,
        now,
        from_queue=ticket.queue_key,
        to_queue=queue_key,
        to_counter=to_counter,
        from_counter=ticket.counter if ticket.status in HELD_STATUSES else None,
    )
    if counter is not None and ticket.status in HELD_STATUSES:
        counter = _free(counter)
    return CallOutcome(moved, counter, (event,))


def move_waiting_ticket(
    ticket: Ticket, *, centre: CentreConfig, now: datetime, **target: Unpack["TransferTarget"]
) -> CallOutcome:
    """Move a waiting ticket to another queue or counter, as a manager does from the hall.

    A called or serving ticket is its counter's to move (`ticket_not_held`), an ended one cannot
    move (`invalid_transition`), and a move must name a service, a stage or a counter.
    """
    if all(target.get(key) is None for key in ("to_service", "to_stage", "to_counter")):
        raise QueueError(ErrorCode.transfer_target_invalid, "name a service, a stage or a counter")
    return transfer_ticket(ticket, counter=None, centre=centre, now=now, **target)


class TransferTarget(TypedDict, total=False):
    """Where a counter sends a ticket: a service, a stage, a counter (any of them), and a note."""

    to_service: str | None
    to_stage: int | None
    to_counter: str | None
    note: str | None


def transfer_by_counter(
    ticket: Ticket,
    *,
    counter: CounterState,
    centre: CentreConfig,
    now: datetime,
    **target: Unpack[TransferTarget],
) -> CallOutcome:
    """Transfer as a counter's staff do: the ticket it holds or a waiting one, to a named target.

    A ticket another counter holds is refused (`ticket_taken`), and so is a transfer naming no
    service, stage or counter (`transfer_target_invalid`).
    """
    if ticket.status in HELD_STATUSES and ticket.counter != counter.code:
        raise QueueError(
            ErrorCode.ticket_taken, f"ticket {ticket.number} is held by {ticket.counter}"
        )
    if all(target.get(key) is None for key in ("to_service", "to_stage", "to_counter")):
        raise QueueError(ErrorCode.transfer_target_invalid, "name a service, a stage or a counter")
    holder = counter if ticket.counter == counter.code else None
    return transfer_ticket(ticket, counter=holder, centre=centre, now=now, **target)
