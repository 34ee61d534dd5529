"""Rows for the national benchmark, and the steps it runs in subprocesses.

`ticket_rows` builds realistic `ticket.issued` outbox rows (the example centre's services and
prefixes, the bench's demand mix) from `centre_core` alone. The steps that need the server's
own code run in their own process, as `bench.provision` does, so that the load generator never
loads `national` or `centre_server`:

- `python -m bench.national_load register --data-dir DIR CODE...` registers centres through
  the national CLI's entry point (`foleni national centre add CODE --json`), all in one
  interpreter: 50 separate commands would cost a minute of start-ups. It prints a JSON
  object of credentials by centre code.
- `python -m bench.national_load outbox N` (with the centre's FOLENI_* environment) migrates
  the centre database and fills its outbox with N pending rows spread over two days.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import sys
import tomllib
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import workload
from bench.centre_file import EXAMPLE_CENTRE
from centre_core.national_topics import TicketIssued
from centre_core.tickets import TicketSource, TicketStatus

TOPIC = "ticket.issued"
# Share of tickets taken by an appointment, and by a priority citizen (a plausible Nairobi day).
APPOINTMENT_SHARE = 0.15
PRIORITY_SHARE = 0.05
PRIORITIES = ("elderly", "disability", "pregnant_or_infant")


def _first_queues() -> dict[str, tuple[str, str]]:
    """Return each example service's (prefix, first queue key)."""
    example = tomllib.loads(EXAMPLE_CENTRE.read_text(encoding="utf-8"))
    queues: dict[str, tuple[str, str]] = {}
    for service in example["services"]:
        stages = service.get("stages", [])
        key = f"{service['code']}.{stages[0]['code']}" if stages else service["code"]
        queues[service["code"]] = (service["prefix"], key)
    return queues


def ticket_rows(
    count: int, *, start: datetime, span: timedelta, seed: int
) -> Iterator[tuple[int, datetime, dict[str, Any]]]:
    """Yield `count` (seq, at, payload) of `ticket.issued`, seqs 1.., `at`s evenly over `span`."""
    rng = random.Random(seed)
    queues = _first_queues()
    services = [code for code in workload.DEMAND if code in queues]
    weights = [workload.DEMAND[code] for code in services]
    numbers: dict[str, int] = defaultdict(int)
    step = span / max(count, 1)
    for seq in range(1, count + 1):
        at = start + step * (seq - 1)
        code = rng.choices(services, weights)[0]
        prefix, queue_key = queues[code]
        numbers[code] += 1
        appointment = rng.random() < APPOINTMENT_SHARE
        priority = rng.choice(PRIORITIES) if rng.random() < PRIORITY_SHARE else None
        payload = TicketIssued(
            at=at,
            ticket_id=rng.randbytes(16).hex(),
            number=f"{prefix}-{numbers[code] % 1000:03d}",
            service_code=code,
            queue_key=queue_key,
            stage_index=0,
            status=TicketStatus.waiting,
            source=TicketSource.appointment if appointment else TicketSource.walk_in,
            priority=priority,
            counter=None,
            recalls=0,
            issued_at=at,
        )
        yield seq, at, payload.model_dump(mode="json")


def register(data_dir: Path, codes: list[str]) -> dict[str, str]:
    """Register centres with `foleni national centre add --json`; return credentials by code."""
    from national import cli

    credentials: dict[str, str] = {}
    for code in codes:
        out = io.StringIO()
        command = ["--data-dir", str(data_dir), "centre", "add", code, "--name", f"Bench {code}"]
        with contextlib.redirect_stdout(out):
            status = cli.main([*command, "--json"])
        if status != 0:
            raise SystemExit(f"`foleni national {' '.join(command)}` failed ({status})")
        answer = json.loads(out.getvalue())
        credentials[answer["centre"]] = answer["credential"]
    return credentials


def fill_outbox(count: int, *, end: datetime, seed: int) -> None:
    """Migrate the centre database (FOLENI_*) and add `count` pending outbox rows before `end`."""
    from sqlalchemy import insert, update

    from centre_server.cli import ensure_schema
    from centre_server.db.engine import create_db_engine
    from centre_server.db.tables import CENTRE_ROW_ID, CentreStateRow, OutboxRow
    from centre_server.settings import Settings

    settings = Settings()
    ensure_schema(settings, upgrade_if_behind=True)
    engine = create_db_engine(settings.resolved_database_url())
    span = timedelta(days=2)
    rows = (
        {"out_seq": seq, "event_seq": None, "topic": TOPIC, "payload": payload, "created_at": at}
        for seq, at, payload in ticket_rows(count, start=end - span, span=span, seed=seed)
    )
    try:
        with engine.begin() as connection:
            chunk: list[dict[str, Any]] = []
            for row in rows:
                chunk.append(row)
                if len(chunk) == 5000:
                    connection.execute(insert(OutboxRow.__table__), chunk)
                    chunk = []
            if chunk:
                connection.execute(insert(OutboxRow.__table__), chunk)
            connection.execute(
                update(CentreStateRow.__table__)
                .where(CentreStateRow.__table__.c.id == CENTRE_ROW_ID)
                .values(last_out_seq=count)
            )
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> None:
    """Run one step: `register --data-dir DIR CODE...` or `outbox N`."""
    parser = argparse.ArgumentParser(prog="python -m bench.national_load", description=__doc__)
    steps = parser.add_subparsers(dest="step", required=True)
    reg = steps.add_parser("register")
    reg.add_argument("--data-dir", type=Path, required=True)
    reg.add_argument("codes", nargs="+")
    out = steps.add_parser("outbox")
    out.add_argument("count", type=int)
    out.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.step == "register":
        json.dump(register(args.data_dir, args.codes), sys.stdout)
    else:
        fill_outbox(args.count, end=datetime.now(UTC), seed=args.seed)


if __name__ == "__main__":
    main()
