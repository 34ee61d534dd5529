"""The realtime hub: fans committed events out to websocket connections, in memory.

A centre runs exactly one server process (ARCHITECTURE.md), so the hub lives in that process's
memory; it is not a broker and a second process would not see its events. Write transactions
publish after commit while still holding the process's writer lock, so the hub receives events
in `seq` order; it delivers them on the event loop to one bounded queue per connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Sequence
from typing import NamedTuple

from centre_core.wire import EventMessage


class Outgoing(NamedTuple):
    """An event as its connections send it: its seq and its JSON text, serialised once."""

    seq: int
    text: str


class Subscription:
    """One connection's bounded queue; `None` in it means "you fell behind: go and resume"."""

    def __init__(self, *, maxsize: int) -> None:
        self.queue: asyncio.Queue[Outgoing | None] = asyncio.Queue(maxsize=maxsize + 1)
        self.maxsize = maxsize
        self.dropped = False

    def offer(self, message: Outgoing) -> None:
        """Queue a message, or drop the subscription when the client is too far behind."""
        if self.dropped:
            return
        if self.queue.qsize() >= self.maxsize:
            # A slow client must not hold memory for the whole centre: empty its queue and
            # leave the one marker that tells its connection to close; the client resumes
            # from the last seq it applied and gets the missing events from the database.
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(None)
            self.dropped = True
            return
        self.queue.put_nowait(message)


class Hub:
    """In-memory publish/subscribe of committed events (single process, see module doc)."""

    def __init__(self, *, queue_size: int) -> None:
        self._queue_size = queue_size
        self._subscriptions: set[Subscription] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self._last_seq = 0

    @property
    def last_seq(self) -> int:
        """Return the seq of the newest event published."""
        return self._last_seq

    @property
    def subscriber_count(self) -> int:
        """Return how many connections are subscribed."""
        return len(self._subscriptions)

    def start_at(self, seq: int) -> None:
        """Set the seq of the newest event already in the database (at start)."""
        with self._lock:
            self._last_seq = max(self._last_seq, seq)

    def bind(self, loop: asyncio.AbstractEventLoop | None) -> None:
        """Attach the event loop that owns the subscriptions (None: detach at shutdown)."""
        with self._lock:
            self._loop = loop

    def subscribe(self) -> Subscription:
        """Open a subscription; call on the event loop."""
        subscription = Subscription(maxsize=self._queue_size)
        self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        """Close a subscription; call on the event loop."""
        self._subscriptions.discard(subscription)

    def publish(self, messages: Sequence[EventMessage]) -> None:
        """Deliver committed events to every subscription; callable from any thread."""
        if not messages:
            return
        with self._lock:
            self._last_seq = max(self._last_seq, messages[-1].seq)
            loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._deliver(messages)
        else:
            # FIFO: callbacks scheduled from the (serialised) writers run in publish order.
            with contextlib.suppress(RuntimeError):  # the loop closed while shutting down
                loop.call_soon_threadsafe(self._deliver, messages)

    def _deliver(self, messages: Sequence[EventMessage]) -> None:
        # Serialise each event once, not once per connection: a hall has hundreds of them.
        outgoing = [Outgoing(message.seq, message.model_dump_json()) for message in messages]
        for subscription in list(self._subscriptions):
            for message in outgoing:
                subscription.offer(message)
