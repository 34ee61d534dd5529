"""The `foleni <app>` entry point shared by the apps: settings, window, one asyncio run."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from app_shell.settings import SettingsError

S = TypeVar("S")


def launch(
    prog: str,
    *,
    parse: Callable[[], S],
    configure: Callable[[S], None],
    run: Callable[[S], Coroutine[Any, Any, None]],
) -> int:
    """Parse the settings, configure the window, then run the app until its window closes.

    `run` imports the app itself: Kivy fixes the window when its window module is imported,
    so nothing of the app may be imported before `configure`. Unusable settings end with
    exit status 2 and one line naming the rule.
    """
    try:
        settings = parse()
    except SettingsError as error:
        print(f"{prog}: {error.message} ({error.code})", file=sys.stderr)
        return 2
    configure(settings)
    asyncio.run(run(settings))
    return 0
