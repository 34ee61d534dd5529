"""`foleni demo`: the example centre on a fresh SQLite file, with devices, staff and bookings."""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import uvicorn

from centre_server.api.app import UVICORN_OPTIONS, create_app
from centre_server.auth import DEVICE_ROLES, Role
from centre_server.context import ServerContext, build_context
from centre_server.db.migrate import upgrade
from centre_server.schemas import AppointmentIn
from centre_server.services import appointment_service, device_service, queue_service, staff_service
from centre_server.settings import Settings

CREDENTIALS_FILE = "demo-credentials.json"
DEMO_COUNTERS = ("C01", "C02", "C03", "C07", "C09", "C11", "C13", "C15")
DEMO_BOOKINGS = (("NID", 10), ("BC", 40), ("PCC", 90))  # service, minutes from now


def _pin() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def seed(context: ServerContext, *, server_url: str) -> dict[str, Any]:
    """Create demo devices, staff and today's bookings; return the credentials document."""
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
    bookings = []
    for index, (service_code, minutes) in enumerate(DEMO_BOOKINGS, start=1):
        slot = (now + timedelta(minutes=minutes)).replace(second=0, microsecond=0)
        booking = AppointmentIn(
            reference=f"DEMO-{index:03d}",
            service_code=service_code,
            slot_start=slot,
            phone=f"+25471200000{index}",
        )
        bookings.append(
            {
                "reference": booking.reference,
                "service_code": service_code,
                "slot_start": slot.isoformat(),
                "phone": booking.phone,
            }
        )
        appointment_service.import_appointments(context, appointments=[booking])
    example = queue_service.issue_ticket(context, service_code="BC")
    return {
        "server_url": server_url,
        "tokens": tokens,
        "staff": staff,
        "manager": manager,
        "appointments": bookings,
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
        f"  manager:         {credentials['manager']['staff_number']} / "
        f"{credentials['manager']['pin']}",
        "  bookings to check in today (reference, service, slot):",
        *(
            f"    {b['reference']}  {b['service_code']:<5} {b['slot_start']}  phone {b['phone']}"
            for b in credentials["appointments"]
        ),
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


def run_demo(*, data_dir: Path, port: int, host: str, clients: bool) -> int:
    """Serve the demo centre until interrupted."""
    data_dir.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        (data_dir / f"foleni.sqlite3{suffix}").unlink(missing_ok=True)
    # Bind first: the URL (and a port chosen by the system for port 0) is known before serving.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    bound_port = listener.getsockname()[1]
    server_url = f"http://{host}:{bound_port}"
    settings = Settings(
        data_dir=data_dir,
        database_url=None,
        mode="development",
        demo=True,
        ignore_opening_hours=True,
        host=host,
        port=bound_port,
        public_base_url=server_url,
    )
    context = build_context(settings)
    upgrade(context.db.engine)
    app = create_app(context)
    credentials = seed(context, server_url=server_url)
    path = data_dir / CREDENTIALS_FILE
    path.write_text(json.dumps(credentials, indent=2) + "\n", encoding="utf-8")
    print(_banner(credentials, path.resolve()), flush=True)
    children = start_clients(credentials) if clients and os.environ.get("DISPLAY") else []
    try:
        uvicorn.Server(uvicorn.Config(app, **UVICORN_OPTIONS)).run(sockets=[listener])
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait(timeout=10)
    return 0
