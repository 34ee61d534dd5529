"""Benchmark 3: replay a generated peak day of the largest centre, compressed in time.

10,000 visits at 60 counters, 100 times faster than life (a 9-hour day in 5.4 minutes).
Kiosks issue walk-in tickets and check appointments in as citizens arrive; each counter calls
next, waits for the citizen to walk up, starts, serves for the visit's (compressed) time and
finishes, or recalls and marks a no-show; idle counters wake when a ticket joins one of their
queues, as the counter app does on `ticket.issued`. A few displays follow the stream. Reported:
errors (must be 0), server CPU seconds per 1,000 tickets, peak RSS (during the day, and since
start, which includes the staff logins), and the latency of every command.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import centre_file, procstat
from bench.day import WALK_SECONDS, Day, Visit, describe, generate_day
from bench.display import Subscriber
from bench.load import Phase, call_next, connect
from bench.server import HOST, CentreServer, database, login_staff
from bench.stats import summarise_ms

IMPORT_BATCH = 5000


@dataclass(frozen=True)
class PeakDayOptions:
    """The day's size, how much faster than life it runs, and the hall around it."""

    tickets: int = 10_000
    counters: int = 60
    compression: float = 100.0
    kiosks: int = 8
    displays: int = 4
    drain_seconds: float = 120.0
    idle_poll_seconds: float = 1.0
    database: str = "sqlite"

    @classmethod
    def quick(cls) -> PeakDayOptions:
        """Return the smoke-run settings: a small centre (a counter a queue), 4,000x faster."""
        return cls(tickets=200, counters=17, compression=4000.0, drain_seconds=20.0)


class Hall:
    """The generator's view of the hall: who is where, and which counters to wake."""

    def __init__(
        self, day: Day, served: dict[str, list[str]], *, compression: float, idle_poll: float
    ) -> None:
        self.day = day
        self.compression = compression
        self.idle_poll = idle_poll
        self.wakers: dict[str, list[asyncio.Event]] = defaultdict(list)
        self.counter_events: dict[str, asyncio.Event] = {}
        for counter, queues in served.items():
            event = asyncio.Event()
            self.counter_events[counter] = event
            for queue in queues:
                self.wakers[queue].append(event)
        self.visits: dict[str, Visit] = {}
        self.outstanding = 0
        self.arrivals_done = False
        self.finished = asyncio.Event()
        self.lateness: list[float] = []

    def real(self, day_seconds: float) -> float:
        """Return the real seconds that stand for `day_seconds` of the day."""
        return day_seconds / self.compression

    def joined(self, queue_key: str) -> None:
        """Wake the counters serving a queue a ticket just joined."""
        for event in self.wakers.get(queue_key, ()):
            event.set()

    def ended(self) -> None:
        """Count a ticket that reached a final state."""
        self.outstanding -= 1
        self.check_finished()

    def check_finished(self) -> None:
        """Set `finished` once every arrival is in and every ticket has ended."""
        if self.arrivals_done and self.outstanding <= 0:
            self.finished.set()
            for event in self.counter_events.values():
                event.set()


async def import_appointments(
    server: CentreServer, day: Day, *, start: float, compression: float, phase: Phase
) -> None:
    """Load the day's bookings, slots placed on the compressed clock."""
    booked = [
        {
            "reference": visit.appointment,
            "service_code": visit.service,
            "slot_start": datetime.fromtimestamp(
                start + (visit.slot or 0.0) / compression, tz=UTC
            ).isoformat(),
        }
        for visit in day.visits
        if visit.appointment is not None
    ]
    connection = connect(server, server.tokens["admin"])
    try:
        for first in range(0, len(booked), IMPORT_BATCH):
            batch = {"appointments": booked[first : first + IMPORT_BATCH]}
            await phase.call(
                connection, "appointments-import", "POST", "/api/v1/appointments/import", batch
            )
    finally:
        await connection.close()


