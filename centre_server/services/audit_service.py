"""The audit trail of managers' actions: written in each action's transaction, read newest first."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select

from centre_core.wire import AuditListOut, AuditRecordOut
from centre_server.auth import Principal
from centre_server.context import ServerContext
from centre_server.db.tables import AuditRow
from centre_server.db.transactions import WriteTransaction

AUDIT = AuditRow.__table__
CLI_ACTOR = "cli"
RECENT_LIMIT = 500


def actor_of(principal: Principal) -> str:
    """Return who a caller is on the audit trail: a staff number, or `device:<id>`."""
    return principal.id if principal.kind == "staff" else f"device:{principal.id}"


def record(
    transaction: WriteTransaction,
    *,
    at: datetime,
    actor: str,
    action: str,
    target: str,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Write one audit record in the action's own transaction (it commits or fails with it)."""
    transaction.connection.execute(
        insert(AUDIT).values(
            at=at, actor=actor, action=action, target=target, detail=dict(detail or {})
        )
    )


def recent(context: ServerContext, *, limit: int = 50) -> AuditListOut:
    """Return the newest audit records, newest first."""
    query = select(AuditRow).order_by(AuditRow.id.desc()).limit(min(limit, RECENT_LIMIT))
    with context.db.read() as session:
        records = [
            AuditRecordOut(
                id=row.id,
                at=row.at,
                actor=row.actor,
                action=row.action,
                target=row.target,
                detail=row.detail,
            )
            for row in session.scalars(query)
        ]
    return AuditListOut(records=records)
