"""A loopback raw-TCP (port 9100 style) ESC/POS printer that answers DLE EOT status queries.

For tests, the demo and the kiosk's tests: print through the real network path and read back
what arrived. It scans the stream the way a real printer does, byte by byte, so a DLE EOT
pattern inside image data is answered too.
"""

import socket
import socketserver
import threading
from dataclasses import dataclass
from enum import StrEnum
from types import TracebackType
from typing import Self

_BASE = 0x12  # the fixed bits of every reply


class FakePrinterState(StrEnum):
    """What the fake printer says it is doing."""

    ONLINE = "online"
    PAPER_LOW = "paper_low"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    ERROR = "error"
    OFFLINE_CLOSE = "offline_close"  # drops every connection at once
    SILENT = "silent"  # takes data, never answers a status query


@dataclass(frozen=True)
class StatusBytes:
    """Replies to DLE EOT 1 (printer), 2 (offline cause) and 4 (paper sensor)."""

    printer: int = _BASE
    offline_cause: int = _BASE
    paper: int = _BASE


STATE_REPLIES = {
    FakePrinterState.ONLINE: StatusBytes(),
    FakePrinterState.PAPER_LOW: StatusBytes(paper=_BASE | 0x0C),
    FakePrinterState.PAPER_OUT: StatusBytes(_BASE | 0x08, _BASE | 0x20, _BASE | 0x60),
    FakePrinterState.COVER_OPEN: StatusBytes(_BASE | 0x08, _BASE | 0x04, _BASE),
    FakePrinterState.ERROR: StatusBytes(_BASE | 0x08, _BASE | 0x40, _BASE),
}


class _Handler(socketserver.BaseRequestHandler):
    server: "_Server"

    def handle(self) -> None:
        self.server.fake._serve(self.request)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, fake: "FakeNetworkPrinter") -> None:
        self.fake = fake
        super().__init__(("127.0.0.1", 0), _Handler)


class FakeNetworkPrinter:
    """A fake ESC/POS network printer on 127.0.0.1 and an ephemeral port."""

    host = "127.0.0.1"

    def __init__(self, state: FakePrinterState = FakePrinterState.ONLINE) -> None:
        self._lock = threading.Lock()
        self._state = state
        self._custom: StatusBytes | None = None
        self._connections: list[bytearray] = []
        self._paper_left: int | None = None
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Self:
        """Listen and serve in a background thread."""
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and end open connections."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=2)

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
        if self._server is None:
            raise RuntimeError("the fake printer is not started")
        return int(self._server.server_address[1])

    @property
    def received(self) -> bytes:
        """Every byte received, all connections in order."""
        with self._lock:
            return b"".join(bytes(data) for data in self._connections)

    @property
    def connections(self) -> list[bytes]:
        """The bytes received on each connection."""
        with self._lock:
            return [bytes(data) for data in self._connections]

    def clear(self) -> None:
        """Forget what was received."""
        with self._lock:
            self._connections.clear()

    def set_state(self, state: FakePrinterState) -> None:
        """Change what the printer reports from now on."""
        with self._lock:
            self._state = state
            self._custom = None

    def set_status_bytes(self, replies: StatusBytes) -> None:
        """Answer status queries with exactly these bytes (to test every bit)."""
        with self._lock:
            self._state = FakePrinterState.ONLINE
            self._custom = replies

    def run_out_of_paper_after(self, byte_count: int) -> None:
        """Switch to paper out once this many more non-query bytes have arrived."""
        with self._lock:
            self._paper_left = byte_count

    def _reply(self, query: int) -> int | None:
        """Answer DLE EOT `query` (None: stay silent); called with the lock held."""
        if self._state is FakePrinterState.SILENT:
            return None
        replies = self._custom or STATE_REPLIES[self._state]
        if query == 3:  # error cause: the fake's faults are told by DLE EOT 2
            return _BASE
        return {1: replies.printer, 2: replies.offline_cause, 4: replies.paper}.get(query)

    def _take_print_byte(self) -> None:
        """Count one byte of print data against the paper left; called with the lock held."""
        if self._paper_left is None:
            return
        self._paper_left -= 1
        if self._paper_left <= 0:
            self._paper_left = None
            self._state = FakePrinterState.PAPER_OUT
            self._custom = None

    def _closes_connections(self) -> bool:
        """Whether the state drops connections; a method, since set_state runs on other threads."""
        return self._state is FakePrinterState.OFFLINE_CLOSE

    def _serve(self, sock: socket.socket) -> None:
        with self._lock:
            if self._closes_connections():
                return
            data = bytearray()
            self._connections.append(data)
        sock.settimeout(0.05)
        pending = 0  # how much of DLE EOT we have seen: 0, 1 (DLE) or 2 (DLE EOT)
        while not self._stopping.is_set():
            try:
                chunk = sock.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            if not chunk:
                return
            answer = bytearray()
            with self._lock:
                data.extend(chunk)
                for byte in chunk:
                    if pending == 2:
                        pending = 0
                        if self._closes_connections():
                            return
                        reply = self._reply(byte)
                        if reply is not None:
                            answer.append(reply)
                    elif pending == 1 and byte == 0x04:
                        pending = 2
                    else:
                        if pending == 1:
                            self._take_print_byte()
                        pending = 1 if byte == 0x10 else 0
                        if not pending:
                            self._take_print_byte()
            if answer:
                try:
                    sock.sendall(answer)
                except OSError:
                    return
