"""The fault proxy in front of a real loopback HTTP server: each fault does what sync tests need."""

import asyncio
import json
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal, Self

import httpx
import pytest

from tests.sync.fault_proxy import Fault, FaultPlan, FaultProxy

BODY = b"x" * 20_000  # reset_mid_body forwards the first 10 000 bytes of it
Count = Literal["started", "completed", "aborted"]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like uvicorn
    server: "_Server"

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep pytest's output to the test's own

    def _answer(self) -> None:
        upstream = self.server.upstream
        upstream.count("started", self.client_address)
        length = int(self.headers.get("Content-Length", 0))
        try:
            body = self.rfile.read(length)
        except OSError:
            body = b""
        if len(body) < length:
            upstream.count("aborted", self.client_address)
            self.close_connection = True
            return
        completed = upstream.count("completed", self.client_address)
        answer = json.dumps({"completed": completed, "path": self.path}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if self.path == "/chunked":
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (answer[:5], answer[5:]):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
        elif self.path == "/until-close":
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(answer)
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream: "CountingUpstream") -> None:
        self.upstream = upstream
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        # The proxy's resets reach the handler as ConnectionResetError: expected, not news.
        if not isinstance(sys.exc_info()[1], ConnectionResetError):
            super().handle_error(request, client_address)


