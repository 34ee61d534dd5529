"""The kiosk's routes: service menu, walk-in tickets, appointments and check-in."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from centre_core.wire import (
    AppointmentImportOut,
    AppointmentListOut,
    CheckInOut,
    ServicesOut,
    TicketPublic,
)
from centre_server.api.context import server_context
from centre_server.api.deps import (
    ADMINS,
    ERROR_RESPONSES,
    HALL_AUDIENCE,
    ISSUERS,
    MANAGERS,
    VOIDERS,
)
from centre_server.api.offload import answer
from centre_server.auth import Principal, Role
from centre_server.schemas import AppointmentImportIn, CancelIn, CheckInIn, TicketIssueIn
from centre_server.services import appointment_service, audit_service, hall_service, queue_service

router = APIRouter(prefix="/api/v1", responses=ERROR_RESPONSES)


@router.get(
    "/services", response_model=ServicesOut, dependencies=[Depends(HALL_AUDIENCE)], tags=["kiosk"]
)
def list_services(request: Request) -> ServicesOut:
    """List the services with waiting counts and estimated waits, and the priority categories."""
    return hall_service.services_menu(server_context(request))


@router.post(
    "/tickets",
    response_model=TicketPublic,
    status_code=201,
    dependencies=[Depends(ISSUERS)],
    tags=["kiosk"],
)
async def issue_ticket(body: TicketIssueIn, request: Request) -> Response:
    """Issue a walk-in ticket (idempotent by `request_id`)."""
    context = server_context(request)
    return await answer(
        request,
        lambda: queue_service.issue_ticket(
            context,
            service_code=body.service_code,
            priority=body.priority,
            phone=body.phone,
            request_id=body.request_id,
        ),
        status_code=201,
    )


@router.post(
    "/tickets/{ticket_id}/cancel",
    response_model=TicketPublic,
    tags=["kiosk"],
)
def cancel_ticket(
    ticket_id: Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9]+$")],
    body: CancelIn,
    request: Request,
    principal: Annotated[Principal, Depends(VOIDERS)],
) -> TicketPublic:
    """Withdraw a waiting ticket: a slip that could not be printed, a citizen who left.

    A manager's cancellation is on the audit trail.
    """
    managing = Role.manager in principal.roles
    return queue_service.cancel_ticket(
        server_context(request),
        ticket_id=ticket_id,
        reason=body.reason,
        request_id=body.request_id,
        actor=audit_service.actor_of(principal) if managing else None,
    )


@router.post(
    "/appointments/check-in",
    response_model=CheckInOut,
    status_code=201,
    dependencies=[Depends(ISSUERS)],
    tags=["kiosk"],
)
def check_in(body: CheckInIn, request: Request) -> CheckInOut:
    """Check in by booking reference or phone; issue the appointment's ticket."""
    return appointment_service.check_in(
        server_context(request),
        reference=body.reference,
        phone=body.phone,
        request_id=body.request_id,
    )


@router.post(
    "/appointments/import",
    response_model=AppointmentImportOut,
    dependencies=[Depends(ADMINS)],
    tags=["appointments"],
)
def import_appointments(body: AppointmentImportIn, request: Request) -> AppointmentImportOut:
    """Create or update appointments by reference (until the national feed arrives)."""
    return appointment_service.import_appointments(
        server_context(request), appointments=body.appointments
    )


@router.get(
    "/appointments",
    response_model=AppointmentListOut,
    dependencies=[Depends(MANAGERS)],
    tags=["appointments"],
)
def list_appointments(
    request: Request, day: Annotated[dt.date | None, Query()] = None
) -> AppointmentListOut:
    """List a day's appointments (today by default), phone and ID numbers masked."""
    return appointment_service.list_appointments(server_context(request), day=day)
