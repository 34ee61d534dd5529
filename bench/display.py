"""Benchmark 2: call-to-display latency with 200 websocket subscribers.

Displays subscribe to `/api/v1/stream` (after the current seq, so no replay), answer a ping
each so that every subscription is live, then counters call next (and finish) at a steady
rate. For every `ticket.called` event and every subscriber the latency is the receipt time
minus the event's `at`. The server stamps `at` inside the write transaction, just before it
saves the ticket, commits and publishes, so this is an upper bound of commit-to-receipt: it
includes the commit itself (the fsync). A lower bound is also reported: receipt minus the time
the calling counter got its HTTP answer, which the server sends after publishing (so it can be
negative). Both clocks are this machine's wall clock.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from bench import centre_file, procstat
from bench.callnext import issue_tickets
from bench.centre_file import counter_plan
from bench.load import Phase
from bench.load import connect as http_connect
from bench.server import HOST, CentreServer, database, login_staff
from bench.stats import summarise_ms

CALLED = '"ticket.called"'
LATE_SECONDS = 0.5  # a delivery this late counts its subscriber and its event as late


@dataclass(frozen=True)
class DisplayOptions:
    """Subscribers, counters calling, calls per second and for how long."""

    subscribers: int = 200
    # At most 14: the bench centre's first 14 counters each serve a single-stage service first.
    counters: int = 12
    calls_per_second: float = 10.0
    seconds: float = 30.0
    settle_seconds: float = 2.0

    @classmethod
    def quick(cls) -> DisplayOptions:
        """Return the smoke-run settings."""
        return cls(counters=2, seconds=3.0, settle_seconds=1.0)


class Subscriber:
    """One display's stream: keeps the raw `ticket.called` messages and when they arrived."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.received: list[tuple[float, str]] = []
        self.socket: ClientConnection | None = None

    async def open(self) -> None:
        """Connect, then ping until the server's pong proves the subscription is live."""
        self.socket = await connect(self.url, max_queue=None, ping_interval=None)
        await self.socket.send(json.dumps({"type": "ping"}))
        while '"pong"' not in str(await self.socket.recv()):
            pass

    async def listen(self) -> None:
        """Record every call until the connection closes."""
        assert self.socket is not None
        async for message in self.socket:
            # Timestamp first, parse later: the receipt time must not include our own work.
            now = time.time()
            if CALLED in message:
                self.received.append((now, str(message)))

    async def close(self) -> None:
        """Close the connection."""
        if self.socket is not None:
            await self.socket.close()


async def loop_lag(stop: asyncio.Event, samples: list[float]) -> None:
    """Measure how late a 10 ms sleep wakes up: the generator's own queueing delay."""
    while not stop.is_set():
        start = time.perf_counter()
        await asyncio.sleep(0.01)
        samples.append(time.perf_counter() - start - 0.01)


