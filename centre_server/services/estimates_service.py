"""Feeds the core's wait estimates from the database: queues, open counters, service times."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from centre_core import estimates
from centre_core.counters import CounterStatus
from centre_core.tickets import Ticket, TicketStatus
from centre_server.context import ServerContext
from centre_server.db.tables import CounterRow, ServiceTimeRow
from centre_server.repositories import tickets as ticket_repo

# Built once: ticket_wait runs these on every issue, and building a statement costs more than
# running it.
_RECENT_SECONDS = (
    select(ServiceTimeRow.seconds)
    .where(ServiceTimeRow.queue_key == bindparam("queue_key"))
    .order_by(ServiceTimeRow.finished_at.desc())
    .limit(estimates.RECENT_SERVICE_TIMES)
)
_OPEN_COUNTERS = (
    select(CounterRow.code)
    .where(CounterRow.status == str(CounterStatus.open))
    .order_by(CounterRow.code)
)


def mean_seconds(
    session: Session, context: ServerContext, queue_keys: Iterable[str]
) -> dict[str, float]:
    """Return the planning mean service time of each queue from its recent service times."""
    keys = list(queue_keys)
    # One query for every queue: the last `estimates.RECENT_SERVICE_TIMES` durations of each.
    recent = (
        select(
            ServiceTimeRow.queue_key,
            ServiceTimeRow.seconds,
            func.row_number()
            .over(
                partition_by=ServiceTimeRow.queue_key,
                order_by=ServiceTimeRow.finished_at.desc(),
            )
            .label("recency"),
        )
        .where(ServiceTimeRow.queue_key.in_(keys))
        .subquery()
    )
    durations: dict[str, list[float]] = {key: [] for key in keys}
    for row in session.execute(  # rows read by name: mypy types their unpacking as `object`
        select(recent.c.queue_key, recent.c.seconds).where(
            recent.c.recency <= estimates.RECENT_SERVICE_TIMES
        )
    ):
        durations[row.queue_key].append(row.seconds)
    means: dict[str, float] = {}
    for queue_key in keys:
        service, _ = context.centre.queue(queue_key)
        means[queue_key] = estimates.mean_service_seconds(
            durations[queue_key], prior_seconds=service.prior_service_minutes * 60.0
        )
    return means


def recent_mean_seconds(session: Session, context: ServerContext, queue_key: str) -> float:
    """Return one queue's planning mean service time (`mean_seconds` for a single queue).

    The same last `estimates.RECENT_SERVICE_TIMES` durations, newest first, read through the
    (queue_key, finished_at) index instead of numbering the queue's whole history.
    """
    durations = session.scalars(_RECENT_SECONDS, {"queue_key": queue_key}).all()
    service, _ = context.centre.queue(queue_key)
    return estimates.mean_service_seconds(
        durations, prior_seconds=service.prior_service_minutes * 60.0
    )


def open_counters(session: Session, context: ServerContext) -> list[str]:
    """Return the codes of the centre's open counters, by code (the order the estimate sums in).

    Only the codes of the open rows, not every counter's full state; a row left by a counter
    since removed from the centre file is ignored.
    """
    return [code for code in session.scalars(_OPEN_COUNTERS) if code in context.counter_queues]


def ticket_wait(
    session: Session,
    context: ServerContext,
    ticket: Ticket,
    *,
    now: datetime,
    waiting_in: Callable[[Iterable[str]], list[Ticket]] | None = None,
) -> tuple[int, timedelta | None]:
    """Return the people ahead of a ticket in its queue and its estimated wait.

    `waiting_in` gives the waiting tickets of some queues (default: read from the database;
    the write path passes the writer's in-memory index). The wait depends only on how many
    are ahead of the ticket in its own queue (one pass, no sort) and on which related queues
    have someone waiting.
    """
    if ticket.status != TicketStatus.waiting:
        return 0, None
    queues = estimates.related_queues(context.counter_queues, ticket.queue_key)
    waiting: dict[str, list[Ticket]]
    if waiting_in is not None:
        # The writer's index hands out one queue's list cheaply; `standing` then walks only the
        # ticket's own queue and looks at one ticket of each other queue.
        waiting = {key: waiting_in([key]) for key in queues}
    else:
        waiting = {key: [] for key in queues}
        for other in ticket_repo.waiting_in(session, queues):
            waiting[other.queue_key].append(other)
    # The ticket itself may not be there yet (just issued, not committed) or be older:
    # `standing` counts the ticket given here, never its copy in `waiting`.
    return estimates.ticket_wait(
        ticket,
        centre=context.centre,
        waiting=waiting,
        open_counters=open_counters(session, context),
        means={ticket.queue_key: recent_mean_seconds(session, context, ticket.queue_key)},
        now=now,
    )
