"""What every manager page shares: its templates, its language, its response, its guards."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from centre_server.web.session import (
    COOKIES,
    LANGUAGE_COOKIE,
    LOGIN_PAGE,
    MANAGER_PAGE,
    ManagerSession,
)
from service_kit.web_assets import PAGES_CSS, VENDOR
from translations.catalogs import HALL_LANGUAGES
from translations.messages import Message

_templates = Environment(
    loader=PackageLoader("centre_server", "templates"), autoescape=select_autoescape()
)
LANGUAGE_SECONDS = 365 * 24 * 3600
LoginSession = Annotated[ManagerSession | None, Depends(LOGIN_PAGE)]
Manager = Annotated[ManagerSession, Depends(MANAGER_PAGE)]


def language_of(request: Request) -> str:
    """Return the page's language: `?lang=` when given, else the browser's cookie, else English."""
    chosen = request.query_params.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
    return chosen if chosen in HALL_LANGUAGES else HALL_LANGUAGES[0]


def render(name: str, *, language: str, **values: Any) -> str:
    """Render a template of `templates/manage/` with its texts in `language`."""

    def said(msgid: str, /, **fields: object) -> str:
        return Message(msgid).say(language, **fields)

    return _templates.get_template(f"manage/{name}").render(
        _=said,
        language=language,
        languages=HALL_LANGUAGES,
        vendor=VENDOR,
        styles=PAGES_CSS,
        **values,
    )


def page_response(request: Request, body: str, *, status_code: int = 200) -> HTMLResponse:
    """Answer a rendered page, never cached; a `?lang=` choice is kept in a cookie."""
    response = HTMLResponse(body, status_code=status_code, headers={"Cache-Control": "no-store"})
    if "lang" in request.query_params:
        COOKIES.set(
            response, request, LANGUAGE_COOKIE, language_of(request), max_age=LANGUAGE_SECONDS
        )
    return response
