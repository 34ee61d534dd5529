"""What every overview page shares: its templates, its language, its response, its guards."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from centre_core.alerts import AlertKind
from national.web.session import (
    COOKIES,
    LANGUAGE_COOKIE,
    LOGIN_PAGE,
    STAFF_PAGE,
    OverviewSession,
)
from service_kit.web_assets import PAGES_CSS, VENDOR
from translations.catalogs import HALL_LANGUAGES
from translations.formats import number
from translations.messages import N_, Message

_templates = Environment(
    loader=PackageLoader("national", "templates"), autoescape=select_autoescape()
)
LANGUAGE_SECONDS = 365 * 24 * 3600
LoginSession = Annotated[OverviewSession | None, Depends(LOGIN_PAGE)]
Staff = Annotated[OverviewSession, Depends(STAFF_PAGE)]


def language_of(request: Request) -> str:
    """Return the page's language: `?lang=` when given, else the browser's cookie, else English."""
    chosen = request.query_params.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
    return chosen if chosen in HALL_LANGUAGES else HALL_LANGUAGES[0]


# What each kind of centre alert is called on the overview (`centre_core.alerts.AlertKind`).
ALERT_WORDS: dict[str, Message] = {
    AlertKind.wait_over_target: N_("wait over target"),
    AlertKind.printer_fault: N_("printer fault"),
    AlertKind.board_sound: N_("board without sound"),
    AlertKind.device_silent: N_("device not reporting"),
    AlertKind.counter_paused_long: N_("counter paused too long"),
    AlertKind.counter_idle: N_("counter idle while people wait"),
    AlertKind.link_down: N_("national link down"),
    AlertKind.link_lagging: N_("national link behind"),
}


def render(name: str, *, language: str, **values: Any) -> str:
    """Render a template of `templates/overview/` with its texts in `language`."""

    def said(msgid: str, /, **fields: object) -> str:
        return Message(msgid).say(language, **fields)

    def share(part: int, whole: int) -> str:
        return "–" if whole == 0 else f"{number(round(100 * part / whole), language)} %"

    def alert_words(kind: str) -> str:
        words = ALERT_WORDS.get(kind)
        return kind if words is None else words.say(language)

    return _templates.get_template(f"overview/{name}").render(
        _=said,
        language=language,
        languages=HALL_LANGUAGES,
        vendor=VENDOR,
        styles=PAGES_CSS,
        share=share,
        alert_words=alert_words,
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
