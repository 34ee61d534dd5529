"""Background workers hosted by the app's lifespan: started with it, stopped within a timeout.

A worker is a coroutine that runs until asked to stop: `run(stop)` returns soon after `stop` is
set. The host runs each as a task on the server's event loop, so a worker must not block the
loop (blocking I/O goes to a thread, e.g. `asyncio.to_thread`). A worker that crashes, or
returns before it was asked to, is logged and restarted after a delay that doubles up to a cap;
its `WorkerState` (`app.state.workers.states`) keeps what happened. A worker's failure never
reaches the requests: they do not wait on it. The national sync worker is the first real one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

logger = logging.getLogger(__name__)

STOP_TIMEOUT_SECONDS = 5.0
RESTART_DELAY_SECONDS = 1.0
MAX_RESTART_DELAY_SECONDS = 60.0


class BackgroundWorker(Protocol):
    """A long-running task of the server (e.g. the national sync)."""

    @property
    def name(self) -> str:
        """Return the worker's name, unique in one host (used in logs and states)."""
        ...

    async def run(self, stop: asyncio.Event) -> None:
        """Work until `stop` is set, then return promptly."""
        ...


@dataclass
class WorkerState:
    """What the host saw of one worker: runs started, crashes, the last error."""

    name: str
    running: bool = False
    starts: int = 0
    crashes: int = 0
    last_error: str | None = None


class WorkerHost:
    """Runs workers as tasks of the event loop: start, restart after a crash, stop in time."""

    def __init__(
        self,
        workers: Sequence[BackgroundWorker],
        *,
        stop_timeout: float = STOP_TIMEOUT_SECONDS,
        restart_delay: float = RESTART_DELAY_SECONDS,
        max_restart_delay: float = MAX_RESTART_DELAY_SECONDS,
    ) -> None:
        names = [worker.name for worker in workers]
        if len(set(names)) != len(names):
            raise ValueError(f"worker names must be unique: {names}")
        self._workers = tuple(workers)
        self._stop_timeout = stop_timeout
        self._restart_delay = restart_delay
        self._max_restart_delay = max_restart_delay
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.states = {name: WorkerState(name) for name in names}

    def start(self) -> None:
        """Start every worker on the running event loop."""
        # A fresh event per start: an event belongs to the loop that first waits on it.
        self._stop = asyncio.Event()
        self._tasks = [
            asyncio.create_task(self._supervise(worker), name=f"worker {worker.name}")
            for worker in self._workers
        ]

    async def stop(self) -> None:
        """Ask every worker to stop; cancel those still running after the stop timeout."""
        self._stop.set()
        if not self._tasks:
            return
        _, late = await asyncio.wait(self._tasks, timeout=self._stop_timeout)
        for task in late:
            logger.warning(
                "%s did not stop within %s s: cancelled", task.get_name(), self._stop_timeout
            )
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    async def _supervise(self, worker: BackgroundWorker) -> None:
        state = self.states[worker.name]
        delay = self._restart_delay
        while not self._stop.is_set():
            state.starts += 1
            state.running = True
            started = time.monotonic()
            try:
                await worker.run(self._stop)
            except Exception as exc:
                state.crashes += 1
                state.last_error = repr(exc)
                logger.exception("worker %s crashed; restarting in %s s", worker.name, delay)
            else:
                if self._stop.is_set():
                    break
                logger.warning("worker %s returned unasked; restarting in %s s", worker.name, delay)
            finally:
                state.running = False
            # A worker that ran a good while before failing starts again from the first delay.
            if time.monotonic() - started >= self._max_restart_delay:
                delay = self._restart_delay
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), delay)
            delay = min(delay * 2, self._max_restart_delay)
