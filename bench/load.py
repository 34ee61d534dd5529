"""Load phases: run simulated devices together and measure time, requests and CPU on both sides."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bench import procstat
from bench.rawhttp import Connection, HttpError, Response
from bench.server import HOST, CentreServer
from bench.stats import Recorder


@dataclass
class Phase:
    """What one phase of load did: requests, elapsed time, CPU of the server and generator."""

    name: str
    recorder: Recorder = field(default_factory=Recorder)
    requests: int = 0
    elapsed: float = 0.0
    server_cpu: float = 0.0
    generator_cpu: float = 0.0
    completed: int = 0  # units of work done (tickets served, slips printed, ...)
    machine_cpu: float = 0.0  # every process on the machine, us included

    async def call(
        self,
        connection: Connection,
        label: str,
        method: str,
        path: str,
        body: Any = None,
        *,
        answers: Sequence[str] = (),
    ) -> Response | None:
        """Send one timed request and record its latency under `label`.

        An error whose code is in `answers` (e.g. `no_waiting_tickets`) is an answer, recorded
        under `label:code`; any other error status, or a failed connection, is an error.
        """
        start = time.perf_counter()
        try:
            response = await connection.request(method, path, body)
        except HttpError:
            self.recorder.error(f"{label}:connection")
            return None
        elapsed = time.perf_counter() - start
        self.requests += 1
        if response.status >= 400:
            code = response.error_code()
            if code in answers:
                self.recorder.add(f"{label}:{code}", elapsed)
            else:
                self.recorder.error(f"{label}:{response.status}:{code}")
            return response
        self.recorder.add(label, elapsed)
        return response

    def figures(self) -> dict[str, Any]:
        """Return throughput, latency by label, errors and CPU use of the phase."""
        seconds = max(self.elapsed, 1e-9)
        return {
            "requests": self.requests,
            "seconds": self.elapsed,
            "requests_per_s": self.requests / seconds,
            "completed": self.completed,
            "completed_per_s": self.completed / seconds,
            "latency": self.recorder.summary(),
            "errors": self.recorder.error_count,
            "error_kinds": dict(self.recorder.errors),
            "server_cpu_s": self.server_cpu,
            "server_cpu_share": self.server_cpu / seconds,
            "generator_cpu_s": self.generator_cpu,
            "generator_cpu_share": self.generator_cpu / seconds,
            # Cores used by other processes meanwhile: the noise this phase ran under.
            "other_cpu_share": max(0.0, self.machine_cpu - self.server_cpu - self.generator_cpu)
            / seconds,
            "server_cpu_ms_per_request": 1000.0 * self.server_cpu / max(self.requests, 1),
        }


async def run_phase(
    server: CentreServer,
    phase: Phase,
    workers: Sequence[Callable[[], Awaitable[None]]],
) -> Phase:
    """Run the workers together; measure the phase's wall time and both processes' CPU time."""
    before_server = server.sample().cpu_seconds
    before_generator = procstat.own_cpu_seconds()
    before_machine = procstat.machine_busy_seconds()
    start = time.perf_counter()
    await asyncio.gather(*(worker() for worker in workers))
    phase.elapsed = time.perf_counter() - start
    phase.machine_cpu = procstat.machine_busy_seconds() - before_machine
    phase.server_cpu = server.sample().cpu_seconds - before_server
    phase.generator_cpu = procstat.own_cpu_seconds() - before_generator
    return phase


def connect(server: CentreServer, token: str | None = None) -> Connection:
    """Open (lazily) one keep-alive connection to the server."""
    return Connection(HOST, server.port, token=token)


async def hammer(
    server: CentreServer,
    phase: Phase,
    *,
    concurrency: int,
    seconds: float,
    path: str,
    token: str | None = None,
) -> Phase:
    """Let `concurrency` clients GET `path` back to back for `seconds` (closed loop)."""
    deadline = time.perf_counter() + seconds

    async def client() -> None:
        connection = connect(server, token)
        try:
            while time.perf_counter() < deadline:
                await phase.call(connection, path, "GET", path)
        finally:
            await connection.close()

    return await run_phase(server, phase, [client] * concurrency)


async def call_next(phase: Phase, connection: Connection, code: str) -> Response | None:
    """Send a counter's call-next; an empty queue (`no_waiting_tickets`) is an answer."""
    return await phase.call(
        connection,
        "call-next",
        "POST",
        f"/api/v1/counters/{code}/call-next",
        {},
        answers=("no_waiting_tickets",),
    )
