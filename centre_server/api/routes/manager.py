"""The manager's actions: notices, a service's day, counters, tickets, staff accounts, audit."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from centre_core.wire import (
    AuditListOut,
    CounterCommandOut,
    CounterServicesOut,
    NoticeListOut,
    NoticeOut,
    PinResetOut,
    ServiceDayOut,
    StaffListOut,
    StaffOut,
    TicketStaffView,
)
from centre_server.api.context import server_context
from centre_server.api.deps import ACTING_MANAGER, ERROR_RESPONSES
from centre_server.auth import Principal
from centre_server.schemas import (
    CounterServicesIn,
    DailyCapIn,
    ManagerCommandIn,
    NoticePostIn,
    PinResetIn,
    ServiceCloseIn,
    TicketMoveIn,
)
from centre_server.services import (
    audit_service,
    counter_service,
    notice_service,
    queue_service,
    service_day_service,
    staff_service,
)

router = APIRouter(prefix="/api/v1", tags=["manager"], responses=ERROR_RESPONSES)

Manager = Annotated[Principal, Depends(ACTING_MANAGER)]
PathCode = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$")]
PathId = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9]+$")]


@router.get("/audit", response_model=AuditListOut)
def audit(
    request: Request, _manager: Manager, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> AuditListOut:
    """Return the newest audit records (who did what), newest first."""
    return audit_service.recent(server_context(request), limit=limit)


@router.get("/notices", response_model=NoticeListOut)
def notices(request: Request, _manager: Manager) -> NoticeListOut:
    """Return the notices shown now."""
    return notice_service.current_notices(server_context(request))


@router.post("/notices", response_model=NoticeOut, status_code=201)
def post_notice(body: NoticePostIn, request: Request, manager: Manager) -> NoticeOut:
    """Post a notice for a service (or the whole centre) -> `service.notice_posted`."""
    return notice_service.post_notice(
        server_context(request),
        actor=audit_service.actor_of(manager),
        text_en=body.text_en,
        text_sw=body.text_sw,
        service_code=body.service_code,
        ends_at=body.ends_at,
        request_id=body.request_id,
    )


@router.post("/notices/{notice_id}/clear", response_model=NoticeOut)
def clear_notice(
    notice_id: PathId, body: ManagerCommandIn, request: Request, manager: Manager
) -> NoticeOut:
    """Take a notice down -> `service.notice_cleared`."""
    return notice_service.clear_notice(
        server_context(request),
        actor=audit_service.actor_of(manager),
        notice_id=notice_id,
        request_id=body.request_id,
    )


@router.post("/services/{service_code}/close-today", response_model=ServiceDayOut)
def close_service(
    service_code: PathCode, body: ServiceCloseIn, request: Request, manager: Manager
) -> ServiceDayOut:
    """Close a service for the rest of today -> `service.closed_today`."""
    return service_day_service.close_for_today(
        server_context(request),
        actor=audit_service.actor_of(manager),
        service_code=service_code,
        reason=body.reason,
        request_id=body.request_id,
    )


@router.post("/services/{service_code}/reopen", response_model=ServiceDayOut)
def reopen_service(
    service_code: PathCode, body: ManagerCommandIn, request: Request, manager: Manager
) -> ServiceDayOut:
    """Open again a service closed for today -> `service.reopened`."""
    return service_day_service.reopen(
        server_context(request),
        actor=audit_service.actor_of(manager),
        service_code=service_code,
        request_id=body.request_id,
    )


@router.post("/services/{service_code}/daily-cap", response_model=ServiceDayOut)
def set_daily_cap(
    service_code: PathCode, body: DailyCapIn, request: Request, manager: Manager
) -> ServiceDayOut:
    """Cap today's tickets of a service (null: the centre file's cap) -> `service.cap_set`."""
    return service_day_service.set_daily_cap(
        server_context(request),
        actor=audit_service.actor_of(manager),
        service_code=service_code,
        cap=body.cap,
        request_id=body.request_id,
    )


@router.post("/counters/{counter}/open", response_model=CounterCommandOut)
def open_counter(
    counter: PathCode, body: ManagerCommandIn, request: Request, manager: Manager
) -> CounterCommandOut:
    """Open a closed counter -> `counter.opened`."""
    return counter_service.open_counter(
        server_context(request),
        actor=audit_service.actor_of(manager),
        counter_code=counter,
        request_id=body.request_id,
    )


@router.post("/counters/{counter}/close", response_model=CounterCommandOut)
def close_counter(
    counter: PathCode, body: ManagerCommandIn, request: Request, manager: Manager
) -> CounterCommandOut:
    """Close a counter that holds no ticket -> `counter.closed`."""
    return counter_service.close_counter(
        server_context(request),
        actor=audit_service.actor_of(manager),
        counter_code=counter,
        request_id=body.request_id,
    )


@router.post("/counters/{counter}/services", response_model=CounterServicesOut)
def set_counter_services(
    counter: PathCode, body: CounterServicesIn, request: Request, manager: Manager
) -> CounterServicesOut:
    """Change the queues a counter serves for the rest of today -> `counter.services_changed`."""
    return counter_service.set_counter_services(
        server_context(request),
        actor=audit_service.actor_of(manager),
        counter_code=counter,
        services=body.services,
        request_id=body.request_id,
    )


@router.post("/tickets/{ticket_id}/move", response_model=TicketStaffView)
def move_ticket(
    ticket_id: PathId, body: TicketMoveIn, request: Request, manager: Manager
) -> TicketStaffView:
    """Move a waiting ticket to another service, stage or counter -> `ticket.transferred`."""
    return queue_service.move_ticket(
        server_context(request),
        actor=audit_service.actor_of(manager),
        ticket_id=ticket_id,
        request_id=body.request_id,
        to_service=body.to_service,
        to_stage=body.to_stage,
        to_counter=body.to_counter,
        note=body.note,
    )


@router.get("/staff", response_model=StaffListOut)
def list_staff(request: Request, _manager: Manager) -> StaffListOut:
    """List the staff accounts with their lockout state."""
    return staff_service.list_staff(server_context(request))


@router.post("/staff/{staff_number}/unlock", response_model=StaffOut)
def unlock_staff(staff_number: PathCode, request: Request, manager: Manager) -> StaffOut:
    """Clear a staff account's failed attempts and lockout."""
    return staff_service.unlock_staff(
        server_context(request), actor=audit_service.actor_of(manager), staff_number=staff_number
    )


@router.post("/staff/{staff_number}/reset-pin", response_model=PinResetOut)
def reset_pin(
    staff_number: PathCode, body: PinResetIn, request: Request, manager: Manager
) -> PinResetOut:
    """Set a new PIN (the centre's, shown once, when none is given); end the account's sessions."""
    return staff_service.reset_pin(
        server_context(request),
        actor=audit_service.actor_of(manager),
        staff_number=staff_number,
        pin=body.pin,
    )
