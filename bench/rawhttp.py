"""A lean HTTP/1.1 keep-alive client on asyncio streams: one connection per simulated device.

httpx costs the load generator several times the CPU of this client per request, and the
generator shares two cores with the server; this keeps the measured figures the server's.
Only what the centre server speaks is handled: JSON or text bodies with Content-Length, or
chunked.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass
from typing import Any


class HttpError(Exception):
    """The connection failed or the answer was not HTTP/1.1 as expected."""


@dataclass(frozen=True)
class Response:
    """A status code and the raw body."""

    status: int
    body: bytes

    def json(self) -> Any:
        """Decode the body as JSON."""
        return json.loads(self.body)

    def error_code(self) -> str | None:
        """Return the `error.code` of an error body, if it has one."""
        try:
            return str(self.json()["error"]["code"])
        except (ValueError, KeyError, TypeError):
            return None


class Connection:
    """One keep-alive connection to the server, used by one task at a time."""

    def __init__(self, host: str, port: int, *, token: str | None = None) -> None:
        self.host = host
        self.port = port
        self.token = token
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._reader is not None and self._reader.at_eof():
            # The server closed the idle keep-alive connection (uvicorn: after 5 s).
            await self.close()
        if self._reader is None or self._writer is None or self._writer.is_closing():
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        return self._reader, self._writer

    async def request(
        self, method: str, path: str, body: Any = None, *, token: str | None = None
    ) -> Response:
        """Send one request (JSON body if given) and read the whole answer."""
        payload = b"" if body is None else json.dumps(body).encode()
        bearer = token or self.token
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if bearer:
            head.append(f"Authorization: Bearer {bearer}")
        if body is not None:
            head.append("Content-Type: application/json")
        head.append(f"Content-Length: {len(payload)}")
        message = ("\r\n".join(head) + "\r\n\r\n").encode() + payload
        reused = self._reader is not None
        try:
            return await self._exchange(message)
        except asyncio.IncompleteReadError as exc:
            await self.close()
            if not reused or exc.partial:
                raise HttpError(f"{method} {path}: {exc!r}") from exc
        except (OSError, ValueError) as exc:
            await self.close()
            raise HttpError(f"{method} {path}: {exc!r}") from exc
        # The server closed a reused keep-alive connection before reading the request (its
        # idle timeout fired as we sent): nothing was processed, so send it once more, as
        # HTTP clients do.
        try:
            return await self._exchange(message)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            await self.close()
            raise HttpError(f"{method} {path}: {exc!r}") from exc

    async def _exchange(self, message: bytes) -> Response:
        reader, writer = await self._connect()
        writer.write(message)
        return await self._read_response(reader)

    async def _read_response(self, reader: asyncio.StreamReader) -> Response:
        header = await reader.readuntil(b"\r\n\r\n")
        lines = header.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length: int | None = None
        chunked = False
        closing = False
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection" and "close" in value.lower():
                closing = True
        if chunked:
            body = await self._read_chunks(reader)
        elif length is not None:
            body = await reader.readexactly(length)
        else:
            body = b""
        if closing:
            await self.close()
        return Response(status, body)

    @staticmethod
    async def _read_chunks(reader: asyncio.StreamReader) -> bytes:
        parts: list[bytes] = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)

    async def close(self) -> None:
        """Close the connection (a later request opens a new one)."""
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
