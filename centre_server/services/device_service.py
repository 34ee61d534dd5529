"""Device tokens (created by an admin command, stored hashed) and device status reports."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from centre_core.errors import QueueError, ServerErrorCode
from centre_core.events import DomainEvent, EventType
from centre_server.auth import DEVICE_ROLES, Principal, Role
from centre_server.context import ServerContext
from centre_server.db.tables import DeviceRow
from centre_server.db.transactions import Database
from centre_server.security import hash_token, new_token


@dataclass(frozen=True)
class NewDevice:
    """A device just created; `token` is shown once and never stored in clear."""

    id: str
    name: str
    role: Role
    token: str


def add_device(db: Database, *, name: str, role: Role, now: datetime) -> NewDevice:
    """Register a device with a fresh token for one role."""
    if role not in DEVICE_ROLES:
        raise QueueError(
            ServerErrorCode.invalid_request,
            f"a device role is one of {', '.join(DEVICE_ROLES)} (counter comes from staff login)",
        )
    token = new_token()
    device = NewDevice(id=uuid.uuid4().hex, name=name, role=role, token=token)
    with db.write() as transaction:
        taken = transaction.session.execute(
            select(DeviceRow.id).where(DeviceRow.name == name)
        ).first()
        if taken is not None:
            raise QueueError(ServerErrorCode.device_exists, f"a device named {name!r} exists")
        transaction.session.add(
            DeviceRow(
                id=device.id,
                name=name,
                role=str(role),
                token_hash=hash_token(token),
                created_at=now,
                revoked_at=None,
                status=None,
                status_at=None,
            )
        )
    return device


def report_status(context: ServerContext, *, principal: Principal, status: dict[str, Any]) -> int:
    """Record a device's reported status (e.g. printer paper out); return the event's seq."""
    now = context.now()
    with context.db.write() as transaction:
        device = transaction.session.get(DeviceRow, principal.id)
        if device is None:
            raise QueueError(ServerErrorCode.forbidden, "only a device reports a device status")
        device.status = status
        device.status_at = now
        event = DomainEvent(
            type=EventType.device_status,
            at=now,
            data={"device_id": device.id, "name": device.name, "role": device.role, **status},
        )
        (message,) = transaction.append([event])
    return message.seq
