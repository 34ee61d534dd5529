"""Secrets: device and session tokens (random, stored as SHA-256) and staff PINs (argon2)."""

from __future__ import annotations

import hashlib
import secrets
import threading
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Tokens carry 256 random bits, so a fast hash is enough to make a stolen table useless: there
# is nothing to brute-force. PINs are short and guessable, hence argon2 for them.
TOKEN_BYTES = 32
LOCKOUT_AFTER_FAILURES = 5
LOCKOUT_FIRST = timedelta(minutes=1)
LOCKOUT_MAX = timedelta(hours=24)

_hasher = PasswordHasher()
# Each argon2 check holds 64 MiB; a shift starting at opening logs dozens of staff in at once.
# One check at a time keeps the server's memory flat (347 -> 155 MB peak in `bench`), costs
# little (argon2 already uses all cores per check) and every answer still takes the same work.
_one_check_at_a_time = threading.Lock()
# Verified against when a staff number is unknown, so that the answer takes the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-pin")


def new_token() -> str:
    """Return a fresh URL-safe token with 256 bits of entropy."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hash_pin(pin: str) -> str:
    """Return the argon2id hash of a staff PIN."""
    return _hasher.hash(pin)


def verify_pin(pin_hash: str | None, pin: str) -> bool:
    """Check a PIN against its hash (None: an unknown account, checked against a dummy)."""
    try:
        with _one_check_at_a_time:
            return _hasher.verify(pin_hash or _DUMMY_HASH, pin) and pin_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def lockout_after(failed_attempts: int) -> timedelta | None:
    """Return how long an account stays locked after this many failures in a row.

    Five failures lock for a minute and each further one doubles it (capped at a day): a flat
    "5 per 15 minutes" lets an attacker try 480 PINs a day, this allows about 16.
    """
    if failed_attempts < LOCKOUT_AFTER_FAILURES:
        return None
    doublings = min(failed_attempts - LOCKOUT_AFTER_FAILURES, 20)
    return min(LOCKOUT_FIRST * (2**doublings), LOCKOUT_MAX)
