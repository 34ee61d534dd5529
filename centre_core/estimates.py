"""Wait estimates from the queue ahead, the counters serving it and recent service times."""

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from centre_core.centre import CentreConfig
from centre_core.clock import as_utc
from centre_core.counters import CounterState, CounterStatus
from centre_core.policy import arrival
from centre_core.tickets import Ticket, TicketSource, TicketStatus

OUTLIER_FACTOR = 4.0


@dataclass(frozen=True)
class ServiceTimeStats:
    """Observed service times of a queue after dropping outliers, and the blended mean."""

    count: int
    mean_seconds: float


def service_time_stats(
    durations: Sequence[float], *, prior_seconds: float, prior_weight: int = 5
) -> ServiceTimeStats:
    """Blend observed service times with a prior worth `prior_weight` observations.

    Durations over 4x the median (a counter left open over lunch) and non-positive ones are
    ignored, so one forgotten ticket does not double everyone's estimate.
    """
    kept = [d for d in durations if d > 0]
    if kept:
        ceiling = statistics.median(kept) * OUTLIER_FACTOR
        kept = [d for d in kept if d <= ceiling]
    mean = (prior_seconds * prior_weight + sum(kept)) / (prior_weight + len(kept))
    return ServiceTimeStats(count=len(kept), mean_seconds=mean)


def mean_service_seconds(
    durations: Sequence[float], *, prior_seconds: float, prior_weight: int = 5
) -> float:
    """Return the mean service time to plan with (see `service_time_stats`)."""
    return service_time_stats(
        durations, prior_seconds=prior_seconds, prior_weight=prior_weight
    ).mean_seconds


def estimate_wait(
    *, people_ahead: int, counters_serving: float, mean_service_seconds: float
) -> timedelta:
    """Return the wait for `people_ahead` people served in parallel by `counters_serving`.

    With no counter open the estimate is made as if one were; the caller flags it.
    """
    capacity = counters_serving if counters_serving > 0 else 1.0
    return timedelta(seconds=round(people_ahead * mean_service_seconds / capacity))


def _queue_order(ticket: Ticket) -> tuple[int, datetime, str]:
    # Approximates the policy for one queue: appointments, then priority, then arrival.
    if ticket.source == TicketSource.appointment:
        rank = 0
    elif ticket.priority is not None:
        rank = 1
    else:
        rank = 2
    return (rank, arrival(ticket), ticket.id)


def _effective_counters(
    centre: CentreConfig, queue_key: str, counters: Sequence[CounterState], busy: set[str]
) -> float:
    """Open counters serving the queue, each counted by its weight share of its busy queues."""
    total = 0.0
    for state in counters:
        if state.status != CounterStatus.open:
            continue
        config = centre.counter(state.code)
        weight = config.weight_for(queue_key)
        if weight == 0:
            continue
        shared = sum(config.weight_for(key) for key in busy | {queue_key})
        total += weight / shared
    return total


def _mean_for(centre: CentreConfig, queue_key: str, means: Mapping[str, float]) -> float:
    service, _ = centre.queue(queue_key)
    if queue_key in means:
        return means[queue_key]
    return means.get(service.code, service.prior_service_minutes * 60.0)


def estimate_waits(
    *,
    centre: CentreConfig,
    waiting: Sequence[Ticket],
    counters: Sequence[CounterState],
    means: Mapping[str, float],
    now: datetime,
) -> dict[str, timedelta]:
    """Estimate the wait of every waiting ticket, keyed by ticket id.

    `means` gives mean service seconds per queue key or service code (else the service's
    prior). People ahead are counted in the queue's calling order; an appointment that waits
    for its slot waits at least until then.
    """
    now = as_utc(now)
    queues: dict[str, list[Ticket]] = {}
    for ticket in waiting:
        if ticket.status == TicketStatus.waiting:
            queues.setdefault(ticket.queue_key, []).append(ticket)
    busy = set(queues)
    estimates: dict[str, timedelta] = {}
    for queue_key, tickets in queues.items():
        capacity = _effective_counters(centre, queue_key, counters, busy)
        mean = _mean_for(centre, queue_key, means)
        for ahead, ticket in enumerate(sorted(tickets, key=_queue_order)):
            wait = estimate_wait(
                people_ahead=ahead, counters_serving=capacity, mean_service_seconds=mean
            )
            estimates[ticket.id] = max(wait, ticket.ready_at - now)
    return estimates


def queue_estimate(
    *,
    centre: CentreConfig,
    queue_key: str,
    waiting: Sequence[Ticket],
    counters: Sequence[CounterState],
    means: Mapping[str, float],
) -> timedelta:
    """Estimate the wait of a ticket issued now into `queue_key` (behind everyone waiting)."""
    active = [t for t in waiting if t.status == TicketStatus.waiting]
    busy = {t.queue_key for t in active}
    ahead = sum(1 for t in active if t.queue_key == queue_key)
    return estimate_wait(
        people_ahead=ahead,
        counters_serving=_effective_counters(centre, queue_key, counters, busy),
        mean_service_seconds=_mean_for(centre, queue_key, means),
    )