async def kiosk(
    server: CentreServer, hall: Hall, arrivals: asyncio.Queue[Any], phase: Phase
) -> None:
    """Serve citizens at a kiosk: issue a walk-in ticket or check an appointment in."""
    connection = connect(server, server.tokens["kiosk"])
    try:
        while True:
            item = await arrivals.get()
            if item is None:
                return
            due, visit = item
            if visit.appointment is not None:
                body = {"reference": visit.appointment}
                answer = await phase.call(
                    connection, "check-in", "POST", "/api/v1/appointments/check-in", body
                )
                ticket = (
                    answer.json()["ticket"] if answer is not None and answer.status < 400 else None
                )
            else:
                body = {"service_code": visit.service, "priority": visit.priority}
                answer = await phase.call(connection, "issue", "POST", "/api/v1/tickets", body)
                ticket = answer.json() if answer is not None and answer.status < 400 else None
            hall.lateness.append(time.perf_counter() - due)
            if ticket is None:
                continue
            hall.visits[ticket["ticket_id"]] = visit
            hall.outstanding += 1
            hall.joined(ticket["queue_key"])
    finally:
        await connection.close()


async def counter(
    server: CentreServer, hall: Hall, code: str, token: str, phase: Phase, deadline: float
) -> None:
    """Call, serve and finish tickets at one counter until the day is over."""
    connection = connect(server, token)
    base = f"/api/v1/counters/{code}"
    wake = hall.counter_events[code]
    try:
        while not hall.finished.is_set() and time.perf_counter() < deadline:
            wake.clear()
            called = await call_next(phase, connection, code)
            if called is None or called.status != 200:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), timeout=hall.idle_poll)
                continue
            ticket = called.json()["ticket"]
            ticket_id = ticket["ticket_id"]
            visit = hall.visits.get(ticket_id)
            await asyncio.sleep(hall.real(WALK_SECONDS))
            if visit is not None and visit.no_show and ticket["stage_index"] == 0:
                await phase.call(
                    connection, "recall", "POST", f"{base}/recall", {"ticket_id": ticket_id}
                )
                await asyncio.sleep(hall.real(2 * WALK_SECONDS))
                await phase.call(
                    connection, "no-show", "POST", f"{base}/no-show", {"ticket_id": ticket_id}
                )
                hall.ended()
                continue
            await phase.call(connection, "start", "POST", f"{base}/start", {"ticket_id": ticket_id})
            stage = ticket["stage_index"]
            seconds = (
                visit.stage_seconds[stage]
                if visit is not None and stage < len(visit.stage_seconds)
                else 120.0
            )
            await asyncio.sleep(hall.real(seconds))
            finished = await phase.call(
                connection, "finish", "POST", f"{base}/finish", {"ticket_id": ticket_id}
            )
            if finished is None or finished.status != 200:
                # Counted as an error; the counter closes rather than turn one failure into
                # a stream of `counter_busy` answers.
                hall.ended()
                return
            after = finished.json()["ticket"]
            if after["status"] == "waiting":
                hall.joined(after["queue_key"])
            else:
                hall.ended()
    finally:
        await connection.close()


