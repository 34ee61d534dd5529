"""Who is calling: a centre (its credential) or a key holder (channel or operator)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine, select

from centre_core.errors import QueueError
from centre_core.sync_wire import SyncErrorCode
from national.db.session import transaction
from national.db.tables import ApiKeyRow, CentreRow
from national.security import hash_credential

# Roles of API keys: a booking channel books for citizens, an operator watches every centre.
KEY_ROLES = ("channel", "operator")


@dataclass(frozen=True)
class Caller:
    """An authenticated caller: `centre` for a centre's credential, else a key's `role`."""

    centre: str | None
    role: str
    name: str


def engine_of(request: Request) -> Engine:
    """Return the app's engine."""
    engine: Engine = request.app.state.engine
    return engine


def identify(engine: Engine, token: str) -> Caller | None:
    """Return the caller holding this token."""
    digest = hash_credential(token)
    with transaction(engine) as session:
        code = session.scalar(select(CentreRow.code).where(CentreRow.credential_hash == digest))
        if code is not None:
            return Caller(centre=code, role="centre", name=code)
        key = session.scalar(select(ApiKeyRow).where(ApiKeyRow.token_hash == digest))
        return None if key is None else Caller(centre=None, role=key.role, name=key.name)


def caller(request: Request) -> Caller:
    """Authenticate the bearer token of a request."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise QueueError(SyncErrorCode.unauthenticated, "send Authorization: Bearer <credential>")
    found = identify(engine_of(request), token.strip())
    if found is None:
        raise QueueError(SyncErrorCode.invalid_credentials, "unknown or revoked credential")
    return found


def centre_caller(who: Annotated[Caller, Depends(caller)]) -> str:
    """Require a centre's credential; return the centre's code."""
    if who.centre is None:
        raise QueueError(SyncErrorCode.forbidden, "only a centre's credential may do this")
    return who.centre


def operator(who: Annotated[Caller, Depends(caller)]) -> Caller:
    """Require an operator key."""
    if who.role != "operator":
        raise QueueError(SyncErrorCode.forbidden, "only an operator may do this")
    return who


CentreCode = Annotated[str, Depends(centre_caller)]
Operator = Annotated[Caller, Depends(operator)]
AnyCaller = Annotated[Caller, Depends(caller)]
EngineDep = Annotated[Engine, Depends(engine_of)]
