"""Alerts kept: raised when a rule of `centre_core.alerts` first holds, cleared when it stops.

`evaluate` runs every few seconds and after events (`centre_server/alert_worker.py`); each
change is an `alert.*` event, so the manager page and any other screen hear it live. A manager
acknowledges an alert (it stays until its cause is gone), on the audit trail.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select

from centre_core import alerts
from centre_core.clock import business_day
from centre_core.errors import QueueError, ServerErrorCode
from centre_core.events import DomainEvent, EventType
from centre_core.wire import AlertListOut, AlertOut
from centre_server.context import ServerContext
from centre_server.db.tables import AlertRow, CounterRow, ServiceTimeRow, TicketRow
from centre_server.services import audit_service, hall_service


def _out(row: AlertRow) -> AlertOut:
    return AlertOut(
        alert_id=row.id,
        kind=row.kind,
        subject=row.subject,
        detail=row.detail,
        raised_at=row.raised_at,
        cleared_at=row.cleared_at,
        acknowledged_at=row.acknowledged_at,
        acknowledged_by=row.acknowledged_by,
    )


def _event(kind: EventType, row: AlertRow, at: datetime) -> DomainEvent:
    return DomainEvent(type=kind, at=at, data=_out(row).model_dump(mode="json"))


def _idle_since(context: ServerContext) -> dict[str, datetime]:
    """Return, per open counter holding nobody, its last call, finish or opening."""
    today = business_day(context.now(), timezone=context.centre.timezone)
    with context.db.read() as session:
        idle = {
            code: since
            for code, since in session.execute(
                select(CounterRow.code, CounterRow.status_since).where(
                    CounterRow.status == "open", CounterRow.current_ticket_id.is_(None)
                )
            )
            if since is not None
        }
        calls = session.execute(
            select(TicketRow.counter, func.max(TicketRow.called_at))
            .where(TicketRow.business_day == today, TicketRow.counter.in_(idle))
            .group_by(TicketRow.counter)
        )
        finishes = session.execute(
            select(ServiceTimeRow.counter, func.max(ServiceTimeRow.finished_at))
            .where(ServiceTimeRow.counter.in_(idle))
            .group_by(ServiceTimeRow.counter)
        )
        for code, moment in [*calls, *finishes]:
            if code in idle and moment is not None and moment > idle[code]:
                idle[code] = moment
    return idle


def evaluate(context: ServerContext) -> int:
    """Raise the alerts whose condition holds now, clear those whose condition is gone.

    Returns how many alerts were raised or cleared.
    """
    snapshot = hall_service.hall_snapshot(context, include_devices=True)
    holding = {
        condition.key: condition
        for condition in alerts.conditions(
            snapshot,
            centre=context.centre,
            thresholds=context.centre.alerts,
            idle_since=_idle_since(context),
            linked=context.settings.national_url is not None,
        )
    }
    with context.db.read() as session:
        held = {
            (kind, subject)
            for kind, subject in session.execute(
                select(AlertRow.kind, AlertRow.subject).where(AlertRow.cleared_at.is_(None))
            )
        }
    if held == set(holding):
        return 0  # nothing raised or cleared: no write, no lock
    now = context.now()
    with context.db.write() as transaction:
        session = transaction.session
        open_rows = {
            (row.kind, row.subject): row
            for row in session.scalars(select(AlertRow).where(AlertRow.cleared_at.is_(None)))
        }
        changes = []
        for key, row in open_rows.items():
            if key not in holding:
                row.cleared_at = now
                changes.append(_event(EventType.alert_cleared, row, now))
        for key, condition in holding.items():
            if key in open_rows:
                continue
            # Raised when the condition began, where the rule can tell (a wait that crossed
            # its target ten minutes ago was over target ten minutes ago).
            since = condition.since if condition.since is not None else now
            row = AlertRow(
                id=uuid.uuid4().hex,
                kind=str(condition.kind),
                subject=condition.subject,
                detail=dict(condition.detail),
                raised_at=min(since, now),
                cleared_at=None,
                acknowledged_at=None,
                acknowledged_by=None,
            )
            session.add(row)
            changes.append(_event(EventType.alert_raised, row, now))
        session.flush()
        transaction.append(changes)
    return len(changes)


def open_alerts(context: ServerContext) -> AlertListOut:
    """Return the alerts open now, oldest first."""
    with context.db.read() as session:
        rows = session.scalars(
            select(AlertRow).where(AlertRow.cleared_at.is_(None)).order_by(AlertRow.raised_at)
        )
        return AlertListOut(alerts=[_out(row) for row in rows])


def acknowledge(context: ServerContext, *, actor: str, alert_id: str) -> AlertOut:
    """Mark an open alert as seen by a manager (it clears itself when its cause is gone)."""
    now = context.now()
    with context.db.write() as transaction:
        row = transaction.session.get(AlertRow, alert_id)
        if row is None:
            raise QueueError(ServerErrorCode.alert_not_found, f"no alert {alert_id}")
        if row.cleared_at is None and row.acknowledged_at is None:
            row.acknowledged_at, row.acknowledged_by = now, actor
            transaction.session.flush()
            transaction.append([_event(EventType.alert_acknowledged, row, now)])
            audit_service.record(
                transaction, at=now, actor=actor, action="alert.acknowledge", target=row.id
            )
        return _out(row)
