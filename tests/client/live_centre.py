"""The real centre server under uvicorn on a loopback port, in the test's own event loop."""

import asyncio
import socket
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import FastAPI

from centre_core.clock import FixedClock
from centre_server.api.app import build_app
from centre_server.auth import Role
from centre_server.context import ServerContext
from centre_server.schemas import AppointmentIn
from centre_server.services import appointment_service, device_service, staff_service
from centre_server.settings import EXAMPLE_CENTRE_FILE, Settings

AT = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # 10:00 in Nairobi, a Monday: the centre is open
PIN = "482913"


class LiveCentre:
    """A centre server on an SQLite file that can be stopped and started again on its port."""

    def __init__(self, data_dir: Path, **settings: Any) -> None:
        self.clock = FixedClock(AT)
        self.settings = Settings(
            database_url=f"sqlite:///{data_dir / 'centre.sqlite3'}",
            data_dir=data_dir,
            centre_file=EXAMPLE_CENTRE_FILE,
            public_base_url="http://centre.test",
            stream_heartbeat_seconds=0.2,
            # Scripted, and compared event for event with the fake: no alert worker.
            alert_check_seconds=0,
            **settings,
        )
        self.port = 0
        self.tokens: dict[str, str] = {}
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None
        self._migrated = False
        self.context: ServerContext | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def app(self) -> FastAPI:
        """Build an app on the centre's database (migrating it the first time)."""
        app = build_app(self.settings, clock=self.clock, migrate=not self._migrated)
        if not self._migrated:
            self._migrated = True
            db = app.state.context.db
            for role in (Role.kiosk, Role.display):
                device = device_service.add_device(
                    db, name=f"{role}-{uuid.uuid4().hex[:6]}", role=role, now=self.clock.now()
                )
                self.tokens[str(role)] = device.token
            staff_service.add_staff(
                db, staff_number="S1", name="Amina", pin=PIN, role=Role.counter, now=AT
            )
        return app

    def book(self, reference: str, *, service_code: str, slot_start: datetime) -> None:
        """Book an appointment, as the national system's feed would."""
        context = self.app().state.context
        appointment_service.import_appointments(
            context,
            appointments=[
                AppointmentIn(reference=reference, service_code=service_code, slot_start=slot_start)
            ],
        )
        context.db.engine.dispose()

    async def start(self) -> None:
        """Serve on the centre's port (a fresh ephemeral one the first time)."""
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        self.port = listener.getsockname()[1]
        app = self.app()
        self.context = app.state.context
        config = uvicorn.Config(app, log_level="warning", lifespan="on")
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[listener]))
        async with asyncio.timeout(10):
            while not self._server.started:
                if self._task.done():
                    self._task.result()
                await asyncio.sleep(0.01)

    async def stop(self) -> None:
        """Stop serving (uvicorn closes the open websockets with 1012, going away)."""
        assert self._server is not None and self._task is not None
        self._server.should_exit = True
        await self._task
        self._server = None
