"""The sync worker in the centre server's lifespan: up-link and down-link, retried forever.

Up: read the outbox after what the nation acknowledged, post it (gzip), store the new
acknowledgement; an idle link sends a heartbeat. `seq_from_future` means the nation holds less
than the centre thought (its database was restored): ask its state and resend from there.
Down: long-poll the changes after the stored cursor and apply them with the cursor in one
transaction; a cursor the nation no longer holds (410) or never gave (409) is answered by a
snapshot. Every failure waits a random time under a cap that doubles up to
`sync_backoff_max_seconds` (tenacity, full jitter) and tries again: the worker never gives up,
and nothing the centre does waits for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, wait_random_exponential

from centre_core.clock import business_day
from centre_core.sync_wire import SyncErrorCode, UpAck
from centre_server.context import ServerContext
from centre_server.services import sync_service
from centre_server.sync.client import LinkError, NationalClient

logger = logging.getLogger(__name__)

# The first retry waits up to this long; the cap doubles from here.
FIRST_BACKOFF_SECONDS = 0.2


class _Stopped(Exception):
    """The worker was asked to stop while it waited."""


class SyncWorker:
    """Keeps the centre and the nation in step while the server runs."""

    name = "national_sync"

    def __init__(self, context: ServerContext) -> None:
        if context.settings.national_url is None or context.settings.national_credential is None:
            raise ValueError("the sync worker needs FOLENI_NATIONAL_URL and _CREDENTIAL")
        self._context = context
        # Each direction's last error: the link is up only when both last exchanges worked.
        self._errors: dict[str, str | None] = {"up": None, "down": None}
        self._announced: bool | None = None
        self._announcing = asyncio.Lock()
        self._last_sent = 0.0

    async def run(self, stop: asyncio.Event) -> None:
        """Run both directions until asked to stop."""
        settings = self._context.settings
        assert settings.national_url is not None and settings.national_credential is not None
        client = NationalClient(
            settings.national_url,
            settings.national_credential,
            timeout=settings.sync_timeout_seconds,
        )
        both = asyncio.gather(
            self._forever("up", functools.partial(self._up_once, client, stop), stop),
            self._forever("down", functools.partial(self._down_once, client), stop),
        )
        stopped = asyncio.ensure_future(stop.wait())
        try:
            waiting: set[asyncio.Future[Any]] = {both, stopped}
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            if both.done():
                both.result()  # a crash: the host logs it and restarts the worker
        finally:
            # A long-poll in flight is abandoned at once; what was applied is committed whole
            # (a write runs in its thread to its end).
            for task in (both, stopped):
                task.cancel()
            await asyncio.gather(both, stopped, return_exceptions=True)
            await client.close()

    async def _forever(
        self, direction: str, step: Callable[[], Awaitable[None]], stop: asyncio.Event
    ) -> None:
        settings = self._context.settings

        async def sleep(seconds: float) -> None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), seconds)
            if stop.is_set():
                raise _Stopped

        async def failed(attempt: RetryCallState) -> None:
            assert attempt.outcome is not None
            error = str(attempt.outcome.exception())
            logger.info(
                "national link (%s): %s; retry %d", direction, error, attempt.attempt_number
            )
            await self._exchanged(direction, error)

        retrying = AsyncRetrying(
            retry=retry_if_exception_type(LinkError),
            wait=wait_random_exponential(
                multiplier=FIRST_BACKOFF_SECONDS, max=settings.sync_backoff_max_seconds
            ),
            sleep=sleep,
            before_sleep=failed,
        )
        with contextlib.suppress(_Stopped):
            while not stop.is_set():
                # A fresh retry state per exchange: a success resets the backoff.
                await retrying.copy()(step)

    async def _exchanged(self, direction: str, error: str | None, ack: UpAck | None = None) -> None:
        """Record one exchange's outcome, and announce the link when it flips."""
        self._errors[direction] = error
        combined = self._errors["up"] or self._errors["down"]
        context = self._context
        if error is None:
            acked = None if ack is None else ack.acked_through
            await asyncio.to_thread(
                sync_service.record_contact, context, acked_through=acked, error=combined
            )
        else:
            await asyncio.to_thread(sync_service.record_error, context, combined or error)
        # Both directions report at once: one flip at a time, each decided on the latest errors
        # and written before the next is decided, so the hall hears up/down alternate.
        async with self._announcing:
            up = (self._errors["up"] or self._errors["down"]) is None
            if up == self._announced:
                return
            self._announced = up
            status = await asyncio.to_thread(sync_service.link_status, context)
            # The event says what was decided, whatever the stored freshness reads this instant.
            status = status.model_copy(update={"link": "up" if up else "down"})
            await asyncio.to_thread(sync_service.announce_link, context, status)

    async def _up_once(self, client: NationalClient, stop: asyncio.Event) -> None:
        settings = self._context.settings
        batch = await asyncio.to_thread(
            sync_service.next_batch, self._context, max_rows=settings.sync_batch_rows
        )
        heartbeat_due = time.monotonic() - self._last_sent >= settings.sync_heartbeat_seconds
        if not batch.rows and not heartbeat_due and self._errors["up"] is None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), settings.sync_poll_seconds)
            return
        try:
            ack = await client.send(batch)
        except LinkError as exc:
            if exc.code != SyncErrorCode.seq_from_future:
                raise
            state = await client.state()
            ack = UpAck(acked_through=state.acked_through, stored=0, duplicates=0)
        self._last_sent = time.monotonic()
        await self._exchanged("up", None, ack)

    async def _down_once(self, client: NationalClient) -> None:
        context = self._context
        cursor = await asyncio.to_thread(sync_service.cursor, context)
        try:
            batch = await client.changes(after=cursor, wait=context.settings.sync_long_poll_seconds)
        except LinkError as exc:
            if exc.code not in (SyncErrorCode.cursor_expired, SyncErrorCode.cursor_from_future):
                raise
            today = business_day(context.now(), timezone=context.centre.timezone)
            snapshot = await client.snapshot(from_day=today)
            await asyncio.to_thread(sync_service.apply_snapshot, context, snapshot)
        else:
            if batch.changes:
                await asyncio.to_thread(sync_service.apply_changes, context, batch)
        await self._exchanged("down", None)
