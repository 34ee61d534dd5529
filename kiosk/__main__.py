"""`foleni kiosk ...` (`python -m kiosk ...`): start a ticket kiosk."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Sequence

# Our options are ours: Kivy (imported by the settings' catalogue) must not parse sys.argv.
os.environ.setdefault("KIVY_NO_ARGS", "1")

from kiosk.settings import KioskSettings, SettingsError, parse_settings

WINDOWED_SIZE = (1280, 800)


def configure_kivy(settings: KioskSettings) -> None:
    """Set Kivy's window options; must run before anything imports Kivy's window."""
    from kivy.config import Config

    # The kiosk brings its own keypads: never Kivy's virtual keyboard.
    Config.set("kivy", "keyboard_mode", "system")
    if settings.windowed:
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "width", str(WINDOWED_SIZE[0]))
        Config.set("graphics", "height", str(WINDOWED_SIZE[1]))
    else:
        # A touchscreen in a public hall: the whole screen, no pointer, no key that closes it.
        Config.set("graphics", "fullscreen", "auto")
        Config.set("graphics", "show_cursor", "0")
        Config.set("kivy", "exit_on_escape", "0")


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, configure the window and run the kiosk until it is closed."""
    try:
        settings = parse_settings(argv)
    except SettingsError as error:
        print(f"foleni kiosk: {error.message} ({error.code})", file=sys.stderr)
        return 2
    configure_kivy(settings)
    from kiosk.app import run_kiosk

    asyncio.run(run_kiosk(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
