"""Readable tables of the figures, the targets of the issue, and the JSON record of a run."""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

OUT_DIR = Path(__file__).resolve().parent / "out"


def machine() -> dict[str, Any]:
    """Describe the machine: cores, CPU model, load average, Python, git commit."""
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
            cwd=OUT_DIR.parent.parent,
        ).stdout.strip()
    except OSError:
        commit = "unknown"
    return {
        "nproc": os.cpu_count(),
        "cpu_model": model,
        "load_average": list(os.getloadavg()),
        "python": platform.python_version(),
        "commit": commit,
    }


def write_json(name: str, record: dict[str, Any], *, started: datetime) -> Path:
    """Write one benchmark's record to bench/out/<date>-<name>.json and return the path."""
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"{started:%Y-%m-%dT%H%M}-{name}.json"
    path.write_text(json.dumps(record, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def header(command: list[str], started: datetime) -> dict[str, Any]:
    """Return the record's header: when, what command, on what machine."""
    return {
        "date": started.astimezone(UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, "-m", "bench", *command]),
        "machine": machine(),
    }


def _n(value: Any, digits: int = 1) -> str:
    if not isinstance(value, int | float) or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:,.{digits}f}"


def _table(headings: list[str], rows: list[list[str]]) -> str:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headings)
    ]
    lines = ["  ".join(h.rjust(w) for h, w in zip(headings, widths, strict=True))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)


def _lat(figures: dict[str, Any], label: str, pct: str) -> Any:
    return figures.get("latency", {}).get(label, {}).get(f"{pct}_ms")


def callnext_table(result: dict[str, Any]) -> str:
    """Format the call-next figures: one row per database and level."""
    rows = []
    for kind in ("sqlite", "postgresql"):
        section = result.get(kind)
        if not section:
            continue
        if "skipped" in section:
            rows.append([kind, "skipped: " + section["skipped"], *[""] * 15])
            continue
        for level, f in section["levels"].items():
            cn = f["call_next"]
            rows.append(
                [
                    kind,
                    level,
                    _n(f["healthz"]["requests_per_s"], 0),
                    _n(f["docs"]["requests_per_s"], 0),
                    _n(f["issue"]["requests_per_s"], 0),
                    _n(_lat(f["issue"], "issue", "p99")),
                    _n(cn["requests_per_s"], 0),
                    _n(cn["completed_per_s"], 0),
                    _n(_lat(cn, "call-next", "p50")),
                    _n(_lat(cn, "call-next", "p95")),
                    _n(_lat(cn, "call-next", "p99")),
                    _n(f["ratio_call_next_to_healthz"], 2),
                    _n(f["ratio_call_next_to_docs"], 2),
                    _n(cn["server_cpu_ms_per_request"], 1),
                    _n(cn["other_cpu_share"], 2),
                    _n(_lat(f.get("paced", {}), "call-next", "p50")),
                    _n(_lat(f.get("paced", {}), "call-next", "p99")),
                ]
            )
    headings = [
        "db", "counters", "healthz/s", "docs/s", "issue/s", "issue p99",
        "cmd/s", "tickets/s", "cn p50", "cn p95", "cn p99", "cn:healthz", "cn:docs",
        "srv ms/cmd", "others' cores", "paced p50", "paced p99",
    ]  # fmt: skip
    return _table(headings, rows)


def display_table(result: dict[str, Any]) -> str:
    """Format the call-to-display figures."""
    f = result["sqlite"]
    at, answer = f["at_to_receipt"], f["answer_to_receipt"]
    rows = [
        [
            _n(f["subscribers"], 0),
            _n(f["calls"], 0),
            _n(f["missing_deliveries"], 0),
            _n(at.get("p50_ms")),
            _n(at.get("p95_ms")),
            _n(at.get("p99_ms")),
            _n(answer.get("p50_ms")),
            _n(answer.get("p99_ms")),
            _n(f["commands"].get("call-next", {}).get("p99_ms")),
            _n(f["server_cpu_share"], 2),
            _n(f["generator_loop_lag"].get("p99_ms")),
        ]
    ]
    headings = [
        "subscribers", "calls", "missing", "at->rx p50", "p95", "p99",
        "answer->rx p50", "p99", "call-next p99", "server cores", "generator lag p99",
    ]  # fmt: skip
    return _table(headings, rows)


def peakday_table(result: dict[str, Any]) -> str:
    """Format the peak-day figures: headline, then each command's latency."""
    kind = next(k for k in ("sqlite", "postgresql") if k in result)
    f = result[kind]
    head = (
        f"{kind}: {f['tickets_issued']:,.0f} tickets, errors {f['errors']:.0f}, "
        f"ended {'all' if f['finished_in_time'] else 'NOT all'} "
        f"({f['tickets_not_ended']:.0f} open), {f['seconds']:.0f} s for a "
        f"{f['day_seconds_real']:.0f} s day; server CPU {f['server_cpu_s_per_1000_tickets']:.1f} s "
        f"per 1,000 tickets ({f['server_cpu_share']:.2f} cores, others "
        f"{f['other_cpu_share']:.2f}); peak RSS {f['server_peak_rss_mb_day']:.0f} MB in the day, "
        f"{f['server_peak_rss_mb_setup']:.0f} MB at setup (logins); arrival lateness p99 "
        f"{_n(f['arrival_lateness'].get('p99_ms'), 0)} ms; display at->rx p99 "
        f"{_n(f['display_at_to_receipt'].get('p99_ms'))} ms"
    )
    rows = [
        [name, _n(s["count"], 0), _n(s.get("p50_ms")), _n(s.get("p95_ms")), _n(s.get("p99_ms"))]
        for name, s in f["commands"].items()
    ]
    return head + "\n" + _table(["command", "count", "p50 ms", "p95 ms", "p99 ms"], rows)


