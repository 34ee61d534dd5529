"""A loopback TCP proxy that records every byte, and a reader for what the server sent back.

The kiosk and the display reach the centre through it, so the test sees exactly the bytes they
receive: HTTP/1.1 responses (chunked or not, gzip or deflate) and, after a `101`, websocket
frames, inflated when permessage-deflate was negotiated. Anything it cannot read (another
content coding, a malformed frame) fails the test rather than passing unread.
"""

from __future__ import annotations

import asyncio
import gzip
import threading
import zlib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# The tail a permessage-deflate sender strips from every message (RFC 7692, 7.2.1).
DEFLATE_TAIL = b"\x00\x00\xff\xff"
OPCODE_TEXT, OPCODE_BINARY, OPCODE_CONTINUATION = 1, 2, 0


@dataclass
class Connection:
    """The bytes of one client connection: `sent` by the client, `received` from the server."""

    sent: bytearray = field(default_factory=bytearray)
    received: bytearray = field(default_factory=bytearray)


@dataclass(frozen=True)
class Exchange:
    """One HTTP request line and what came back: the decoded body, or the websocket messages."""

    request: str
    status: int
    headers: dict[str, str]
    body: bytes
    messages: tuple[bytes, ...] = ()
    unread_tail: int = 0


class RecordingProxy:
    """Forwards 127.0.0.1:<port> to the centre in a thread of its own and records everything."""

    def __init__(self, target_url: str) -> None:
        parts = urlsplit(target_url)
        self._target = (parts.hostname or "127.0.0.1", parts.port or 80)
        self._lock = threading.Lock()
        self._connections: list[Connection] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._transports: set[asyncio.WriteTransport] = set()
        self.port = 0

    @property
    def url(self) -> str:
        """The proxy's URL, to give a client instead of the centre's."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> RecordingProxy:
        """Listen on an ephemeral loopback port."""
        self._thread.start()
        opening = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._relay, "127.0.0.1", 0), self._loop
        )
        self._server = opening.result(timeout=10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        """Stop listening, drop open connections and end the thread."""
        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(timeout=10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
        self._loop.close()

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
        for transport in list(self._transports):
            transport.abort()
        # Let the relays see their connections end.
        await asyncio.sleep(0.05)

    def connections(self) -> list[Connection]:
        """A copy of every connection's bytes so far."""
        with self._lock:
            return [Connection(bytearray(c.sent), bytearray(c.received)) for c in self._connections]

    def received(self) -> bytes:
        """Every byte the clients received, all connections."""
        return b"".join(bytes(c.received) for c in self.connections())

    def exchanges(self) -> list[Exchange]:
        """Every response on every connection, decoded."""
        return [exchange for c in self.connections() for exchange in read_exchanges(c)]

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connection = Connection()
        with self._lock:
            self._connections.append(connection)
        self._transports.add(writer.transport)
        try:
            up_reader, up_writer = await asyncio.open_connection(*self._target)
        except OSError:
            writer.transport.abort()
            return
        self._transports.add(up_writer.transport)
        await asyncio.gather(
            self._pipe(reader, up_writer, connection.sent),
            self._pipe(up_reader, writer, connection.received),
            return_exceptions=True,
        )

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, record: bytearray
    ) -> None:
        try:
            while data := await reader.read(65536):
                with self._lock:
                    record.extend(data)
                writer.write(data)
                await writer.drain()
        finally:
            writer.transport.abort()


