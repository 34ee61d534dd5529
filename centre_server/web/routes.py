"""The manager page's routes: login, logout, the page, its live tiles and their SSE stream."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.sse import EventSourceResponse, ServerSentEvent
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from centre_core.clock import local_time
from centre_core.errors import QueueError
from centre_server.api.context import server_context
from centre_server.context import ServerContext
from centre_server.db.tables import CounterRow, StaffRow
from centre_server.hub import Subscription
from centre_server.services import alert_service, audit_service, hall_service, staff_service
from centre_server.web.pages import LoginSession, Manager, language_of, page_response, render
from centre_server.web.session import (
    COOKIES,
    LOGIN_COOKIE,
    MANAGE_PATH,
    SESSION_COOKIE,
    ManagerSession,
)
from centre_server.web.tiles import hall_tiles
from centre_server.web.today import TodayFigures
from service_kit.browser_session import CSRF_FIELD, new_login_secret
from translations.messages import N_

router = APIRouter(include_in_schema=False)
LOGIN_SECONDS = 15 * 60
# Calls come in bursts (a counter calls, the board's ticket moves): one render per burst.
COALESCE_SECONDS = 0.2
# How often a quiet stream checks that its session still stands (logout, expiry, PIN reset).
SESSION_CHECK_SECONDS = 15.0
STALE_FORM = N_("The form was stale. Please try again.")
WRONG_PIN = N_("Staff number or PIN is wrong.")
NOT_A_MANAGER = N_("This page is for managers. Counter staff log in at their counter.")


def _login_form(request: Request, *, error: str | None = None, status_code: int = 200) -> Response:
    secret = new_login_secret()
    context = server_context(request)
    body = render(
        "login.html",
        language=language_of(request),
        centre=context.centre.name,
        csrf=COOKIES.csrf_for(secret),
        error=error,
    )
    response = page_response(request, body, status_code=status_code)
    COOKIES.set(response, request, LOGIN_COOKIE, secret, max_age=LOGIN_SECONDS)
    return response


def _today(request: Request) -> TodayFigures:
    today: TodayFigures = request.app.state.today_figures
    return today


def _tiles_html(context: ServerContext, language: str, today: TodayFigures) -> tuple[str, int]:
    snapshot = hall_service.hall_snapshot(context, include_devices=True)
    with context.db.read() as session:
        staff = {
            counter: f"{name} ({number})"
            for counter, number, name in session.execute(
                select(CounterRow.code, StaffRow.staff_number, StaffRow.name).join(
                    StaffRow, StaffRow.staff_number == CounterRow.staff_number
                )
            )
        }
    tiles = hall_tiles(
        snapshot,
        centre=context.centre,
        language=language,
        staff=staff,
        linked=context.settings.national_url is not None,
        alerts=alert_service.open_alerts(context).alerts,
    )
    zone = context.centre.timezone

    def clock(moment: datetime) -> str:
        return local_time(moment, timezone=zone).strftime("%H:%M")

    updated = local_time(tiles.at, timezone=zone).strftime("%H:%M:%S")
    html = render(
        "tiles.html",
        language=language,
        tiles=tiles,
        updated=updated,
        clock=clock,
        today=today.report(context),
    )
    return html, tiles.seq


@router.get(MANAGE_PATH, response_class=HTMLResponse)
async def manage_page(request: Request, session: LoginSession) -> Response:
    """Show the manager page, or the login form when the browser has no manager session."""
    if session is None:
        return _login_form(request)
    language = language_of(request)
    if not session.is_manager:
        body = render("refused.html", language=language, csrf=session.csrf)
        return page_response(request, body, status_code=403)
    context = server_context(request)
    tiles, seq = await run_in_threadpool(_tiles_html, context, language, _today(request))
    body = render(
        "page.html",
        language=language,
        centre=context.centre.name,
        staff=session.principal.name,
        csrf=session.csrf,
        tiles=tiles,
        seq=seq,
    )
    return page_response(request, body)


@router.post(f"{MANAGE_PATH}/login", response_class=HTMLResponse)
async def manage_login(
    request: Request,
    _session: LoginSession,
    staff_number: Annotated[str, Form(max_length=64)] = "",
    pin: Annotated[str, Form(max_length=64)] = "",
    csrf: Annotated[str, Form(alias=CSRF_FIELD, max_length=128)] = "",
) -> Response:
    """Log a manager in: staff number and PIN, as at a counter, but at no counter."""
    language = language_of(request)
    if not COOKIES.csrf_matches(request.cookies.get(LOGIN_COOKIE), csrf):
        return _login_form(request, error=STALE_FORM.say(language))
    context = server_context(request)
    try:
        login = await run_in_threadpool(
            staff_service.login, context, staff_number=staff_number, pin=pin, counter=None
        )
    except QueueError as error:
        return _login_form(request, error=_login_refusal(error, language), status_code=401)
    response = RedirectResponse(MANAGE_PATH, status_code=303)
    seconds = int((login.expires_at - context.now()).total_seconds())
    COOKIES.set(response, request, SESSION_COOKIE, login.token, max_age=max(seconds, 1))
    COOKIES.clear(response, LOGIN_COOKIE)
    return response


def _login_refusal(error: QueueError, language: str) -> str:
    if error.code == "invalid_credentials":
        return WRONG_PIN.say(language)
    if error.code == "invalid_request":
        return NOT_A_MANAGER.say(language)
    return error.message


@router.post(f"{MANAGE_PATH}/logout")
async def manage_logout(request: Request, session: Manager) -> Response:
    """End the manager's session and go back to the login form."""
    await run_in_threadpool(
        staff_service.logout, server_context(request), principal=session.principal
    )
    response = RedirectResponse(MANAGE_PATH, status_code=303)
    COOKIES.clear(response, SESSION_COOKIE)
    return response