def kiosk_table(result: dict[str, Any]) -> str:
    """Format the kiosk-path figures: p50/p95 of each step."""
    f = result["sqlite"]
    rows = [
        [step, _n(f[step].get("count"), 0), _n(f[step].get("p50_ms")), _n(f[step].get("p95_ms"))]
        for step in ("issue", "render", "status", "print", "kiosk", "total")
        if step in f
    ]
    return _table(["step", "count", "p50 ms", "p95 ms"], rows) + f"\nerrors: {f['errors']:.0f}"


def national_table(result: dict[str, Any]) -> str:
    """Format the national figures: ingest per worker count, the baseline, the catch-ups."""
    if "skipped" in result:
        return "skipped: " + result["skipped"]
    plain = result["plain"]
    ingest = [
        [
            f"national --workers {f['workers']:.0f}",
            _n(f["rows"], 0),
            _n(f["rows_per_s"], 0),
            _n(f["batch_latency"].get("p50_ms"), 0),
            _n(f["batch_latency"].get("p95_ms"), 0),
            _n(f["batch_latency"].get("p99_ms"), 0),
            _n(f["server_cpu_s"]),
            _n(f["server_cpu_ms_per_batch"], 0),
            _n(f["others_cpu_s"]),
            _n(f["processed_after_last_ack_s"]),
            _n(sum(f["failed_posts"].values()), 0),
            _n(f["ratio_to_plain"], 2),
        ]
        for f in result["ingest"].values()
    ]
    ingest.append(
        [
            f"plain insert, {plain['writers']:.0f} writers",
            _n(plain["rows"], 0),
            _n(plain["rows_per_s"], 0),
            *[""] * 3,
            "",
            "",
            _n(plain["others_cpu_s"]),
            "",
            "",
            "1.00",
        ]
    )
    headings = [
        "ingest", "rows", "rows/s", "batch p50 ms", "p95", "p99", "server CPU s",
        "ms CPU/batch", "others' CPU s", "processed +s", "failed posts", ":plain",
    ]  # fmt: skip
    catch_up = [
        [
            f"national {kind}",
            _n(f["rows"], 0),
            _n(f["seconds"]),
            _n(f["rows_per_s"], 0),
            _n(f["start_to_healthy_s"]),
            _n(f["centre_cpu_s"]),
            _n(f["national_cpu_s"]),
            _n(f["processed_after_ack_s"]),
        ]
        for kind, f in result["catch_up"].items()
    ]
    lines = [_table(headings, ingest), ""]
    catch_up_headings = [
        "catch-up", "rows", "start->acked s", "rows/s", "start->healthy s", "centre CPU s",
        "national CPU s", "processed +s",
    ]  # fmt: skip
    lines.append(_table(catch_up_headings, catch_up))
    problems = [
        problem
        for section in (*result["ingest"].values(), *result["catch_up"].values())
        for problem in section["problems"]
    ]
    lines.append("checks: " + ("all rows acked, stored once, processed" if not problems else ""))
    lines += [f"  ERROR: {problem}" for problem in problems]
    return "\n".join(lines)


def targets(name: str, result: dict[str, Any]) -> list[str]:
    """Check the issue's targets against a benchmark's (median) figures."""
    lines = []
    if name == "callnext":
        level = result.get("sqlite", {}).get("levels", {}).get("32")
        if level:
            ratio = level["ratio_call_next_to_healthz"]
            p99 = _lat(level["call_next"], "call-next", "p99")
            lines.append(
                _verdict("call-next : healthz at 32 counters >= 0.50", ratio >= 0.5, _n(ratio, 2))
            )
            lines.append(_verdict("call-next p99 at 32 counters < 20 ms", p99 < 20, _n(p99)))
            paced = level.get("paced")
            if paced:
                rate = paced["commands_per_second_offered"]
                p99 = _lat(paced, "call-next", "p99")
                lines.append(
                    _verdict(
                        f"restated: call-next p99, 32 counters at {rate:.0f} cmd/s < 20 ms",
                        p99 is not None and p99 < 20,
                        _n(p99),
                    )
                )
    elif name == "display":
        p99 = result["sqlite"]["at_to_receipt"].get("p99_ms", math.inf)
        lines.append(_verdict("call-to-display p99 < 50 ms (200 subscribers)", p99 < 50, _n(p99)))
    elif name == "peakday":
        f = next(result[k] for k in ("sqlite", "postgresql") if k in result)
        lines.append(_verdict("peak-day errors = 0", f["errors"] == 0, _n(f["errors"], 0)))
        rss = f["server_peak_rss_mb_day"]
        lines.append(_verdict("peak-day RSS < 150 MB", rss < 150, _n(rss, 0)))
        setup = f["server_peak_rss_mb_setup"]
        lines.append(_verdict("peak RSS incl. staff logins < 150 MB", setup < 150, _n(setup, 0)))
    return lines


def _verdict(target: str, met: bool, value: str) -> str:
    return f"  [{'met' if met else 'MISSED'}] {target}: {value}"


TABLES = {
    "callnext": callnext_table,
    "display": display_table,
    "peakday": peakday_table,
    "kiosk": kiosk_table,
    "national": national_table,
}
