"""What a member of staff at a counter sees about their own day."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from centre_core.wire import StaffFiguresOut
from centre_server.api.context import server_context
from centre_server.api.deps import COUNTER_SESSION, ERROR_RESPONSES
from centre_server.auth import Principal
from centre_server.services import figures_service

router = APIRouter(prefix="/api/v1/staff", tags=["staff"], responses=ERROR_RESPONSES)


@router.get("/me/figures", response_model=StaffFiguresOut)
def my_figures(
    request: Request, principal: Annotated[Principal, Depends(COUNTER_SESSION)]
) -> StaffFiguresOut:
    """Return the session's staff member's figures for the centre-local day."""
    return figures_service.staff_figures(server_context(request), staff_number=principal.id)
