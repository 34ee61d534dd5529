"""The national service under load: 50 centres' day, a plain-insert baseline, a catch-up.

1. Ingest: a fresh PostgreSQL database, 50 centres registered with the national CLI, and
   `python -m national serve --workers W` on a free loopback port. 50 simulated centres (one
   `httpx.AsyncClient` each, asyncio) post their rows in order in batches of 500, each waiting
   for the ack before the next, with bodies built as `centre_server/sync/client.py` builds them
   (gzip level 5 of the `UpBatch` JSON). The bodies are built before the clock starts, so the
   load generator's CPU goes to HTTP only. Then: is every row processed, and how long after
   the last ack.
2. Baseline: the same rows into a plain table of the inbox's columns in another fresh database,
   50 concurrent psycopg writers, one `executemany` transaction per batch of 500.
3. Catch-up: a migrated SQLite centre database with N pending outbox rows (two days), a fresh
   national service (PostgreSQL; SQLite too when asked), the real centre server started with
   the link set: seconds from its start until the nation holds all N.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Self

import httpx
import psycopg

from bench import procstat, server
from bench.centre_file import EXAMPLE_CENTRE
from bench.national_load import TOPIC, ticket_rows
from bench.stats import Recorder, summarise_ms
from centre_core.sync_wire import MAX_BATCH_ROWS, UP_PATH, OutboxItem, UpAck, UpBatch

CATCH_UP_CENTRE = "HC-NBI-GPO"  # the example centre file's code
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
POLL_SECONDS = 0.1
# 50 centres share two server processes: a batch may wait behind 49 others.
REQUEST_TIMEOUT = 300.0
# A simulated centre resends a failed batch this often, after this long.
MAX_ATTEMPTS = 10
RETRY_SECONDS = 1.0


@dataclass(frozen=True)
class NationalOptions:
    """What to run: centres and rows per centre, server workers, the outage's size."""

    centres: int = 50
    rows_per_centre: int = 5_000
    batch_rows: int = MAX_BATCH_ROWS
    # --workers 1 and an SQLite nation double the full run's 15 minutes: pass them to add them.
    workers: tuple[int, ...] = (2,)
    outage_rows: int = 100_000
    catch_up_backends: tuple[str, ...] = ("postgresql",)
    # Give up waiting for the ack of everything, or for processing, after this long.
    timeout_seconds: float = 1800.0

    @classmethod
    def quick(cls) -> NationalOptions:
        """Return a smoke run's options (well under two minutes)."""
        return cls(rows_per_centre=500, outage_rows=10_000, timeout_seconds=120.0)


@contextmanager
def national_database(kind: str, workdir: Path) -> Iterator[str]:
    """Yield the URL of a fresh national database: an SQLite file or a new PostgreSQL one."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'national.sqlite3'}"
        return
    name = f"foleni_bench_national_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server.POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        base = server.POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
        yield f"{base.replace('postgresql://', 'postgresql+psycopg://')}/{name}"
    finally:
        with psycopg.connect(server.POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Probe:
    """One connection to a national database for the bench's own queries."""

    def __init__(self, url: str) -> None:
        self._pg: psycopg.Connection[tuple[Any, ...]] | None = None
        self._sqlite: sqlite3.Connection | None = None
        if url.startswith("sqlite:///"):
            self._sqlite = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30)
        else:
            self._pg = psycopg.connect(url.replace("+psycopg", ""), autocommit=True)

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Run one query (`?` placeholders) and return its rows."""
        if self._sqlite is not None:
            return self._sqlite.execute(sql, params).fetchall()
        assert self._pg is not None
        return self._pg.execute(sql.replace("?", "%s"), params).fetchall()

    def scalar(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        """Run one query and return the first column of its first row (None without rows)."""
        found = self.rows(sql, params)
        return found[0][0] if found else None

    def close(self) -> None:
        """Close the connection."""
        if self._sqlite is not None:
            self._sqlite.close()
        if self._pg is not None:
            self._pg.close()


def register(workdir: Path, database_url: str, codes: list[str]) -> dict[str, str]:
    """Register centres with the national CLI (one interpreter); return credentials by code."""
    env = {**os.environ, "FOLENI_NATIONAL_DATABASE_URL": database_url}
    command = ["-m", "bench.national_load", "register", "--data-dir", str(workdir), *codes]
    done = subprocess.run(
        [sys.executable, *command], env=env, check=True, capture_output=True, timeout=300
    )
    credentials: dict[str, str] = json.loads(done.stdout)
    return credentials


def tree_cpu_seconds(pid: int) -> float:
    """Return the CPU seconds a process and its live descendants have used (uvicorn workers)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(OSError):
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat[stat.rindex(")") + 2 :].split()[1])
    family, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, ppid in parents.items() if ppid == parent]
        family.update(children)
        frontier.extend(children)
    total = 0.0
    for member in family:
        with suppress(OSError, ValueError):
            total += procstat.sample(member).cpu_seconds
    return total


