"""Staff accounts, PIN login bound to a counter (with escalating lockout), logout."""

from __future__ import annotations

import re
import secrets
import threading
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from centre_core import counters as counter_rules
from centre_core.clock import local_time
from centre_core.counters import CounterStatus
from centre_core.errors import QueueError, ServerErrorCode
from centre_core.wire import PinResetOut, StaffListOut, StaffOut
from centre_server.auth import Principal, Role, staff_roles
from centre_server.context import ServerContext
from centre_server.db.tables import StaffRow, StaffSessionRow
from centre_server.db.transactions import Database, WriteTransaction
from centre_server.repositories import counters as counter_repo
from centre_server.security import hash_pin, hash_token, lockout_after, new_token, verify_pin
from centre_server.services import audit_service

PIN_PATTERN = re.compile(r"^[0-9]{4,12}$")
GENERATED_PIN_DIGITS = 6
SESSIONS = StaffSessionRow.__table__
STAFF_NUMBER_PATTERN = re.compile(r"^[A-Za-z0-9._-]{1,32}$")
# Attempts on one account are serialised (so parallel guesses cannot all beat the lockout)
# without holding the centre's writer lock during the slow argon2 check.
_ACCOUNT_LOCKS = tuple(threading.Lock() for _ in range(64))


@dataclass(frozen=True)
class StaffLogin:
    """A successful login: the session token (shown once) and what it allows."""

    token: str
    expires_at: datetime
    staff_number: str
    name: str
    roles: frozenset[Role]
    counter: str | None


def _invalid_credentials() -> QueueError:
    # One answer for unknown staff and a wrong PIN: nothing to learn from it.
    return QueueError(ServerErrorCode.invalid_credentials, "staff number or PIN is wrong")


def _account_locked(context: ServerContext, until: datetime) -> QueueError:
    # Told plainly, whatever PIN was typed: the answer never says whether it was right.
    clock = local_time(until, timezone=context.centre.timezone).strftime("%H:%M")
    return QueueError(
        ServerErrorCode.account_locked,
        f"this account is locked until {clock} after too many wrong PINs; a manager can unlock it",
    )


def add_staff(
    db: Database, *, staff_number: str, name: str, pin: str, role: Role, now: datetime
) -> None:
    """Create a member of staff (role counter or manager) with a hashed PIN."""
    if not STAFF_NUMBER_PATTERN.match(staff_number):
        raise QueueError(ServerErrorCode.invalid_request, "staff number: 1-32 letters or digits")
    if not PIN_PATTERN.match(pin):
        raise QueueError(ServerErrorCode.invalid_request, "a PIN is 4 to 12 digits")
    if role not in (Role.counter, Role.manager):
        raise QueueError(ServerErrorCode.invalid_request, "staff role is counter or manager")
    pin_hash = hash_pin(pin)
    with db.write() as transaction:
        if transaction.session.get(StaffRow, staff_number) is not None:
            raise QueueError(ServerErrorCode.invalid_request, f"staff {staff_number} exists")
        transaction.session.add(
            StaffRow(
                staff_number=staff_number,
                name=name,
                role=str(role),
                pin_hash=pin_hash,
                failed_attempts=0,
                locked_until=None,
                active=True,
                created_at=now,
            )
        )


def login(
    context: ServerContext, *, staff_number: str, pin: str, counter: str | None
) -> StaffLogin:
    """Check a staff PIN and open a session (at a counter, which opens if it was closed)."""
    if counter is not None:
        context.centre.counter(counter)  # counter_not_found before anything else
    lock = _ACCOUNT_LOCKS[zlib.crc32(staff_number.encode("utf-8")) % len(_ACCOUNT_LOCKS)]
    with lock:
        now = context.now()
        with context.db.read() as session:
            staff = session.get(StaffRow, staff_number)
            pin_hash = staff.pin_hash if staff is not None and staff.active else None
            locked_until = (
                staff.locked_until
                if staff is not None and staff.locked_until is not None and staff.locked_until > now
                else None
            )
        # Verify even for unknown or locked accounts, so every refusal takes the same time.
        correct = verify_pin(pin_hash, pin) and locked_until is None
        if pin_hash is None:
            raise _invalid_credentials()
        if locked_until is not None:
            raise _account_locked(context, locked_until)
        with context.db.write() as transaction:
            result = _record_attempt(
                context, transaction, staff_number=staff_number, correct=correct, counter=counter
            )
        context.principals.clear()  # the login may have ended another session
        if result is None:
            raise _invalid_credentials()
        return result


