"""A loopback HTTP/1.1 proxy that injects link faults between a centre and the national service.

The sync tests put it between the centre's httpx client and the national service's uvicorn,
both on 127.0.0.1. It reads each exchange of a keep-alive connection (the request by
Content-Length; the response by Content-Length, chunks or the close) so that a fault hits one
request/response and the next one may pass. It runs its own event loop in its own thread, so
synchronous tests and tests that run their own loop can both use it.
"""

import asyncio
import json
import socket
import struct
import threading
from collections import deque
from collections.abc import Callable, Coroutine, Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from enum import StrEnum
from random import Random
from types import TracebackType
from typing import Any, Self

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
DEFAULT_SLOW_DELAY = 2.0  # seconds: longer than the centre's client timeout in the sync tests
_CONTROL_TIMEOUT = 5.0  # seconds a start, cut, restore or stop may take on the proxy's loop
_CHUNK = 65536


class Fault(StrEnum):
    """What the proxy does to one exchange."""

    NONE = "none"  # forward both ways
    DROP = "drop"  # close the client connection at once: upstream never sees the request
    RESET_MID_BODY = "reset_mid_body"  # forward part of the request, then RST both sides
    ERROR_500 = "error_500"  # answer a 500 proxy_fault without forwarding
    SLOW = "slow"  # forward, but hold the response back for the proxy's slow_delay
    LOSE_ANSWER = "lose_answer"  # upstream answers in full; the client is closed unanswered
    RESET_RESPONSE = "reset_response"  # send part of the response, then RST the client


INJECTED_FAULTS = tuple(fault for fault in Fault if fault is not Fault.NONE)


class FaultPlan:
    """Which fault each exchange gets: a fixed script then none, or a seeded random draw."""

    def __init__(self, script: Iterable[Fault] = ()) -> None:
        self._lock = threading.Lock()
        self._script = deque(Fault(fault) for fault in script)
        self._rng: Random | None = None
        self._rate = 0.0
        self._kinds: tuple[Fault, ...] = ()

    @classmethod
    def random(cls, seed: int, rate: float = 0.3, kinds: Iterable[Fault] = INJECTED_FAULTS) -> Self:
        """A plan that gives each exchange one of `kinds` with probability `rate`, from `seed`."""
        chosen = tuple(Fault(kind) for kind in kinds)
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate must be between 0 and 1, not {rate}")
        if not chosen:
            raise ValueError("a random plan needs at least one fault kind")
        plan = cls()
        plan._rng, plan._rate, plan._kinds = Random(seed), rate, chosen
        return plan

    def next_fault(self) -> Fault:
        """The fault for the next exchange (thread-safe)."""
        with self._lock:
            if self._script:
                return self._script.popleft()
            if self._rng is not None and self._rng.random() < self._rate:
                return self._rng.choice(self._kinds)
            return Fault.NONE


@dataclass(frozen=True)
class ProxyStats:
    """A snapshot of what the proxy did: the fault each exchange got, in order."""

    history: tuple[Fault, ...] = ()

    @property
    def exchanges(self) -> int:
        """How many requests reached the proxy."""
        return len(self.history)

    @property
    def faults(self) -> Mapping[Fault, int]:
        """How many exchanges got each fault, `Fault.NONE` included."""
        return {fault: self.history.count(fault) for fault in Fault}

    @property
    def injected(self) -> int:
        """How many exchanges got a fault other than none."""
        return self.exchanges - self.history.count(Fault.NONE)


