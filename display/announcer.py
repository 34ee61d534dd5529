"""The announcer: calls queue up and are played one at a time, in `seq` order, each to the end.

One worker task plays; nothing else touches the player, so two announcements can never overlap
and none is cut off. Each announcement's sound is rendered (in a worker thread) as soon as the
call arrives, so it is ready when its turn comes and the first one follows the screen within a
fraction of a second.

Policy:
- A call is announced once per (`seq`, ticket): a replayed event is ignored, a recall (a new
  event, a new `seq`) is announced again.
- Waiting calls are played in `seq` order, even if they arrived out of order.
- A call older than `max_age` (by its event time when known, else by when it arrived) is
  skipped: after a long disconnection the display must not read out calls from long ago. The
  default, 10 minutes, lets a pile-up of 30 calls (about 12 s each) all be heard.
- At most `max_pending` calls wait; past that the oldest waiting one is dropped and logged.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from display import audio
from display.announcements import Announcement, CallLike
from display.players import AudioPlayer
from display.speech import Rendering

log = logging.getLogger(__name__)

DEFAULT_MAX_AGE = timedelta(minutes=10)
DEFAULT_MAX_PENDING = 100
# Renders run in threads; two at a time keep a 2-core display responsive during a burst.
RENDER_CONCURRENCY = 2
# How many announced (seq, ticket) keys are remembered to ignore replays.
REMEMBERED_KEYS = 2048


class Synthesizer(Protocol):
    """Renders an announcement to sound (the speech module's `AnnouncementSynthesizer`)."""

    def render(self, announcement: Announcement) -> Rendering:
        """Return the announcement's WAV; engine failures are carried, not raised."""


@dataclass
class AnnouncerStatus:
    """Counts of what the announcer did and the last sound fault (None once a call plays well).

    `errors` counts faults by code (`speech_engine_missing`, `player_failed`, ...).
    """

    played: int = 0
    duplicates: int = 0
    stale: int = 0
    overflowed: int = 0
    last_error: str | None = None
    errors: dict[str, int] = field(default_factory=dict)


@dataclass(eq=False)
class _Pending:
    announcement: Announcement
    arrived: float
    rendering: asyncio.Task[Rendering]


class Announcer:
    """Queue of hall announcements played by a single worker; see the module's policy."""

    def __init__(
        self,
        synthesizer: Synthesizer,
        player: AudioPlayer,
        *,
        max_age: timedelta = DEFAULT_MAX_AGE,
        max_pending: int = DEFAULT_MAX_PENDING,
        monotonic: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if max_pending < 1:
            raise ValueError(f"max_pending must be at least 1: {max_pending}")
        self.synthesizer = synthesizer
        self.player = player
        self.max_age = max_age
        self.max_pending = max_pending
        self.status = AnnouncerStatus()
        self._monotonic = monotonic
        self._now = now
        self._heap: list[tuple[int, int, _Pending]] = []
        self._arrivals = itertools.count()
        self._seen: OrderedDict[tuple[int, str], None] = OrderedDict()
        self._render_slots = asyncio.Semaphore(RENDER_CONCURRENCY)
        self._wakeup = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._worker: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Announcer:
        self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    @property
    def pending(self) -> int:
        """How many announcements wait to be played."""
        return len(self._heap)

    def start(self) -> None:
        """Start the worker on the running event loop (idempotent)."""
        if self._worker is None or self._worker.done():
            self._worker = asyncio.get_running_loop().create_task(
                self._play_forever(), name="announcer"
            )

    async def aclose(self) -> None:
        """Stop the worker (cutting off what plays now) and forget the waiting calls."""
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
            self._worker = None
        while self._heap:
            heapq.heappop(self._heap)[2].rendering.cancel()
        self._idle.set()

    def announce_call(self, call: CallLike) -> bool:
        """Queue the announcement of a call from the event stream; see `announce`."""
        return self.announce(Announcement.of_call(call))

    def announce(self, announcement: Announcement) -> bool:
        """Queue an announcement; False if it is a duplicate or already too old to announce.

        Call it from the event loop's thread (the display's UI runs on that loop).
        """
        key = announcement.key
        if key in self._seen:
            self.status.duplicates += 1
            return False
        self._seen[key] = None
        while len(self._seen) > REMEMBERED_KEYS:
            self._seen.popitem(last=False)
        arrived = self._monotonic()
        if self._too_old(announcement, arrived):
            self.status.stale += 1
            log.info("not announcing %s: called over %s ago", announcement.label, self.max_age)
            return False
        if len(self._heap) >= self.max_pending:
            dropped = heapq.heappop(self._heap)[2]
            dropped.rendering.cancel()
            self.status.overflowed += 1
            log.warning("announcement queue full: dropped %s", dropped.announcement.label)
        rendering = asyncio.get_running_loop().create_task(self._render(announcement))
        pending = _Pending(announcement, arrived, rendering)
        heapq.heappush(self._heap, (announcement.seq, next(self._arrivals), pending))
        self._idle.clear()
        self._wakeup.set()
        return True

    async def wait_idle(self) -> None:
        """Return once every queued announcement has been played (or skipped)."""
        await self._idle.wait()

    async def _render(self, announcement: Announcement) -> Rendering:
        async with self._render_slots:
            return await asyncio.to_thread(self.synthesizer.render, announcement)

    async def _play_forever(self) -> None:
        while True:
            if not self._heap:
                self._idle.set()
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            pending = heapq.heappop(self._heap)[2]
            try:
                await self._play(pending)
            except asyncio.CancelledError:
                pending.rendering.cancel()
                raise
            except Exception:
                # A bug in a synthesizer or player must not silence the hall for the day.
                log.exception("announcement %s failed", pending.announcement.label)
                self._note_error("announcer_failed")

    async def _play(self, pending: _Pending) -> None:
        announcement = pending.announcement
        if self._too_old(announcement, pending.arrived):
            pending.rendering.cancel()
            self.status.stale += 1
            log.info("skipping %s: waited over %s", announcement.label, self.max_age)
            return
        rendering = await pending.rendering
        if rendering.error is not None:
            self._note_error(rendering.error.code)
        try:
            await self.player.play(rendering.wav, label=announcement.label)
        except audio.AudioError as error:
            log.warning("cannot play %s: %s", announcement.label, error)
            self._note_error(error.code)
            return
        self.status.played += 1
        if rendering.error is None:
            self.status.last_error = None

    def _too_old(self, announcement: Announcement, arrived: float) -> bool:
        max_age = self.max_age.total_seconds()
        if self._monotonic() - arrived > max_age:
            return True
        called_at = announcement.called_at
        if called_at is None:
            return False
        if called_at.tzinfo is None:
            called_at = called_at.replace(tzinfo=UTC)
        return (self._now() - called_at).total_seconds() > max_age

    def _note_error(self, code: str) -> None:
        self.status.last_error = code
        self.status.errors[code] = self.status.errors.get(code, 0) + 1
