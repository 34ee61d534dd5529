"""`python -m bench reports`: the cost of a report on a 10,000-ticket day and on 90 days.

Fills a migrated database (an SQLite file, and PostgreSQL when one answers) with rows inserted
directly (tickets, their issued/called/done events, service times, counters opening, pausing
and closing), then times `build_report` and each export.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.orm import Session

from centre_core.centre import CentreConfig
from centre_server.context import load_centre_file
from centre_server.db.engine import create_db_engine
from centre_server.db.migrate import upgrade
from centre_server.db.tables import EventRow, ServiceTimeRow, TicketRow
from centre_server.reports import csv_export, kpis, pdf_export, xlsx_export
from centre_server.settings import EXAMPLE_CENTRE_FILE

POSTGRES_URL = os.environ.get(
    "FOLENI_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/foleni_test"
)
LAST_DAY = date(2026, 11, 20)
CHUNK = 20_000


@dataclass(frozen=True)
class ReportsOptions:
    """How much to fill: one busy day, and a long range of ordinary days."""

    busy_day_tickets: int = 10_000
    range_days: int = 90
    range_day_tickets: int = 5_000
    databases: tuple[str, ...] = ("sqlite", "postgresql")

    @classmethod
    def quick(cls) -> ReportsOptions:
        """Return the options of a smoke run: small days, a short range."""
        return cls(busy_day_tickets=1_000, range_days=5, range_day_tickets=500)


class _Filler:
    """Builds the rows of synthetic days: every ticket's life, and the counters' day."""

    def __init__(self, centre: CentreConfig, seed: int) -> None:
        self.centre = centre
        self.random = random.Random(seed)
        self.zone = ZoneInfo(centre.timezone)
        self.seq = 0
        self.tickets: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.times: list[dict[str, Any]] = []

    def _event(self, kind: str, at: datetime, data: dict[str, Any]) -> None:
        self.seq += 1
        self.events.append({"seq": self.seq, "type": kind, "at": at, "data": data})

    def day(self, day: date, tickets: int) -> None:
        opens = datetime.combine(day, datetime.min.time(), self.zone).astimezone(UTC)
        opens += timedelta(hours=8)
        closes = opens + timedelta(hours=9)
        counters = [c.code for c in self.centre.counters]
        for code in counters:
            self._event("counter.opened", opens, {"counter": code, "status": "open"})
        sequences: dict[str, int] = {}
        moments = sorted(
            opens + timedelta(seconds=self.random.uniform(0, 8.5 * 3600)) for _ in range(tickets)
        )
        calls: list[tuple[datetime, str, dict[str, Any]]] = []
        for issued in moments:
            service = self.random.choice(self.centre.services)
            sequences[service.code] = sequences.get(service.code, 0) + 1
            ticket_id = uuid.uuid4().hex
            counter = self.random.choice(self.centre.counters_serving(service.queue_keys[0]))
            outcome = self.random.random()
            called = issued + timedelta(seconds=self.random.expovariate(1 / 900))
            seconds = self.random.uniform(120, 900)
            status = "done" if outcome < 0.9 else "no_show" if outcome < 0.95 else "cancelled"
            finished = called + timedelta(seconds=seconds if status == "done" else 60)
            self.tickets.append(
                {
                    "id": ticket_id,
                    "token": ticket_id,
                    "number": f"{service.prefix}-{sequences[service.code]:03d}",
                    "sequence": sequences[service.code],
                    "issued_service_code": service.code,
                    "service_code": service.code,
                    "stage_index": 0,
                    "stage_code": service.stages[0].code if service.stages else None,
                    "queue_key": service.queue_keys[0],
                    "status": status,
                    "source": "walk_in",
                    "business_day": day,
                    "issued_at": issued,
                    "queued_at": issued,
                    "ready_at": issued,
                    "counter": counter.code if status != "cancelled" else None,
                    "called_at": called if status != "cancelled" else None,
                    "finished_at": finished,
                    "recalls": 0,
                }
            )
            self._event("ticket.issued", issued, {"ticket_id": ticket_id})
            if status != "cancelled":
                data = {"ticket_id": ticket_id, "counter": counter.code}
                calls.append((called, "ticket.called", data))
                calls.append((finished, f"ticket.{status}", data))
            if status == "done":
                self.times.append(
                    {
                        "queue_key": service.queue_keys[0],
                        "counter": counter.code,
                        "finished_at": finished,
                        "seconds": seconds,
                        "staff_number": f"S{counter.code}",
                    }
                )
        lunch = opens + timedelta(hours=4)
        for code in counters:
            calls.append((lunch, "counter.paused", {"counter": code, "status": "paused"}))
            calls.append(
                (
                    lunch + timedelta(minutes=45),
                    "counter.resumed",
                    {"counter": code, "status": "open"},
                )
            )
            calls.append((closes, "counter.closed", {"counter": code, "status": "closed"}))
        for at, kind, data in sorted(calls, key=lambda call: call[0]):
            self._event(kind, at, data)

    def write(self, engine: Engine) -> None:
        with engine.begin() as connection:
            for table, rows in (
                (TicketRow.__table__, self.tickets),
                (EventRow.__table__, self.events),
                (ServiceTimeRow.__table__, self.times),
            ):
                for start in range(0, len(rows), CHUNK):
                    connection.execute(insert(table), rows[start : start + CHUNK])
            connection.execute(text("UPDATE centre_state SET last_seq = :seq"), {"seq": self.seq})
        self.tickets, self.events, self.times = [], [], []


def _fill(engine: Engine, centre: CentreConfig, days: list[tuple[date, int]]) -> float:
    began = time.perf_counter()
    filler = _Filler(centre, seed=11)
    for day, tickets in days:
        filler.day(day, tickets)
        if len(filler.events) > 200_000:
            filler.write(engine)
    filler.write(engine)
    return time.perf_counter() - began


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    result = action()
    return time.perf_counter() - began, result


def _report(engine: Engine, centre: CentreConfig, first: date, last: date) -> tuple[float, Any]:
    def build() -> kpis.Report:
        with Session(engine) as session, session.begin():
            return kpis.build_report(session, centre, first_day=first, last_day=last)

    return _timed(build)


@contextmanager
def _database(name: str) -> Iterator[Engine | None]:
    if name == "sqlite":
        with tempfile.TemporaryDirectory(prefix="foleni-bench-reports-") as directory:
            engine = create_db_engine(f"sqlite:///{Path(directory) / 'bench.sqlite3'}")
            upgrade(engine)
            yield engine
            engine.dispose()
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # any failure means: no PostgreSQL here
        print(f"   PostgreSQL not reachable ({type(exc).__name__}): skipped")
        yield None
        return
    separator = "&" if "?" in POSTGRES_URL else "?"
    engine = create_db_engine(f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}")
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


EXPORTS: dict[str, Callable[[kpis.Report], bytes]] = {
    "csv": csv_export.report_csv,
    "xlsx": xlsx_export.report_xlsx,
    "pdf": pdf_export.report_pdf,
}


def _exports(prefix: str, report: kpis.Report) -> dict[str, float]:
    timings = {}
    for fmt, export in EXPORTS.items():
        began = time.perf_counter()
        export(report)
        timings[f"{prefix}_{fmt}_s"] = time.perf_counter() - began
    return timings


def _one_database(name: str, options: ReportsOptions, centre: CentreConfig) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    with _database(name) as engine:
        if engine is None:
            return figures
        figures["fill_busy_day_s"] = _fill(engine, centre, [(LAST_DAY, options.busy_day_tickets)])
        seconds, busy = _report(engine, centre, LAST_DAY, LAST_DAY)
        figures["busy_day_report_s"] = seconds
        figures["busy_day_tickets"] = busy.totals.arrived
        figures.update(_exports("busy_day", busy))
    with _database(name) as engine:
        if engine is None:
            return figures
        first = LAST_DAY - timedelta(days=options.range_days - 1)
        days = [
            (first + timedelta(days=n), options.range_day_tickets)
            for n in range(options.range_days)
        ]
        figures["fill_range_s"] = _fill(engine, centre, days)
        figures["range_one_day_report_s"], _ = _report(engine, centre, LAST_DAY, LAST_DAY)
        seconds, whole = _report(engine, centre, first, LAST_DAY)
        figures["range_report_s"] = seconds
        figures["range_tickets"] = whole.totals.arrived
        figures.update(_exports("range", whole))
    return figures


def run(options: ReportsOptions) -> dict[str, Any]:
    centre = load_centre_file(EXAMPLE_CENTRE_FILE)
    result: dict[str, Any] = {}
    for name in options.databases:
        print(f"   {name}: filling and reporting", flush=True)
        result[name] = _one_database(name, options, centre)
    return result


def table(result: dict[str, Any]) -> str:
    """Return the figures as a table, one column per database."""
    names = [name for name in result if result[name]]
    rows = [
        ("tickets on the busy day", "busy_day_tickets", "{:,.0f}"),
        ("build_report, busy day", "busy_day_report_s", "{:.3f} s"),
        ("  CSV / XLSX / PDF of it", "busy_day_*", None),
        ("tickets in the range", "range_tickets", "{:,.0f}"),
        ("build_report, 1 day of the range", "range_one_day_report_s", "{:.3f} s"),
        ("build_report, the whole range", "range_report_s", "{:.3f} s"),
        ("  CSV / XLSX / PDF of it", "range_*", None),
        ("(filling: busy day / range)", "fill", None),
    ]
    lines = [f"| figure | {' | '.join(names)} |", "|---|" + "---|" * len(names)]
    for label, key, pattern in rows:
        cells = []
        for name in names:
            figures = result[name]
            if key == "fill":
                cells.append(
                    f"{figures['fill_busy_day_s']:.0f} s / {figures['fill_range_s']:.0f} s"
                )
            elif pattern is None:
                prefix = key[:-1]
                cells.append(
                    " / ".join(
                        f"{figures[f'{prefix}{fmt}_s']:.3f}" for fmt in ("csv", "xlsx", "pdf")
                    )
                    + " s"
                )
            else:
                cells.append(pattern.format(figures[key]))
        lines.append(f"| {label} | {' | '.join(cells)} |")
    return "\n".join(lines)
