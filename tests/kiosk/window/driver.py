"""Drives the real kiosk window: the app runs on an asyncio loop each test resumes."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.config import Config

Config.set("graphics", "fullscreen", "0")
Config.set("graphics", "width", "1280")
Config.set("graphics", "height", "800")
Config.set("graphics", "resizable", "0")
Config.set("kivy", "keyboard_mode", "system")

from kivy.clock import Clock  # noqa: E402
from kivy.core.window import Window  # noqa: E402
from kivy.tests.common import UnitTestTouch  # noqa: E402
from kivy.uix.widget import Widget  # noqa: E402

from kiosk.app import Kiosk  # noqa: E402
from kiosk.centre_backend import CentreBackend  # noqa: E402
from kiosk.printing import PrinterStation  # noqa: E402
from kiosk.settings import KioskSettings, printer_settings  # noqa: E402
from kiosk.view_model import KioskTimings, KioskViewModel  # noqa: E402
from printers.factory import printer_from_settings  # noqa: E402
from printers.fake_network import FakeNetworkPrinter  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = ROOT / "artifacts" / "kiosk"
WAIT_SECONDS = 15.0


class KioskDriver:
    """The kiosk as a citizen meets it: find widgets, touch them, wait, take screenshots."""

    def __init__(self, kiosk: Kiosk, backend: CentreBackend) -> None:
        self.kiosk = kiosk
        self.backend = backend
        self.loop = asyncio.new_event_loop()
        self._running = self.loop.create_task(kiosk.run())
        self.run(self.wait_until(lambda: kiosk.app.root is not None and Window.width > 0))

    @classmethod
    def open(cls, *, server_url: str, token: str, printer: FakeNetworkPrinter) -> KioskDriver:
        settings = KioskSettings(
            server_url=server_url,
            token=token,
            printer=printer_settings(f"network:{printer.host}:{printer.port}"),
            windowed=True,
            # Quick polling: the out-of-service test waits for the kiosk to notice.
            poll_seconds=0.5,
            offline_poll_seconds=0.5,
        ).validated()
        backend = CentreBackend.connect(settings.server_url, settings.token)
        station = PrinterStation(printer_from_settings(settings.printer), timezone=settings.zone)
        return cls(Kiosk(settings, backend=backend, station=station), backend)

    @property
    def vm(self) -> KioskViewModel:
        return self.kiosk.view_model

    def run(self, coro: Any) -> Any:
        """Run a step of a test on the kiosk's loop (the window lives while it runs)."""
        return self.loop.run_until_complete(coro)

    def close(self) -> None:
        self.kiosk.app.stop()
        self.loop.run_until_complete(self._running)
        self.loop.run_until_complete(self.backend.aclose())
        self.loop.close()

    # Finding and touching ---------------------------------------------------------------

    def screen(self) -> Widget:
        return self.kiosk.app.root.current_screen

    def find(self, match: Callable[[Widget], bool]) -> Widget:
        """The first widget on the current screen that matches."""
        todo = [self.screen()]
        while todo:
            widget = todo.pop(0)
            if match(widget):
                return widget
            todo.extend(reversed(widget.children))
        raise LookupError("no such widget on the current screen")

    def by_id(self, name: str) -> Widget:
        ids = self.screen().ids
        if name not in ids:
            shown = (self.vm.screen, self.kiosk.app.root.current, self.screen().name)
            raise LookupError(f"no {name!r} on the screen (view-model, manager, shown: {shown})")
        return ids[name]

    async def tap(self, widget: Widget) -> None:
        """Touch the widget's centre and lift the finger, through the window like a finger."""
        await self.wait_until(self.vm.accepts_touch)
        x, y = widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        await self.frames(2)
        touch.touch_up()
        await self.frames(2)

    async def double_tap(self, widget: Widget) -> None:
        """Two quick touches on the same spot, as an impatient finger gives them."""
        await self.wait_until(self.vm.accepts_touch)
        x, y = widget.to_window(*widget.center)
        for _ in range(2):
            touch = UnitTestTouch(x, y)
            touch.touch_down()
            await self.frames(1)
            touch.touch_up()
            await self.frames(1)
        await self.frames(2)

    async def finish(self) -> None:
        """Touch "Finish" once its guard against double taps is over."""
        await asyncio.sleep(KioskTimings().finish_guard)
        await self.tap(self.by_id("done"))
        await self.wait_for_screen("welcome")

    async def type_on_scanner(self, text: str) -> None:
        """Type like a keyboard-wedge QR scanner: the characters, then Enter."""
        for char in text:
            Window.dispatch("on_textinput", char)
        Window.dispatch("on_key_down", 13, 40, None, [])
        await self.frames(2)

    # Waiting and screenshots ------------------------------------------------------------

    async def frames(self, count: int) -> None:
        """Let the window draw `count` frames."""
        drawn = asyncio.get_running_loop().create_future()
        remaining = [count]

        def frame(_dt: float) -> bool:
            remaining[0] -= 1
            if remaining[0] > 0:
                return True
            if not drawn.done():
                drawn.set_result(None)
            return False

        Clock.schedule_interval(frame, 0)
        await drawn

    async def wait_until(self, condition: Callable[[], bool], within: float = WAIT_SECONDS) -> None:
        """Poll a condition the kiosk makes true (its properties change on the loop's turns)."""
        async with asyncio.timeout(within):
            while not condition():  # noqa: ASYNC110 - a condition on Kivy properties, not an event
                await asyncio.sleep(0.05)
        await self.frames(3)

    async def wait_for_screen(self, name: str) -> None:
        await self.wait_until(
            lambda: self.vm.screen == name == self.kiosk.app.root.current == self.screen().name
        )

    async def screenshot(self, name: str) -> Path:
        """Save the window as artifacts/kiosk/<name>.png (Kivy numbers its files: renamed)."""
        await self.frames(3)
        return self._save_screenshot(name)

    def _save_screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        target = SCREENSHOTS / f"{name}.png"
        saved = Path(Window.screenshot(name=str(target)))
        saved.replace(target)
        return target
