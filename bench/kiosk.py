"""Benchmark 4: the kiosk path: issue a ticket, render its slip, print it on a network printer.

One kiosk issues tickets one after another; each slip is rendered to PNG (the preview the
kiosk shows when printing fails), then printed as `kiosk.printing.PrinterStation` does: a
status check, then `print_slip` through `EscposTicketPrinter` to the loopback fake raw-TCP
printer, which answers the DLE EOT status queries (before and after the slip) like a real one.
Printer calls run in a worker thread, as in the kiosk app. `kiosk` is the path the kiosk app
takes (issue, status, print); `total` adds the render the issue names.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench import centre_file, workload
from bench.callnext import demand_plan
from bench.load import Phase, connect
from bench.server import CentreServer, database
from bench.stats import summarise_ms
from printers import factory, settings
from printers.fake_network import FakeNetworkPrinter
from printers.paper import PaperWidth
from printers.preview import render_slip_png
from printers.slip import TicketSlip

NAIROBI = ZoneInfo("Africa/Nairobi")
PAPER_WIDTH_MM: PaperWidth = 80


@dataclass(frozen=True)
class KioskOptions:
    """How many slips to issue and print."""

    slips: int = 200

    @classmethod
    def quick(cls) -> KioskOptions:
        """Return the smoke-run settings."""
        return cls(slips=10)


def slip_of(ticket: dict[str, Any]) -> TicketSlip:
    """Lay out the slip of an issued ticket as the kiosk does (times in centre time)."""
    return TicketSlip(
        centre_name=ticket["centre_name"],
        number=ticket["number"],
        service_en=ticket["service_name_en"],
        service_sw=ticket["service_name_sw"],
        issued_at=datetime.fromisoformat(ticket["issued_at"]).astimezone(NAIROBI),
        people_ahead=ticket["people_ahead"],
        estimated_wait_minutes=ticket["estimated_wait_minutes"],
        status_url=ticket["status_url"],
        priority=ticket["priority"],
    )


async def measure(server: CentreServer, options: KioskOptions) -> dict[str, Any]:
    """Issue, render and print `options.slips` slips; return the timings of each step."""
    steps: dict[str, list[float]] = {
        name: [] for name in ("issue", "render", "status", "print", "kiosk", "total")
    }
    phase = Phase("kiosk")
    plan = demand_plan(list(workload.DEMAND), tickets=options.slips, seed=4)
    connection = connect(server, server.tokens["kiosk"])
    with FakeNetworkPrinter() as fake:
        printer = factory.printer_from_settings(
            settings.PrinterSettings(
                kind="network", host=fake.host, port=fake.port, paper_width_mm=PAPER_WIDTH_MM
            )
        )
        try:
            for service in plan:
                start = time.perf_counter()
                answer = await phase.call(
                    connection, "issue", "POST", "/api/v1/tickets", {"service_code": service}
                )
                if answer is None or answer.status != 201:
                    continue
                issued = time.perf_counter()
                slip = slip_of(answer.json())
                render_slip_png(slip, paper_width_mm=PAPER_WIDTH_MM)  # as kiosk.printing renders it
                rendered = time.perf_counter()
                await asyncio.to_thread(printer.status)
                checked = time.perf_counter()
                await asyncio.to_thread(printer.print_slip, slip)
                printed = time.perf_counter()
                fake.clear()  # keep memory flat: the bytes were checked by the printer tests
                steps["issue"].append(issued - start)
                steps["render"].append(rendered - issued)
                steps["status"].append(checked - rendered)
                steps["print"].append(printed - checked)
                steps["kiosk"].append(printed - start - (rendered - issued))
                steps["total"].append(printed - start)
        finally:
            await connection.close()
    figures: dict[str, Any] = {name: summarise_ms(values) for name, values in steps.items()}
    figures["errors"] = phase.recorder.error_count
    figures["error_kinds"] = dict(phase.recorder.errors)
    return figures


def run(options: KioskOptions) -> dict[str, Any]:
    """Run the kiosk path on a fresh SQLite server; return its figures."""
    with tempfile.TemporaryDirectory(prefix="foleni-bench-") as tmp:
        workdir = Path(tmp)
        centre = centre_file.write_centre(workdir / "centre.toml")
        with (
            database("sqlite", workdir) as url,
            CentreServer(workdir=workdir, database_url=url, centre_file=centre) as server,
        ):
            figures = asyncio.run(measure(server, options))
    return {"options": options.__dict__, "sqlite": figures}
