"""`foleni kiosk ...` (`python -m kiosk ...`): start a ticket kiosk."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

# Our options are ours: Kivy (imported by the settings' catalogue) must not parse sys.argv.
os.environ.setdefault("KIVY_NO_ARGS", "1")

from app_shell.launch import launch
from app_shell.window import configure_window
from kiosk.settings import KioskSettings, parse_settings

WINDOWED_SIZE = (1280, 800)


def configure_kivy(settings: KioskSettings) -> None:
    """Set Kivy's window options; must run before anything imports Kivy's window."""
    configure_window(windowed=settings.windowed, size=WINDOWED_SIZE, public=True)
    from kivy.config import Config

    # The kiosk brings its own keypads: never Kivy's virtual keyboard.
    Config.set("kivy", "keyboard_mode", "system")


async def _run(settings: KioskSettings) -> None:
    from kiosk.app import run_kiosk

    await run_kiosk(settings)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, configure the window and run the kiosk until it is closed."""
    return launch(
        "foleni kiosk", parse=lambda: parse_settings(argv), configure=configure_kivy, run=_run
    )


if __name__ == "__main__":
    sys.exit(main())