async def replay(server: CentreServer, day: Day, options: PeakDayOptions) -> dict[str, Any]:
    """Run the day against the server and return its figures."""
    plan = centre_file.counter_plan(options.counters)
    codes = [login["counter"] for login in server.staff]
    served = {code: list(queues) for code, queues in zip(codes, plan, strict=True)}
    sessions = await login_staff(server, server.staff)
    phase = Phase("peak-day")
    setup = Phase("setup")
    hall = Hall(day, served, compression=options.compression, idle_poll=options.idle_poll_seconds)
    start = time.time() + 2.0  # the day opens once the bookings are in
    await import_appointments(
        server, day, start=start, compression=options.compression, phase=setup
    )
    health = await connect(server).request("GET", "/healthz")
    token = server.tokens["display"]
    url = f"ws://{HOST}:{server.port}/api/v1/stream?after={health.json()['seq']}&token={token}"
    displays = [Subscriber(url) for _ in range(options.displays)]
    await asyncio.gather(*(d.open() for d in displays))
    listeners = [asyncio.ensure_future(d.listen()) for d in displays]
    await asyncio.sleep(max(0.0, start - time.time()))
    # The peak so far includes the staff logins (argon2); the day's own peak is measured apart.
    peak_before_day = server.sample().peak_rss_mb
    procstat.reset_peak_rss(server.pid)
    before = server.sample()
    generator_before = procstat.own_cpu_seconds()
    machine_before = procstat.machine_busy_seconds()
    opened = time.perf_counter()
    deadline = opened + day.open_seconds / options.compression + options.drain_seconds
    arrivals: asyncio.Queue[Any] = asyncio.Queue()
    workers = [
        asyncio.ensure_future(kiosk(server, hall, arrivals, phase)) for _ in range(options.kiosks)
    ]
    workers += [
        asyncio.ensure_future(counter(server, hall, code, sessions[code], phase, deadline))
        for code in codes
    ]
    for visit in day.visits:
        due = opened + visit.arrival / options.compression
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        arrivals.put_nowait((due, visit))
    for _ in range(options.kiosks):
        arrivals.put_nowait(None)
    await asyncio.gather(*workers[: options.kiosks])
    hall.arrivals_done = True
    hall.check_finished()
    await asyncio.gather(*workers[options.kiosks :])
    elapsed = time.perf_counter() - opened
    after = server.sample()
    generator_cpu = procstat.own_cpu_seconds() - generator_before
    machine_cpu = procstat.machine_busy_seconds() - machine_before
    for display in displays:
        await display.close()
    await asyncio.gather(*listeners, return_exceptions=True)
    server_cpu = after.cpu_seconds - before.cpu_seconds
    tickets = len(hall.visits)
    return {
        "day": describe(day),
        "tickets_issued": tickets,
        "tickets_not_ended": hall.outstanding,
        "finished_in_time": hall.finished.is_set(),
        "seconds": elapsed,
        "day_seconds_real": day.open_seconds / options.compression,
        "errors": phase.recorder.error_count + setup.recorder.error_count,
        "error_kinds": dict(phase.recorder.errors) | dict(setup.recorder.errors),
        "requests": phase.requests,
        "commands": phase.recorder.summary(),
        "arrival_lateness": summarise_ms(hall.lateness),
        "server_cpu_s": server_cpu,
        "server_cpu_s_per_1000_tickets": 1000.0 * server_cpu / max(tickets, 1),
        "server_cpu_share": server_cpu / elapsed,
        "generator_cpu_share": generator_cpu / elapsed,
        "other_cpu_share": max(0.0, machine_cpu - server_cpu - generator_cpu) / elapsed,
        "server_peak_rss_mb_day": after.peak_rss_mb,
        "server_peak_rss_mb_setup": peak_before_day,
        "server_rss_mb_end": after.rss_mb,
        "display_at_to_receipt": _display_latency(displays),
    }


def _display_latency(displays: list[Subscriber]) -> dict[str, float]:
    latencies = [
        received - datetime.fromisoformat(json.loads(text)["at"]).timestamp()
        for display in displays
        for received, text in display.received
    ]
    return summarise_ms(latencies)


def run(options: PeakDayOptions, *, seed: int = 7) -> dict[str, Any]:
    """Generate the day and replay it on a fresh server; return the figures."""
    day = generate_day(tickets=options.tickets, counters=options.counters, seed=seed)
    with tempfile.TemporaryDirectory(prefix="foleni-bench-") as tmp:
        workdir = Path(tmp)
        centre = centre_file.write_centre(workdir / "centre.toml", total=options.counters)
        with (
            database(options.database, workdir) as url,
            CentreServer(
                workdir=workdir, database_url=url, centre_file=centre, staff=options.counters
            ) as server,
        ):
            figures = asyncio.run(replay(server, day, options))
    return {"options": options.__dict__, options.database: figures}
