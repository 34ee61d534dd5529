"""A real centre server on loopback, linked to a national service, for the sync tests."""

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

from centre_server.api.app import build_app
from centre_server.auth import Role
from centre_server.services import device_service
from tests.server.databases import fresh_database
from tests.server.harness import make_settings
from tests.server.live import LiveServer

# Short waits so that a test sees the link react within seconds.
FAST_SYNC = {
    "sync_backoff_max_seconds": 0.5,
    "sync_long_poll_seconds": 1.0,
    "sync_timeout_seconds": 3.0,
    "sync_poll_seconds": 0.05,
    "sync_heartbeat_seconds": 1.0,
}


@dataclass
class LinkedCentre:
    """A centre server with its sync worker, and kiosk and manager tokens."""

    server: LiveServer
    app: object
    kiosk: str
    manager: str

    @property
    def context(self):
        return self.app.state.context

    def issue(self, service: str = "BC") -> dict:
        response = httpx.post(
            f"{self.server.url}/api/v1/tickets",
            json={"service_code": service},
            headers={"Authorization": f"Bearer {self.kiosk}"},
            timeout=10,
        )
        assert response.status_code == 201, response.text
        return response.json()

    def link(self) -> dict:
        response = httpx.get(
            f"{self.server.url}/api/v1/sync",
            headers={"Authorization": f"Bearer {self.manager}"},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        return response.json()

    def stop(self) -> None:
        self.server.stop()


def start_centre(
    database_url: str, data_dir: Path, *, national_url: str, credential: str, **overrides
):
    """Start a centre server on a migrated database, syncing with `national_url`."""
    settings = make_settings(
        database_url,
        data_dir,
        national_url=national_url,
        national_credential=credential,
        ignore_opening_hours=True,
        **{**FAST_SYNC, **overrides},
    )
    app = build_app(settings)
    context = app.state.context
    now = datetime.now(UTC)
    kiosk = device_service.add_device(context.db, name="kiosk", role=Role.kiosk, now=now).token
    manager = device_service.add_device(context.db, name="mgr", role=Role.manager, now=now).token
    return LinkedCentre(LiveServer(app), app, kiosk, manager)


def wait_until(predicate, *, timeout: float = 20.0, what: str = "condition"):
    """Poll `predicate` until it returns a truthy value; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


__all__ = ["LinkedCentre", "fresh_database", "start_centre", "wait_until"]
