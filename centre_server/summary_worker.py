"""The worker that tells the nation how the hall stands: at most once a minute, when it changed.

The nation's overview needs the hall's state (waiting, longest wait, alerts) and the day's
figures; the ticket events alone cannot give the longest wait now or the service level. So the
worker looks every `summary_seconds` and records a `hall.summary` event when the figures
changed since the last one, or after `HEARTBEAT_SECONDS` without one (the nation then knows
the figures are still true, not stale). A restart sends a summary at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from centre_core.national_topics import HallSummary
from centre_server.context import ServerContext
from centre_server.services import summary_service

logger = logging.getLogger(__name__)

SUMMARY_SECONDS = 60.0
HEARTBEAT_SECONDS = 600.0


class SummaryWorker:
    """Records the hall summary for the nation; hosted by the app's lifespan."""

    name = "summary"

    def __init__(
        self,
        context: ServerContext,
        *,
        every_seconds: float = SUMMARY_SECONDS,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
    ) -> None:
        self._context = context
        self._every_seconds = every_seconds
        self._heartbeat_seconds = heartbeat_seconds
        self._last: HallSummary | None = None
        self._last_sent = 0.0

    def tick(self) -> bool:
        """Record a summary if it changed or the heartbeat is due; tell whether one was."""
        summary = summary_service.summarise(self._context)
        due = time.monotonic() - self._last_sent >= self._heartbeat_seconds
        if self._last is not None and not due and summary_service.same_figures(self._last, summary):
            return False
        summary_service.record(self._context, summary)
        self._last, self._last_sent = summary, time.monotonic()
        return True

    async def run(self, stop: asyncio.Event) -> None:
        """Look every `every_seconds` until `stop` is set."""
        while not stop.is_set():
            await asyncio.to_thread(self.tick)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._every_seconds)
