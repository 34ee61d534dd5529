"""The national link as the centre sees it (managers, admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from centre_core.wire import LinkStatus
from centre_server.api.context import server_context
from centre_server.api.deps import ERROR_RESPONSES, MANAGERS
from centre_server.auth import Principal
from centre_server.services import sync_service

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)


@router.get("/sync", response_model=LinkStatus, tags=["sync"])
def sync_status(
    request: Request, _principal: Annotated[Principal, Depends(MANAGERS)]
) -> LinkStatus:
    """Return the national link: up or down, last seq, acknowledged, pending, lag, cursor."""
    context = server_context(request)
    return sync_service.link_status(context)
