"""The outbound client of the national sync routes (httpx, async, gzip on the way up)."""

from __future__ import annotations

import gzip
from datetime import date
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from centre_core.sync_wire import (
    CHANGES_PATH,
    SNAPSHOT_DAYS,
    SNAPSHOT_PATH,
    STATE_PATH,
    UP_PATH,
    CentreSyncState,
    ChangeBatch,
    SyncSnapshot,
    UpAck,
    UpBatch,
)

M = TypeVar("M", bound=BaseModel)


class LinkError(Exception):
    """An exchange with the nation failed; `code` is the nation's error code when it gave one."""

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class NationalClient:
    """The national sync routes with the centre's credential; every failure is a `LinkError`."""

    def __init__(self, base_url: str, credential: str, *, timeout: float) -> None:
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {credential}"},
            timeout=timeout,
        )

    async def close(self) -> None:
        """Close the connections."""
        await self._http.aclose()

    async def send(self, batch: UpBatch) -> UpAck:
        """Post a batch of outbox rows (gzip) and return the nation's acknowledgement."""
        body = gzip.compress(batch.model_dump_json().encode("utf-8"), compresslevel=5)
        headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
        return await self._call(UpAck, "POST", UP_PATH, content=body, headers=headers)

    async def state(self) -> CentreSyncState:
        """Return what the nation holds of this centre."""
        return await self._call(CentreSyncState, "GET", STATE_PATH)

    async def changes(self, *, after: int, wait: float) -> ChangeBatch:
        """Return the changes after a cursor, long-polling up to `wait` seconds."""
        params = {"after": after, "wait": wait}
        timeout = self._http.timeout.read or 0.0
        return await self._call(
            ChangeBatch, "GET", CHANGES_PATH, params=params, read_seconds=wait + timeout
        )

    async def snapshot(self, *, from_day: date) -> SyncSnapshot:
        """Return the centre's bookings from a day on and its configuration."""
        params = {"from": from_day.isoformat(), "days": SNAPSHOT_DAYS}
        return await self._call(SyncSnapshot, "GET", SNAPSHOT_PATH, params=params)

    async def _call(
        self,
        model: type[M],
        method: str,
        path: str,
        *,
        read_seconds: float | None = None,
        **kw: Any,
    ) -> M:
        try:
            if read_seconds is not None:
                kw["timeout"] = read_seconds
            response = await self._http.request(method, path, **kw)
        except httpx.HTTPError as exc:
            raise LinkError(f"{type(exc).__name__}: {exc}".rstrip(": ")) from exc
        if response.is_success:
            try:
                return model.model_validate_json(response.content)
            except ValidationError as exc:
                raise LinkError(f"unexpected answer to {path}: {exc.errors()[0]['msg']}") from exc
        code, message = None, response.text[:200]
        try:
            error = response.json()["error"]
            code, message = str(error["code"]), str(error["message"])
        except (ValueError, KeyError, TypeError):
            pass
        raise LinkError(
            f"{response.status_code} {code or ''}: {message}".replace("  ", " "),
            code=code,
        )
