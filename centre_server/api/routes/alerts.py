"""Alerts for scripts and other screens: the open ones, and acknowledging one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from centre_core.wire import AlertListOut, AlertOut
from centre_server.api.context import server_context
from centre_server.api.deps import ACTING_MANAGER, ERROR_RESPONSES, MANAGERS
from centre_server.auth import Principal
from centre_server.services import alert_service, audit_service

router = APIRouter(prefix="/api/v1/alerts", tags=["alerts"], responses=ERROR_RESPONSES)
AlertId = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[0-9a-f]+$")]


@router.get("", response_model=AlertListOut, dependencies=[Depends(MANAGERS)])
def open_alerts(request: Request) -> AlertListOut:
    """Return the alerts open now, oldest first (also sent as `alert.*` events)."""
    return alert_service.open_alerts(server_context(request))


@router.post("/{alert_id}/acknowledge", response_model=AlertOut)
def acknowledge(
    alert_id: AlertId,
    request: Request,
    manager: Annotated[Principal, Depends(ACTING_MANAGER)],
) -> AlertOut:
    """Mark an alert as seen; it stays until its cause is gone (on the audit trail)."""
    return alert_service.acknowledge(
        server_context(request), actor=audit_service.actor_of(manager), alert_id=alert_id
    )