class _Bytes:
    """A cursor over a recorded stream."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def left(self) -> int:
        return len(self.data) - self.at

    def take(self, count: int) -> bytes:
        if count > self.left():
            raise EOFError
        chunk = self.data[self.at : self.at + count]
        self.at += count
        return chunk

    def line(self) -> bytes:
        end = self.data.find(b"\r\n", self.at)
        if end < 0:
            raise EOFError
        line = self.data[self.at : end]
        self.at = end + 2
        return line

    def head(self) -> tuple[str, dict[str, str]]:
        first = self.line().decode("latin-1")
        headers = {}
        while line := self.line():
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        return first, headers


def _requests(sent: bytes) -> list[str]:
    """The request lines the client sent, in order (bodies skipped by Content-Length)."""
    stream = _Bytes(sent)
    lines = []
    while stream.left():
        try:
            first, headers = stream.head()
            stream.take(int(headers.get("content-length", "0")))
        except EOFError:
            break
        lines.append(first)
        if headers.get("upgrade", "").lower() == "websocket":
            break  # the rest is masked websocket frames
    return lines


def _body(stream: _Bytes, status: int, headers: dict[str, str]) -> bytes:
    if status in (204, 304) or status < 200:
        return b""
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = bytearray()
        while size := int(stream.line().split(b";")[0], 16):
            body += stream.take(size)
            stream.line()
        while stream.line():  # trailers
            pass
        return bytes(body)
    if "content-length" in headers:
        return stream.take(int(headers["content-length"]))
    return stream.take(stream.left())  # until the server closed the connection


def _decoded(body: bytes, coding: str) -> bytes:
    if coding in ("", "identity"):
        return body
    if coding == "gzip":
        return gzip.decompress(body)
    if coding == "deflate":
        return zlib.decompress(body)
    raise AssertionError(f"the proxy cannot read content coding {coding!r}: add it")


def _websocket_messages(stream: _Bytes, extensions: str) -> tuple[list[bytes], int]:
    """Read server frames into messages; return them and how many bytes were left unread."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if "permessage-deflate" in extensions else None
    messages: list[bytes] = []
    parts: list[bytes] = []
    compressed = False
    while stream.left():
        start = stream.at
        try:
            first, second = stream.take(2)
            length = second & 0x7F
            if length == 126:
                length = int.from_bytes(stream.take(2), "big")
            elif length == 127:
                length = int.from_bytes(stream.take(8), "big")
            mask = stream.take(4) if second & 0x80 else b""
            payload = stream.take(length)
        except EOFError:
            return messages, len(stream.data) - start  # cut mid-frame when the client stopped
        if mask:
            payload = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
        opcode = first & 0x0F
        if opcode >= 8:  # close, ping, pong: never compressed
            messages.append(payload)
            continue
        if opcode in (OPCODE_TEXT, OPCODE_BINARY):
            compressed = bool(first & 0x40)
        elif opcode != OPCODE_CONTINUATION:
            raise AssertionError(f"unknown websocket opcode {opcode}")
        parts.append(payload)
        if first & 0x80:  # FIN: the message is whole
            message = b"".join(parts)
            parts = []
            if compressed:
                if inflater is None:
                    raise AssertionError("a compressed frame without permessage-deflate")
                message = inflater.decompress(message + DEFLATE_TAIL)
            messages.append(message)
    return messages, 0


def read_exchanges(connection: Connection) -> list[Exchange]:
    """Decode what the server sent on one connection."""
    requests = _requests(bytes(connection.sent))
    stream = _Bytes(bytes(connection.received))
    exchanges: list[Exchange] = []
    while stream.left():
        request = requests[len(exchanges)] if len(exchanges) < len(requests) else ""
        start = stream.at
        try:
            first, headers = stream.head()
            status = int(first.split()[1])
            if status == 101:
                messages, unread = _websocket_messages(
                    stream, headers.get("sec-websocket-extensions", "")
                )
                exchanges.append(
                    Exchange(request, status, headers, b"", tuple(messages), unread_tail=unread)
                )
                break
            body = _body(stream, status, headers)
        except EOFError:
            # Cut short when the client stopped: the raw bytes are still scanned.
            exchanges.append(Exchange(request, 0, {}, b"", unread_tail=len(stream.data) - start))
            break
        body = _decoded(body, headers.get("content-encoding", "").lower())
        exchanges.append(Exchange(request, status, headers, body))
    return exchanges
