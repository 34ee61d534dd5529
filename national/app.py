"""The national service's FastAPI app: stateless, so any number of workers share one database."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from national import processing
from national.db.engine import create_national_engine
from national.errors import status_for
from national.routes import booking, operators, sync
from national.settings import NationalSettings
from national.web import report_routes
from national.web import routes as overview_routes
from service_kit.error_handlers import install_error_handlers
from service_kit.web_assets import serve_assets

logger = logging.getLogger(__name__)


async def _sweep(app: FastAPI, stop: asyncio.Event) -> None:
    """Process the stored rows: every worker sweeps, one worker per centre at a time."""
    settings: NationalSettings = app.state.settings
    while not stop.is_set():
        try:
            engine = app.state.engine
            for centre in await run_in_threadpool(processing.centres_with_pending, engine):
                # Drain the centre (a catch-up brings thousands of rows), a pass at a time.
                while (
                    await run_in_threadpool(processing.process_centre, engine, centre=centre)
                    == processing.BATCH
                ):
                    pass
        except Exception:
            logger.exception("the processing sweep failed; trying again")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), settings.sweep_seconds)


def create_app(settings: NationalSettings) -> FastAPI:
    """Build the app on a migrated database (`foleni national db upgrade`)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        sweeper = asyncio.create_task(_sweep(app, stop))
        try:
            yield
        finally:
            stop.set()
            await sweeper
            app.state.engine.dispose()

    app = FastAPI(
        title="Foleni national service",
        version="1",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = create_national_engine(settings.resolved_database_url())
    install_error_handlers(app, status_for=status_for)
    for module in (operators, sync, booking, overview_routes, report_routes):
        app.include_router(module.router)
    serve_assets(app)
    return app


def app_from_environment() -> FastAPI:
    """Build the app from `FOLENI_NATIONAL_*` (each uvicorn worker process calls this)."""
    return create_app(NationalSettings())
