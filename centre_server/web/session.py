"""Browser sessions of the manager page: an HttpOnly cookie holding a staff session, and CSRF.

The cookie carries the staff session token that `staff_service.login` issues (so expiry,
logout, a PIN reset and the lockout rules are those of every staff session). The CSRF token of
a session is an HMAC of that token: a page can only put it in its forms after reading it from a
page the server rendered for that cookie, which another site's page cannot do. Before login,
a random cookie and the form's hidden field must match (no logging a manager into another
account from a hostile page).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

from centre_core.errors import QueueError, ServerErrorCode
from centre_server.api.context import server_context
from centre_server.auth import Principal, Role

SESSION_COOKIE = "foleni_manage"
LOGIN_COOKIE = "foleni_login"
LANGUAGE_COOKIE = "foleni_lang"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
MANAGE_PATH = "/manage"


@dataclass(frozen=True)
class ManagerSession:
    """A logged-in browser: the staff principal, its token and the CSRF token of its forms."""

    principal: Principal
    token: str

    @property
    def csrf(self) -> str:
        """Return the CSRF token every form and htmx request of this session must send."""
        return csrf_for(self.token)

    @property
    def is_manager(self) -> bool:
        """Tell whether the member of staff may use the manager page."""
        return self.principal.has_any(frozenset({Role.manager}))


def csrf_for(secret: str) -> str:
    """Return the CSRF token bound to a session (or login) secret."""
    return hmac.new(secret.encode(), b"foleni manage csrf", hashlib.sha256).hexdigest()


def csrf_matches(secret: str | None, sent: str | None) -> bool:
    """Tell whether a request's CSRF token is the one bound to its cookie."""
    if not secret or not sent:
        return False
    return hmac.compare_digest(csrf_for(secret), sent)


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


def new_login_secret() -> str:
    """Return a fresh secret for the login form's cookie."""
    return secrets.token_urlsafe(24)


def set_cookie(
    response: Response, request: Request, name: str, value: str, *, max_age: int
) -> None:
    """Set one of the page's cookies: HttpOnly, SameSite=Strict, Secure behind HTTPS."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=MANAGE_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def clear_cookie(response: Response, name: str) -> None:
    """Remove one of the page's cookies."""
    response.delete_cookie(name, path=MANAGE_PATH)


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
        if request.method not in ("GET", "HEAD"):
            sent = request.headers.get(CSRF_HEADER)
            if sent is None:
                form = await request.form()
                field = form.get(CSRF_FIELD)
                sent = field if isinstance(field, str) else None
            if not csrf_matches(session.token, sent):
                raise QueueError(
                    ServerErrorCode.csrf_rejected, "the form is stale: reload the page and retry"
                )
        return session


LOGIN_PAGE = PageGuard(login=True)
MANAGER_PAGE = PageGuard()
