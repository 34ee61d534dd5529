"""API keys of booking channels and operators (printed once, stored as SHA-256)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from centre_core.errors import QueueError, ServerErrorCode
from national.auth import KEY_ROLES
from national.db.session import transaction
from national.db.tables import ApiKeyRow
from national.security import hash_credential, new_credential

ROLES = KEY_ROLES


def add_key(engine: Engine, *, name: str, role: str) -> str:
    """Create a key; return it (only its hash is kept)."""
    if role not in ROLES:
        raise QueueError(ServerErrorCode.invalid_request, f"role must be one of {ROLES}")
    token = new_credential()
    try:
        with transaction(engine) as session:
            session.add(
                ApiKeyRow(
                    name=name,
                    role=role,
                    token_hash=hash_credential(token),
                    created_at=datetime.now(UTC),
                )
            )
    except IntegrityError as exc:
        raise QueueError(ServerErrorCode.device_exists, f"a key named {name} exists") from exc
    return token
