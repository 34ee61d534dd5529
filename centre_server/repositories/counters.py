"""Counter state rows <-> `centre_core.counters.CounterState`."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Row, bindparam, select, update
from sqlalchemy.orm import Session

from centre_core.counters import CounterState
from centre_core.errors import ErrorCode, QueueError
from centre_server.db.tables import CounterRow
from centre_server.repositories.rows import column_values, field_names, from_row

COUNTERS = CounterRow.__table__
_BY_CODE = select(COUNTERS).where(COUNTERS.c.code == bindparam("counter_code"))
# The SET columns come from the parameters' names (every key but `counter_code`).
_UPDATE = update(COUNTERS).where(COUNTERS.c.code == bindparam("counter_code"))
_STATE_COLUMNS = tuple(name for name in field_names(CounterState) if name != "code")


def to_state(row: CounterRow | Row[Any]) -> CounterState:
    """Build the domain state of a counter row."""
    return from_row(CounterState, row)


def load(session: Session, code: str) -> CounterState:
    """Return a counter's domain state; raise `counter_not_found`."""
    row = session.connection().execute(_BY_CODE, {"counter_code": code}).first()
    if row is None:
        raise QueueError(ErrorCode.counter_not_found, f"no counter {code!r}")
    return to_state(row)


def save(session: Session, state: CounterState) -> None:
    """Write a counter's domain state back to its row."""
    _update(session, state.code, **column_values(state, _STATE_COLUMNS))


def set_staff(session: Session, code: str, staff_number: str) -> None:
    """Record who now works at a counter (a colleague taking it over), state unchanged."""
    _update(session, code, staff_number=staff_number)


def _update(session: Session, code: str, **values: Any) -> None:
    result = session.connection().execute(_UPDATE, {"counter_code": code, **values})
    if result.rowcount != 1:
        raise QueueError(ErrorCode.counter_not_found, f"no counter {code!r}")


def load_all(session: Session, *, codes: Collection[str]) -> list[CounterState]:
    """Return the states of these counters, by code.

    The centre file says which counters exist: a row left by a counter since removed from it
    is ignored.
    """
    rows = session.execute(select(*COUNTERS.columns).order_by(CounterRow.code))
    return [to_state(row) for row in rows if row.code in codes]
