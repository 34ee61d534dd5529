"""The manager page's actions: forms that call the same service functions as the API.

Every form posts with the session's CSRF token and lands back on `/manage/actions` (303), which
says what was done; a refusal is shown on the page with its code's words and status. Each
action is a normal command: its event, its audit record, its idempotency where it has one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from centre_core.clock import business_day, local_time
from centre_core.errors import STATUS_BY_CODE, QueueError, ServerErrorCode
from centre_server.api.context import server_context
from centre_server.context import ServerContext
from centre_server.db.tables import TicketRow
from centre_server.services import (
    audit_service,
    counter_service,
    hall_service,
    notice_service,
    queue_service,
    service_day_service,
    staff_service,
)
from centre_server.web.pages import Manager, language_of, page_response, render
from centre_server.web.session import MANAGE_PATH, ManagerSession
from translations.messages import N_

router = APIRouter(include_in_schema=False)
ACTIONS = f"{MANAGE_PATH}/actions"
Code = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$")]
Text = Annotated[str, Form(max_length=400)]
DONE = {
    "notice_posted": N_("The notice is posted."),
    "notice_cleared": N_("The notice is cleared."),
    "service_closed": N_("The service is closed for today."),
    "service_reopened": N_("The service is open again."),
    "cap_set": N_("Today's cap is set."),
    "counter_opened": N_("The counter is open."),
    "counter_closed": N_("The counter is closed."),
    "counter_services": N_("The counter serves its new services from its next call."),
    "staff_unlocked": N_("The account is unlocked."),
    "ticket_moved": N_("The ticket is moved."),
    "ticket_cancelled": N_("The ticket is cancelled."),
}


def _page(
    request: Request,
    session: ManagerSession,
    *,
    error: QueueError | None = None,
    new_pin: tuple[str, str] | None = None,
) -> HTMLResponse:
    context = server_context(request)
    language = language_of(request)
    done = DONE.get(request.query_params.get("done", ""))
    zone = context.centre.timezone

    def clock(moment: datetime | None) -> str:
        return "" if moment is None else local_time(moment, timezone=zone).strftime("%H:%M")

    body = render(
        "actions.html",
        language=language,
        centre=context.centre.name,
        staff=session.principal.name,
        csrf=session.csrf,
        centre_config=context.centre,
        menu=hall_service.services_menu(context),
        notices=notice_service.current_notices(context).notices,
        hall=hall_service.hall_snapshot(context),
        accounts=staff_service.list_staff(context).staff,
        done=None if done is None else done.say(language),
        error=error,
        new_pin=new_pin,
        clock=clock,
    )
    status = STATUS_BY_CODE.get(error.code, 400) if error is not None else 200
    return page_response(request, body, status_code=status)


async def _act(
    request: Request, session: ManagerSession, done: str, action: Callable[[], Any]
) -> Response:
    """Run an action; land back on the actions page saying it was done, or why not."""
    try:
        await run_in_threadpool(action)
    except QueueError as error:
        return await run_in_threadpool(_page, request, session, error=error)
    return RedirectResponse(f"{ACTIONS}?done={done}", status_code=303)


def _actor(session: ManagerSession) -> str:
    return audit_service.actor_of(session.principal)


def _today_ticket(context: ServerContext, number: str) -> str:
    """Return the id of today's ticket with this number (as on the slip, e.g. B-014)."""
    today = business_day(context.now(), timezone=context.centre.timezone)
    with context.db.read() as session:
        found = session.scalar(
            select(TicketRow.id).where(
                TicketRow.business_day == today, TicketRow.number == number.strip().upper()
            )
        )
    if found is None:
        raise QueueError(ServerErrorCode.not_found, f"no ticket {number} today")
    return found


def _ends_at(context: ServerContext, text: str) -> datetime | None:
    """Return today's centre-local HH:MM as an instant (blank: until cleared)."""
    if not text.strip():
        return None
    try:
        at = time.fromisoformat(text.strip())
    except ValueError:
        raise QueueError(ServerErrorCode.invalid_request, "ends at: a time (HH:MM)") from None
    now = local_time(context.now(), timezone=context.centre.timezone)
    return datetime.combine(now.date(), at, tzinfo=now.tzinfo)


@router.get(ACTIONS, response_class=HTMLResponse)
async def actions_page(request: Request, session: Manager) -> Response:
    """Show the actions: notices, today's services, counters, staff accounts, tickets."""
    return await run_in_threadpool(_page, request, session)


