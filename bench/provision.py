"""Prepare a fresh centre database for a benchmark: schema, device tokens, one staff per counter.

Run in its own process (`python -m bench.provision OUT.json --staff N`) with the same FOLENI_*
environment as the server, before the server starts, so that the load generator never loads
the server's modules. It uses the same service functions as `foleni device add` and `foleni
staff add`; spawning that command 60 times would cost a minute of interpreter start-ups.
"""

from __future__ import annotations

import argparse
import functools
import json
from datetime import UTC, datetime
from pathlib import Path

from centre_server.auth import Role
from centre_server.cli import ensure_schema
from centre_server.context import build_context
from centre_server.services import device_service, staff_service
from centre_server.settings import Settings

PIN = "482916"
DEVICE_ROLES = (Role.kiosk, Role.display, Role.manager, Role.admin)


def provision(settings: Settings, *, staff: int) -> dict[str, object]:
    """Migrate, create one device per role and staff S01.. for counters C01..; return logins."""
    ensure_schema(settings, upgrade_if_behind=True)
    context = build_context(settings)
    now = datetime.now(UTC)
    # argon2 takes ~0.4 s a hash on the bench machine: every bench staff member has the same
    # PIN, so hash it once rather than 60 times (the server still verifies it at each login).
    staff_service.hash_pin = functools.cache(staff_service.hash_pin)
    tokens = {
        str(role): device_service.add_device(
            context.db, name=f"bench-{role}", role=role, now=now
        ).token
        for role in DEVICE_ROLES
    }
    counters = [counter.code for counter in context.centre.counters][:staff]
    logins = []
    for index, counter in enumerate(counters, start=1):
        staff_number = f"S{index:03d}"
        staff_service.add_staff(
            context.db,
            staff_number=staff_number,
            name=f"Bench staff {index}",
            pin=PIN,
            role=Role.counter,
            now=now,
        )
        logins.append({"staff_number": staff_number, "pin": PIN, "counter": counter})
    # A manager for the manager page's benchmark (a browser session, not a device token).
    manager = {"staff_number": "M001", "pin": PIN}
    staff_service.add_staff(
        context.db, staff_number="M001", name="Bench manager", pin=PIN, role=Role.manager, now=now
    )
    context.db.engine.dispose()
    return {"tokens": tokens, "staff": logins, "manager": manager}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path, help="where to write the credentials (JSON)")
    parser.add_argument("--staff", type=int, default=0, help="counter staff to create")
    args = parser.parse_args()
    credentials = provision(Settings(), staff=args.staff)
    args.out.write_text(json.dumps(credentials), encoding="utf-8")


if __name__ == "__main__":
    main()
