"""The background worker that keeps the alerts: after each burst of events, and every few seconds.

Time alone raises some alerts (a wait crossing its target, a kiosk gone quiet), so the worker
looks at a quiet hall too; events wake it at once, so a printer fault is an alert within a
second or so of the kiosk's report.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from centre_server.context import ServerContext
from centre_server.services import alert_service

logger = logging.getLogger(__name__)

QUIET_SECONDS = 10.0
# Events come in bursts (a call and its board update): one evaluation per burst.
COALESCE_SECONDS = 0.3


class AlertWorker:
    """Evaluates the alert rules; hosted by the app's lifespan (`centre_server/workers.py`)."""

    name = "alerts"

    def __init__(self, context: ServerContext, *, quiet_seconds: float = QUIET_SECONDS) -> None:
        self._context = context
        self._quiet_seconds = quiet_seconds

    async def run(self, stop: asyncio.Event) -> None:
        """Evaluate until `stop` is set."""
        hub = self._context.hub
        subscription = hub.subscribe()
        stopping = asyncio.ensure_future(stop.wait())
        try:
            while not stop.is_set():
                await asyncio.to_thread(alert_service.evaluate, self._context)
                woken = asyncio.ensure_future(subscription.queue.get())
                await asyncio.wait(
                    {woken, stopping},
                    timeout=self._quiet_seconds,
                    return_when=asyncio.FIRST_COMPLETED,
                )
                woken.cancel()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), COALESCE_SECONDS)
                while not subscription.queue.empty():
                    subscription.queue.get_nowait()
                if subscription.dropped:
                    hub.unsubscribe(subscription)
                    subscription = hub.subscribe()
        finally:
            stopping.cancel()
            hub.unsubscribe(subscription)
