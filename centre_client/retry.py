"""Idempotency keys and the retry of a command, with the same key, after a network blip."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx

T = TypeVar("T")

# Failures after which the request may have reached the server: only an idempotent request
# (a GET, or a command carrying its `request_id`) may be sent again.
SENT_MAYBE: tuple[type[Exception], ...] = (httpx.TransportError,)
# Failures before any byte of the request left: any request may be sent again.
NEVER_SENT: tuple[type[Exception], ...] = (httpx.ConnectError, httpx.ConnectTimeout)


def new_request_id() -> str:
    """Return a fresh idempotency key for one logical command."""
    return uuid.uuid4().hex


async def retry_transient(
    attempt: Callable[[], Awaitable[T]],
    *,
    retries: int,
    delay: float,
    idempotent: bool,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """Run `attempt`, running it again up to `retries` times after a transient network error.

    `attempt` must send the very same request each time (same `request_id`): the server then
    answers a repeat with the first result, so a retry after a timeout never issues a second
    ticket. The delay doubles after each failure; the last error is raised as is.
    """
    retryable = SENT_MAYBE if idempotent else NEVER_SENT
    failures = 0
    while True:
        try:
            return await attempt()
        except retryable:
            if failures == retries:
                raise
            await sleep(delay * 2**failures)
            failures += 1
