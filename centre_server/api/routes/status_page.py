"""The public ticket status page behind the slip's QR code: HTML for a phone, or JSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, JSONResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from centre_core.wire import TicketPublic
from centre_server.api.context import server_context
from centre_server.api.deps import ERROR_RESPONSES
from centre_server.api.roles import PUBLIC
from centre_server.services import hall_service
from translations.catalogs import HALL_LANGUAGES
from translations.pages import page_texts

router = APIRouter(tags=["public"], responses=ERROR_RESPONSES)
_templates = Environment(
    loader=PackageLoader("centre_server", "templates"), autoescape=select_autoescape()
)
# The page behind a slip's QR code speaks the slip's languages.
_TEXTS = page_texts(HALL_LANGUAGES)
Token = Annotated[str, Path(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


@router.get(
    "/api/v1/tickets/status/{token}", response_model=TicketPublic, dependencies=[Depends(PUBLIC)]
)
def ticket_status_json(token: Token, request: Request) -> TicketPublic:
    """Return a ticket's public status (position, estimated wait, counter when called)."""
    return hall_service.ticket_status(server_context(request), token=token)


@router.get(
    "/t/{token}",
    response_model=TicketPublic,
    dependencies=[Depends(PUBLIC)],
    responses={200: {"content": {"text/html": {}}, "description": "HTML page or JSON"}},
)
def ticket_status_page(token: Token, request: Request) -> HTMLResponse | JSONResponse:
    """Show a ticket's status to the citizen's phone (JSON if the client asks for it)."""
    status = hall_service.ticket_status(server_context(request), token=token)
    accept = request.headers.get("accept", "")
    if "application/json" in accept and "text/html" not in accept:
        return JSONResponse(status.model_dump(mode="json"))
    page = _templates.get_template("status.html").render(ticket=status, **_TEXTS)
    return HTMLResponse(page, headers={"Cache-Control": "no-store"})
