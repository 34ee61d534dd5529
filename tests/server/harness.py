"""A centre server under test: app, client, device tokens and staff logins."""

import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from centre_core.clock import FixedClock
from centre_server.api.app import build_app
from centre_server.auth import Role
from centre_server.db.tables import StaffRow
from centre_server.services import device_service
from centre_server.settings import EXAMPLE_CENTRE_FILE, Settings

PIN = "482913"
CHEAP_PIN_HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PIN)
DEVICE_ROLES = (Role.kiosk, Role.display, Role.manager, Role.admin)


def make_settings(database_url: str, data_dir: Path, **overrides) -> Settings:
    values = {
        "database_url": database_url,
        "data_dir": data_dir,
        "centre_file": EXAMPLE_CENTRE_FILE,
        "public_base_url": "http://centre.test",
        # Scripted days count every event: the alert worker's own are tested on their own.
        "alert_check_seconds": 0,
        # Nor the summaries for the nation (a sync test that wants them sets this).
        "summary_seconds": 0,
        **overrides,
    }
    return Settings(**values)


def rid() -> str:
    return uuid.uuid4().hex


@dataclass
class Harness:
    """An app on a fresh database with one device token per role and counter staff."""

    client: TestClient
    clock: FixedClock
    tokens: dict[str, str] = field(default_factory=dict)
    counter_tokens: dict[str, str] = field(default_factory=dict)

    @property
    def context(self):
        return self.client.app.state.context

    def auth(self, role_or_counter: str) -> dict[str, str]:
        token = self.tokens.get(role_or_counter) or self.counter_tokens[role_or_counter]
        return {"Authorization": f"Bearer {token}"}

    def add_staff(self, staff_number: str, role: Role = Role.counter) -> None:
        add_cheap_staff(self.context, staff_number, role)

    def login(self, counter: str, staff_number: str | None = None) -> str:
        staff_number = staff_number or f"S{counter}"
        response = self.client.post(
            "/api/v1/auth/staff",
            json={"staff_number": staff_number, "pin": PIN, "counter": counter},
        )
        assert response.status_code == 200, response.text
        self.counter_tokens[counter] = response.json()["token"]
        return self.counter_tokens[counter]

    def open_counter(self, counter: str) -> None:
        self.add_staff(f"S{counter}")
        self.login(counter)

    def issue(self, service_code: str = "BC", **body) -> dict:
        self.clock.advance(seconds=1)
        response = self.client.post(
            "/api/v1/tickets",
            json={"service_code": service_code, **body},
            headers=self.auth("kiosk"),
        )
        assert response.status_code == 201, response.text
        return response.json()

    def manage_session(self, staff_number: str = "M01") -> None:
        """Log a manager in on the manager page: the client then holds its session cookie."""
        self.add_staff(staff_number, Role.manager)
        form = self.client.get("/manage").text
        csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', form)
        assert csrf, "the login form carries no CSRF token"
        response = self.client.post(
            "/manage/login",
            data={"staff_number": staff_number, "pin": PIN, "csrf": csrf.group(1)},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text

    def command(self, counter: str, name: str, **body):
        return self.client.post(
            f"/api/v1/counters/{counter}/{name}", json=body, headers=self.auth(counter)
        )

    def events_after(self, seq: int) -> list[dict]:
        from sqlalchemy import select

        from centre_server.db.tables import EventRow

        with self.context.db.read() as session:
            query = select(EventRow).where(EventRow.seq > seq).order_by(EventRow.seq)
            rows = session.scalars(query)
            return [{"seq": r.seq, "type": r.type, "data": r.data} for r in rows]

    def last_seq(self) -> int:
        events = self.events_after(0)
        return events[-1]["seq"] if events else 0


def add_cheap_staff(context, staff_number: str, role: Role) -> None:
    """Add staff whose PIN is `PIN`, under a cheap argon2 hash.

    Login still verifies it for real, in milliseconds (the cost parameters travel in the
    hash). `staff_service.add_staff` with the production cost has its own test.
    """
    with context.db.write() as transaction:
        transaction.session.add(
            StaffRow(
                staff_number=staff_number,
                name=f"Staff {staff_number}",
                role=str(role),
                pin_hash=CHEAP_PIN_HASH,
                failed_attempts=0,
                locked_until=None,
                active=True,
                created_at=context.now(),
            )
        )


def start_harness(settings: Settings, clock: FixedClock) -> Harness:
    app = build_app(settings, clock=clock)
    client = TestClient(app)
    client.__enter__()
    harness = Harness(client=client, clock=clock)
    for role in DEVICE_ROLES:
        device = device_service.add_device(
            harness.context.db, name=f"{role}-{uuid.uuid4().hex[:6]}", role=role, now=clock.now()
        )
        harness.tokens[str(role)] = device.token
    return harness


def stop_harness(harness: Harness) -> None:
    harness.client.__exit__(None, None, None)
    harness.context.db.engine.dispose()
