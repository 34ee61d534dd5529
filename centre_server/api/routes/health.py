"""`GET /healthz`: liveness and database reachability (public)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from centre_core.wire import Health
from centre_server.api.context import server_context
from centre_server.api.roles import PUBLIC
from centre_server.repositories import events

router = APIRouter()


@router.get("/healthz", response_model=Health, dependencies=[Depends(PUBLIC)], tags=["health"])
def healthz(request: Request) -> Health:
    """Answer when the server and its database are up."""
    context = server_context(request)
    with context.db.read() as session:
        seq = events.last_seq(session)
    return Health(status="ok", centre=context.centre.code, seq=seq)