class CountingUpstream:
    """A keep-alive HTTP/1.1 server on loopback counting requests started, read and aborted."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[Count, int] = {"started": 0, "completed": 0, "aborted": 0}
        self._peers: set[tuple[str, int]] = set()
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=2)

    @property
    def address(self) -> tuple[str, int]:
        return "127.0.0.1", int(self._server.server_address[1])

    def count(self, what: Count, peer: tuple[str, int]) -> int:
        with self._lock:
            self._counts[what] += 1
            self._peers.add(peer)
            return self._counts[what]

    def get(self, what: Count) -> int:
        with self._lock:
            return self._counts[what]

    @property
    def connections(self) -> int:
        """How many connections the requests came on."""
        with self._lock:
            return len(self._peers)


def wait_until(condition: Callable[[], bool], timeout: float = 2.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


@pytest.fixture
def upstream() -> Iterator[CountingUpstream]:
    with CountingUpstream() as server:
        yield server


@pytest.fixture
def proxy(upstream: CountingUpstream) -> Iterator[FaultProxy]:
    with FaultProxy(upstream.address, slow_delay=0.5) as proxy:
        yield proxy


@pytest.fixture
def client(proxy: FaultProxy) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=proxy.url, timeout=2.0) as client:
        yield client


def test_no_fault_forwards_three_requests_on_one_kept_alive_connection(
    proxy: FaultProxy, upstream: CountingUpstream, client: httpx.Client
) -> None:
    answers = [client.post("/sync/up", content=BODY) for _ in range(3)]

    assert [answer.json()["completed"] for answer in answers] == [1, 2, 3]
    assert upstream.connections == 1
    assert proxy.stats.faults[Fault.NONE] == 3


def test_chunked_and_close_delimited_responses_come_through_whole(
    upstream: CountingUpstream, client: httpx.Client
) -> None:
    chunked = client.get("/chunked")
    after_chunks = client.get("/plain")  # same connection: the chunked answer ended where it should
    until_close = client.get("/until-close")
    after_close = client.get("/plain")  # a new connection: the proxy passed the close on

    assert chunked.json() == {"completed": 1, "path": "/chunked"}
    assert after_chunks.json() == {"completed": 2, "path": "/plain"}
    assert until_close.json() == {"completed": 3, "path": "/until-close"}
    assert after_close.json() == {"completed": 4, "path": "/plain"}
    assert upstream.connections == 2


def test_drop_closes_before_upstream_sees_the_request(
    proxy: FaultProxy, upstream: CountingUpstream, client: httpx.Client
) -> None:
    proxy.plan = FaultPlan([Fault.DROP])

    with pytest.raises(httpx.TransportError):
        client.post("/sync/up", content=BODY)

    assert upstream.get("started") == 0
    assert client.post("/sync/up", content=BODY).status_code == 200


def test_error_500_answers_for_upstream_and_keeps_the_connection(
    proxy: FaultProxy, upstream: CountingUpstream, client: httpx.Client
) -> None:
    proxy.plan = FaultPlan([Fault.ERROR_500])

    failed = client.post("/sync/up", content=BODY)
    passed = client.post("/sync/up", content=BODY)

    assert failed.status_code == 500
    assert failed.json()["error"]["code"] == "proxy_fault"
    assert passed.json()["completed"] == 1
    assert upstream.get("started") == 1


def test_lose_answer_lets_upstream_finish_then_loses_the_answer(
    proxy: FaultProxy, upstream: CountingUpstream, client: httpx.Client
) -> None:
    proxy.plan = FaultPlan([Fault.LOSE_ANSWER])

    with pytest.raises(httpx.TransportError):
        client.post("/sync/up", content=BODY)

    assert upstream.get("completed") == 1


def test_reset_mid_body_leaves_upstream_with_half_a_request(
    proxy: FaultProxy, upstream: CountingUpstream, client: httpx.Client
) -> None:
    proxy.plan = FaultPlan([Fault.RESET_MID_BODY])

    with pytest.raises(httpx.TransportError):
        client.post("/sync/up", content=BODY)

    wait_until(lambda: upstream.get("aborted") == 1)
    assert upstream.get("completed") == 0


def test_reset_mid_body_without_a_body_sends_half_the_head(
    proxy: FaultProxy, upstream: CountingUpstream, client: httpx.Client
) -> None:
    proxy.plan = FaultPlan([Fault.RESET_MID_BODY])

    with pytest.raises(httpx.TransportError):
        client.get("/status")

    assert upstream.get("started") == 0
    assert client.get("/status").status_code == 200


def test_slow_outlasts_a_shorter_client_timeout(
    proxy: FaultProxy, upstream: CountingUpstream
) -> None:
    proxy.plan = FaultPlan([Fault.SLOW])

    with (
        httpx.Client(base_url=proxy.url, timeout=0.1) as impatient,
        pytest.raises(httpx.ReadTimeout),
    ):
        impatient.post("/sync/up", content=BODY)

    wait_until(lambda: upstream.get("completed") == 1)


def test_slow_delivers_late_to_a_patient_client(proxy: FaultProxy, client: httpx.Client) -> None:
    proxy.plan = FaultPlan([Fault.SLOW])

    began = time.monotonic()
    answer = client.get("/status")

    assert answer.status_code == 200
    assert time.monotonic() - began >= proxy.slow_delay


def test_reset_response_cuts_the_answer_short(
    proxy: FaultProxy, upstream: CountingUpstream, client: httpx.Client
) -> None:
    proxy.plan = FaultPlan([Fault.RESET_RESPONSE])

    with pytest.raises(httpx.TransportError):
        client.post("/sync/up", content=BODY)

    assert upstream.get("completed") == 1


def test_cut_refuses_and_drops_until_restored(
    proxy: FaultProxy, upstream: CountingUpstream, client: httpx.Client
) -> None:
    assert client.get("/status").status_code == 200
    held = socket.create_connection(("127.0.0.1", proxy.port), timeout=2)

    proxy.cut()

    with held, pytest.raises(httpx.ConnectError):
        client.get("/status")
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", proxy.port), timeout=2).close()
    proxy.restore()
    assert client.get("/status").json()["completed"] == 2


def test_cut_closes_a_connection_already_open(proxy: FaultProxy) -> None:
    held = socket.create_connection(("127.0.0.1", proxy.port), timeout=2)

    proxy.cut()

    with held:
        try:
            received = held.recv(1)
        except ConnectionResetError:
            received = b""  # a reset is as good as a close here
    assert received == b""


def test_a_new_upstream_takes_the_next_exchange(
    proxy: FaultProxy, upstream: CountingUpstream, client: httpx.Client
) -> None:
    client.get("/status")

    with CountingUpstream() as restarted:
        proxy.upstream = restarted.address
        client.get("/status")

        assert (upstream.get("completed"), restarted.get("completed")) == (1, 1)


def test_a_dead_upstream_fails_the_exchange(upstream: CountingUpstream) -> None:
    with CountingUpstream() as gone:
        address = gone.address

    with (
        FaultProxy(address) as proxy,
        httpx.Client(base_url=proxy.url) as client,
        pytest.raises(httpx.TransportError),
    ):
        client.get("/status")


def test_the_random_plan_is_the_same_for_the_same_seed() -> None:
    def draws(plan: FaultPlan) -> list[Fault]:
        return [plan.next_fault() for _ in range(200)]

    first = draws(FaultPlan.random(seed=42))

    assert first == draws(FaultPlan.random(seed=42))
    assert first != draws(FaultPlan.random(seed=43))
    assert 30 < sum(fault is not Fault.NONE for fault in first) < 90  # rate 0.3 of 200
    assert set(draws(FaultPlan.random(seed=1, rate=1.0, kinds=[Fault.DROP]))) == {Fault.DROP}
    assert set(draws(FaultPlan.random(seed=1, rate=0.0))) == {Fault.NONE}


def test_a_random_plan_through_the_proxy_injects_its_sequence(
    proxy: FaultProxy, upstream: CountingUpstream, client: httpx.Client
) -> None:
    kinds = [Fault.DROP, Fault.ERROR_500]
    proxy.plan = FaultPlan.random(seed=7, rate=0.5, kinds=kinds)
    expected = FaultPlan.random(seed=7, rate=0.5, kinds=kinds)

    for _ in range(30):
        with suppress(httpx.TransportError):  # a drop: the next request opens a new connection
            client.post("/sync/up", content=b"{}")

    stats = proxy.stats
    assert list(stats.history) == [expected.next_fault() for _ in range(30)]
    assert stats.injected >= 5
    assert upstream.get("completed") == stats.faults[Fault.NONE]


@pytest.mark.parametrize(("rate", "kinds"), [(1.5, [Fault.DROP]), (-0.1, [Fault.DROP]), (0.3, [])])
def test_a_random_plan_refuses_a_bad_rate_or_no_kinds(rate: float, kinds: list[Fault]) -> None:
    with pytest.raises(ValueError):
        FaultPlan.random(seed=1, rate=rate, kinds=kinds)


def test_stats_count_each_fault_and_every_exchange(proxy: FaultProxy, client: httpx.Client) -> None:
    proxy.plan = FaultPlan([Fault.DROP, Fault.ERROR_500, Fault.DROP])

    for _ in range(4):
        with suppress(httpx.TransportError):
            client.get("/status")

    stats = proxy.stats
    assert stats.exchanges == 4
    assert stats.injected == 3
    assert (stats.faults[Fault.DROP], stats.faults[Fault.ERROR_500]) == (2, 1)
    assert stats.faults[Fault.NONE] == 1


def test_a_chunked_request_is_refused_not_forwarded(
    upstream: CountingUpstream, client: httpx.Client
) -> None:
    answer = client.post("/sync/up", content=iter([b"{", b"}"]))

    assert answer.status_code == 501
    assert answer.json()["error"]["code"] == "proxy_unsupported"
    assert upstream.get("started") == 0


@pytest.mark.parametrize("host", ["10.0.0.5", "national.example", "0.0.0.0"])
def test_only_loopback_upstreams(upstream: CountingUpstream, host: str) -> None:
    with pytest.raises(ValueError):
        FaultProxy((host, 8000))
    proxy = FaultProxy(upstream.address)
    with pytest.raises(ValueError):
        proxy.upstream = (host, 8000)


def test_a_test_with_its_own_event_loop_can_use_it(
    proxy: FaultProxy, upstream: CountingUpstream
) -> None:
    proxy.plan = FaultPlan([Fault.ERROR_500])

    async def exchange_twice() -> list[int]:
        async with httpx.AsyncClient(base_url=proxy.url, timeout=2.0) as client:
            return [(await client.get("/status")).status_code for _ in range(2)]

    assert asyncio.run(exchange_twice()) == [500, 200]
    assert upstream.get("completed") == 1
