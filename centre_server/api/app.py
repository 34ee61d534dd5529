"""The FastAPI application of a centre server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import TypedDict

from fastapi import FastAPI

from centre_core.clock import Clock
from centre_core.errors import status_for
from centre_server.alert_worker import AlertWorker
from centre_server.api.offload import install_command_threads
from centre_server.api.routes import (
    alerts,
    auth,
    counters,
    hall,
    health,
    manager,
    staff,
    status_page,
    stream,
    sync,
    tickets,
)
from centre_server.context import ServerContext, build_context, prepare_state
from centre_server.db.migrate import upgrade
from centre_server.settings import Settings
from centre_server.summary_worker import SummaryWorker
from centre_server.sync.worker import SyncWorker
from centre_server.web import action_routes, report_routes
from centre_server.web import routes as manage_routes
from centre_server.web.today import TodayFigures
from centre_server.workers import BackgroundWorker, WorkerHost
from service_kit.error_handlers import install_error_handlers
from service_kit.web_assets import serve_assets


class UvicornOptions(TypedDict):
    """The uvicorn keywords shared by `foleni serve` and the demo."""

    log_level: str
    ws_per_message_deflate: bool
    access_log: bool
    timeout_graceful_shutdown: int


# Options for the uvicorn server that runs the app. Compression is off: events are a few hundred
# bytes on the centre's LAN, and deflating each one once per connection costs the event loop
# more than a hall full of displays can afford. No access log: a formatted line per request is
# a fifth of a command's CPU, and the events table is the centre's audit trail.
UVICORN_OPTIONS: UvicornOptions = {
    "log_level": "info",
    "ws_per_message_deflate": False,
    "access_log": False,
    # A manager page's event stream never ends by itself: a stop waits this long for open
    # streams, then closes them (the page reconnects to the next server).
    "timeout_graceful_shutdown": 3,
}

API_DESCRIPTION = """The centre server of Foleni: the single source of truth of one centre.

Authenticate with `Authorization: Bearer <token>`: a device token (kiosk, display, manager,
admin; created with `foleni device add`) or a staff session token from `POST /api/v1/auth/staff`.
Every error answers `{"error": {"code": ..., "message": ...}}`. Commands that clients may retry
take a `request_id`: a retry returns the first result and changes nothing.
"""


def create_app(context: ServerContext, *, workers: Sequence[BackgroundWorker] = ()) -> FastAPI:
    """Build the app around a context whose database is migrated, hosting these workers."""
    prepare_state(context)
    host = WorkerHost(workers)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        context.hub.bind(asyncio.get_running_loop())
        host.start()
        try:
            yield
        finally:
            # Workers first: one may still be writing, and a write publishes to the hub.
            await host.stop()
            context.hub.bind(None)
            command_threads.shutdown(wait=True)

    app = FastAPI(
        title="Foleni centre server",
        version="1",
        description=API_DESCRIPTION,
        lifespan=lifespan,
        # A centre runs offline on its LAN with no collector; checking for OpenTelemetry
        # providers on every request cost 5 % of a counter command's CPU (py-spy).
        telemetry={"tracing": False, "metrics": False, "logs": False},
        docs_url=None,
        redoc_url=None,
    )
    app.state.context = context
    app.state.workers = host
    app.state.today_figures = TodayFigures()
    command_threads = install_command_threads(app)
    install_error_handlers(app, status_for=status_for)
    # Routes match in order: the health check (the cheapest answer), then the busiest.
    for module in (
        health,
        counters,
        tickets,
        hall,
        stream,
        auth,
        staff,
        manager,
        alerts,
        status_page,
        sync,
    ):
        app.include_router(module.router)
    app.include_router(manage_routes.router)
    app.include_router(report_routes.router)
    app.include_router(action_routes.router)
    serve_assets(app)
    return app


def build_app(settings: Settings, *, clock: Clock | None = None, migrate: bool = False) -> FastAPI:
    """Build the context from settings (migrating first if asked) and the app on it."""
    context = build_context(settings, clock=clock)
    if migrate:
        upgrade(context.db.engine)
    return create_app(context, workers=standard_workers(context))


def standard_workers(context: ServerContext) -> list[BackgroundWorker]:
    """Return the workers a centre runs: alerts (unless off); sync and summary if linked."""
    settings = context.settings
    workers: list[BackgroundWorker] = []
    if settings.alert_check_seconds > 0:
        workers.append(AlertWorker(context, quiet_seconds=settings.alert_check_seconds))
    if settings.national_url is not None:
        workers.append(SyncWorker(context))
        if settings.summary_seconds > 0:
            workers.append(SummaryWorker(context, every_seconds=settings.summary_seconds))
    return workers
