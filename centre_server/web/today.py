"""Today's figures for the live page, from the KPI layer, computed at most every few seconds.

A 10,000-ticket day costs about 0.2 s to report (bench/RESULTS.md): the tiles re-render after
every burst of events, so the day's figures are shared and refreshed at most every `ttl`.
"""

from __future__ import annotations

import threading
import time
from datetime import date

from centre_core.clock import business_day
from centre_server.context import ServerContext
from centre_server.reports import kpis


class TodayFigures:
    """Today's report for one server, cached for `ttl` seconds."""

    def __init__(self, *, ttl: float = 15.0) -> None:
        self._ttl = ttl
        self._lock = threading.Lock()
        self._cached: tuple[float, date, kpis.Report] | None = None

    def report(self, context: ServerContext) -> kpis.Report:
        """Return today's report (centre-local day), at most `ttl` seconds old."""
        today = business_day(context.now(), timezone=context.centre.timezone)
        with self._lock:
            cached = self._cached
            if (
                cached is not None
                and cached[1] == today
                and time.monotonic() - cached[0] < self._ttl
            ):
                return cached[2]
            with context.db.read() as session:
                report = kpis.build_report(
                    session, context.centre, first_day=today, last_day=today, now=context.now()
                )
            self._cached = (time.monotonic(), today, report)
            return report
