"""`foleni display ...` (`python -m display ...`): start the hall display board."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Sequence

from display.settings import DisplaySettings, SettingsError, parse_settings

WINDOWED_SIZE = (1280, 720)


def configure_kivy(settings: DisplaySettings) -> None:
    """Set Kivy's window options; must run before anything imports Kivy's window."""
    # Our options are ours: Kivy must not read (and reject) the command line itself.
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    from kivy.config import Config

    if settings.windowed:
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "width", str(WINDOWED_SIZE[0]))
        Config.set("graphics", "height", str(WINDOWED_SIZE[1]))
    else:
        # A hall screen: the whole screen, no pointer, and no key that closes it by accident.
        Config.set("graphics", "fullscreen", "auto")
        Config.set("graphics", "show_cursor", "0")
        Config.set("kivy", "exit_on_escape", "0")


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, configure the window and run the board until it is closed."""
    try:
        settings = parse_settings(argv)
    except SettingsError as error:
        print(f"foleni display: {error.message} ({error.code})", file=sys.stderr)
        return 2
    configure_kivy(settings)
    from display.app import run_display

    asyncio.run(run_display(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
