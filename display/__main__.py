"""`foleni display ...` (`python -m display ...`): start the hall display board."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from app_shell.launch import launch
from app_shell.window import configure_window
from display.settings import DisplaySettings, parse_settings

WINDOWED_SIZE = (1280, 720)


def configure_kivy(settings: DisplaySettings) -> None:
    """Set Kivy's window options; must run before anything imports Kivy's window."""
    configure_window(windowed=settings.windowed, size=WINDOWED_SIZE, public=True)


async def _run(settings: DisplaySettings) -> None:
    from display.app import run_display

    await run_display(settings)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, configure the window and run the board until it is closed."""
    return launch(
        "foleni display", parse=lambda: parse_settings(argv), configure=configure_kivy, run=_run
    )


if __name__ == "__main__":
    sys.exit(main())
