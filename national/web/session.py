"""Browser sessions of the overview: an HttpOnly cookie holding a national staff session, CSRF.

The cookie holds the session token (`national/staff.py`); the CSRF token of a session is an
HMAC of it, so only a page the server rendered for that cookie can put it in a form. Before
login, a random cookie and the login form's hidden field must match (no logging someone into
another account from a hostile page). The shape is the centre's manager page's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from centre_core.errors import QueueError, ServerErrorCode
from national import staff
from national.auth import engine_of
from service_kit.browser_session import PageCookies

SESSION_COOKIE = "foleni_overview"
LOGIN_COOKIE = "foleni_overview_login"
LANGUAGE_COOKIE = "foleni_lang"
OVERVIEW_PATH = "/overview"
COOKIES = PageCookies(OVERVIEW_PATH, purpose=b"foleni overview csrf")


@dataclass(frozen=True)
class OverviewSession:
    """A logged-in browser: the member of staff, the session token, its CSRF token."""

    staff: staff.StaffSession
    token: str

    @property
    def csrf(self) -> str:
        """Return the CSRF token every form of this session must send."""
        return COOKIES.csrf_for(self.token)


async def current_session(request: Request) -> OverviewSession | None:
    """Return the browser's session from its cookie (None: none, ended or expired)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    found = await run_in_threadpool(
        staff.session_of, engine_of(request), token, now=datetime.now(UTC)
    )
    return None if found is None else OverviewSession(staff=found, token=token)


class PageGuard:
    """The guard of an overview route: a national staff session, CSRF on every write.

    `login=True` marks the routes anyone may open (the page that shows the login form, and
    the form's post): they get the session if there is one. Bearer keys grant nothing here.
    """

    def __init__(self, *, login: bool = False) -> None:
        self.login = login

    async def __call__(self, request: Request) -> OverviewSession | None:
        """Return the session, or refuse: `unauthenticated`, `forbidden`, `csrf_rejected`."""
        session = await current_session(request)
        if self.login:
            return session
        if session is None:
            raise QueueError(ServerErrorCode.unauthenticated, "log in at /overview first")
        if session.staff.role != staff.ROLE:
            raise QueueError(ServerErrorCode.forbidden, "the overview is for national staff")
        if not await COOKIES.write_allowed(request, session.token):
            raise QueueError(
                ServerErrorCode.csrf_rejected, "the form is stale: reload the page and retry"
            )
        return session


LOGIN_PAGE = PageGuard(login=True)
STAFF_PAGE = PageGuard()
