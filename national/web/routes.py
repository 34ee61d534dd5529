"""The overview's routes: login, logout, every centre on one page (refreshing), one centre."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from centre_core.errors import QueueError
from national import overview, staff
from national.auth import engine_of
from national.centres import CODE_PATTERN
from national.web.pages import LoginSession, Staff, language_of, page_response, render
from national.web.session import (
    COOKIES,
    LOGIN_COOKIE,
    OVERVIEW_PATH,
    SESSION_COOKIE,
)
from service_kit.browser_session import CSRF_FIELD, new_login_secret
from translations.messages import N_

router = APIRouter(include_in_schema=False)
LOGIN_SECONDS = 15 * 60
# The overview's clock: national staff read times in Kenya's time.
NATIONAL_ZONE = ZoneInfo("Africa/Nairobi")
STALE_FORM = N_("The form was stale. Please try again.")
WRONG_PIN = N_("Staff number or PIN is wrong.")
LOCKED = N_("This account is locked until {time} after too many wrong PINs.")


def clock(moment: datetime | None) -> str:
    """Return a moment as HH:MM in Kenya's time ('' for none)."""
    return "" if moment is None else moment.astimezone(NATIONAL_ZONE).strftime("%H:%M")


def _login_form(request: Request, *, error: str | None = None, status_code: int = 200) -> Response:
    secret = new_login_secret()
    body = render(
        "login.html", language=language_of(request), csrf=COOKIES.csrf_for(secret), error=error
    )
    response = page_response(request, body, status_code=status_code)
    COOKIES.set(response, request, LOGIN_COOKIE, secret, max_age=LOGIN_SECONDS)
    return response


def _table_html(request: Request) -> str:
    lines = overview.centre_lines(engine_of(request))
    return render("table.html", language=language_of(request), lines=lines, clock=clock)


@router.get(OVERVIEW_PATH, response_class=HTMLResponse)
async def overview_page(request: Request, session: LoginSession) -> Response:
    """Show every centre on one page, or the login form without a session."""
    if session is None:
        return _login_form(request)
    table = await run_in_threadpool(_table_html, request)
    body = render(
        "page.html",
        language=language_of(request),
        staff=session.staff.name,
        csrf=session.csrf,
        table=table,
        updated=clock(datetime.now(UTC)),
    )
    return page_response(request, body)


@router.get(f"{OVERVIEW_PATH}/table", response_class=HTMLResponse)
async def overview_table(request: Request, _session: Staff) -> Response:
    """Return the centres' table alone (the page fetches it every 10 s)."""
    table = await run_in_threadpool(_table_html, request)
    return HTMLResponse(table, headers={"Cache-Control": "no-store"})


@router.post(f"{OVERVIEW_PATH}/login", response_class=HTMLResponse)
async def overview_login(
    request: Request,
    _session: LoginSession,
    staff_number: Annotated[str, Form(max_length=64)] = "",
    pin: Annotated[str, Form(max_length=64)] = "",
    csrf: Annotated[str, Form(alias=CSRF_FIELD, max_length=128)] = "",
) -> Response:
    """Log national staff in with staff number and PIN."""
    language = language_of(request)
    if not COOKIES.csrf_matches(request.cookies.get(LOGIN_COOKIE), csrf):
        return _login_form(request, error=STALE_FORM.say(language), status_code=403)
    try:
        token, expires_at = await run_in_threadpool(
            staff.log_in,
            engine_of(request),
            staff_number=staff_number,
            pin=pin,
            now=datetime.now(UTC),
        )
    except staff.AccountLockedError as locked:
        message = LOCKED.say(language, time=clock(locked.until))
        return _login_form(request, error=message, status_code=403)
    except QueueError:
        return _login_form(request, error=WRONG_PIN.say(language), status_code=401)
    response = RedirectResponse(OVERVIEW_PATH, status_code=303)
    seconds = int((expires_at - datetime.now(UTC)).total_seconds())
    COOKIES.set(response, request, SESSION_COOKIE, token, max_age=max(seconds, 1))
    COOKIES.clear(response, LOGIN_COOKIE)
    return response


@router.post(f"{OVERVIEW_PATH}/logout")
async def overview_logout(request: Request, session: Staff) -> Response:
    """End the session and go back to the login form."""
    await run_in_threadpool(staff.log_out, engine_of(request), session.token)
    response = RedirectResponse(OVERVIEW_PATH, status_code=303)
    COOKIES.clear(response, SESSION_COOKIE)
    return response


@router.get(f"{OVERVIEW_PATH}/centres/{{code}}", response_class=HTMLResponse)
async def overview_centre(
    request: Request,
    session: Staff,
    code: Annotated[str, Path(pattern=CODE_PATTERN)],
) -> Response:
    """Show one centre: its latest summary, open alerts, figures per service, its link."""
    detail = await run_in_threadpool(overview.centre_detail, engine_of(request), code=code)
    body = render(
        "centre.html",
        language=language_of(request),
        staff=session.staff.name,
        csrf=session.csrf,
        detail=detail,
        line=detail.line,
        clock=clock,
    )
    return page_response(request, body)
