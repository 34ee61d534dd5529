"""The hall snapshot (displays, managers) and device status reports (kiosks, displays)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from centre_core.wire import DeviceStatusOut, HallSnapshot
from centre_server.api.context import server_context
from centre_server.api.deps import DEVICES, ERROR_RESPONSES, HALL_AUDIENCE
from centre_server.auth import Principal, Role
from centre_server.schemas import DeviceStatusIn
from centre_server.services import device_service, hall_service

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)


@router.get("/hall", response_model=HallSnapshot, tags=["hall"])
def hall(request: Request, principal: Annotated[Principal, Depends(HALL_AUDIENCE)]) -> HallSnapshot:
    """Return the hall: waiting per service, longest wait, counters, calls (devices: managers)."""
    managing = not principal.roles.isdisjoint({Role.manager, Role.admin})
    return hall_service.hall_snapshot(server_context(request), include_devices=managing)


@router.post("/devices/status", response_model=DeviceStatusOut, tags=["devices"])
def device_status(
    body: DeviceStatusIn, request: Request, principal: Annotated[Principal, Depends(DEVICES)]
) -> DeviceStatusOut:
    """Record the calling device's state (e.g. its printer ran out of paper)."""
    seq = device_service.report_status(
        server_context(request),
        principal=principal,
        status=body.model_dump(mode="json", exclude_none=True),
    )
    return DeviceStatusOut(seq=seq)