def _record_attempt(
    context: ServerContext,
    transaction: WriteTransaction,
    *,
    staff_number: str,
    correct: bool,
    counter: str | None,
) -> StaffLogin | None:
    session = transaction.session
    now = context.now()
    staff = session.get(StaffRow, staff_number)
    assert staff is not None
    if not correct:
        staff.failed_attempts += 1
        lockout = lockout_after(staff.failed_attempts)
        staff.locked_until = None if lockout is None else now + lockout
        return None
    if staff.role == Role.counter and counter is None:
        raise QueueError(ServerErrorCode.invalid_request, "counter staff log in at a counter")
    staff.failed_attempts = 0
    staff.locked_until = None
    token = new_token()
    expires_at = now + timedelta(hours=context.settings.staff_session_hours)
    if counter is not None:
        # One staff session per counter: a new login there ends the previous one.
        session.execute(
            update(StaffSessionRow)
            .where(StaffSessionRow.counter == counter, StaffSessionRow.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        state = counter_repo.load(session, counter)
        if state.status == CounterStatus.closed:
            outcome = counter_rules.open_counter(state, staff_number=staff_number, now=now)
            counter_repo.save(session, outcome.counter)
            transaction.append(outcome.events)
        else:
            # Taking over an open or paused counter (a colleague left it): same state, new staff.
            counter_repo.set_staff(session, counter, staff_number)
    session.add(
        StaffSessionRow(
            token_hash=hash_token(token),
            staff_number=staff_number,
            counter=counter,
            created_at=now,
            expires_at=expires_at,
            revoked_at=None,
        )
    )
    return StaffLogin(
        token=token,
        expires_at=expires_at,
        staff_number=staff_number,
        name=staff.name,
        roles=staff_roles(staff_role=staff.role, counter=counter),
        counter=counter,
    )


def logout(context: ServerContext, *, principal: Principal) -> None:
    """End a staff session; a counter session also closes its counter (which must be free)."""
    if principal.session_hash is None:
        raise QueueError(ServerErrorCode.invalid_request, "a device token cannot log out")
    now = context.now()
    with context.db.write() as transaction:
        session = transaction.session
        row = session.execute(
            select(StaffSessionRow).where(StaffSessionRow.token_hash == principal.session_hash)
        ).scalar_one()
        row.revoked_at = now
        state = counter_repo.load(session, principal.counter) if principal.counter else None
        if (
            state is not None
            and state.status != CounterStatus.closed
            and state.staff_number == principal.id
        ):
            outcome = counter_rules.close_counter(state, now=now)
            counter_repo.save(session, outcome.counter)
            transaction.append(outcome.events)
    context.principals.clear()


# The manager's actions on accounts ----------------------------------------------------------


def _staff_out(row: StaffRow) -> StaffOut:
    return StaffOut(
        staff_number=row.staff_number,
        name=row.name,
        role=row.role,
        active=row.active,
        locked_until=row.locked_until,
        failed_attempts=row.failed_attempts,
    )


def _staff_row(transaction: WriteTransaction, staff_number: str) -> StaffRow:
    row = transaction.session.get(StaffRow, staff_number)
    if row is None:
        raise QueueError(ServerErrorCode.staff_not_found, f"no staff {staff_number!r}")
    return row


def list_staff(context: ServerContext) -> StaffListOut:
    """Return every staff account (number, name, role, active, lockout), by staff number."""
    with context.db.read() as session:
        rows = session.scalars(select(StaffRow).order_by(StaffRow.staff_number))
        return StaffListOut(staff=[_staff_out(row) for row in rows])


def unlock_staff(context: ServerContext, *, actor: str, staff_number: str) -> StaffOut:
    """Clear an account's failed attempts and lockout (harmless on an account not locked)."""
    with context.db.write() as transaction:
        now = context.now()
        row = _staff_row(transaction, staff_number)
        detail = {"failed_attempts": row.failed_attempts, "locked_until": _iso(row.locked_until)}
        row.failed_attempts = 0
        row.locked_until = None
        audit_service.record(
            transaction,
            at=now,
            actor=actor,
            action="staff.unlocked",
            target=staff_number,
            detail=detail,
        )
        return _staff_out(row)


def reset_pin(
    context: ServerContext, *, actor: str, staff_number: str, pin: str | None = None
) -> PinResetOut:
    """Set a new PIN (generated, shown once, when `pin` is None); unlock; end its sessions."""
    chosen = pin if pin is not None else generate_pin()
    if not PIN_PATTERN.match(chosen):
        raise QueueError(ServerErrorCode.invalid_request, "a PIN is 4 to 12 digits")
    pin_hash = hash_pin(chosen)
    with context.db.write() as transaction:
        now = context.now()
        row = _staff_row(transaction, staff_number)
        row.pin_hash = pin_hash
        row.failed_attempts = 0
        row.locked_until = None
        revoked = transaction.connection.execute(
            update(SESSIONS)
            .where(
                SESSIONS.c.staff_number == staff_number,
                SESSIONS.c.revoked_at.is_(None),
                SESSIONS.c.expires_at > now,
            )
            .values(revoked_at=now)
        ).rowcount
        audit_service.record(
            transaction,
            at=now,
            actor=actor,
            action="staff.pin_reset",
            target=staff_number,
            detail={"generated": pin is None, "sessions_revoked": revoked},
        )
        result = PinResetOut(
            staff=_staff_out(row),
            pin=chosen if pin is None else None,
            sessions_revoked=revoked,
        )
    context.principals.clear()  # a revoked token must not stay valid from the cache
    return result


def generate_pin() -> str:
    """Return a random PIN of `GENERATED_PIN_DIGITS` digits."""
    return "".join(secrets.choice("0123456789") for _ in range(GENERATED_PIN_DIGITS))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
