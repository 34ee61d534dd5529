"""Who is calling: roles, principals, and the lookup of a bearer token (device or staff)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select

from centre_server.db.tables import DeviceRow, StaffRow, StaffSessionRow
from centre_server.db.transactions import Database
from centre_server.security import hash_token


class Role(StrEnum):
    """What a caller may do; every route declares the roles it admits."""

    kiosk = "kiosk"
    display = "display"
    counter = "counter"
    manager = "manager"
    admin = "admin"
    national = "national"


# Roles a device token can carry; `counter` only comes from a staff login at a counter.
DEVICE_ROLES = (Role.kiosk, Role.display, Role.manager, Role.admin, Role.national)
STAFF_ROLES = (Role.counter, Role.manager)


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: a device, or a member of staff logged in (maybe at a counter)."""

    kind: str  # "device" or "staff"
    id: str  # device id or staff number
    name: str
    roles: frozenset[Role]
    counter: str | None = None
    session_hash: str | None = None

    def has_any(self, roles: frozenset[Role]) -> bool:
        """Tell whether the principal holds at least one of `roles`."""
        return not self.roles.isdisjoint(roles)


def staff_roles(*, staff_role: str, counter: str | None) -> frozenset[Role]:
    """Return the roles of a staff session: `counter` when bound to one, plus `manager`."""
    roles = set()
    if counter is not None:
        roles.add(Role.counter)
    if staff_role == Role.manager:
        roles.add(Role.manager)
    return frozenset(roles)


def authenticate(db: Database, token: str, *, now: datetime) -> Principal | None:
    """Return the principal holding this bearer token, or None when it is unknown or expired."""
    found = _lookup(db, hash_token(token), now=now)
    return None if found is None else found[0]


def _lookup(
    db: Database, token_hash: str, *, now: datetime
) -> tuple[Principal, datetime | None] | None:
    """Return the principal of a token hash and when its session expires (None: a device)."""
    with db.read() as session:
        device = session.execute(
            select(DeviceRow).where(DeviceRow.token_hash == token_hash)
        ).scalar_one_or_none()
        if device is not None:
            if device.revoked_at is not None:
                return None
            principal = Principal(
                kind="device", id=device.id, name=device.name, roles=frozenset({Role(device.role)})
            )
            return principal, None
        found = session.execute(
            select(StaffSessionRow, StaffRow)
            .join(StaffRow, StaffRow.staff_number == StaffSessionRow.staff_number)
            .where(StaffSessionRow.token_hash == token_hash)
        ).one_or_none()
    if found is None:
        return None
    staff_session, staff = found
    if staff_session.revoked_at is not None or staff_session.expires_at <= now or not staff.active:
        return None
    principal = Principal(
        kind="staff",
        id=staff.staff_number,
        name=staff.name,
        roles=staff_roles(staff_role=staff.role, counter=staff_session.counter),
        counter=staff_session.counter,
        session_hash=token_hash,
    )
    return principal, staff_session.expires_at


@dataclass(frozen=True)
class _Cached:
    principal: Principal
    expires_at: datetime | None
    fresh_until: datetime


class PrincipalCache:
    """Recently authenticated tokens, so most requests skip a database read.

    Staff logins and logouts happen in this process and clear the cache, so a revoked session
    stops working at once; an expiry is checked on every hit. What changes outside the
    process (a device removed by hand in the database) takes effect within `ttl`.
    """

    MAX_ENTRIES = 10_000

    def __init__(self, *, ttl: timedelta = timedelta(seconds=30)) -> None:
        self._ttl = ttl
        self._entries: dict[str, _Cached] = {}
        self._lock = threading.Lock()

    def cached(self, token: str, *, now: datetime) -> Principal | None:
        """Return the principal of a token if it is cached and fresh (no database read)."""
        cached = self._entries.get(hash_token(token))
        if (
            cached is not None
            and now < cached.fresh_until
            and (cached.expires_at is None or now < cached.expires_at)
        ):
            return cached.principal
        return None

    def authenticate(self, db: Database, token: str, *, now: datetime) -> Principal | None:
        """Return the principal of a bearer token (from the cache or the database), or None."""
        principal = self.cached(token, now=now)
        if principal is not None:
            return principal
        token_hash = hash_token(token)
        found = _lookup(db, token_hash, now=now)
        if found is None:
            return None
        principal, expires_at = found
        with self._lock:
            if len(self._entries) >= self.MAX_ENTRIES:
                self._entries.clear()
            self._entries[token_hash] = _Cached(principal, expires_at, now + self._ttl)
        return principal

    def clear(self) -> None:
        """Forget every cached token (after a login or logout changed the sessions)."""
        with self._lock:
            self._entries.clear()
