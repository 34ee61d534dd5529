"""Counter state rows <-> `centre_core.counters.CounterState`."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from centre_core.counters import CounterState
from centre_core.errors import ErrorCode, QueueError
from centre_server.db.tables import CounterRow


def to_state(row: CounterRow | Row[Any]) -> CounterState:
    """Build the domain state of a counter row."""
    return CounterState(
        code=row.code,
        status=row.status,
        staff_number=row.staff_number,
        current_ticket_id=row.current_ticket_id,
        normal_streak=row.normal_streak,
        pause_reason=row.pause_reason,
        status_since=row.status_since,
        passover_anchor=row.passover_anchor,
        passover_count=row.passover_count,
    )


def get_row(session: Session, code: str) -> CounterRow:
    """Return a counter's row; raise `counter_not_found`."""
    row = session.get(CounterRow, code)
    if row is None:
        raise QueueError(ErrorCode.counter_not_found, f"no counter {code!r}")
    return row


def load(session: Session, code: str) -> CounterState:
    """Return a counter's domain state; raise `counter_not_found`."""
    return to_state(get_row(session, code))


def save(session: Session, state: CounterState) -> None:
    """Write a counter's domain state back to its row."""
    row = get_row(session, state.code)
    row.status = str(state.status)
    row.staff_number = state.staff_number
    row.current_ticket_id = state.current_ticket_id
    row.normal_streak = state.normal_streak
    row.pause_reason = state.pause_reason
    row.status_since = state.status_since
    row.passover_anchor = state.passover_anchor
    row.passover_count = state.passover_count


def load_all(session: Session, *, codes: Collection[str]) -> list[CounterState]:
    """Return the states of these counters, by code.

    The centre file says which counters exist: a row left by a counter since removed from it
    is ignored.
    """
    rows = session.execute(select(*CounterRow.__table__.columns).order_by(CounterRow.code))
    return [to_state(row) for row in rows if row.code in codes]