class NationalServer(server.ServerProcess):
    """`python -m national serve` on a free loopback port; use as a context manager."""

    HEALTH = "/health"

    def __init__(self, *, workdir: Path, database_url: str, workers: int) -> None:
        super().__init__(workdir=workdir, log_name="national")
        self.workers = workers
        self.env = {
            **os.environ,
            "FOLENI_NATIONAL_MODE": "development",
            "FOLENI_NATIONAL_DATABASE_URL": database_url,
        }

    def cpu_seconds(self) -> float:
        """Return the CPU seconds of the server and its worker processes so far."""
        return tree_cpu_seconds(self.pid)

    def __enter__(self) -> Self:
        self.launch(
            [
                *("-m", "national", "serve", "--data-dir", str(self.workdir)),
                *("--host", server.HOST, "--port", str(self.port), "--workers", str(self.workers)),
            ],
            self.env,
        )
        return self


def _day_start() -> datetime:
    """Return 08:00 Nairobi time (UTC+3) today: when a centre's day of tickets starts."""
    today = datetime.now(UTC).date()
    return datetime(today.year, today.month, today.day, 5, tzinfo=UTC)


def centre_codes(count: int) -> list[str]:
    """Return C01, C02, ..."""
    return [f"C{index:02d}" for index in range(1, count + 1)]


def build_bodies(code: str, rows: int, batch_rows: int, *, seed: int) -> list[tuple[int, bytes]]:
    """Return one centre's day as (last seq, gzip body) per batch, as the centre would send it."""
    items = [
        OutboxItem(seq=seq, topic=TOPIC, at=at, payload=payload)
        for seq, at, payload in ticket_rows(
            rows, start=_day_start(), span=timedelta(hours=9), seed=seed
        )
    ]
    bodies = []
    for first in range(0, rows, batch_rows):
        batch = UpBatch(centre=code, last_seq=rows, rows=items[first : first + batch_rows])
        body = gzip.compress(batch.model_dump_json().encode("utf-8"), compresslevel=5)
        bodies.append((batch.rows[-1].seq, body))
    return bodies


async def _push(
    url: str, credential: str, bodies: list[tuple[int, bytes]], recorder: Recorder
) -> tuple[int, float]:
    """Post one centre's batches in order, each after the last ack; return (acked, end time).

    A failed post is sent again after a second, as the centre's worker does (it resends from
    the last ack); every failure is counted by its status, and the latency of a batch runs
    from its first attempt to its ack.
    """
    headers = {
        "Authorization": f"Bearer {credential}",
        "Content-Encoding": "gzip",
        "Content-Type": "application/json",
    }
    acked = 0
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=REQUEST_TIMEOUT) as http:
        for last, body in bodies:
            started = time.perf_counter()
            for _attempt in range(MAX_ATTEMPTS):
                try:
                    response = await http.post(UP_PATH, content=body)
                except httpx.HTTPError as exc:
                    recorder.error(f"up:{type(exc).__name__}")
                else:
                    if response.status_code == 200:
                        break
                    recorder.error(f"up:{response.status_code}")
                await asyncio.sleep(RETRY_SECONDS)
            else:
                raise RuntimeError(f"batch to {last}: no ack in {MAX_ATTEMPTS} attempts")
            recorder.add("up", time.perf_counter() - started)
            acked = UpAck.model_validate_json(response.content).acked_through
            if acked != last:
                raise RuntimeError(f"batch to {last} acked through {acked}")
    return acked, time.perf_counter()


