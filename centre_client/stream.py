"""The centre's event stream over one websocket: reconnect, resume, resync, online state."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit, urlunsplit

from pydantic import ValidationError
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException

from centre_client.mirror import Change, MirrorError, QueueMirror, SequenceGap
from centre_core.errors import ServerErrorCode
from centre_core.wire import (
    CLOSE_FORBIDDEN,
    CLOSE_UNAUTHENTICATED,
    SERVER_MESSAGES,
    ErrorMessage,
    LivenessMessage,
    PingMessage,
    ServerMessage,
    SnapshotMessage,
)

logger = logging.getLogger(__name__)

STREAM_PATH = "/api/v1/stream"
PING = PingMessage().model_dump_json()
# Close codes and HTTP statuses by which a server refuses a token, by the server's error code.
REFUSAL_BY_CLOSE_CODE = {
    CLOSE_UNAUTHENTICATED: ServerErrorCode.unauthenticated,
    CLOSE_FORBIDDEN: ServerErrorCode.forbidden,
}
REFUSAL_BY_STATUS = {401: ServerErrorCode.unauthenticated, 403: ServerErrorCode.forbidden}


@dataclass(frozen=True)
class Backoff:
    """Capped exponential reconnect delays with jitter, so a hall of devices does not stampede."""

    initial: float = 0.5
    factor: float = 2.0
    cap: float = 30.0
    jitter: float = 0.5  # share of each delay that is random
    random: Callable[[], float] = field(default=random.random, compare=False)

    def delay(self, attempt: int) -> float:
        """Return the delay before reconnect `attempt` (0 for the first after a good session)."""
        ceiling = min(self.cap, self.initial * self.factor**attempt)
        return ceiling * (1 - self.jitter) + ceiling * self.jitter * self.random()


class _SessionEnd(Exception):
    """End this connection: `resync` asks the next one for a snapshot."""

    def __init__(self, reason: str, *, resync: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.resync = resync


class EventStream:
    """Keeps a `QueueMirror` current from the server's websocket stream.

    One task holds at most one connection at a time. It resumes from the last `seq` it
    *applied*, drops duplicates, and on a gap (or a message it cannot apply) reconnects without
    `after` so that the server starts with a snapshot. It pings every `ping_interval` seconds;
    no message at all (events, heartbeats, pongs) within `heartbeat_timeout` seconds means the
    connection is dead: it is closed and reopened after a capped, jittered backoff. `online` is
    True from the server's first answer on a connection (its token accepted) until that
    connection is lost; `last_error` says why it is not (`server_unreachable`,
    `heartbeat_timeout`, `unauthenticated`, ...). Callbacks run in the event loop and must not
    block.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        mirror: QueueMirror | None = None,
        on_changes: Callable[[list[Change]], None] | None = None,
        on_online: Callable[[bool], None] | None = None,
        heartbeat_timeout: float = 15.0,
        ping_interval: float = 5.0,
        open_timeout: float = 10.0,
        backoff: Backoff | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.mirror = mirror if mirror is not None else QueueMirror()
        self._url = _stream_url(base_url)
        self._token = token
        self._on_changes = on_changes
        self._on_online = on_online
        self._heartbeat_timeout = heartbeat_timeout
        self._ping_interval = ping_interval
        self._open_timeout = open_timeout
        self._backoff = backoff or Backoff()
        self._sleep = sleep
        self._online = False
        self._need_snapshot = False
        self._task: asyncio.Task[None] | None = None
        self._running = False
        self._progress = asyncio.Event()
        self.connections = 0
        self.last_error: str | None = None

    @property
    def online(self) -> bool:
        """Whether the server is answering on an open connection now."""
        return self._online

    async def __aenter__(self) -> EventStream:
        self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def start(self) -> None:
        """Run the stream in a background task of the running loop (once)."""
        if self._task is not None:
            raise RuntimeError("the stream is already started")
        self._task = asyncio.get_running_loop().create_task(self.run(), name="centre-stream")

    async def aclose(self) -> None:
        """Stop the stream and close its connection."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._set_online(False)

    async def run(self) -> None:
        """Connect, apply messages and reconnect until cancelled (what `start` runs)."""
        if self._running:
            raise RuntimeError("the stream is already running: one connection at a time")
        self._running = True
        try:
            attempt = 0
            while True:
                delivered = await self._session()
                attempt = 0 if delivered else attempt + 1
                await self._sleep(self._backoff.delay(attempt))
        finally:
            self._running = False

    async def wait_until(self, predicate: Callable[[], bool]) -> None:
        """Wait until `predicate()` holds; it is checked after every message and state change."""
        while not predicate():
            await self._progress.wait()

    async def wait_for_seq(self, seq: int) -> None:
        """Wait until the mirror has applied `seq` (or a snapshot beyond it)."""
        await self.wait_until(lambda: (self.mirror.last_seq or 0) >= seq)

    async def wait_online(self, online: bool = True) -> None:
        """Wait until the stream is online (or offline, with `online=False`)."""
        await self.wait_until(lambda: self._online is online)

    async def _session(self) -> bool:
        """Hold one connection until it ends; return whether the server sent it anything."""
        delivered = False
        resync = False
        try:
            async with connect(
                self._session_url(),
                additional_headers={"Authorization": f"Bearer {self._token}"},
                open_timeout=self._open_timeout,
                # A dead peer never answers the closing handshake: do not wait long for it.
                close_timeout=1.0,
                # Devices talk to their centre on the LAN: a proxy from the environment is wrong.
                proxy=None,
                max_size=2**23,
            ) as connection:
                self.connections += 1
                pinging = asyncio.create_task(self._ping(connection))
                try:
                    while True:
                        self._apply(await self._receive(connection))
                        if not delivered:
                            # The server answered past its token check: we are with it.
                            delivered = True
                            self.last_error = None
                            self._set_online(True)
                except _SessionEnd as end:
                    self.last_error = end.reason
                    resync = end.resync
                    self._need_snapshot = self._need_snapshot or end.resync
                finally:
                    pinging.cancel()
        except TimeoutError:
            self.last_error = "server_unreachable"
        except InvalidStatus as error:
            self.last_error = _refusal_reason(error.response.status_code)
        except WebSocketException as error:
            self.last_error = _closed_reason(error)
        except OSError:
            self.last_error = "server_unreachable"
        finally:
            # A deliberate resync keeps the hall showing "online": the next connect decides.
            if not resync:
                self._set_online(False)
        if self.last_error is not None:
            logger.info("centre stream: %s", self.last_error)
        self._pulse()
        return delivered

    async def _ping(self, connection: ClientConnection) -> None:
        """Ping the server now and then: its pong proves the token and the server's loop."""
        # A failed send ends this task quietly; the receiving side notices the closed connection.
        with contextlib.suppress(WebSocketException, OSError):
            while True:
                await connection.send(PING)
                await asyncio.sleep(self._ping_interval)

    async def _receive(self, connection: ClientConnection) -> ServerMessage:
        """Return the next message; silence past the heartbeat timeout is death."""
        try:
            async with asyncio.timeout(self._heartbeat_timeout):
                raw = await connection.recv()
        except TimeoutError as error:
            raise _SessionEnd("heartbeat_timeout", resync=False) from error
        try:
            return SERVER_MESSAGES.validate_json(raw)
        except ValidationError as error:
            logger.warning("centre stream: unreadable message, asking for a snapshot")
            raise _SessionEnd("malformed_message", resync=True) from error

    def _apply(self, message: ServerMessage) -> None:
        # Heartbeats and pongs only prove the server alive; both carry the seq it is at.
        if isinstance(message, LivenessMessage):
            self._check_heartbeat(message.seq)
            return
        if isinstance(message, ErrorMessage):
            raise _SessionEnd(message.error.code, resync=False)
        before = self.mirror.last_seq
        try:
            changes = self.mirror.apply(message)
        except SequenceGap as gap:
            logger.warning("centre stream: gap (%s), asking for a snapshot", gap)
            raise _SessionEnd("sequence_gap", resync=True) from gap
        except MirrorError as error:
            logger.warning("centre stream: %s, asking for a snapshot", error)
            raise _SessionEnd("malformed_message", resync=True) from error
        if isinstance(message, SnapshotMessage):
            self._need_snapshot = False
        if changes and self._on_changes is not None:
            try:
                self._on_changes(changes)
            except Exception:
                logger.exception("centre stream: on_changes callback failed")
        if self.mirror.last_seq != before:
            self._pulse()

    def _check_heartbeat(self, head: int) -> None:
        applied = self.mirror.last_seq
        # The server's log is behind ours (its database was replaced): our state is not its.
        if applied is not None and head < applied:
            raise _SessionEnd("server_log_reset", resync=True)

    def _session_url(self) -> str:
        after = self.mirror.last_seq
        if self._need_snapshot or after is None:
            return self._url
        return f"{self._url}?{urlencode({'after': after})}"

    def _set_online(self, online: bool) -> None:
        if online is self._online:
            return
        self._online = online
        self._pulse()
        if self._on_online is not None:
            try:
                self._on_online(online)
            except Exception:
                logger.exception("centre stream: on_online callback failed")

    def _pulse(self) -> None:
        self._progress.set()
        self._progress = asyncio.Event()


def _stream_url(base_url: str) -> str:
    parts = urlsplit(base_url)
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    return urlunsplit((scheme, parts.netloc, parts.path.rstrip("/") + STREAM_PATH, "", ""))


def _refusal_reason(status: int) -> str:
    return REFUSAL_BY_STATUS.get(status, "server_unreachable")


def _closed_reason(error: WebSocketException) -> str:
    if isinstance(error, ConnectionClosed) and error.rcvd is not None:
        return REFUSAL_BY_CLOSE_CODE.get(error.rcvd.code, "connection_closed")
    return "connection_closed"
