"""Credentials: random tokens stored as SHA-256; ID numbers as a keyed hash (HMAC)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

# 256 random bits: a fast hash is enough, there is nothing to brute-force.
TOKEN_BYTES = 32


def new_credential() -> str:
    """Return a fresh URL-safe credential."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_credential(credential: str) -> str:
    """Return the SHA-256 hex digest a credential is stored (and looked up) by."""
    return hashlib.sha256(credential.encode("utf-8")).hexdigest()


def person_hash(id_number: str, *, pepper: str) -> str:
    """Return the keyed hash of an ID number (matches a person; useless without the pepper)."""
    normalised = "".join(id_number.split()).upper()
    return hmac.new(pepper.encode(), normalised.encode(), hashlib.sha256).hexdigest()
