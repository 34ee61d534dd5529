"""Idempotent commands: the first response to a `request_id` is stored with the change."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import bindparam, insert, select

from centre_core.errors import QueueError, ServerErrorCode
from centre_server.context import ServerContext
from centre_server.db.tables import IdempotencyRow
from centre_server.db.transactions import WriteTransaction

M = TypeVar("M", bound=BaseModel)
KEYS = IdempotencyRow.__table__
# Built once: every command with a request_id runs both.
_STORED = select(KEYS.c.command, KEYS.c.fingerprint, KEYS.c.response).where(
    KEYS.c.request_id == bindparam("key")
)
_INSERT = insert(KEYS)


def fingerprint(command: str, args: Mapping[str, Any]) -> str:
    """Return a digest of a command and its arguments (the request, minus its id)."""
    canonical = json.dumps({"command": command, "args": args}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def run_once(
    context: ServerContext,
    *,
    command: str,
    request_id: str | None,
    args: Mapping[str, Any],
    model: type[M],
    run: Callable[[WriteTransaction], M],
) -> M:
    """Run a command in one write transaction, or return the stored result of its first run.

    The same `request_id` with other arguments is refused with `request_id_reused`. Failed
    commands are not stored: nothing changed, so running them again is harmless.
    """
    digest = fingerprint(command, args)
    with context.db.write() as transaction:
        if request_id is not None:
            stored = transaction.connection.execute(_STORED, {"key": request_id}).first()
            if stored is not None:
                if stored.command != command or stored.fingerprint != digest:
                    raise QueueError(
                        ServerErrorCode.request_id_reused,
                        "this request_id was used for another request",
                    )
                return model.model_validate(stored.response)
        result = run(transaction)
        if request_id is not None:
            transaction.connection.execute(
                _INSERT,
                {
                    "request_id": request_id,
                    "command": command,
                    "fingerprint": digest,
                    "response": result.model_dump(mode="json"),
                    "created_at": context.now(),
                },
            )
        return result