@router.post(f"{MANAGE_PATH}/alerts/{{alert_id}}/acknowledge", status_code=204)
async def manage_acknowledge(
    request: Request,
    session: Manager,
    alert_id: Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[0-9a-f]+$")],
) -> Response:
    """Mark an alert as seen by this manager (the tiles change over the stream)."""
    await run_in_threadpool(
        alert_service.acknowledge,
        server_context(request),
        actor=audit_service.actor_of(session.principal),
        alert_id=alert_id,
    )
    return Response(status_code=204)


@router.get(f"{MANAGE_PATH}/tiles", response_class=HTMLResponse)
async def manage_tiles(request: Request, _session: Manager) -> Response:
    """Return the live tiles alone (the page's fallback when its stream is down)."""
    tiles, _seq = await run_in_threadpool(
        _tiles_html, server_context(request), language_of(request), _today(request)
    )
    return HTMLResponse(tiles, headers={"Cache-Control": "no-store"})


@router.get(f"{MANAGE_PATH}/events", response_class=EventSourceResponse)
async def manage_events(request: Request, session: Manager) -> AsyncIterator[ServerSentEvent]:
    """Stream the tiles, re-rendered after each burst of events; the SSE id is the event seq.

    A browser that reconnects sends `Last-Event-ID`: it gets the tiles again only if events
    happened since (the tiles are the hall's state, so one render brings it up to date).
    """
    context = server_context(request)
    language = language_of(request)
    last = request.headers.get("last-event-id", "")
    sent = int(last) if last.isdigit() and len(last) < 19 else -1
    subscription = context.hub.subscribe()
    try:
        while True:
            if context.hub.last_seq > sent or sent < 0:
                tiles, seq = await run_in_threadpool(
                    _tiles_html, context, language, _today(request)
                )
                if seq > sent or sent < 0:
                    sent = seq
                    yield ServerSentEvent(raw_data=tiles, event="hall", id=str(seq))
            subscription = await _next_burst(context, subscription)
            if not await _still_valid(context, session, context.now()):
                yield ServerSentEvent(raw_data=MANAGE_PATH, event="logout")
                return
    finally:
        context.hub.unsubscribe(subscription)


async def _next_burst(context: ServerContext, subscription: Subscription) -> Subscription:
    """Wait for events (or the session check's timeout), then for the rest of their burst."""
    try:
        async with asyncio.timeout(SESSION_CHECK_SECONDS):
            message = await subscription.queue.get()
    except TimeoutError:
        return subscription
    await asyncio.sleep(COALESCE_SECONDS)
    while not subscription.queue.empty():
        message = subscription.queue.get_nowait()
    if message is None:
        # Dropped for falling behind: the next render reads the state, a new queue goes on.
        context.hub.unsubscribe(subscription)
        return context.hub.subscribe()
    return subscription


async def _still_valid(context: ServerContext, session: ManagerSession, now: datetime) -> bool:
    principal = await run_in_threadpool(
        context.principals.authenticate, context.db, session.token, now=now
    )
    return principal is not None
