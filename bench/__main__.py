"""`python -m bench [NAME ...] [--quick] [--runs N]`: callnext, display, peakday, kiosk, manage, ...

Runs the selected benchmarks (all but `national` by default) against real server subprocesses
on a fresh database each run, prints a table per benchmark (medians across runs) with the issue's
targets, and writes every run's figures to bench/out/<date>-<name>.json.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bench import callnext, display, kiosk, manage, national, peakday, report, reports
from bench.stats import median_of_runs


def _callnext(quick: bool, databases: tuple[str, ...] | None) -> Callable[[int], dict[str, Any]]:
    options = callnext.CallNextOptions.quick() if quick else callnext.CallNextOptions()
    if databases:
        options = callnext.CallNextOptions(**{**options.__dict__, "databases": databases})
    return lambda run: callnext.run(options, seed=run + 1)


def _display(quick: bool, _databases: tuple[str, ...] | None) -> Callable[[int], dict[str, Any]]:
    options = display.DisplayOptions.quick() if quick else display.DisplayOptions()
    return lambda _run: display.run(options)


def _peakday(quick: bool, databases: tuple[str, ...] | None) -> Callable[[int], dict[str, Any]]:
    options = peakday.PeakDayOptions.quick() if quick else peakday.PeakDayOptions()
    if databases:
        options = peakday.PeakDayOptions(**{**options.__dict__, "database": databases[0]})
    return lambda run: peakday.run(options, seed=7 + run)


def _kiosk(quick: bool, _databases: tuple[str, ...] | None) -> Callable[[int], dict[str, Any]]:
    options = kiosk.KioskOptions.quick() if quick else kiosk.KioskOptions()
    return lambda _run: kiosk.run(options)


def _national(quick: bool, _databases: tuple[str, ...] | None) -> Callable[[int], dict[str, Any]]:
    options = national.NationalOptions.quick() if quick else national.NationalOptions()
    return lambda _run: national.run(options)


def _reports(quick: bool, databases: tuple[str, ...] | None) -> Callable[[int], dict[str, Any]]:
    options = reports.ReportsOptions.quick() if quick else reports.ReportsOptions()
    if databases:
        options = reports.ReportsOptions(**{**options.__dict__, "databases": databases})
    return lambda _run: reports.run(options)


def _manage(quick: bool, _databases: tuple[str, ...] | None) -> Callable[[int], dict[str, Any]]:
    options = manage.ManageOptions.quick() if quick else manage.ManageOptions()
    return lambda _run: manage.run(options)


BENCHMARKS = {
    "callnext": _callnext,
    "display": _display,
    "peakday": _peakday,
    "kiosk": _kiosk,
    "national": _national,
    "reports": _reports,
    "manage": _manage,
}
TABLES = {**report.TABLES, "reports": reports.table, "manage": manage.table}
# The national benchmark runs ~14 minutes against PostgreSQL, and reports fills 90 days: they
# run only when named.
DEFAULT = ("callnext", "display", "peakday", "kiosk", "manage")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "names", nargs="*", choices=[*BENCHMARKS, []], help="default: all but national"
    )
    parser.add_argument("--quick", action="store_true", help="smoke run, under a minute")
    parser.add_argument("--runs", type=int, default=1, help="repeat each benchmark (medians)")
    parser.add_argument(
        "--db",
        choices=("sqlite", "postgresql"),
        action="append",
        help="databases for callnext (default both) and peakday (default sqlite)",
    )
    args = parser.parse_args(argv)
    names = args.names or list(DEFAULT)
    databases = tuple(args.db) if args.db else None
    for name in names:
        started = datetime.now(UTC)
        clock = time.perf_counter()
        runner = BENCHMARKS[name](args.quick, databases)
        runs = []
        for run in range(args.runs):
            print(f"== {name}: run {run + 1} of {args.runs}", flush=True)
            runs.append(runner(run))
        median = median_of_runs(runs)
        record = {
            **report.header(argv, started),
            "benchmark": name,
            "quick": args.quick,
            "seconds": time.perf_counter() - clock,
            "median": median,
            "runs": runs,
        }
        path = report.write_json(name, record, started=started)
        title = f"median of {args.runs} runs" if args.runs > 1 else "1 run"
        print(f"\n{name} ({title}, {record['seconds']:.0f} s) -> {path}")
        print(TABLES[name](median))
        for line in report.targets(name, median):
            print(line)
        print(flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
