"""A fake centre on loopback: its event log over a real websocket, and its hall."""

from __future__ import annotations

import asyncio
import contextlib
import json
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.protocol import State

from tests.display.messages import Log

POLL_SECONDS = 0.02


class FakeCentre:
    """Replays its log after `?after=SEQ`, then streams what the log gains; can drop everyone."""

    def __init__(self, log: Log, hall: dict[str, Any]) -> None:
        self.log = log
        self.hall = hall
        self.afters: list[int | None] = []
        self.sent: list[str] = []
        self._server: Server | None = None
        self._connections: set[ServerConnection] = set()

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = next(iter(self._server.sockets)).getsockname()[:2]
        return f"http://{host}:{port}"

    async def __aenter__(self) -> FakeCentre:
        self._server = await serve(
            self._stream, "127.0.0.1", 0, process_request=self._http, close_timeout=0.5
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def drop_everyone(self) -> None:
        for connection in list(self._connections):
            await connection.close()

    def _http(self, _connection: ServerConnection, request: Request) -> Response | None:
        if urlsplit(request.path).path != "/api/v1/hall":
            return None
        body = json.dumps(self.hall).encode()
        headers = Headers(
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        )
        return Response(HTTPStatus.OK, "OK", headers, body)

    async def _stream(self, connection: ServerConnection) -> None:
        query = parse_qs(urlsplit(connection.request.path).query)
        after = int(query["after"][0]) if "after" in query else None
        self.afters.append(after)
        self._connections.add(connection)
        sent = after or 0
        try:
            while True:
                for message in self.log.messages[sent:]:
                    text = json.dumps(message)
                    self.sent.append(text)
                    await connection.send(text)
                    sent = message["seq"]
                while len(self.log.messages) <= sent:
                    # Look at the log every few milliseconds until the client goes away.
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(connection.wait_closed(), POLL_SECONDS)
                    if connection.state is not State.OPEN:
                        return
        except ConnectionClosed:
            return  # the client will come back with `?after=`
        finally:
            self._connections.discard(connection)