@dataclass(frozen=True)
class _Head:
    """A request or response head as received, with its start line split and headers named."""

    raw: bytes
    start: tuple[str, ...]  # ("POST", "/sync/up", "HTTP/1.1") or ("HTTP/1.1", "200", "OK")
    headers: Mapping[str, str]  # by lower-case name

    @classmethod
    def parse(cls, raw: bytes) -> Self:
        lines = raw.decode("latin-1").split("\r\n")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        start = tuple(lines[0].split(" ", 2))
        if len(start) < 2:
            raise ValueError(f"not an HTTP start line: {lines[0]!r}")
        return cls(raw, start, headers)

    @property
    def is_response(self) -> bool:
        return self.start[0].startswith("HTTP/")

    @property
    def status(self) -> int:
        return int(self.start[1])

    @property
    def content_length(self) -> int | None:
        value = self.headers.get("content-length")
        return None if value is None else int(value)

    @property
    def chunked(self) -> bool:
        return "chunked" in self.headers.get("transfer-encoding", "").lower()

    @property
    def closes(self) -> bool:
        """Whether the connection ends after this message (HTTP/1.0 unless kept alive)."""
        tokens = {token.strip().lower() for token in self.headers.get("connection", "").split(",")}
        version = self.start[0] if self.is_response else self.start[-1]
        return "close" in tokens or (version == "HTTP/1.0" and "keep-alive" not in tokens)


def _reset_on_close(sock: socket.socket) -> None:
    """Make closing the socket send RST, not FIN (SO_LINGER on with a zero timeout)."""
    with suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def _reset(writer: asyncio.StreamWriter | None) -> None:
    """End a connection with RST."""
    if writer is None:
        return
    sock = writer.get_extra_info("socket")
    if sock is not None:
        _reset_on_close(sock)
    writer.transport.abort()


def _close(writer: asyncio.StreamWriter | None) -> None:
    if writer is not None:
        writer.close()


class _Link:
    """One client connection and the upstream connection that carries its exchanges."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.client_reader = reader
        self.client_writer = writer
        self._upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        self._upstream_address: tuple[str, int] | None = None

    async def upstream(
        self, address: tuple[str, int]
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """The upstream connection for the next exchange: a new one if it closed or moved."""
        if self._upstream is not None and (
            self._upstream_address != address or self._upstream[0].at_eof()
        ):
            # Only a keep-alive that upstream already closed is replaced; one it closes while
            # the request is on its way fails that exchange, as it would without the proxy.
            self._upstream[1].close()
            self._upstream = None
        if self._upstream is None:
            self._upstream = await asyncio.open_connection(*address)
            self._upstream_address = address
        return self._upstream

    def _upstream_writer(self) -> asyncio.StreamWriter | None:
        return None if self._upstream is None else self._upstream[1]

    def close(self) -> None:
        """End both sides with an orderly close."""
        _close(self.client_writer)
        _close(self._upstream_writer())

    def reset(self) -> None:
        """End both sides with RST."""
        _reset(self.client_writer)
        _reset(self._upstream_writer())


def _proxy_error(status: int, reason: str, code: str, message: str) -> bytes:
    """A complete JSON error response from the proxy itself."""
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


async def _read_head(reader: asyncio.StreamReader) -> _Head | None:
    """The next message head, or None if the peer closed cleanly before sending one."""
    try:
        raw = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as error:
        if error.partial:
            raise
        return None
    return _Head.parse(raw)


async def _read_chunks(reader: asyncio.StreamReader) -> bytes:
    """A chunked body as received, up to and including the trailers' empty line."""
    body = bytearray()
    while True:
        size_line = await reader.readuntil(b"\r\n")
        body += size_line
        size = int(size_line.split(b";", 1)[0], 16)
        if size == 0:
            break
        body += await reader.readexactly(size + 2)  # the chunk and its CRLF
    while True:
        line = await reader.readuntil(b"\r\n")
        body += line
        if line == b"\r\n":
            return bytes(body)


async def _read_response(reader: asyncio.StreamReader, request: _Head) -> tuple[bytes, bool]:
    """A whole response as received from upstream, and whether the connection ends after it."""
    head = await _read_head(reader)
    if head is None:
        raise ConnectionResetError("upstream closed without answering")
    length = head.content_length
    if request.start[0] == "HEAD" or head.status in (204, 304):
        return head.raw, head.closes
    if head.chunked:
        return head.raw + await _read_chunks(reader), head.closes
    if length is not None:
        return head.raw + await reader.readexactly(length), head.closes
    return head.raw + await reader.read(), True  # delimited by the close


