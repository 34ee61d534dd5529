"""`foleni demo`: the example centre on a fresh SQLite file, with devices, staff and bookings."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
import uvicorn
from sqlalchemy import select

from centre_core.booking_wire import (
    BOOKINGS_PATH,
    SLOTS_PATH,
    BookIn,
    BookingOut,
    Channel,
    SlotsOut,
)
from centre_core.clock import business_day
from centre_core.sync_wire import CENTRES_SYNC_PATH
from centre_server.api.app import UVICORN_OPTIONS, create_app, standard_workers
from centre_server.auth import DEVICE_ROLES, Role
from centre_server.context import ServerContext, build_context
from centre_server.db.migrate import upgrade
from centre_server.db.tables import AppointmentRow
from centre_server.services import device_service, queue_service, staff_service
from centre_server.settings import EXAMPLE_CENTRE_FILE, Settings

CREDENTIALS_FILE = "demo-credentials.json"
DEMO_COUNTERS = ("C01", "C02", "C03", "C07", "C09", "C11", "C13", "C15")
# Booked at the national service: service, and about how many minutes from now.
DEMO_BOOKINGS = (("NID", 0), ("BC", 30), ("PCC", 90))
ON_TIME_MARGIN = timedelta(minutes=10)
NATIONAL_CATALOGUE = EXAMPLE_CENTRE_FILE.parent / "national-services.toml"
NATIONAL_START_SECONDS = 60.0
# How long the demo waits for its bookings to come down the change feed before it says so.
FEED_WAIT_SECONDS = 30.0


class DemoError(Exception):
    """The demo could not start (its national service, most likely): told in one line."""


def _pin() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def seed(context: ServerContext, *, server_url: str) -> dict[str, Any]:
    """Create demo devices and staff and an example ticket; return the credentials document."""
    now = context.now()
    tokens = {}
    for role in DEVICE_ROLES:
        if role == Role.national:
            continue
        device = device_service.add_device(context.db, name=f"demo-{role}", role=role, now=now)
        tokens[str(role)] = device.token
    staff = []
    known_counters = {counter.code for counter in context.centre.counters}
    for index, counter in enumerate(c for c in DEMO_COUNTERS if c in known_counters):
        login = {"staff_number": f"D{101 + index}", "pin": _pin(), "counter": counter}
        staff_service.add_staff(
            context.db,
            staff_number=login["staff_number"],
            name=f"Demo staff {counter}",
            pin=login["pin"],
            role=Role.counter,
            now=now,
        )
        staff.append(login)
    manager = {"staff_number": "M001", "pin": _pin()}
    staff_service.add_staff(
        context.db,
        staff_number=manager["staff_number"],
        name="Demo manager",
        pin=manager["pin"],
        role=Role.manager,
        now=now,
    )
    example = queue_service.issue_ticket(context, service_code="BC")
    return {
        "server_url": server_url,
        "tokens": tokens,
        "staff": staff,
        "manager": manager,
        "example_ticket": {"number": example.number, "status_url": example.status_url},
    }


def _banner(credentials: dict[str, Any], path: Path) -> str:
    url = credentials["server_url"]
    lines = [
        "",
        f"Foleni demo centre running at {url}",
        f"  API docs:        {url}/docs",
        f"  hall snapshot:   curl -H 'Authorization: Bearer {credentials['tokens']['display']}' "
        f"{url}/api/v1/hall",
        f"  status page:     {credentials['example_ticket']['status_url']}"
        f"  (ticket {credentials['example_ticket']['number']})",
        "  device tokens:",
        *(f"    {role:<8} {token}" for role, token in credentials["tokens"].items()),
        "  counter staff (staff number / PIN / counter):",
        *(f"    {s['staff_number']} / {s['pin']} / {s['counter']}" for s in credentials["staff"]),
        f"  manager page:    {url}/manage  (staff number / PIN: "
        f"{credentials['manager']['staff_number']} / {credentials['manager']['pin']})",
        "  bookings made at the national service, to check in today (reference, service, slot):",
        *(
            f"    {b['reference']}  {b['service_code']:<5} {b['slot_start']}  phone {b['phone']}"
            for b in credentials["appointments"]
        ),
        f"  national service: {credentials['national_url']} (its own process; log in "
        f"{credentials['national']['log']})",
        f"  national overview: {credentials['national_url']}/overview  (staff number / PIN: "
        f"{credentials['national']['overview']['staff_number']} / "
        f"{credentials['national']['overview']['pin']})",
        f"  national sync state: curl -H 'Authorization: Bearer "
        f"{credentials['national']['operator_key']}' {credentials['national']['sync_url']}",
        f"  the centre's link: curl -H 'Authorization: Bearer {credentials['tokens']['manager']}' "
        f"{url}/api/v1/sync",
        f"  all of the above in {path}",
        "",
    ]
    return "\n".join(lines)


def start_clients(credentials: dict[str, Any]) -> list[subprocess.Popen[bytes]]:
    """Start the kiosk, a counter and the display when they are installed (needs a display)."""
    url = credentials["server_url"]
    # On one desktop the three apps run in windows, not full screen.
    settings_by_app = {
        "kiosk": (
            [],
            {
                "FOLENI_KIOSK_SERVER": url,
                "FOLENI_KIOSK_TOKEN": credentials["tokens"]["kiosk"],
                "FOLENI_KIOSK_WINDOWED": "1",
            },
        ),
        "counter": (
            [],
            {
                "FOLENI_COUNTER_SERVER": url,
                "FOLENI_COUNTER_COUNTER": credentials["staff"][0]["counter"],
                "FOLENI_COUNTER_WINDOWED": "1",
            },
        ),
        "display": (
            ["--windowed"],
            {
                "FOLENI_DISPLAY_SERVER": url,
                "FOLENI_DISPLAY_TOKEN": credentials["tokens"]["display"],
            },
        ),
    }
    children = []
    for app, (args, env) in settings_by_app.items():
        if (
            importlib.util.find_spec(app) is None
            or importlib.util.find_spec(f"{app}.__main__") is None
        ):
            print(f"  ({app} app not installed: not started)")
            continue
        command = [sys.executable, "-m", app, *args]
        children.append(subprocess.Popen(command, env={**os.environ, **env}))
        print(f"  started the {app} app (pid {children[-1].pid})")
    return children


def free_port(host: str) -> int:
    """Return a port nobody listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class NationalDemo:
    """The national service of the demo, as its own process with its data under the demo's."""

    def __init__(self, data_dir: Path, *, host: str, port: int) -> None:
        self.data_dir = data_dir
        self.url = f"http://{host}:{port}"
        self._host = host
        self._port = port
        self._process: subprocess.Popen[bytes] | None = None
        self.keys: dict[str, str] = {}

    def start(self, centre_file: Path) -> None:
        """Register and configure the demo centre, then serve and wait until it answers."""
        shutil.rmtree(self.data_dir, ignore_errors=True)
        self.data_dir.mkdir(parents=True)
        national = [sys.executable, "-m", "national", "--data-dir", str(self.data_dir)]
        setup = subprocess.run(
            [
                *national,
                "demo-setup",
                "--centre-file",
                str(centre_file),
                "--catalogue",
                str(NATIONAL_CATALOGUE),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if setup.returncode != 0:
            raise DemoError(f"the national demo setup failed: {setup.stderr.strip()}")
        self.keys = json.loads(setup.stdout)
        # The demo books at any hour, as the centre serves at any hour.
        env = {**os.environ, "FOLENI_NATIONAL_IGNORE_OPENING_HOURS": "1"}
        with self.log.open("ab") as log:
            self._process = subprocess.Popen(
                [*national, "serve", "--host", self._host, "--port", str(self._port)],
                env=env,
                stdout=log,
                stderr=log,
            )
        deadline = time.monotonic() + NATIONAL_START_SECONDS
        while True:
            if self._process.poll() is not None:
                raise DemoError(f"the national service stopped: see {self.log}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError as exc:
                if time.monotonic() > deadline:
                    raise DemoError(f"the national service did not start: see {self.log}") from exc
            time.sleep(0.1)

    @property
    def log(self) -> Path:
        """Return the national service's log file."""
        return self.data_dir / "national.log"

    def book(self, *, timezone: str, now: datetime) -> list[dict[str, str]]:
        """Book the demo's appointments through the booking API, as a web citizen would."""
        headers = {"Authorization": f"Bearer {self.keys['channel_key']}"}
        centre = self.keys["centre"]
        day = business_day(now, timezone=timezone)
        bookings = []
        with httpx.Client(base_url=self.url, headers=headers, timeout=10) as client:
            for index, (service_code, minutes) in enumerate(DEMO_BOOKINGS, start=1):
                slots = client.get(
                    SLOTS_PATH.format(centre=centre, service=service_code),
                    params={"day": day.isoformat()},
                )
                slots.raise_for_status()
                wanted = now + timedelta(minutes=minutes)
                offered = [
                    slot
                    for slot in SlotsOut.model_validate_json(slots.content).slots
                    if slot.available > 0
                ]
                # The first slot from a little before `wanted` (so that a citizen checking in
                # now is on time), else the last one of the day.
                chosen = next(
                    (slot for slot in offered if slot.start >= wanted - ON_TIME_MARGIN),
                    offered[-1] if offered else None,
                )
                if chosen is None:
                    continue
                phone = f"+25471200000{index}"
                body = BookIn(
                    request_id=f"demo-booking-{index}-{secrets.token_hex(4)}",
                    centre=centre,
                    service_code=service_code,
                    slot_start=chosen.start,
                    id_number=f"2{index:07d}",
                    phone=phone,
                    channel=Channel.web,
                )
                answer = client.post(
                    BOOKINGS_PATH,
                    content=body.model_dump_json(),
                    headers={"Content-Type": "application/json"},
                )
                answer.raise_for_status()
                booked = BookingOut.model_validate_json(answer.content)
                bookings.append(
                    {
                        "reference": booked.ref,
                        "service_code": service_code,
                        "slot_start": booked.slot_start.isoformat(),
                        "phone": phone,
                    }
                )
        return bookings

    def stop(self) -> None:
        """Stop the national process."""
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()


def _wait_for_bookings(context: ServerContext, references: list[str]) -> bool:
    """Wait until the demo's bookings came down the change feed into the centre."""
    deadline = time.monotonic() + FEED_WAIT_SECONDS
    while time.monotonic() < deadline:
        with context.db.read() as session:
            held = set(
                session.scalars(
                    select(AppointmentRow.ref).where(AppointmentRow.ref.in_(references))
                )
            )
        if held == set(references):
            return True
        time.sleep(0.1)
    return False


def _exit_on_sigterm(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def demo_centre_file(data_dir: Path, *, timezone: str | None) -> Path:
    """Return the example centre file, or a copy of it in `data_dir` set in another time zone."""
    if timezone is None:
        return EXAMPLE_CENTRE_FILE
    try:
        ZoneInfo(timezone)
    except (ValueError, ZoneInfoNotFoundError) as exc:
        raise DemoError(f"unknown IANA time zone {timezone!r}") from exc
    text, count = re.subn(
        r'^timezone = "[^"]*"',
        f'timezone = "{timezone}"',
        EXAMPLE_CENTRE_FILE.read_text(encoding="utf-8"),
        flags=re.MULTILINE,
    )
    if count != 1:
        raise DemoError(f"{EXAMPLE_CENTRE_FILE} has no single timezone line to change")
    path = data_dir / EXAMPLE_CENTRE_FILE.name
    path.write_text(text, encoding="utf-8")
    return path


def run_demo(
    *,
    data_dir: Path,
    port: int,
    host: str,
    clients: bool,
    national_port: int | None = None,
    timezone: str | None = None,
) -> int:
    """Serve the demo centre, with a national service beside it, until interrupted."""
    data_dir.mkdir(parents=True, exist_ok=True)
    centre_file = demo_centre_file(data_dir, timezone=timezone)
    for suffix in ("", "-wal", "-shm"):
        (data_dir / f"foleni.sqlite3{suffix}").unlink(missing_ok=True)
    # Bind first: the URL (and a port chosen by the system for port 0) is known before serving.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    bound_port = listener.getsockname()[1]
    server_url = f"http://{host}:{bound_port}"
    if national_port is None:
        national_port = port + 1 if port else free_port(host)
    national = NationalDemo(data_dir / "national", host=host, port=national_port)
    children: list[subprocess.Popen[bytes]] = []
    try:
        national.start(centre_file)
        settings = Settings(
            centre_file=centre_file,
            data_dir=data_dir,
            database_url=None,
            mode="development",
            demo=True,
            ignore_opening_hours=True,
            host=host,
            port=bound_port,
            public_base_url=server_url,
            national_url=national.url,
            national_credential=national.keys["credential"],
        )
        context = build_context(settings)
        upgrade(context.db.engine)
        app = create_app(context, workers=standard_workers(context))
        credentials = seed(context, server_url=server_url)
        credentials["appointments"] = national.book(
            timezone=context.centre.timezone, now=context.now()
        )
        credentials["national_url"] = national.url
        credentials["national"] = {
            "operator_key": national.keys["operator_key"],
            "overview": national.keys["overview"],
            "channel_key": national.keys["channel_key"],
            "sync_url": f"{national.url}{CENTRES_SYNC_PATH}",
            "log": str(national.log.resolve()),
        }

        def announce() -> None:
            # Written once the bookings are at the centre: whoever reads the file can use them.
            references = [booking["reference"] for booking in credentials["appointments"]]
            if not _wait_for_bookings(context, references):
                print("  (the demo bookings have not reached the centre yet: see the link)")
            path = data_dir / CREDENTIALS_FILE
            path.write_text(json.dumps(credentials, indent=2) + "\n", encoding="utf-8")
            print(_banner(credentials, path.resolve()), flush=True)
            if clients and os.environ.get("DISPLAY"):
                children.extend(start_clients(credentials))

        threading.Thread(target=announce, name="demo announce", daemon=True).start()
        # uvicorn re-raises the SIGTERM it caught once it has shut down; with Python's default
        # handler that kills the process before `finally` could stop the national service.
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
        uvicorn.Server(uvicorn.Config(app, **UVICORN_OPTIONS)).run(sockets=[listener])
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait(timeout=10)
        national.stop()
    return 0