def _wait(probe: Probe, sql: str, done: Any, timeout: float) -> float | None:
    """Poll a query until it answers `done`; return when (perf_counter), None on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if probe.scalar(sql) == done:
            return time.perf_counter()
        time.sleep(POLL_SECONDS)
    return None


def run_ingest(options: NationalOptions, workers: int) -> dict[str, Any]:
    """Run 50 centres' push against a fresh nation with `workers` processes; return figures."""
    codes = centre_codes(options.centres)
    rows = options.rows_per_centre
    bodies = {
        code: build_bodies(code, rows, options.batch_rows, seed=index)
        for index, code in enumerate(codes, start=1)
    }
    problems: list[str] = []
    with (
        tempfile.TemporaryDirectory(prefix="foleni-bench-national-") as tmp,
        national_database("postgresql", Path(tmp)) as url,
    ):
        workdir = Path(tmp)
        credentials = register(workdir, url, codes)
        probe = Probe(url)
        try:
            with NationalServer(workdir=workdir, database_url=url, workers=workers) as nation:
                recorder = Recorder()
                cpu0, own0, busy0 = (
                    nation.cpu_seconds(),
                    procstat.own_cpu_seconds(),
                    procstat.machine_busy_seconds(),
                )
                started = time.perf_counter()

                async def push_all() -> list[tuple[int, float] | BaseException]:
                    return await asyncio.gather(
                        *(_push(nation.url, credentials[c], bodies[c], recorder) for c in codes),
                        return_exceptions=True,
                    )

                outcomes = asyncio.run(push_all())
                cpu1 = nation.cpu_seconds()
                own1, busy1 = procstat.own_cpu_seconds(), procstat.machine_busy_seconds()
                ends = []
                for code, outcome in zip(codes, outcomes, strict=True):
                    if isinstance(outcome, BaseException):
                        problems.append(f"{code}: {outcome!r}")
                    else:
                        ends.append(outcome[1])
                last_ack = max(ends, default=time.perf_counter())
                pending_at_last_ack = probe.scalar(
                    "SELECT count(*) FROM inbox WHERE status <> 'done'"
                )
                processed_at = _wait(
                    probe,
                    "SELECT count(*) FROM inbox WHERE status <> 'done'",
                    0,
                    options.timeout_seconds,
                )
                cpu2 = nation.cpu_seconds()
                if processed_at is None:
                    problems.append(f"rows still not done after {options.timeout_seconds:.0f} s")
                acked = dict(probe.rows("SELECT centre, acked_through FROM sync_state"))
                stored = probe.scalar("SELECT count(*) FROM inbox")
                dead = probe.scalar("SELECT count(*) FROM inbox WHERE status = 'dead'")
                log_tail = nation.log_tail(10)
        finally:
            probe.close()
    behind = {code: acked.get(code) for code in codes if acked.get(code) != rows}
    if behind:
        problems.append(f"acked_through != {rows} at {len(behind)} centres: {behind}")
    if stored != len(codes) * rows:
        problems.append(f"the inbox holds {stored} rows, not {len(codes) * rows}")
    if dead:
        problems.append(f"{dead} dead letters")
    seconds = last_ack - started
    total = len(codes) * rows
    latencies = recorder.durations["up"]
    batches = len(latencies)
    return {
        "workers": workers,
        "centres": len(codes),
        "rows": total,
        "batches": batches,
        "seconds": seconds,
        "rows_per_s": total / seconds if seconds > 0 else float("nan"),
        "batch_latency": summarise_ms(latencies),
        "failed_posts": dict(recorder.errors),
        "server_cpu_s": cpu1 - cpu0,
        "server_cpu_ms_per_batch": (cpu1 - cpu0) * 1000.0 / batches if batches else float("nan"),
        "server_cores": (cpu1 - cpu0) / seconds if seconds > 0 else float("nan"),
        # PostgreSQL's own processes are most of this (the machine runs little else).
        "others_cpu_s": (busy1 - busy0) - (cpu1 - cpu0) - (own1 - own0),
        "generator_cpu_s": own1 - own0,
        "pending_at_last_ack": pending_at_last_ack,
        "processed_after_last_ack_s": (
            processed_at - last_ack if processed_at is not None else float("nan")
        ),
        "server_cpu_s_processing_tail": cpu2 - cpu1,
        "stored": stored,
        "dead": dead,
        "problems": problems,
        "log_tail": log_tail if problems else "",
    }


