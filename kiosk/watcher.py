"""Keeps the kiosk current: the menu's queues, whether the server answers, the printer's state."""

from __future__ import annotations

import logging

from app_shell.clock import Scheduler
from centre_client.errors import CentreApiError, CentreUnavailable
from kiosk.ports import KioskBackend, PrintStation
from kiosk.view_model import KioskViewModel

log = logging.getLogger(__name__)


class KioskWatcher:
    """Polls the server for the menu (its answer is also the health check) and the printer."""

    def __init__(
        self,
        view_model: KioskViewModel,
        *,
        backend: KioskBackend,
        station: PrintStation,
        scheduler: Scheduler,
        poll_seconds: float,
        offline_poll_seconds: float,
        printer_check_seconds: float,
    ) -> None:
        self._vm = view_model
        self._backend = backend
        self._station = station
        self._scheduler = scheduler
        self._poll_seconds = poll_seconds
        self._offline_poll_seconds = offline_poll_seconds
        self._printer_check_seconds = printer_check_seconds
        self._printer_checked_at: float | None = None

    async def run(self) -> None:
        """Refresh forever, faster while the server is away so the kiosk recovers quickly."""
        while True:
            await self.refresh()
            await self.check_printer()
            pause = self._poll_seconds if self._vm.online else self._offline_poll_seconds
            await self._scheduler.sleep(pause)

    async def refresh(self) -> None:
        """Fetch the menu once; an unreachable server puts the kiosk out of service."""
        try:
            menu = await self._backend.fetch_menu()
        except CentreUnavailable as error:
            log.warning("centre server unreachable: %s", error)
            self._vm.set_online(False)
        except CentreApiError as error:
            # A revoked token or a server fault: no ticket can be issued, so out of service too.
            log.error("centre server refused the menu: %s", error.code)
            self._vm.set_online(False)
        else:
            self._vm.apply_menu(menu)
            self._vm.set_online(True)

    async def check_printer(self) -> None:
        """Read the printer now and then, so managers see paper running out before a citizen."""
        now = self._scheduler.monotonic()
        due = self._printer_checked_at is None or (
            now - self._printer_checked_at >= self._printer_check_seconds
        )
        # Never beside a print job: the job reads the status itself.
        if not due or self._vm.printing or not self._vm.online:
            return
        self._printer_checked_at = now
        await self._vm.report_printer(await self._station.check())
