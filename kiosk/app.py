"""The running kiosk: the Kivy window and the view-model (and its watch) on one asyncio loop."""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path
from typing import Any

from kivy.core.window import Window
from kivy.factory import Factory
from kivy.uix.widget import Widget

from app_shell.app import FoleniApp
from app_shell.clock import AsyncioScheduler, Scheduler
from app_shell.fonts import register_fonts

# Imported for Kivy's Factory: screens.kv names the kiosk's widget classes.
from kiosk import widgets  # noqa: F401
from kiosk.centre_backend import CentreBackend
from kiosk.ports import KioskBackend, PrintStation
from kiosk.printing import PrinterStation
from kiosk.scanner import WedgeBuffer
from kiosk.settings import KioskSettings
from kiosk.view_model import KioskTimings, KioskViewModel
from printers.factory import printer_from_settings

KV_FILE = Path(__file__).with_name("screens.kv")
ENTER_KEYS = frozenset({13, 271})  # Return and keypad Enter: how a wedge scanner ends a code
BACKGROUND = (0.04, 0.09, 0.16, 1)


class KioskApp(FoleniApp):
    """The Kivy app: screens bound to the view-model, touches and scanner keys fed to it."""

    title = "Foleni kiosk"
    kv_files = (KV_FILE,)

    def __init__(self, view_model: KioskViewModel, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # kv reaches these as `app.vm` and `app.tr`.
        self.vm = view_model
        self.tr = view_model.tr
        self._wedge = WedgeBuffer()

    def build(self) -> Widget:
        """Load the layout and listen to every touch and key."""
        register_fonts()
        self.load_kv_files()
        Window.clearcolor = BACKGROUND
        Window.bind(
            on_touch_down=self._touched, on_textinput=self._typed, on_key_down=self._key_down
        )
        root = Factory.KioskRoot()
        root.current = self.vm.screen
        self.vm.bind(screen=lambda _vm, name: setattr(root, "current", name))
        return root

    def on_stop(self) -> None:
        """Stop listening and forget the layout."""
        Window.unbind(
            on_touch_down=self._touched, on_textinput=self._typed, on_key_down=self._key_down
        )
        self.unload_kv_files()

    def _touched(self, *_args: Any) -> bool:
        if not self.vm.accepts_touch():
            return True  # swallowed: the tail of a double tap on the screen before
        self.vm.note_activity()
        return False  # the touch goes on to the widgets

    def _typed(self, _window: Any, text: str) -> None:
        self._wedge.add(text, at=time.monotonic())
        self.vm.note_activity()

    def _key_down(self, _window: Any, key: int, *_args: Any) -> bool:
        if key in ENTER_KEYS:
            self.vm.receive_scan(self._wedge.finish())
            return True
        return False


class Kiosk:
    """Everything one kiosk runs: view-model, its watch and window, on the running loop."""

    def __init__(
        self,
        settings: KioskSettings,
        *,
        backend: KioskBackend,
        station: PrintStation,
        scheduler: Scheduler | None = None,
        timings: KioskTimings | None = None,
    ) -> None:
        self.settings = settings
        self.backend = backend
        scheduler = scheduler or AsyncioScheduler()
        self.view_model = KioskViewModel(
            backend=backend,
            station=station,
            scheduler=scheduler,
            timezone=settings.zone,
            default_language=settings.language,
            ask_phone=settings.ask_phone,
            timings=timings
            or KioskTimings(
                inactivity=settings.inactivity_seconds,
                poll=settings.poll_seconds,
                offline_poll=settings.offline_poll_seconds,
                printer_check=settings.printer_check_seconds,
            ),
        )
        self.app = KioskApp(self.view_model)

    async def run(self) -> None:
        """Show the window and keep the kiosk current until the window closes."""
        watching = asyncio.get_running_loop().create_task(self.view_model.watch())
        try:
            await self.app.async_run(async_lib="asyncio")
        finally:
            watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watching
            await self.view_model.tasks.cancel_all()


async def run_kiosk(settings: KioskSettings) -> None:
    """Run one kiosk against its centre server and printer until its window is closed."""
    backend = CentreBackend.connect(settings.server_url, settings.token)
    station = PrinterStation(
        printer_from_settings(settings.printer),
        timezone=settings.zone,
        paper_width_mm=settings.printer.paper_width_mm,
    )
    try:
        await Kiosk(settings, backend=backend, station=station).run()
    finally:
        await backend.aclose()