@router.post(f"{ACTIONS}/notices")
async def post_notice(
    request: Request,
    session: Manager,
    text_en: Text,
    text_sw: Text = "",
    service_code: Annotated[str, Form(max_length=32)] = "",
    ends_at: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """Post a notice for a service or the whole centre (kiosk tiles and boards show it)."""
    context = server_context(request)
    return await _act(
        request,
        session,
        "notice_posted",
        lambda: notice_service.post_notice(
            context,
            actor=_actor(session),
            text_en=text_en,
            text_sw=text_sw or None,
            service_code=service_code or None,
            ends_at=_ends_at(context, ends_at),
        ),
    )


@router.post(f"{ACTIONS}/notices/{{notice_id}}/clear")
async def clear_notice(request: Request, session: Manager, notice_id: Code) -> Response:
    """Take a notice down."""
    context = server_context(request)
    return await _act(
        request,
        session,
        "notice_cleared",
        lambda: notice_service.clear_notice(context, actor=_actor(session), notice_id=notice_id),
    )


@router.post(f"{ACTIONS}/services/{{code}}/close")
async def close_service(
    request: Request, session: Manager, code: Code, reason: Annotated[str, Form(max_length=200)]
) -> Response:
    """Close a service for the rest of today, with the reason the kiosk shows."""
    context = server_context(request)
    return await _act(
        request,
        session,
        "service_closed",
        lambda: service_day_service.close_for_today(
            context, actor=_actor(session), service_code=code, reason=reason
        ),
    )


@router.post(f"{ACTIONS}/services/{{code}}/reopen")
async def reopen_service(request: Request, session: Manager, code: Code) -> Response:
    """Open a service closed for today again."""
    context = server_context(request)
    return await _act(
        request,
        session,
        "service_reopened",
        lambda: service_day_service.reopen(context, actor=_actor(session), service_code=code),
    )


@router.post(f"{ACTIONS}/services/{{code}}/cap")
async def set_cap(
    request: Request, session: Manager, code: Code, cap: Annotated[str, Form(max_length=6)] = ""
) -> Response:
    """Set today's cap of walk-in tickets (blank: the centre file's)."""
    context = server_context(request)

    def run() -> object:
        if cap.strip() and not cap.strip().isdigit():
            raise QueueError(ServerErrorCode.invalid_request, "cap: a whole number, or blank")
        value = int(cap) if cap.strip() else None
        return service_day_service.set_daily_cap(
            context, actor=_actor(session), service_code=code, cap=value
        )

    return await _act(request, session, "cap_set", run)


@router.post(f"{ACTIONS}/counters/{{code}}/open")
async def open_counter(request: Request, session: Manager, code: Code) -> Response:
    """Open a counter."""
    context = server_context(request)
    return await _act(
        request,
        session,
        "counter_opened",
        lambda: counter_service.open_counter(context, actor=_actor(session), counter_code=code),
    )


@router.post(f"{ACTIONS}/counters/{{code}}/close")
async def close_counter(request: Request, session: Manager, code: Code) -> Response:
    """Close a counter (refused while it holds a ticket)."""
    context = server_context(request)
    return await _act(
        request,
        session,
        "counter_closed",
        lambda: counter_service.close_counter(context, actor=_actor(session), counter_code=code),
    )


@router.post(f"{ACTIONS}/counters/{{code}}/services")
async def counter_services(request: Request, session: Manager, code: Code) -> Response:
    """Change what a counter serves for the rest of today (ticked services, their weights)."""
    context = server_context(request)
    form = await request.form()
    chosen = [str(value) for value in form.getlist("service")]

    def run() -> object:
        current = context.centre.counter(code).services
        services = {selector: current.get(selector, 1) for selector in chosen}
        return counter_service.set_counter_services(
            context, actor=_actor(session), counter_code=code, services=services
        )

    return await _act(request, session, "counter_services", run)


@router.post(f"{ACTIONS}/staff/{{number}}/unlock")
async def unlock(request: Request, session: Manager, number: Code) -> Response:
    """Unlock a staff account locked after wrong PINs."""
    context = server_context(request)
    return await _act(
        request,
        session,
        "staff_unlocked",
        lambda: staff_service.unlock_staff(context, actor=_actor(session), staff_number=number),
    )


@router.post(f"{ACTIONS}/staff/{{number}}/reset-pin", response_class=HTMLResponse)
async def reset_pin(request: Request, session: Manager, number: Code) -> Response:
    """Give an account a new PIN, shown once on this page (never in a link or a log)."""
    context = server_context(request)
    try:
        result = await run_in_threadpool(
            lambda: staff_service.reset_pin(context, actor=_actor(session), staff_number=number)
        )
    except QueueError as error:
        return await run_in_threadpool(_page, request, session, error=error)
    # No PIN given, so the centre chose one: it is in the answer, this once.
    assert result.pin is not None
    return await run_in_threadpool(_page, request, session, new_pin=(number, result.pin))


@router.post(f"{ACTIONS}/tickets/move")
async def move_ticket(
    request: Request,
    session: Manager,
    number: Annotated[str, Form(max_length=16)],
    to_service: Annotated[str, Form(max_length=32)],
) -> Response:
    """Move a waiting ticket of today to another service's queue."""
    context = server_context(request)
    return await _act(
        request,
        session,
        "ticket_moved",
        lambda: queue_service.move_ticket(
            context,
            actor=_actor(session),
            ticket_id=_today_ticket(context, number),
            to_service=to_service,
        ),
    )


@router.post(f"{ACTIONS}/tickets/cancel")
async def cancel_ticket(
    request: Request,
    session: Manager,
    number: Annotated[str, Form(max_length=16)],
    reason: Annotated[str, Form(max_length=200)],
) -> Response:
    """Cancel a waiting ticket of today, with the reason (on the audit trail)."""
    context = server_context(request)
    return await _act(
        request,
        session,
        "ticket_cancelled",
        lambda: queue_service.cancel_ticket(
            context,
            ticket_id=_today_ticket(context, number),
            reason=reason,
            actor=_actor(session),
        ),
    )
