"""Benchmark 1: call-next throughput and latency against the server's trivial-endpoint ceiling.

For each database and each level of concurrency (1, 8, 32, 64 counters) on one server: first
the same number of clients hammer the trivial endpoints (`/healthz`: the same route stack with
one database read; `/docs`: no database, the bare Python HTTP stack); then kiosks issue the
level's tickets over the services those counters serve completely; then the counters call next
and finish until their queues are empty. Ratios compare phases of the same run.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import centre_file, workload
from bench.load import Phase, call_next, connect, hammer, run_phase
from bench.rawhttp import Connection
from bench.server import CentreServer, database, login_staff, postgres_available

TRIVIAL_PATHS = ("/healthz", "/docs")


@dataclass(frozen=True)
class CallNextOptions:
    """How hard and how long: levels of concurrency, tickets per level, seconds per ceiling."""

    levels: tuple[int, ...] = (1, 8, 32, 64)
    tickets: int = 400
    trivial_seconds: float = 2.0
    databases: tuple[str, ...] = ("sqlite", "postgresql")
    drain_timeout: float = 120.0
    # Then the same counters at a steady total rate, well under capacity: the latency a hall
    # actually sees (a closed loop without think time only measures queueing, Little's law).
    paced_commands_per_second: float = 100.0
    paced_seconds: float = 10.0

    @classmethod
    def quick(cls) -> CallNextOptions:
        """Return the smoke-run settings (well under a minute)."""
        return cls(
            levels=(1, 8),
            tickets=100,
            trivial_seconds=0.5,
            databases=("sqlite",),
            paced_commands_per_second=40.0,
            paced_seconds=2.0,
        )


def services_served(counters: int) -> list[str]:
    """Return the services whose every queue is served by the first `counters` counters."""
    served: set[str] = set()
    for services in centre_file.counter_plan()[:counters]:
        served.update(services)
    complete = {
        service
        for service in workload.DEMAND
        if all(key in served for key in workload.QUEUE_MINUTES if key.split(".")[0] == service)
    }
    return [service for service in workload.DEMAND if service in complete]


def demand_plan(services: list[str], *, tickets: int, seed: int) -> list[str]:
    """Return `tickets` service codes drawn from `services` weighted by demand."""
    rng = random.Random(seed)
    weights = [workload.DEMAND[service] for service in services]
    return rng.choices(services, weights=weights, k=tickets)


async def issue_tickets(server: CentreServer, *, concurrency: int, plan: list[str]) -> Phase:
    """Kiosks issue one walk-in ticket per service code of `plan`, `concurrency` at a time."""
    pending = iter(plan)
    phase = Phase("issue")

    async def kiosk() -> None:
        connection = connect(server, server.tokens["kiosk"])
        try:
            for service in pending:
                await phase.call(
                    connection, "issue", "POST", "/api/v1/tickets", {"service_code": service}
                )
        finally:
            await connection.close()

    return await run_phase(server, phase, [kiosk] * concurrency)


async def serve_one(phase: Phase, connection: Connection, code: str) -> bool:
    """Call the next ticket and finish it at once; tell whether both succeeded."""
    called = await call_next(phase, connection, code)
    if called is None or called.status != 200:
        return False
    ticket = called.json()["ticket"]["ticket_id"]
    finished = await phase.call(
        connection, "finish", "POST", f"/api/v1/counters/{code}/finish", {"ticket_id": ticket}
    )
    if finished is None or finished.status != 200:
        return False
    phase.completed += 1
    return True


async def drain(
    server: CentreServer, *, sessions: dict[str, str], counters: list[str], seconds: float
) -> Phase:
    """Counters call next and finish until they find no waiting ticket (`completed`: tickets)."""
    phase = Phase("call-next")
    deadline = time.perf_counter() + seconds

    def counter_loop(code: str) -> Callable[[], Awaitable[None]]:
        async def loop() -> None:
            connection = connect(server, sessions[code])
            try:
                while time.perf_counter() < deadline:
                    if not await serve_one(phase, connection, code):
                        return
            finally:
                await connection.close()

        return loop

    return await run_phase(server, phase, [counter_loop(code) for code in counters])


async def paced(
    server: CentreServer,
    *,
    sessions: dict[str, str],
    counters: list[str],
    commands_per_second: float,
    seconds: float,
) -> Phase:
    """Counters call next and finish on a schedule adding up to `commands_per_second`.

    Each counter starts a call every `2 * len(counters) / commands_per_second` seconds (a call
    and a finish are two commands); a counter that is late starts its next call at once, without
    catching up on the ones it missed.
    """
    phase = Phase("paced")
    interval = 2 * len(counters) / commands_per_second
    start = time.perf_counter()

    def counter_loop(offset: int, code: str) -> Callable[[], Awaitable[None]]:
        async def loop() -> None:
            connection = connect(server, sessions[code])
            due = start + offset * interval / len(counters)
            try:
                while due < start + seconds:
                    await asyncio.sleep(max(0.0, due - time.perf_counter()))
                    due = max(due + interval, time.perf_counter())
                    await serve_one(phase, connection, code)
            finally:
                await connection.close()

        return loop

    return await run_phase(
        server, phase, [counter_loop(offset, code) for offset, code in enumerate(counters)]
    )


async def run_levels(server: CentreServer, options: CallNextOptions, seed: int) -> dict[str, Any]:
    """Run every level of concurrency on one server; return the figures by level."""
    codes = [login["counter"] for login in server.staff]
    sessions = await login_staff(server, server.staff)
    levels: dict[str, Any] = {}
    for level in options.levels:
        figures: dict[str, Any] = {}
        for path in TRIVIAL_PATHS:
            phase = await hammer(
                server,
                Phase(path),
                concurrency=level,
                seconds=options.trivial_seconds,
                path=path,
            )
            figures[path.strip("/")] = phase.figures()
        services = services_served(level)
        plan = demand_plan(services, tickets=options.tickets, seed=seed + level)
        issued = await issue_tickets(server, concurrency=level, plan=plan)
        figures["issue"] = issued.figures()
        drained = await drain(
            server, sessions=sessions, counters=codes[:level], seconds=options.drain_timeout
        )
        figures["call_next"] = drained.figures()
        rate = options.paced_commands_per_second
        paced_plan = demand_plan(
            services, tickets=int(rate * options.paced_seconds / 2) + level, seed=seed + 7 * level
        )
        await issue_tickets(server, concurrency=level, plan=paced_plan)
        steady = await paced(
            server,
            sessions=sessions,
            counters=codes[:level],
            commands_per_second=rate,
            seconds=options.paced_seconds,
        )
        figures["paced"] = steady.figures() | {"commands_per_second_offered": rate}
        figures["services"] = len(services)
        healthz = figures["healthz"]["requests_per_s"]
        docs = figures["docs"]["requests_per_s"]
        commands = figures["call_next"]["requests_per_s"]
        figures["ratio_call_next_to_healthz"] = commands / healthz if healthz else float("nan")
        figures["ratio_call_next_to_docs"] = commands / docs if docs else float("nan")
        figures["ratio_issue_to_healthz"] = (
            figures["issue"]["requests_per_s"] / healthz if healthz else float("nan")
        )
        levels[str(level)] = figures
    return levels


def run(options: CallNextOptions, *, seed: int = 1) -> dict[str, Any]:
    """Run the benchmark on each available database; return its figures."""
    result: dict[str, Any] = {"options": options.__dict__ | {"levels": list(options.levels)}}
    for kind in options.databases:
        if kind == "postgresql" and not postgres_available():
            result[kind] = {"skipped": "no PostgreSQL server answers"}
            continue
        with tempfile.TemporaryDirectory(prefix="foleni-bench-") as tmp:
            workdir = Path(tmp)
            centre = centre_file.write_centre(workdir / "centre.toml")
            with (
                database(kind, workdir) as url,
                CentreServer(
                    workdir=workdir,
                    database_url=url,
                    centre_file=centre,
                    staff=max(options.levels),
                ) as server,
            ):
                levels = asyncio.run(run_levels(server, options, seed))
                sample = server.sample()
            result[kind] = {"levels": levels, "server_peak_rss_mb": sample.peak_rss_mb}
    return result
