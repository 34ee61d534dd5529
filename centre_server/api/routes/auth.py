"""Staff login (public: staff number + PIN), logout, and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from centre_core.wire import StaffLoginOut
from centre_server.api.context import server_context
from centre_server.api.deps import COUNTER_STAFF, ERROR_RESPONSES, HALL_AUDIENCE
from centre_server.api.roles import PUBLIC
from centre_server.auth import Principal
from centre_server.schemas import StaffLoginIn
from centre_server.services import staff_service

router = APIRouter(prefix="/api/v1/auth", tags=["auth"], responses=ERROR_RESPONSES)


@router.post("/staff", response_model=StaffLoginOut, dependencies=[Depends(PUBLIC)])
def login_staff(body: StaffLoginIn, request: Request) -> StaffLoginOut:
    """Log a member of staff in (at a counter, which opens); answer a session token."""
    login = staff_service.login(
        server_context(request), staff_number=body.staff_number, pin=body.pin, counter=body.counter
    )
    return StaffLoginOut(
        token=login.token,
        expires_at=login.expires_at,
        staff_number=login.staff_number,
        name=login.name,
        roles=sorted(login.roles),
        counter=login.counter,
    )


@router.post("/logout", status_code=204)
def logout(request: Request, principal: Annotated[Principal, Depends(COUNTER_STAFF)]) -> None:
    """End the staff session; a counter session closes its counter (which must hold nothing)."""
    staff_service.logout(server_context(request), principal=principal)


@router.get("/me")
def whoami(principal: Annotated[Principal, Depends(HALL_AUDIENCE)]) -> dict[str, object]:
    """Return who the token belongs to and its roles."""
    return {
        "kind": principal.kind,
        "id": principal.id,
        "name": principal.name,
        "roles": sorted(principal.roles),
        "counter": principal.counter,
    }