PLAIN_TABLE = """
CREATE TABLE bench_plain_inbox (
    centre varchar(32) NOT NULL,
    seq bigint NOT NULL,
    topic varchar(64) NOT NULL,
    at timestamptz NOT NULL,
    payload json NOT NULL,
    received_at timestamptz NOT NULL,
    status varchar(16) NOT NULL,
    attempts integer NOT NULL,
    last_error text,
    PRIMARY KEY (centre, seq)
)
"""
PLAIN_INSERT = (
    "INSERT INTO bench_plain_inbox (centre, seq, topic, at, payload, received_at, status, "
    "attempts, last_error) VALUES (%s, %s, %s, %s, %s::json, %s, 'pending', 0, NULL)"
)


async def _plain_writer(url: str, batches: list[list[tuple[Any, ...]]]) -> None:
    """Insert one centre's batches, one executemany transaction each."""
    async with await psycopg.AsyncConnection.connect(url) as connection:
        for batch in batches:
            now = datetime.now(UTC)
            async with connection.transaction(), connection.cursor() as cursor:
                await cursor.executemany(PLAIN_INSERT, [(*row, now) for row in batch])


def run_plain(options: NationalOptions) -> dict[str, Any]:
    """Insert the same rows into a plain table with 50 concurrent writers; return figures."""
    codes = centre_codes(options.centres)
    rows = options.rows_per_centre
    work: dict[str, list[list[tuple[Any, ...]]]] = {}
    for index, code in enumerate(codes, start=1):
        generated = [
            (code, seq, TOPIC, at, json.dumps(payload))
            for seq, at, payload in ticket_rows(
                rows, start=_day_start(), span=timedelta(hours=9), seed=index
            )
        ]
        step = options.batch_rows
        work[code] = [generated[first : first + step] for first in range(0, rows, step)]
    with (
        tempfile.TemporaryDirectory(prefix="foleni-bench-plain-") as tmp,
        national_database("postgresql", Path(tmp)) as sa_url,
    ):
        url = sa_url.replace("+psycopg", "")
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(PLAIN_TABLE)

        async def write_all() -> None:
            await asyncio.gather(*(_plain_writer(url, work[code]) for code in codes))

        own0, busy0 = procstat.own_cpu_seconds(), procstat.machine_busy_seconds()
        started = time.perf_counter()
        asyncio.run(write_all())
        seconds = time.perf_counter() - started
        own1, busy1 = procstat.own_cpu_seconds(), procstat.machine_busy_seconds()
        with psycopg.connect(url, autocommit=True) as connection:
            stored = connection.execute("SELECT count(*) FROM bench_plain_inbox").fetchone()
    total = len(codes) * rows
    return {
        "writers": len(codes),
        "rows": total,
        "seconds": seconds,
        "rows_per_s": total / seconds,
        "stored": stored[0] if stored else 0,
        "generator_cpu_s": own1 - own0,
        "others_cpu_s": (busy1 - busy0) - (own1 - own0),
    }


class LinkedCentre(server.CentreServer):
    """The centre server, linked to a nation, remembering when its process started."""

    spawned_at = 0.0
    healthy_at = 0.0

    def _wait_healthy(self) -> None:
        # Called right after the process is spawned: the catch-up's clock starts here.
        self.spawned_at = time.perf_counter()
        super()._wait_healthy()
        self.healthy_at = time.perf_counter()


