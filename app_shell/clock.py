"""Time for the apps: the wall clock (`centre_core.clock.Clock`) and the loop's timers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol


class SystemClock:
    """The machine's clock (kept right by NTP), as `centre_core.clock.Clock`."""

    def now(self) -> datetime:
        """Return the current instant, aware, in UTC."""
        return datetime.now(UTC)


class Timer(Protocol):
    """A scheduled callback that can be cancelled."""

    def cancel(self) -> None:
        """Stop the callback from running (harmless if it already ran)."""
        ...


class Scheduler(Protocol):
    """Time for a view-model: `call_later` for timeouts, `sleep` for retry backoff."""

    def monotonic(self) -> float:
        """Return seconds on a clock that never goes back."""
        ...

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        """Run `callback` once after `delay` seconds."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` on this scheduler's clock."""
        ...


class AsyncioScheduler:
    """The real scheduler: the running asyncio loop, which is also Kivy's loop."""

    def monotonic(self) -> float:
        """Read the loop's monotonic clock."""
        return asyncio.get_running_loop().time()

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        """Run `callback` once after `delay` seconds on the running loop."""
        return asyncio.get_running_loop().call_later(delay, callback)

    async def sleep(self, seconds: float) -> None:
        """Wait on the loop's clock."""
        await asyncio.sleep(seconds)
