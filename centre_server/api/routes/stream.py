"""`/api/v1/stream`: the websocket of events (replay after `after`, or a snapshot, then live).

Order of operations matters: subscribe to the hub first, then read the replay (or snapshot)
from the database, then forward live events dropping those already sent by `seq`. An event
committed between the two steps arrives twice and is sent once; none falls in between.
"""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, WebSocket
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.websockets import WebSocketDisconnect

from centre_core.errors import QueueError, ServerErrorCode
from centre_core.wire import (
    CLOSE_FORBIDDEN,
    CLOSE_INVALID_REQUEST,
    CLOSE_UNAUTHENTICATED,
    ErrorDetail,
    ErrorMessage,
    HeartbeatMessage,
    PingMessage,
    PongMessage,
    SnapshotMessage,
)
from centre_server.api.context import server_context
from centre_server.api.deps import HALL_AUDIENCE
from centre_server.api.roles import websocket_guard
from centre_server.auth import Principal, Role
from centre_server.context import ServerContext
from centre_server.hub import Outgoing, Subscription
from centre_server.repositories import events
from centre_server.services import hall_service

logger = logging.getLogger(__name__)
router = APIRouter()

# "Try again later": the client fell too far behind and should reconnect with `after`.
CLOSE_TOO_SLOW = 1013


def _opening(
    context: ServerContext, *, after: int | None, with_devices: bool
) -> tuple[list[str], int]:
    """Return the first messages (replay, or a snapshot) and the seq they bring the client to."""
    window = context.settings.stream_replay_window
    with context.db.read() as session:
        head = events.last_seq(session)
        if after is not None and head - window <= after <= head:
            messages = [message.model_dump_json() for message in events.after(session, after)]
            return messages, head
    # No cursor, one older than the window, or one ahead of our log (another database).
    snapshot = hall_service.hall_snapshot(context, include_devices=with_devices)
    return [SnapshotMessage(seq=snapshot.seq, data=snapshot).model_dump_json()], snapshot.seq


async def _refuse(websocket: WebSocket, code: str, message: str, close_code: int) -> None:
    refusal = ErrorMessage(error=ErrorDetail(code=code, message=message))
    await websocket.send_text(refusal.model_dump_json())
    await websocket.close(code=close_code)


def _parse_after(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise QueueError(ServerErrorCode.invalid_request, "after: a non-negative integer")
    return int(raw)


@router.websocket("/api/v1/stream")
@websocket_guard(HALL_AUDIENCE)
async def stream(websocket: WebSocket) -> None:
    """Stream the centre's events (token: `Authorization: Bearer` or `?token=`)."""
    context = server_context(websocket)
    await websocket.accept()
    try:
        principal = await run_in_threadpool(HALL_AUDIENCE.check, websocket, allow_query=True)
        after = _parse_after(websocket.query_params.get("after"))
    except QueueError as error:
        close_codes: dict[str, int] = {
            ServerErrorCode.unauthenticated: CLOSE_UNAUTHENTICATED,
            ServerErrorCode.forbidden: CLOSE_FORBIDDEN,
        }
        close_code = close_codes.get(error.code, CLOSE_INVALID_REQUEST)
        await _refuse(websocket, error.code, error.message, close_code)
        return
    assert principal is not None
    subscription = context.hub.subscribe()
    try:
        await _serve(websocket, context, subscription, after=after, principal=principal)
    except (WebSocketDisconnect, OSError, RuntimeError):
        # The client went away mid-send; it resumes from its last applied seq.
        logger.debug("stream client disconnected")
    finally:
        context.hub.unsubscribe(subscription)


async def _serve(
    websocket: WebSocket,
    context: ServerContext,
    subscription: Subscription,
    *,
    after: int | None,
    principal: Principal,
) -> None:
    managing = not principal.roles.isdisjoint({Role.manager, Role.admin})
    first, last_sent = await run_in_threadpool(
        _opening, context, after=after, with_devices=managing
    )
    for text in first:
        await websocket.send_text(text)
    # One sender and one reader per connection, each a plain loop: waiting on both with fresh
    # tasks for every event cost more than the send itself with hundreds of displays.
    sending = asyncio.Lock()
    cursor = _Cursor(last_sent)
    sender = asyncio.ensure_future(
        _send_events(websocket, context, subscription, sending=sending, cursor=cursor)
    )
    reader = asyncio.ensure_future(_answer_pings(websocket, sending=sending, cursor=cursor))
    try:
        done, _ = await asyncio.wait({sender, reader}, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            task.result()
    finally:
        for task in (sender, reader):
            task.cancel()


class _Cursor:
    """The seq of the newest event sent on one connection, shared by its sender and reader."""

    def __init__(self, last_sent: int) -> None:
        self.last_sent = last_sent


async def _send_events(
    websocket: WebSocket,
    context: ServerContext,
    subscription: Subscription,
    *,
    sending: asyncio.Lock,
    cursor: _Cursor,
) -> None:
    """Forward live events in seq order, with a heartbeat when the hall is quiet."""
    heartbeat = context.settings.stream_heartbeat_seconds
    while True:
        message: Outgoing | None
        try:
            async with asyncio.timeout(heartbeat):
                message = await subscription.queue.get()
        except TimeoutError:
            head = max(cursor.last_sent, context.hub.last_seq)
            async with sending:
                await websocket.send_text(HeartbeatMessage(seq=head).model_dump_json())
            continue
        if message is None:
            # Out of the hub before the client hears it, so its reconnection is the only one.
            context.hub.unsubscribe(subscription)
            await websocket.close(code=CLOSE_TOO_SLOW, reason="too slow: resume")
            return
        if message.seq > cursor.last_sent:
            async with sending:
                await websocket.send_text(message.text)
            cursor.last_sent = message.seq


async def _answer_pings(websocket: WebSocket, *, sending: asyncio.Lock, cursor: _Cursor) -> None:
    """Read the client's messages until it leaves, answering its pings."""
    while True:
        received = await websocket.receive()
        if received["type"] == "websocket.disconnect":
            return
        if _is_ping(received.get("text")):
            async with sending:
                await websocket.send_text(PongMessage(seq=cursor.last_sent).model_dump_json())


def _is_ping(text: str | None) -> bool:
    if not text:
        return False
    try:
        PingMessage.model_validate_json(text)
    except ValidationError:
        return False
    return True
