"""National staff: accounts with a PIN (argon2), login with escalating lockout, browser sessions."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import IntegrityError

from centre_core.errors import QueueError, ServerErrorCode
from national.db.session import transaction
from national.db.tables import NationalSessionRow, NationalStaffRow
from national.security import hash_credential, new_credential

ROLE = "national"
PIN_DIGITS = 6
SESSION_LENGTH = timedelta(hours=8)
LOCKOUT_AFTER_FAILURES = 5
LOCKOUT_FIRST = timedelta(minutes=1)
LOCKOUT_MAX = timedelta(hours=24)

_hasher = PasswordHasher()
# Each argon2 check holds 64 MiB: one at a time keeps a worker's memory flat.
_one_check_at_a_time = threading.Lock()
# Checked against when the staff number is unknown, so that the answer takes as long.
_DUMMY_HASH = _hasher.hash("not-a-real-pin")


class AccountLockedError(QueueError):
    """Too many wrong PINs: the account opens again at `until` (code `account_locked`)."""

    def __init__(self, until: datetime) -> None:
        super().__init__(
            ServerErrorCode.account_locked,
            f"this account is locked until {until.isoformat(timespec='minutes')} after too many "
            "wrong PINs",
        )
        self.until = until


@dataclass(frozen=True)
class StaffSession:
    """A logged-in member of national staff: who, with which role, until when."""

    staff_number: str
    name: str
    role: str
    expires_at: datetime


def lockout_after(failed_attempts: int) -> timedelta | None:
    """Return how long an account stays locked after this many failures in a row.

    The centre's rule (centre_server/security.py): five failures lock for a minute and each
    further one doubles it, capped at a day, so a guesser gets about 16 PINs a day.
    """
    if failed_attempts < LOCKOUT_AFTER_FAILURES:
        return None
    doublings = min(failed_attempts - LOCKOUT_AFTER_FAILURES, 20)
    return min(LOCKOUT_FIRST * (2**doublings), LOCKOUT_MAX)


def _verify(pin_hash: str | None, pin: str) -> bool:
    try:
        with _one_check_at_a_time:
            return _hasher.verify(pin_hash or _DUMMY_HASH, pin) and pin_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_pin() -> str:
    """Return a random PIN of `PIN_DIGITS` digits."""
    return "".join(secrets.choice("0123456789") for _ in range(PIN_DIGITS))


def add_staff(engine: Engine, *, staff_number: str, name: str, pin: str | None = None) -> str:
    """Add a member of national staff; return the PIN (generated when not given)."""
    chosen = pin if pin is not None else new_pin()
    if not (4 <= len(chosen) <= 12 and chosen.isdigit()):
        raise QueueError(ServerErrorCode.invalid_request, "a PIN is 4 to 12 digits")
    try:
        with transaction(engine) as session:
            session.add(
                NationalStaffRow(
                    staff_number=staff_number,
                    name=name,
                    role=ROLE,
                    pin_hash=_hasher.hash(chosen),
                    failed_attempts=0,
                    locked_until=None,
                    created_at=datetime.now(UTC),
                )
            )
    except IntegrityError as exc:
        raise QueueError(ServerErrorCode.device_exists, f"staff {staff_number} exists") from exc
    return chosen


def log_in(engine: Engine, *, staff_number: str, pin: str, now: datetime) -> tuple[str, datetime]:
    """Check the PIN and open a session; return its token and expiry.

    Raises `invalid_credentials` (unknown number or wrong PIN, alike) or `account_locked`.
    """
    with transaction(engine) as session:
        staff = session.scalars(
            select(NationalStaffRow)
            .where(NationalStaffRow.staff_number == staff_number)
            .with_for_update()
        ).one_or_none()
        if staff is not None and staff.locked_until is not None and staff.locked_until > now:
            raise AccountLockedError(staff.locked_until)
        if not _verify(None if staff is None else staff.pin_hash, pin) or staff is None:
            if staff is not None:
                staff.failed_attempts += 1
                locked_for = lockout_after(staff.failed_attempts)
                staff.locked_until = None if locked_for is None else now + locked_for
            failure: QueueError = (
                AccountLockedError(staff.locked_until)
                if staff is not None and staff.locked_until is not None
                else QueueError(ServerErrorCode.invalid_credentials, "staff number or PIN wrong")
            )
        else:
            staff.failed_attempts = 0
            staff.locked_until = None
            token = new_credential()
            expires_at = now + SESSION_LENGTH
            session.add(
                NationalSessionRow(
                    token_hash=hash_credential(token),
                    staff_number=staff.staff_number,
                    created_at=now,
                    expires_at=expires_at,
                )
            )
            return token, expires_at
    # Raised after the commit, so that the failure counted stays counted.
    raise failure


def session_of(engine: Engine, token: str, *, now: datetime) -> StaffSession | None:
    """Return the session a browser's token opens (None: unknown, ended or expired)."""
    with transaction(engine) as session:
        found = session.execute(
            select(NationalSessionRow, NationalStaffRow)
            .join(NationalStaffRow)
            .where(NationalSessionRow.token_hash == hash_credential(token))
        ).one_or_none()
        if found is None:
            return None
        row, staff = found
        if row.expires_at <= now:
            session.delete(row)
            return None
        return StaffSession(staff.staff_number, staff.name, staff.role, row.expires_at)


def log_out(engine: Engine, token: str) -> None:
    """End the session of this token."""
    digest = hash_credential(token)
    with transaction(engine) as session:
        session.execute(delete(NationalSessionRow).where(NationalSessionRow.token_hash == digest))
