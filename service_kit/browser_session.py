"""What both services' browser pages share: their HttpOnly cookies, and CSRF tokens bound to them.

A page's CSRF token is an HMAC of the secret its cookie holds (the session token, or before
login a random secret): only a page the server rendered for that cookie can put the token in
a form, which another site's page cannot do.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from fastapi import Request, Response

CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True)
class PageCookies:
    """The cookies of one set of pages (under `path`), and the CSRF tokens bound to them."""

    path: str
    # Keeps one service's tokens from passing for another's.
    purpose: bytes

    def csrf_for(self, secret: str) -> str:
        """Return the CSRF token bound to a cookie's secret."""
        return hmac.new(secret.encode(), self.purpose, hashlib.sha256).hexdigest()

    def csrf_matches(self, secret: str | None, sent: str | None) -> bool:
        """Tell whether a request's CSRF token is the one bound to its cookie."""
        if not secret or not sent:
            return False
        return hmac.compare_digest(self.csrf_for(secret), sent)

    async def write_allowed(self, request: Request, secret: str) -> bool:
        """Tell whether a request may change anything: a read, or a write with its token."""
        if request.method in ("GET", "HEAD"):
            return True
        return self.csrf_matches(secret, await sent_csrf(request))

    def set(
        self, response: Response, request: Request, name: str, value: str, *, max_age: int
    ) -> None:
        """Set a cookie: HttpOnly, SameSite=Strict, Secure behind HTTPS."""
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path=self.path,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )

    def clear(self, response: Response, name: str) -> None:
        """Remove a cookie."""
        response.delete_cookie(name, path=self.path)


def new_login_secret() -> str:
    """Return a fresh secret for a login form's cookie."""
    return secrets.token_urlsafe(24)


async def sent_csrf(request: Request) -> str | None:
    """Return the CSRF token a request sent: the htmx header, else the form's field."""
    sent = request.headers.get(CSRF_HEADER)
    if sent is not None:
        return sent
    field = (await request.form()).get(CSRF_FIELD)
    return field if isinstance(field, str) else None
