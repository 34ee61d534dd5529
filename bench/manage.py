"""Benchmark: how soon a call shows on the manager page, with 32 counters busy.

A manager's browser session listens on `/manage/events` (SSE). Counters call next and finish
at a steady rate; each call's HTTP answer carries the seq of its `ticket.called` event, and
each SSE message's `id` is the seq of the last event its tiles include. The latency of a call
is the arrival of the first message with `id >= seq` minus the counter's answer: what a
manager waits to see a call after the counter saw it. The server coalesces a burst of events
into one render (0.2 s), so that is the floor by design.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench import centre_file
from bench.callnext import issue_tickets
from bench.centre_file import counter_plan
from bench.load import Phase
from bench.load import connect as http_connect
from bench.server import CentreServer, database, login_staff
from bench.stats import summarise_ms

CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


@dataclass(frozen=True)
class ManageOptions:
    """Counters calling, calls per second, for how long, and how many manager pages watch."""

    counters: int = 32
    calls_per_second: float = 10.0
    seconds: float = 30.0
    pages: int = 3
    settle_seconds: float = 2.0

    @classmethod
    def quick(cls) -> ManageOptions:
        """Return the smoke-run settings."""
        return cls(counters=4, seconds=3.0, pages=1, settle_seconds=1.0)


class ManagerPage:
    """One manager's browser session and its event stream: when each message's seq arrived."""

    def __init__(self, url: str, manager: dict[str, str]) -> None:
        self.client = httpx.AsyncClient(base_url=url, timeout=30, trust_env=False)
        self.manager = manager
        self.arrivals: list[tuple[float, int]] = []
        self.bytes = 0

    async def log_in(self) -> None:
        """Log in through the page's own form (CSRF cookie, then the session cookie)."""
        form = await self.client.get("/manage")
        found = CSRF.search(form.text)
        assert found, "the login form carries no CSRF token"
        answer = await self.client.post(
            "/manage/login", data={**self.manager, "csrf": found.group(1)}
        )
        assert answer.status_code in (200, 303) and "foleni_manage" in self.client.cookies

    async def listen(self, ready: asyncio.Event) -> None:
        """Record each SSE message's id and arrival until cancelled."""
        async with self.client.stream("GET", "/manage/events") as stream:
            async for line in stream.aiter_lines():
                now = time.time()
                self.bytes += len(line) + 1
                if line.startswith("id:"):
                    self.arrivals.append((now, int(line[3:].strip())))
                    ready.set()

    def seen_at(self, seq: int) -> float | None:
        """Return when the first message holding `seq` arrived."""
        return next((at for at, held in self.arrivals if held >= seq), None)


async def measure(server: CentreServer, options: ManageOptions) -> dict[str, Any]:
    """Open the pages, call at a steady rate, and compute how late each call showed."""
    sessions = await login_staff(server, server.staff)
    codes = [login["counter"] for login in server.staff]
    total_calls = int(options.calls_per_second * options.seconds)
    per_counter = total_calls // len(codes) + 2
    plan = [next(iter(services)) for services in counter_plan()[: len(codes)]] * per_counter
    await issue_tickets(server, concurrency=4, plan=plan)
    pages = [ManagerPage(server.url, server.credentials["manager"]) for _ in range(options.pages)]
    listeners = []
    for page in pages:
        await page.log_in()
        ready = asyncio.Event()
        listeners.append(asyncio.ensure_future(page.listen(ready)))
        await asyncio.wait_for(ready.wait(), 30)
    answered: dict[int, float] = {}
    phase = Phase("calls")
    t0 = time.perf_counter() + 0.2

    async def counter(index: int) -> None:
        code = codes[index]
        connection = http_connect(server, sessions[code])
        base = f"/api/v1/counters/{code}"
        try:
            for call in range(index, total_calls, len(codes)):
                await asyncio.sleep(
                    max(0.0, t0 + call / options.calls_per_second - time.perf_counter())
                )
                called = await phase.call(connection, "call-next", "POST", f"{base}/call-next", {})
                if called is None or called.status != 200:
                    continue
                body = called.json()
                answered[body["seq"]] = time.time()
                ticket = {"ticket_id": body["ticket"]["ticket_id"]}
                await phase.call(connection, "finish", "POST", f"{base}/finish", ticket)
        finally:
            await connection.close()

    before = server.sample().cpu_seconds
    started = time.perf_counter()
    await asyncio.gather(*(counter(i) for i in range(len(codes))))
    await asyncio.sleep(options.settle_seconds)
    elapsed = time.perf_counter() - started
    server_cpu = server.sample().cpu_seconds - before
    for listener in listeners:
        listener.cancel()
    await asyncio.gather(*listeners, return_exceptions=True)
    latencies = []
    missing = 0
    for page in pages:
        for seq, at in answered.items():
            seen = page.seen_at(seq)
            if seen is None:
                missing += 1
            else:
                latencies.append(seen - at)
        await page.client.aclose()
    renders = sum(len(page.arrivals) for page in pages) / len(pages)
    return {
        "counters": len(codes),
        "pages": len(pages),
        "calls": len(answered),
        "calls_per_second": len(answered) / elapsed,
        "call_to_page_ms": summarise_ms(latencies),
        "calls_never_shown": missing,
        "renders_per_page": renders,
        "kb_per_render": sum(p.bytes for p in pages) / max(1, renders * len(pages)) / 1024,
        "server_cpu_share": server_cpu / elapsed,
    }


def run(options: ManageOptions) -> dict[str, Any]:
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
    return {"options": options.__dict__, "sqlite": figures}


def table(result: dict[str, Any]) -> str:
    """Return the figures as a table."""
    figures = result["sqlite"]
    latency = figures["call_to_page_ms"]
    rows = [
        ("counters calling / manager pages", f"{figures['counters']} / {figures['pages']}"),
        ("calls (per second)", f"{figures['calls']} ({figures['calls_per_second']:.1f})"),
        (
            "call -> page, p50 / p95 / p99 / max",
            f"{latency['p50_ms']:.0f} / {latency['p95_ms']:.0f} / {latency['p99_ms']:.0f} / "
            f"{latency['max_ms']:.0f} ms",
        ),
        ("calls never shown", str(figures["calls_never_shown"])),
        (
            "renders per page (KB each)",
            f"{figures['renders_per_page']:.0f} ({figures['kb_per_render']:.0f})",
        ),
        ("server CPU", f"{100 * figures['server_cpu_share']:.0f} % of a core"),
    ]
    lines = ["| figure | SQLite |", "|---|---|"]
    lines += [f"| {label} | {value} |" for label, value in rows]
    return "\n".join(lines)
