"""Counter state (open, paused, closed; the ticket it holds; policy bookkeeping) and its moves."""

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from centre_core.clock import as_utc
from centre_core.errors import ErrorCode, QueueError
from centre_core.events import DomainEvent, EventType


class CounterStatus(StrEnum):
    """Whether staff are at the counter and calling."""

    closed = "closed"
    open = "open"
    paused = "paused"


@dataclass(frozen=True)
class CounterState:
    """The live state of one counter.

    `normal_streak` and the two `passover_*` fields are the calling policy's memory (see
    `centre_core.policy`); the server stores them with the counter and passes them back.
    """

    code: str
    status: CounterStatus = CounterStatus.closed
    staff_number: str | None = None
    current_ticket_id: str | None = None
    normal_streak: int = 0
    pause_reason: str | None = None
    status_since: datetime | None = None
    passover_anchor: datetime | None = None
    passover_count: int = 0

    def __post_init__(self) -> None:
        # Accept the plain strings a database row holds.
        object.__setattr__(self, "status", CounterStatus(self.status))


@dataclass(frozen=True)
class CounterOutcome:
    """A counter's new state and the events of the change."""

    counter: CounterState
    events: tuple[DomainEvent, ...]


def _event(kind: EventType, state: CounterState, now: datetime, **extra: object) -> DomainEvent:
    data = {"counter": state.code, "status": str(state.status), **extra}
    return DomainEvent(type=kind, at=now, data=data)


def _refuse_if_busy(state: CounterState, action: str) -> None:
    if state.current_ticket_id is not None:
        raise QueueError(
            ErrorCode.counter_busy,
            f"counter {state.code} holds {state.current_ticket_id}: end it before {action}",
        )


def open_counter(state: CounterState, *, staff_number: str | None, now: datetime) -> CounterOutcome:
    """Open a closed counter: staff sign in there, or a manager opens it (no staff yet)."""
    now = as_utc(now)
    if state.status != CounterStatus.closed:
        raise QueueError(ErrorCode.invalid_transition, f"counter {state.code} is {state.status}")
    new = replace(
        state,
        status=CounterStatus.open,
        staff_number=staff_number,
        pause_reason=None,
        status_since=now,
    )
    return CounterOutcome(new, (_event(EventType.counter_opened, new, now),))


def pause_counter(state: CounterState, *, reason: str, now: datetime) -> CounterOutcome:
    """Stop calling for a while (break, system down); the counter must hold no ticket."""
    now = as_utc(now)
    if state.status == CounterStatus.closed:
        raise QueueError(ErrorCode.counter_closed, f"counter {state.code} is closed")
    if state.status == CounterStatus.paused:
        raise QueueError(ErrorCode.invalid_transition, f"counter {state.code} is already paused")
    _refuse_if_busy(state, "pausing")
    new = replace(state, status=CounterStatus.paused, pause_reason=reason, status_since=now)
    return CounterOutcome(new, (_event(EventType.counter_paused, new, now, reason=reason),))


def resume_counter(state: CounterState, *, now: datetime) -> CounterOutcome:
    """Start calling again after a pause."""
    now = as_utc(now)
    if state.status != CounterStatus.paused:
        raise QueueError(ErrorCode.invalid_transition, f"counter {state.code} is {state.status}")
    new = replace(state, status=CounterStatus.open, pause_reason=None, status_since=now)
    return CounterOutcome(new, (_event(EventType.counter_resumed, new, now),))


def close_counter(state: CounterState, *, now: datetime) -> CounterOutcome:
    """Staff sign out; the counter must hold no ticket. Policy memory is kept."""
    now = as_utc(now)
    if state.status == CounterStatus.closed:
        raise QueueError(ErrorCode.invalid_transition, f"counter {state.code} is already closed")
    _refuse_if_busy(state, "closing")
    new = replace(
        state, status=CounterStatus.closed, staff_number=None, pause_reason=None, status_since=now
    )
    return CounterOutcome(new, (_event(EventType.counter_closed, new, now),))


def require_ready_to_call(state: CounterState) -> None:
    """Raise unless the counter is open and holds no ticket."""
    if state.status == CounterStatus.closed:
        raise QueueError(ErrorCode.counter_closed, f"counter {state.code} is closed")
    if state.status == CounterStatus.paused:
        raise QueueError(ErrorCode.counter_paused, f"counter {state.code} is paused")
    _refuse_if_busy(state, "calling another")
