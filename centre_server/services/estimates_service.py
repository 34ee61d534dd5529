"""Feeds the core's wait estimates from the database: queues, open counters, service times."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from centre_core import estimates
from centre_core.policy import arrival
from centre_core.tickets import Ticket, TicketStatus
from centre_server.context import ServerContext
from centre_server.db.tables import ServiceTimeRow
from centre_server.repositories import counters as counter_repo
from centre_server.repositories import tickets as ticket_repo

RECENT_SERVICE_TIMES = 20


def minutes(wait: timedelta | None) -> int | None:
    """Return a wait in whole minutes, rounded up (a citizen prefers a pleasant surprise)."""
    if wait is None:
        return None
    return max(0, -(-int(wait.total_seconds()) // 60))


def related_queues(context: ServerContext, queue_key: str) -> set[str]:
    """Return the queues sharing counters with `queue_key` (they split those counters' time)."""
    related = {queue_key}
    for queues in context.counter_queues.values():
        if queue_key in queues:
            related.update(queues)
    return related


def mean_seconds(
    session: Session, context: ServerContext, queue_keys: Iterable[str]
) -> dict[str, float]:
    """Return the planning mean service time of each queue from its recent service times."""
    keys = list(queue_keys)
    # One query for every queue: the last RECENT_SERVICE_TIMES durations of each.
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
    for queue_key, seconds in session.execute(
        select(recent.c.queue_key, recent.c.seconds).where(recent.c.recency <= RECENT_SERVICE_TIMES)
    ):
        durations[queue_key].append(seconds)
    means: dict[str, float] = {}
    for queue_key in keys:
        service, _ = context.centre.queue(queue_key)
        means[queue_key] = estimates.mean_service_seconds(
            durations[queue_key], prior_seconds=service.prior_service_minutes * 60.0
        )
    return means


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
    the write path passes the writer's in-memory index).
    """
    if ticket.status != TicketStatus.waiting:
        return 0, None
    queues = related_queues(context, ticket.queue_key)
    waiting = (
        waiting_in(queues) if waiting_in is not None else ticket_repo.waiting_in(session, queues)
    )
    # The ticket itself may not be there yet (just issued, not committed) or be older.
    waiting = [t for t in waiting if t.id != ticket.id] + [ticket]
    counters = counter_repo.load_all(session, codes=context.counter_queues)
    waits = estimates.estimate_waits(
        centre=context.centre,
        waiting=waiting,
        counters=counters,
        means=mean_seconds(session, context, {ticket.queue_key}),
        now=now,
    )
    # People ahead by arrival in the queue (what a citizen understands); the estimate itself
    # follows the core's calling order, priorities and appointments included.
    mine = (arrival(ticket), ticket.number, ticket.id)
    ahead = sum(
        1
        for t in waiting
        if t.queue_key == ticket.queue_key
        and t.id != ticket.id
        and (arrival(t), t.number, t.id) < mine
    )
    return ahead, waits.get(ticket.id)