def _centre_link(centre: LinkedCentre) -> dict[str, Any]:
    """Return the centre's own view of its link (`GET /api/v1/sync`, a manager's token)."""
    request = urllib.request.Request(
        f"{centre.url}/api/v1/sync",
        headers={"Authorization": f"Bearer {centre.tokens['manager']}"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        link: dict[str, Any] = json.loads(answer.read())
    return link


def run_catch_up(options: NationalOptions, kind: str) -> dict[str, Any]:
    """Start a centre with N pending outbox rows against a fresh nation; time the catch-up."""
    rows = options.outage_rows
    problems: list[str] = []
    with (
        tempfile.TemporaryDirectory(prefix="foleni-bench-catchup-") as tmp,
        national_database(kind, Path(tmp)) as url,
    ):
        workdir = Path(tmp)
        centre_dir = workdir / "centre"
        centre_dir.mkdir()
        credential = register(workdir, url, [CATCH_UP_CENTRE])[CATCH_UP_CENTRE]
        probe = Probe(url)
        try:
            with (
                NationalServer(workdir=workdir, database_url=url, workers=2) as nation,
                server.database("sqlite", centre_dir) as centre_url,
            ):
                centre = LinkedCentre(
                    workdir=centre_dir, database_url=centre_url, centre_file=EXAMPLE_CENTRE
                )
                centre.env.update(
                    FOLENI_NATIONAL_URL=nation.url,
                    FOLENI_NATIONAL_CREDENTIAL=credential,
                    FOLENI_IGNORE_OPENING_HOURS="1",
                )
                fill = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "bench.national_load", "outbox", str(rows)],
                    env=centre.env,
                    check=True,
                    timeout=600,
                )
                fill_seconds = time.perf_counter() - fill
                cpu0 = nation.cpu_seconds()
                with centre:
                    query = (
                        f"SELECT acked_through FROM sync_state WHERE centre = '{CATCH_UP_CENTRE}'"
                    )
                    acked_at = _wait(probe, query, rows, options.timeout_seconds)
                    cpu1, centre_cpu = nation.cpu_seconds(), centre.sample().cpu_seconds
                    processed_at = _wait(
                        probe,
                        "SELECT count(*) FROM inbox WHERE status <> 'done'",
                        0,
                        options.timeout_seconds,
                    )
                    link = _centre_link(centre)
                    deadline = time.monotonic() + 10
                    while link["acked_through"] != rows and time.monotonic() < deadline:
                        time.sleep(POLL_SECONDS)
                        link = _centre_link(centre)
                    centre_log = centre.log_tail(10)
                nation_log = nation.log_tail(10)
                stored = probe.scalar("SELECT count(*) FROM inbox")
        finally:
            probe.close()
    if acked_at is None:
        problems.append(f"the nation did not hold all {rows} rows in {options.timeout_seconds} s")
    if stored != rows:
        problems.append(f"the inbox holds {stored} rows, not {rows}")
    if link["acked_through"] != rows or link["pending"] != 0:
        problems.append(
            f"the centre sees acked_through {link['acked_through']}, {link['pending']} pending"
        )
    if processed_at is None:
        problems.append("rows still not processed")
    seconds = (acked_at or float("nan")) - centre.spawned_at
    return {
        "national_db": kind,
        "rows": rows,
        "fill_outbox_s": fill_seconds,
        "start_to_healthy_s": centre.healthy_at - centre.spawned_at,
        "seconds": seconds,
        "rows_per_s": rows / seconds,
        "centre_cpu_s": centre_cpu,
        "national_cpu_s": cpu1 - cpu0,
        "processed_after_ack_s": (
            processed_at - acked_at if processed_at and acked_at else float("nan")
        ),
        "centre_link": link,
        "problems": problems,
        "log_tail": f"{centre_log}\n{nation_log}" if problems else "",
    }


def run(options: NationalOptions) -> dict[str, Any]:
    """Run the baseline, the ingest at each worker count and the catch-ups; return figures."""
    if not server.postgres_available():
        return {"skipped": "no PostgreSQL server answers"}
    result: dict[str, Any] = {"options": options.__dict__ | {"workers": list(options.workers)}}
    print("   plain insert baseline", flush=True)
    result["plain"] = run_plain(options)
    result["ingest"] = {}
    for workers in options.workers:
        print(f"   ingest, {options.centres} centres, --workers {workers}", flush=True)
        result["ingest"][str(workers)] = run_ingest(options, workers)
    plain = result["plain"]["rows_per_s"]
    for figures in result["ingest"].values():
        figures["ratio_to_plain"] = figures["rows_per_s"] / plain
    result["catch_up"] = {}
    for kind in options.catch_up_backends:
        print(f"   catch-up of {options.outage_rows:,} rows, national {kind}", flush=True)
        result["catch_up"][kind] = run_catch_up(options, kind)
    for section in (*result["ingest"].values(), *result["catch_up"].values()):
        for problem in section["problems"]:
            print(f"ERROR: {problem}", file=sys.stderr, flush=True)
    return result
