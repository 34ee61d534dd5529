"""The running server's context: settings, centre configuration, database, hub and clock."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, select

from centre_core.centre import CentreConfig
from centre_core.centre_file import load_centre_config
from centre_core.clock import Clock, business_day, business_day_bounds
from centre_core.errors import CentreConfigError, QueueError
from centre_server.auth import PrincipalCache
from centre_server.db.engine import create_db_engine
from centre_server.db.tables import CounterRow, IdempotencyRow
from centre_server.db.transactions import Database
from centre_server.hub import Hub
from centre_server.repositories import day_state
from centre_server.settings import Settings

logger = logging.getLogger(__name__)
IDEMPOTENCY_KEEP = timedelta(days=2)


class SystemClock:
    """The real clock (aware UTC); tests pass a `centre_core.clock.FixedClock` instead."""

    def now(self) -> datetime:
        """Return the current time in UTC."""
        return datetime.now(UTC)


@dataclass(frozen=True)
class CentreDay:
    """The centre as it runs during one business day: the file, with managers' counter changes."""

    centre: CentreConfig
    starts: datetime
    ends: datetime
    # Queue keys (service or service.stage) each counter serves, computed once per change.
    counter_queues: dict[str, tuple[str, ...]]
    # The counters whose services a manager changed for this day, with their new selectors.
    changed: Mapping[str, Mapping[str, int]]

    def holds(self, now: datetime) -> bool:
        """Whether `now` falls in this business day."""
        return self.starts <= now < self.ends


def centre_day(
    file_centre: CentreConfig, now: datetime, changed: Mapping[str, Mapping[str, int]]
) -> CentreDay:
    """Return the centre of the business day holding `now`, counters changed as given."""
    centre = file_centre.with_counter_services(changed) if changed else file_centre
    starts, ends = business_day_bounds(now, timezone=file_centre.timezone)
    return CentreDay(
        centre=centre,
        starts=starts,
        ends=ends,
        counter_queues=centre.queues_by_counter(),
        changed=changed,
    )


@dataclass
class ServerContext:
    """Everything a request needs, built once per process.

    `file_centre` is the centre file as loaded; `centre` is today's centre: the file with the
    counter services managers changed for today (a new business day starts from the file).
    """

    settings: Settings
    file_centre: CentreConfig
    db: Database
    hub: Hub
    clock: Clock
    principals: PrincipalCache = field(default_factory=PrincipalCache)
    _day: CentreDay | None = field(default=None, repr=False)
    _day_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def now(self) -> datetime:
        """Return the current time from the context's clock."""
        return self.clock.now()

    def today(self) -> CentreDay:
        """Return the centre of the current business day (the file's, once the day changed)."""
        day, now = self._day, self.now()
        if day is None or not day.holds(now):
            day = centre_day(self.file_centre, now, {})
            self._day = day
        return day

    @property
    def centre(self) -> CentreConfig:
        """Today's centre configuration."""
        return self.today().centre

    @property
    def counter_queues(self) -> dict[str, tuple[str, ...]]:
        """Queue keys each counter serves today, by counter code."""
        return self.today().counter_queues

    def reload_counter_services(
        self, read: Callable[[date], Mapping[str, Mapping[str, int]]]
    ) -> None:
        """Rebuild today's centre from the counter services `read` finds committed for today.

        Read and set under one lock: of two changes committed in parallel, the one that sets
        last has read both.
        """
        with self._day_lock:
            now = self.now()
            today = business_day(now, timezone=self.file_centre.timezone)
            self._day = centre_day(self.file_centre, now, read(today))


def load_centre_file(path: Path) -> CentreConfig:
    """Read and validate a centre TOML file; raise `CentreConfigError` naming what is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CentreConfigError(
            path=(), problem=f"cannot read the file ({exc.strerror})", source=str(path)
        ) from exc
    return load_centre_config(text, source=str(path))


def always_open(centre: CentreConfig) -> CentreConfig:
    """Return the centre with every opening-hours rule removed (the demo runs at any hour)."""
    return replace(
        centre,
        hours=None,
        services=tuple(replace(service, hours=None) for service in centre.services),
    )


def build_context(settings: Settings, *, clock: Clock | None = None) -> ServerContext:
    """Load the centre file, create the engine and the hub; the schema must be migrated."""
    centre = load_centre_file(settings.centre_file)
    if settings.ignore_opening_hours:
        centre = always_open(centre)
    engine = create_db_engine(
        settings.resolved_database_url(), busy_timeout_ms=settings.sqlite_busy_timeout_ms
    )
    hub = Hub(queue_size=settings.stream_queue_size)
    return ServerContext(
        settings=settings,
        file_centre=centre,
        db=Database(engine, hub=hub),
        hub=hub,
        clock=clock or SystemClock(),
    )


def prepare_state(context: ServerContext) -> None:
    """Give each counter of the centre file a (closed) state row; start the hub at the last seq.

    Also forgets idempotency keys older than `IDEMPOTENCY_KEEP`: a client retries for
    seconds or minutes after a network blip, never days later.
    """
    with context.db.write() as transaction:
        transaction.session.execute(
            delete(IdempotencyRow).where(
                IdempotencyRow.created_at < context.now() - IDEMPOTENCY_KEEP
            )
        )
        known = set(transaction.session.scalars(select(CounterRow.code)))
        for counter in context.centre.counters:
            if counter.code not in known:
                transaction.session.add(
                    CounterRow(code=counter.code, status="closed", normal_streak=0)
                )
        context.hub.start_at(transaction.last_seq)
    try:
        load_counter_services(context)
    except QueueError as exc:
        # The centre file changed since a manager set them: the file's services hold today.
        logger.warning("today's counter services no longer fit the centre file: %s", exc.message)


def load_counter_services(context: ServerContext) -> None:
    """Load today's committed counter services into the context (at start, after a change)."""

    def read(day: date) -> dict[str, dict[str, int]]:
        with context.db.read() as session:
            return day_state.counter_services(session, day)

    context.reload_counter_services(read)
