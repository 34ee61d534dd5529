"""The running server's context: settings, centre configuration, database, hub and clock."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, select

from centre_core.centre import CentreConfig
from centre_core.centre_file import load_centre_config
from centre_core.clock import Clock
from centre_core.errors import CentreConfigError
from centre_server.auth import PrincipalCache
from centre_server.db.engine import create_db_engine
from centre_server.db.tables import CounterRow, IdempotencyRow
from centre_server.db.transactions import Database
from centre_server.hub import Hub
from centre_server.settings import Settings

IDEMPOTENCY_KEEP = timedelta(days=2)


class SystemClock:
    """The real clock (aware UTC); tests pass a `centre_core.clock.FixedClock` instead."""

    def now(self) -> datetime:
        """Return the current time in UTC."""
        return datetime.now(UTC)


@dataclass
class ServerContext:
    """Everything a request needs, built once per process."""

    settings: Settings
    centre: CentreConfig
    db: Database
    hub: Hub
    clock: Clock
    # Queue keys (service or service.stage) each counter serves, computed once.
    counter_queues: dict[str, tuple[str, ...]] = field(default_factory=dict)
    principals: PrincipalCache = field(default_factory=PrincipalCache)

    def now(self) -> datetime:
        """Return the current time from the context's clock."""
        return self.clock.now()


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
        centre=centre,
        db=Database(engine, hub=hub),
        hub=hub,
        clock=clock or SystemClock(),
        counter_queues=centre.queues_by_counter(),
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
