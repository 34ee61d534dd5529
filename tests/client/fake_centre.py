"""A small websocket stream server on loopback that can misbehave on purpose."""

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve

from centre_client.mirror import QueueMirror
from centre_core.wire import (
    ErrorDetail,
    ErrorMessage,
    EventMessage,
    PingMessage,
    PongMessage,
    SnapshotMessage,
)
from tests.client.events import counter_data, event, heartbeat, snapshot, ticket_data

TOKEN = "display-token"


def snapshot_of(log: list[EventMessage]) -> SnapshotMessage:
    """The snapshot the server would send at the head of `log` (its state rebuilt by replay)."""
    mirror = QueueMirror()
    for message in log:
        mirror.apply(message)
    counters = [
        counter_data(
            c.code, c.status, ticket_id=c.ticket_id, number=c.number, pause_reason=c.pause_reason
        )
        for c in mirror.counters.values()
    ]
    tickets = [t.model_dump(mode="json") for t in mirror.tickets.values()]
    return snapshot(len(log), tickets=tickets, counters=counters)


@dataclass(eq=False)
class Session:
    """One client connection as the server saw it."""

    after: int | None
    outbox: asyncio.Queue = field(default_factory=asyncio.Queue)
    connection: ServerConnection | None = None


class FakeCentre:
    """Keeps an event log, replays it after `after`, streams new events, and misbehaves."""

    def __init__(self) -> None:
        self.log: list[EventMessage] = []
        self.sessions: list[Session] = []
        self.live: set[Session] = set()
        self.heartbeat_interval = 0.05
        self.silent = False  # stop heartbeats and events, keep the connection open
        self.skip_next = 0  # live events to leave out (a gap), then carry on
        self.duplicate_live = False  # send each live event twice
        self.snapshot_always = False
        self.server: Server | None = None
        self.port = 0
        self._tickets = 0
        self.pings = 0

    async def start(self, port: int = 0) -> None:
        self.server = await serve(self._handle, "127.0.0.1", port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop like a crashed server: connections cut without a closing handshake."""
        assert self.server is not None
        for session in list(self.live):
            session.outbox.put_nowait(None)
            if session.connection is not None:
                session.connection.transport.abort()
        self.server.close(close_connections=False)
        await self.server.wait_closed()
        self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def head(self) -> int:
        return len(self.log)

    def publish(self, type_: str, data: dict[str, Any]) -> EventMessage:
        message = event(self.head + 1, type_, data)
        self.log.append(message)
        for session in self.live:
            if self.skip_next:
                continue
            session.outbox.put_nowait(message)
            if self.duplicate_live:
                session.outbox.put_nowait(message)
        if self.skip_next:
            self.skip_next -= 1
        return message

    def issue(self) -> EventMessage:
        self._tickets += 1
        number = f"N-{self._tickets:03d}"
        return self.publish("ticket.issued", ticket_data(f"t{self._tickets}", number))

    def drop_all(self) -> None:
        """Close every live connection from the server side."""
        for session in list(self.live):
            session.outbox.put_nowait(None)

    async def _handle(self, connection: ServerConnection) -> None:
        # Like the real server: accept, then say why before closing with a 44xx code.
        if connection.request.headers.get("Authorization") != f"Bearer {TOKEN}":
            error = ErrorDetail(code="unauthenticated", message="a valid token is required")
            await connection.send(ErrorMessage(error=error).model_dump_json())
            await connection.close(code=4401)
            return
        pongs = asyncio.create_task(self._answer_pings(connection))
        try:
            await self._stream(connection)
        finally:
            pongs.cancel()

    async def _answer_pings(self, connection: ServerConnection) -> None:
        with contextlib.suppress(Exception):
            async for text in connection:
                PingMessage.model_validate_json(text)  # the client sends nothing else
                if not self.silent:
                    self.pings += 1
                    await connection.send(PongMessage(seq=self.head).model_dump_json())

    async def _stream(self, connection: ServerConnection) -> None:
        query = parse_qs(urlsplit(connection.request.path).query)
        after = int(query["after"][0]) if "after" in query else None
        session = Session(after=after, connection=connection)
        self.sessions.append(session)
        # Subscribe before reading the log, as the real hub must, so nothing falls between.
        self.live.add(session)
        try:
            if after is None or self.snapshot_always:
                first = [snapshot_of(self.log)]
            else:
                first = self.log[after:]
            sent = self.head
            for message in first:
                await connection.send(message.model_dump_json())
            while True:
                try:
                    item = await asyncio.wait_for(session.outbox.get(), self.heartbeat_interval)
                except TimeoutError:
                    if not self.silent:
                        await connection.send(heartbeat(self.head).model_dump_json())
                    continue
                if item is None:
                    return
                if item.seq <= sent and not self.duplicate_live:
                    continue
                if not self.silent:
                    await connection.send(item.model_dump_json())
        except Exception:  # a client that went away ends its session
            return
        finally:
            self.live.discard(session)
            with contextlib.suppress(Exception):
                await connection.close()
