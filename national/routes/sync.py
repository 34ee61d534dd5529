"""The sync routes a centre calls: up batches, changes after a cursor, snapshot, its state."""

from __future__ import annotations

import asyncio
import time
import zlib
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from centre_core.errors import QueueError
from centre_core.sync_wire import (
    CHANGES_PATH,
    MAX_BATCH_BYTES,
    MAX_CHANGES,
    MAX_WAIT_SECONDS,
    SNAPSHOT_DAYS,
    SNAPSHOT_PATH,
    STATE_PATH,
    UP_PATH,
    CentreSyncState,
    ChangeBatch,
    SyncErrorCode,
    SyncSnapshot,
    UpAck,
    UpBatch,
)
from national import centres, feed, ingest, snapshot
from national.auth import CentreCode, EngineDep

router = APIRouter(tags=["sync"])


async def _body(request: Request) -> bytes:
    """Read the body (gunzipped), refusing more than `MAX_BATCH_BYTES` before reading it all."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BATCH_BYTES:
        raise QueueError(SyncErrorCode.batch_too_large, f"at most {MAX_BATCH_BYTES} bytes")
    raw = bytearray()
    try:
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > MAX_BATCH_BYTES:
                raise QueueError(SyncErrorCode.batch_too_large, f"at most {MAX_BATCH_BYTES} bytes")
    except ClientDisconnect as exc:
        # The link broke mid-body: nothing is stored, the centre resends.
        raise QueueError(SyncErrorCode.invalid_batch, "the body was cut short") from exc
    if request.headers.get("content-encoding", "").lower() != "gzip":
        return bytes(raw)
    inflater = zlib.decompressobj(wbits=31)
    try:
        body = inflater.decompress(bytes(raw), MAX_BATCH_BYTES + 1)
    except zlib.error as exc:
        raise QueueError(SyncErrorCode.invalid_batch, f"not gzip: {exc}") from exc
    if len(body) > MAX_BATCH_BYTES or inflater.unconsumed_tail:
        raise QueueError(SyncErrorCode.batch_too_large, f"at most {MAX_BATCH_BYTES} bytes inflated")
    return body


@router.post(UP_PATH, response_model=UpAck)
async def post_up(request: Request, centre: CentreCode, engine: EngineDep) -> UpAck:
    """Store a batch of the centre's outbox; answer the highest contiguous seq held."""
    body = await _body(request)
    try:
        batch = UpBatch.model_validate_json(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "batch"
        raise QueueError(SyncErrorCode.invalid_batch, f"{where}: {first['msg']}") from exc
    # Processing is the sweeper's: the acknowledgement never waits for business rules.
    return await run_in_threadpool(ingest.store_batch, engine, centre=centre, batch=batch)


@router.get(CHANGES_PATH, response_model=ChangeBatch)
async def get_changes(
    request: Request,
    centre: CentreCode,
    engine: EngineDep,
    after: Annotated[int, Query(ge=0)],
    wait: Annotated[float, Query(ge=0)] = 0.0,
    limit: Annotated[int, Query(ge=1, le=MAX_CHANGES)] = MAX_CHANGES,
) -> ChangeBatch:
    """Return the changes after a cursor, waiting up to `wait` seconds for one (long-poll)."""
    await run_in_threadpool(centres.touch, engine, centre=centre, cursor=after)
    poll = request.app.state.settings.poll_seconds
    deadline = time.monotonic() + min(wait, MAX_WAIT_SECONDS)
    while True:
        batch = await run_in_threadpool(
            feed.changes_after, engine, centre=centre, cursor=after, limit=limit
        )
        if batch.changes or time.monotonic() >= deadline or await request.is_disconnected():
            return batch
        await asyncio.sleep(poll)


@router.get(SNAPSHOT_PATH, response_model=SyncSnapshot)
async def get_snapshot(
    centre: CentreCode,
    engine: EngineDep,
    from_day: Annotated[date, Query(alias="from")],
    days: Annotated[int, Query(ge=1, le=SNAPSHOT_DAYS)] = SNAPSHOT_DAYS,
) -> SyncSnapshot:
    """Return the centre's bookings from a day on and its configuration, at one cursor."""
    return await run_in_threadpool(
        snapshot.snapshot, engine, centre=centre, from_day=from_day, days=days
    )


@router.get(STATE_PATH, response_model=CentreSyncState)
async def get_state(centre: CentreCode, engine: EngineDep) -> CentreSyncState:
    """Return what the nation holds of this centre (to resume sending from)."""
    (state,) = await run_in_threadpool(centres.sync_states, engine, centre=centre)
    return state