async def measure(server: CentreServer, options: DisplayOptions) -> dict[str, Any]:
    """Subscribe the displays, call at a steady rate, and compute the latencies."""
    sessions = await login_staff(server, server.staff)
    codes = [login["counter"] for login in server.staff]
    total_calls = int(options.calls_per_second * options.seconds)
    # Each counter's own queue holds what it will call, and a little more.
    per_counter = total_calls // len(codes) + 2
    plan = [next(iter(services)) for services in counter_plan()[: len(codes)]] * per_counter
    await issue_tickets(server, concurrency=4, plan=plan)
    health = await http_connect(server).request("GET", "/healthz")
    after = health.json()["seq"]
    token = server.tokens["display"]
    url = f"ws://{HOST}:{server.port}/api/v1/stream?after={after}&token={token}"
    subscribers = [Subscriber(url) for _ in range(options.subscribers)]
    for start in range(0, len(subscribers), 20):
        await asyncio.gather(*(s.open() for s in subscribers[start : start + 20]))
    listeners = [asyncio.ensure_future(s.listen()) for s in subscribers]
    answered: dict[int, float] = {}
    phase = Phase("calls")
    t0 = time.perf_counter() + 0.2

    def counter_task(index: int) -> Any:
        async def run() -> None:
            code = codes[index]
            connection = http_connect(server, sessions[code])
            base = f"/api/v1/counters/{code}"
            try:
                for call in range(index, total_calls, len(codes)):
                    await asyncio.sleep(
                        max(0.0, t0 + call / options.calls_per_second - time.perf_counter())
                    )
                    called = await phase.call(
                        connection, "call-next", "POST", f"{base}/call-next", {}
                    )
                    if called is None or called.status != 200:
                        continue
                    body = called.json()
                    answered[body["seq"]] = time.time()
                    await phase.call(
                        connection,
                        "finish",
                        "POST",
                        f"{base}/finish",
                        {"ticket_id": body["ticket"]["ticket_id"]},
                    )
            finally:
                await connection.close()

        return run

    stop = asyncio.Event()
    lag: list[float] = []
    lag_task = asyncio.ensure_future(loop_lag(stop, lag))
    before = server.sample().cpu_seconds
    generator_before = procstat.own_cpu_seconds()
    machine_before = procstat.machine_busy_seconds()
    started = time.perf_counter()
    await asyncio.gather(*(counter_task(i)() for i in range(len(codes))))
    await asyncio.sleep(options.settle_seconds)
    elapsed = time.perf_counter() - started
    server_cpu = server.sample().cpu_seconds - before
    generator_cpu = procstat.own_cpu_seconds() - generator_before
    others = procstat.machine_busy_seconds() - machine_before - server_cpu - generator_cpu
    stop.set()
    await lag_task
    for subscriber in subscribers:
        await subscriber.close()
    await asyncio.gather(*listeners, return_exceptions=True)
    figures = _figures(subscribers, answered, phase, elapsed, server_cpu, generator_cpu, lag)
    figures["other_cpu_share"] = max(0.0, others) / elapsed
    return figures


def _figures(
    subscribers: list[Subscriber],
    answered: dict[int, float],
    phase: Phase,
    elapsed: float,
    server_cpu: float,
    generator_cpu: float,
    lag: list[float],
) -> dict[str, Any]:
    from_at: list[float] = []
    from_answer: list[float] = []
    # Which connections and which events were late (a stall of a few sockets, or of the loop).
    late_subscribers = 0
    late_events: set[int] = set()
    for subscriber in subscribers:
        late = False
        for received_at, text in subscriber.received:
            event = json.loads(text)
            latency = received_at - datetime.fromisoformat(event["at"]).timestamp()
            from_at.append(latency)
            if latency > LATE_SECONDS:
                late = True
                late_events.add(event["seq"])
            if event["seq"] in answered:
                from_answer.append(received_at - answered[event["seq"]])
        late_subscribers += late
    calls = len(answered)
    expected = calls * len(subscribers)
    return {
        "subscribers": len(subscribers),
        "calls": calls,
        "deliveries": len(from_at),
        "missing_deliveries": max(0, expected - len(from_at)),
        "subscribers_late_once": late_subscribers,
        "events_late_somewhere": len(late_events),
        "at_to_receipt": summarise_ms(from_at),
        "answer_to_receipt": summarise_ms(from_answer),
        "commands": phase.recorder.summary(),
        "errors": phase.recorder.error_count,
        "error_kinds": dict(phase.recorder.errors),
        "server_cpu_share": server_cpu / elapsed,
        "generator_cpu_share": generator_cpu / elapsed,
        "generator_loop_lag": summarise_ms(lag),
    }


def run(options: DisplayOptions) -> dict[str, Any]:
    """Run the benchmark on SQLite; return its figures."""
    with tempfile.TemporaryDirectory(prefix="foleni-bench-") as tmp:
        workdir = Path(tmp)
        centre = centre_file.write_centre(workdir / "centre.toml")
        with (
            database("sqlite", workdir) as url,
            CentreServer(
                workdir=workdir, database_url=url, centre_file=centre, staff=options.counters
            ) as server,
        ):
            figures = asyncio.run(measure(server, options))
            figures["server_peak_rss_mb"] = server.sample().peak_rss_mb
    return {"options": options.__dict__, "sqlite": figures}
