"""Browser sessions of the manager page: an HttpOnly cookie holding a staff session, and CSRF.

The cookie carries the staff session token that `staff_service.login` issues (so expiry,
logout, a PIN reset and the lockout rules are those of every staff session). The CSRF token of
a session is an HMAC of that token: a page can only put it in its forms after reading it from a
page the server rendered for that cookie, which another site's page cannot do. Before login,
a random cookie and the form's hidden field must match (no logging a manager into another
account from a hostile page).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from centre_core.errors import QueueError, ServerErrorCode
from centre_server.api.context import server_context
from centre_server.auth import Principal, Role
from service_kit.browser_session import PageCookies

SESSION_COOKIE = "foleni_manage"
LOGIN_COOKIE = "foleni_login"
LANGUAGE_COOKIE = "foleni_lang"
MANAGE_PATH = "/manage"
COOKIES = PageCookies(MANAGE_PATH, purpose=b"foleni manage csrf")


@dataclass(frozen=True)
class ManagerSession:
    """A logged-in browser: the staff principal, its token and the CSRF token of its forms."""

    principal: Principal
    token: str

    @property
    def csrf(self) -> str:
        """Return the CSRF token every form and htmx request of this session must send."""
        return COOKIES.csrf_for(self.token)

    @property
    def is_manager(self) -> bool:
        """Tell whether the member of staff may use the manager page."""
        return self.principal.has_any(frozenset({Role.manager}))


async def current_session(request: Request) -> ManagerSession | None:
    """Return the browser's staff session from its cookie (None: none, expired or revoked)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    context = server_context(request)
    principal = context.principals.cached(token, now=context.now())
    if principal is None:
        principal = await run_in_threadpool(
            context.principals.authenticate, context.db, token, now=context.now()
        )
    if principal is None or principal.kind != "staff":
        return None
    return ManagerSession(principal=principal, token=token)


class PageGuard:
    """The guard of a manager-page route: a manager's browser session, CSRF on every write.

    `login=True` marks the routes anyone may open (the login form and its post): they get the
    session if there is one. Bearer tokens grant nothing here: the page is for browsers.
    """

    def __init__(self, *, login: bool = False) -> None:
        self.login = login
        self.roles = frozenset({Role.manager})

    async def __call__(self, request: Request) -> ManagerSession | None:
        """Return the session, or refuse: `unauthenticated`, `forbidden`, `csrf_rejected`."""
        session = await current_session(request)
        if self.login:
            return session
        if session is None:
            raise QueueError(ServerErrorCode.unauthenticated, "log in at /manage first")
        if not session.is_manager:
            raise QueueError(ServerErrorCode.forbidden, "the manager page is for managers")
        if not await COOKIES.write_allowed(request, session.token):
            raise QueueError(
                ServerErrorCode.csrf_rejected, "the form is stale: reload the page and retry"
            )
        return session


LOGIN_PAGE = PageGuard(login=True)
MANAGER_PAGE = PageGuard()
