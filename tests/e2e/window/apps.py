"""The three apps as separate processes on one X screen, seen through `observe` and driven by X.

Each app runs as `python -m tests.e2e.window.observe APP ...` (the app's own `main()`), writes
what its window shows to a JSON file, and is driven only through the X server: the test raises
its window, moves the pointer onto a widget and clicks, or types on the keyboard.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.e2e.window.observe import OBSERVE_ENV
from tests.e2e.window.xserver import XScreen

ROOT = Path(__file__).resolve().parents[3]
WAIT_SECONDS = 30.0
POLL_SECONDS = 0.1
# A new kiosk screen ignores touches for 0.4 s (the tail of a double tap): wait it out.
SCREEN_SETTLE_SECONDS = 0.6

Widget = dict[str, Any]


class AppGone(RuntimeError):
    """The app's process ended while the test waited for it."""


class ObservedApp:
    """One app process: what its window shows, and a person's pointer and keyboard on it."""

    def __init__(
        self, name: str, args: list[str], *, env: dict[str, str], screen: XScreen, folder: Path
    ) -> None:
        self.name = name
        self.screen = screen
        self.observed = folder / f"{name}-window.json"
        self.log_path = folder / f"{name}.log"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.e2e.window.observe", name, *args],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **env, OBSERVE_ENV: str(self.observed)},
            )

    def stop(self) -> None:
        """End the process (SIGTERM, then SIGKILL)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_tail(self, lines: int = 40) -> str:
        """The end of the app's log, for failure messages."""
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    # Seeing -------------------------------------------------------------------------------

    def look(self) -> dict[str, Any]:
        """What the window shows now (the observer rewrites it a few times a second)."""
        if self.process.poll() is not None:
            raise AppGone(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
        with contextlib.suppress(FileNotFoundError, ValueError):
            return json.loads(self.observed.read_text(encoding="utf-8"))
        return {"widgets": [], "view_models": {}}

    def state(self, view_model: str = "vm") -> dict[str, Any]:
        """The properties of one of the app's view-models."""
        return self.look()["view_models"].get(view_model, {})

    def visible(self) -> list[Widget]:
        """The widgets drawn now (not transparent)."""
        return [w for w in self.look()["widgets"] if w["opacity"] > 0]

    def find(self, match: Callable[[Widget], bool]) -> Widget | None:
        """The first visible widget that matches."""
        return next((w for w in self.visible() if match(w)), None)

    def wait_for(
        self, condition: Callable[[], Any], what: str, *, within: float = WAIT_SECONDS
    ) -> Any:
        """Wait until `condition()` is truthy and return it."""
        deadline = time.monotonic() + within
        while True:
            result = condition()
            if result:
                return result
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name}: {what} after {within} s:\n{self.log_tail()}")
            time.sleep(POLL_SECONDS)

    def wait_for_widget(
        self, match: Callable[[Widget], bool], what: str, *, within: float = WAIT_SECONDS
    ) -> Widget:
        """Wait until a matching widget is drawn, enabled, and return it."""
        return self.wait_for(
            lambda: self.find(lambda w: match(w) and not w.get("disabled")), what, within=within
        )

    def wait_for_screen(self, name: str, *, within: float = WAIT_SECONDS) -> None:
        """Wait until the kiosk's view-model shows screen `name`, then let touches settle."""
        self.wait_for(lambda: self.state().get("screen") == name, f"screen {name}", within=within)
        time.sleep(SCREEN_SETTLE_SECONDS)

    # Acting -------------------------------------------------------------------------------

    def bring_forward(self) -> None:
        """Raise the window over the other apps' and give it the keyboard."""
        self.screen.bring_forward(self.look()["x11_window"])
        time.sleep(0.2)  # let SDL see the focus change

    def click(self, widget: Widget) -> None:
        """Click the middle of a widget, as a finger or a mouse would."""
        seen = self.look()
        left, top = self.screen.origin(seen["x11_window"])
        height = seen["size"][1]
        # Kivy counts from the window's bottom-left corner, X from the screen's top-left.
        x = left + widget["x"] + widget["width"] / 2
        y = top + height - (widget["y"] + widget["height"] / 2)
        self.screen.click(round(x), round(y))

    def press(self, keysym: str) -> None:
        """Press and release one key (X keysym name)."""
        self.screen.press(keysym)

    def type_text(self, text: str) -> None:
        """Type on the keyboard."""
        self.screen.type_text(text)