async def _copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, length: int) -> None:
    """Forward exactly `length` bytes."""
    left = length
    while left:
        chunk = await reader.read(min(left, _CHUNK))
        if not chunk:
            raise asyncio.IncompleteReadError(b"", left)
        writer.write(chunk)
        await writer.drain()
        left -= len(chunk)


def _loopback(address: tuple[str, int]) -> tuple[str, int]:
    host, port = address
    if host not in LOOPBACK_HOSTS:
        raise ValueError(f"the fault proxy only forwards to loopback, not {host!r}")
    return host, port


class FaultProxy:
    """An HTTP/1.1 proxy on 127.0.0.1 that forwards to a loopback upstream and injects faults."""

    def __init__(
        self,
        upstream: tuple[str, int],
        *,
        plan: FaultPlan | None = None,
        slow_delay: float = DEFAULT_SLOW_DELAY,
        port: int = 0,
    ) -> None:
        self._lock = threading.Lock()
        self._upstream = _loopback(upstream)
        self._plan = plan or FaultPlan()
        self._history: list[Fault] = []
        self.slow_delay = slow_delay
        self._port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        # Touched only on the proxy's loop: the listening socket, and each client connection's
        # task with its socket.
        self._listener: socket.socket | None = None
        self._links: dict[asyncio.Task[None], socket.socket] = {}

    def start(self) -> Self:
        """Listen, serving from a thread and event loop of its own."""
        if self._loop is not None:
            raise RuntimeError("the fault proxy is already started")
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="fault-proxy", daemon=True
        )
        self._thread.start()
        self._on_loop(self._listen)
        return self

    def stop(self) -> None:
        """Stop listening, reset open connections and end the thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        self._on_loop(self._unlisten)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=_CONTROL_TIMEOUT)
        loop.close()
        self._loop = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The port it listens on."""
        if not self._port:
            raise RuntimeError("the fault proxy is not started")
        return self._port

    @property
    def url(self) -> str:
        """The base URL to give the client instead of the upstream's."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def upstream(self) -> tuple[str, int]:
        """Where exchanges are forwarded; a change applies from the next exchange."""
        with self._lock:
            return self._upstream

    @upstream.setter
    def upstream(self, address: tuple[str, int]) -> None:
        checked = _loopback(address)
        with self._lock:
            self._upstream = checked

    @property
    def plan(self) -> FaultPlan:
        """The plan that picks each exchange's fault."""
        with self._lock:
            return self._plan

    @plan.setter
    def plan(self, plan: FaultPlan) -> None:
        with self._lock:
            self._plan = plan

    @property
    def stats(self) -> ProxyStats:
        """What the proxy has done so far."""
        with self._lock:
            return ProxyStats(tuple(self._history))

    def cut(self) -> None:
        """Pull the cable: refuse new connections and reset open ones until `restore()`."""
        self._on_loop(self._unlisten)

    def restore(self) -> None:
        """Plug the cable back in: listen again on the same port."""
        self._on_loop(self._listen)

    def _on_loop(self, step: Callable[[], Coroutine[Any, Any, None]]) -> None:
        if self._loop is None:
            raise RuntimeError("the fault proxy is not started")
        asyncio.run_coroutine_threadsafe(step(), self._loop).result(timeout=_CONTROL_TIMEOUT)

    async def _listen(self) -> None:
        if self._listener is not None:
            return
        # A closed listener makes connects fail with "refused", as with the service down. The
        # price: the port is free while cut, so another socket could in principle take it
        # before restore() binds it again (restore then raises; loopback tests accept that).
        listener = socket.create_server(("127.0.0.1", self._port), backlog=64)
        listener.setblocking(False)
        self._port = listener.getsockname()[1]
        # Our own listener rather than asyncio.start_server: on 3.11 closing a Server while an
        # accept is in flight fails in asyncio and leaks the accepted socket.
        asyncio.get_running_loop().add_reader(listener, self._accept_waiting, listener)
        self._listener = listener

    def _accept_waiting(self, listener: socket.socket) -> None:
        """Take every connection the kernel has queued and serve each in a task."""
        while True:
            try:
                connection, _ = listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            task = asyncio.get_running_loop().create_task(self._serve(connection))
            self._links[task] = connection
            task.add_done_callback(self._forget)

    def _forget(self, task: asyncio.Task[None]) -> None:
        self._links.pop(task, None)

    async def _unlisten(self) -> None:
        listener, self._listener = self._listener, None
        if listener is None:
            return
        asyncio.get_running_loop().remove_reader(listener)
        listener.close()  # the kernel resets connections still queued on it
        links = dict(self._links)
        for task in links:
            task.cancel()
        await asyncio.gather(*links, return_exceptions=True)
        for connection in links.values():
            # A task cancelled before its first step never wrapped (nor closed) its socket;
            # for the others the transport has closed it already and this does nothing.
            if connection.fileno() != -1:
                _reset_on_close(connection)
                connection.close()

    def _next_fault(self) -> Fault:
        with self._lock:
            fault = self._plan.next_fault()
            self._history.append(fault)
        return fault

    async def _serve(self, connection: socket.socket) -> None:
        reader, writer = await asyncio.open_connection(sock=connection)
        link = _Link(reader, writer)
        try:
            while await self._exchange(link):
                pass
        except (OSError, EOFError, asyncio.LimitOverrunError, ValueError):
            # A side went away mid-exchange (IncompleteReadError is an EOFError) or sent what
            # cannot be framed: end the link as a broken connection would, with a reset.
            link.reset()
        except asyncio.CancelledError:
            link.reset()  # the cable is pulled under an open connection
            raise
        else:
            link.close()

    async def _exchange(self, link: _Link) -> bool:
        """Carry one request and its response, with the plan's fault; False ends the link."""
        request = await _read_head(link.client_reader)
        if request is None:
            return False
        client = link.client_writer
        if request.chunked:
            # Framing it is not needed by the sync client; refuse rather than forward a
            # request whose end the proxy cannot find.
            client.write(
                _proxy_error(501, "Not Implemented", "proxy_unsupported", "chunked request bodies")
            )
            await client.drain()
            return False
        fault = self._next_fault()
        length = request.content_length or 0
        if fault is Fault.DROP:
            return False
        if fault is Fault.ERROR_500:
            await link.client_reader.readexactly(length)  # keeps the connection in step
            client.write(
                _proxy_error(
                    500, "Internal Server Error", "proxy_fault", "fault injected by the proxy"
                )
            )
            await client.drain()
            return not request.closes
        upstream_reader, upstream_writer = await link.upstream(self.upstream)
        if fault is Fault.RESET_MID_BODY:
            part = await link.client_reader.readexactly(length // 2)
            # Without a body, half the head is the part of the request that gets through.
            upstream_writer.write(
                request.raw + part if length else request.raw[: len(request.raw) // 2]
            )
            await upstream_writer.drain()
            link.reset()
            return False
        upstream_writer.write(request.raw)
        await _copy(link.client_reader, upstream_writer, length)
        response, closes = await _read_response(upstream_reader, request)
        if fault is Fault.LOSE_ANSWER:
            return False
        if fault is Fault.RESET_RESPONSE:
            client.write(response[: len(response) // 2])
            await client.drain()
            link.reset()
            return False
        if fault is Fault.SLOW:
            await asyncio.sleep(self.slow_delay)
        client.write(response)
        await client.drain()
        return not (request.closes or closes)
