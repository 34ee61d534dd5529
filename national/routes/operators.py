"""What operators see: every centre's link, and the health check."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from centre_core.sync_wire import CENTRES_SYNC_PATH, CentreSyncState
from national import centres
from national.auth import EngineDep, Operator

router = APIRouter()


@router.get("/health", tags=["health"])
async def health() -> dict[str, str]:
    """Answer that the service is up."""
    return {"status": "ok"}


@router.get(CENTRES_SYNC_PATH, response_model=list[CentreSyncState], tags=["operators"])
async def centres_sync(_operator: Operator, engine: EngineDep) -> list[CentreSyncState]:
    """Return, per centre: held up to seq N, K pending, last contact, lag, dead letters."""
    return await run_in_threadpool(centres.sync_states, engine)
