"""Background workers in the app's lifespan: start, run, stop on shutdown, survive a crash."""

import asyncio
import threading
import time

import pytest
from fastapi.testclient import TestClient

from centre_server.api.app import create_app
from centre_server.context import build_context
from centre_server.workers import WorkerHost
from tests.server.databases import fresh_database
from tests.server.harness import make_settings


class Ticker:
    """A worker defined by the test: counts ticks until stopped; may crash or ignore `stop`."""

    def __init__(self, name: str = "ticker", *, crashes: int = 0, ignore_stop: bool = False):
        self.name = name
        self.crashes = crashes
        self.ignore_stop = ignore_stop
        self.runs = 0
        self.ticks = 0
        self.stopped = threading.Event()

    async def run(self, stop: asyncio.Event) -> None:
        self.runs += 1
        if self.runs <= self.crashes:
            raise RuntimeError(f"crash {self.runs}")
        while self.ignore_stop or not stop.is_set():
            self.ticks += 1
            await asyncio.sleep(0.005)
        self.stopped.set()


@pytest.fixture
def app_hosting(tmp_path, clock):
    """Build an app on a migrated SQLite database hosting the given workers."""
    apps = []
    with fresh_database("sqlite", tmp_path, migrated=True) as url:

        def build(*workers):
            context = build_context(make_settings(url, tmp_path), clock=clock)
            apps.append(create_app(context, workers=workers))
            return apps[-1]

        yield build
        for app in apps:
            app.state.context.db.engine.dispose()


def _wait_for(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def test_a_worker_runs_with_the_app_and_stops_cleanly_on_shutdown(app_hosting):
    worker = Ticker()
    app = app_hosting(worker)
    with TestClient(app) as client:
        _wait_for(lambda: worker.ticks >= 3)
        assert client.get("/healthz").status_code == 200
        assert app.state.workers.states["ticker"].running
    assert worker.stopped.is_set()
    state = app.state.workers.states["ticker"]
    assert (state.running, state.starts, state.crashes) == (False, 1, 0)


def test_a_crashing_worker_is_restarted_and_the_server_keeps_answering(app_hosting):
    worker = Ticker(crashes=1)
    app = app_hosting(worker)
    with TestClient(app) as client:
        state = app.state.workers.states["ticker"]
        _wait_for(lambda: state.crashes == 1)
        assert client.get("/healthz").status_code == 200
        _wait_for(lambda: worker.ticks >= 1)
        assert (state.starts, state.last_error) == (2, "RuntimeError('crash 1')")
    assert worker.stopped.is_set()


def test_restarts_back_off() -> None:
    async def scenario() -> WorkerHost:
        host = WorkerHost([Ticker(crashes=100)], restart_delay=0.01, max_restart_delay=0.08)
        host.start()
        await asyncio.sleep(0.3)
        await host.stop()
        return host

    state = asyncio.run(scenario()).states["ticker"]
    # Delays 0.01, 0.02, 0.04, then 0.08 each: about 6 runs in 0.3 s, not 30.
    assert 3 <= state.crashes <= 8
    assert state.starts == state.crashes


def test_stop_does_not_wait_out_a_restart_delay() -> None:
    async def scenario() -> tuple[WorkerHost, float]:
        host = WorkerHost([Ticker(crashes=100)], restart_delay=30)
        host.start()
        await asyncio.sleep(0.1)
        assert host.states["ticker"].crashes == 1
        began = time.monotonic()
        await host.stop()
        return host, time.monotonic() - began

    host, stopping = asyncio.run(scenario())
    assert stopping < 2
    assert host.states["ticker"].starts == 1


def test_a_worker_that_ignores_stop_is_cancelled_after_the_timeout() -> None:
    stubborn, polite = Ticker("stubborn", ignore_stop=True), Ticker("polite")

    async def scenario() -> float:
        host = WorkerHost([stubborn, polite], stop_timeout=0.1)
        host.start()
        await asyncio.sleep(0.02)
        began = time.monotonic()
        await host.stop()
        return time.monotonic() - began

    stopping = asyncio.run(scenario())
    assert 0.1 <= stopping < 1.0
    assert polite.stopped.is_set()
    assert not stubborn.stopped.is_set()


def test_worker_names_are_unique() -> None:
    with pytest.raises(ValueError, match="unique"):
        WorkerHost([Ticker(), Ticker()])
