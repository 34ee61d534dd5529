"""Wait estimates from the queue ahead, the counters serving it and recent service times."""

import statistics
from collections.abc import Collection, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime, timedelta

from centre_core.centre import CentreConfig
from centre_core.clock import as_utc
from centre_core.counters import CounterState, CounterStatus
from centre_core.policy import arrival
from centre_core.tickets import Ticket, TicketSource, TicketStatus

OUTLIER_FACTOR = 4.0
# How many of a queue's newest service times its planning mean is taken from.
RECENT_SERVICE_TIMES = 20


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


def _rank(ticket: Ticket) -> int:
    if ticket.source == TicketSource.appointment:
        return 0
    return 1 if ticket.priority is not None else 2


def calling_order(ticket: Ticket) -> tuple[int, datetime, str]:
    """Return the sort key of the estimate's calling order within one queue.

    Approximates the policy: appointments, then priority, then arrival.
    """
    return (_rank(ticket), arrival(ticket), ticket.id)


def _open_codes(counters: Iterable[CounterState]) -> list[str]:
    return [state.code for state in counters if state.status == CounterStatus.open]


def _effective_counters(
    centre: CentreConfig, queue_key: str, open_codes: Iterable[str], busy: AbstractSet[str]
) -> float:
    """Open counters serving the queue, each counted by its weight share of its busy queues."""
    total = 0.0
    for code in open_codes:
        config = centre.counter(code)
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
    open_codes = _open_codes(counters)
    estimates: dict[str, timedelta] = {}
    for queue_key, tickets in queues.items():
        capacity = _effective_counters(centre, queue_key, open_codes, busy)
        mean = _mean_for(centre, queue_key, means)
        for ahead, ticket in enumerate(sorted(tickets, key=calling_order)):
            wait = estimate_wait(
                people_ahead=ahead, counters_serving=capacity, mean_service_seconds=mean
            )
            estimates[ticket.id] = max(wait, ticket.ready_at - now)
    return estimates


def related_queues(counter_queues: Mapping[str, Collection[str]], queue_key: str) -> set[str]:
    """Return the queues sharing counters with `queue_key` (they split those counters' time).

    `counter_queues` gives the queue keys each counter serves.
    """
    related = {queue_key}
    for queues in counter_queues.values():
        if queue_key in queues:
            related.update(queues)
    return related


@dataclass(frozen=True)
class Standing:
    """Where one waiting ticket stands among the waiting tickets of its related queues."""

    # Ahead in its queue by arrival: the number the citizen is told.
    ahead_by_arrival: int
    # Ahead in its queue in `calling_order`: the number the estimate plans with.
    ahead_in_calling_order: int
    # Queues with someone waiting (its own included): they share their counters' time.
    busy: frozenset[str]


def standing(ticket: Ticket, waiting: Mapping[str, Iterable[Ticket]]) -> Standing:
    """Return a waiting ticket's `Standing` from the waiting tickets of each queue, unsorted.

    One pass over the ticket's own queue; another queue only needs one ticket that is not
    this one to be busy. `waiting` may hold the ticket itself (matched by id, in any queue)
    or not; tickets that are not waiting are ignored. Ties in arrival go by number, then id.
    """
    queue_key, ticket_id = ticket.queue_key, ticket.id
    busy = {queue_key}
    for key, tickets in waiting.items():
        if key != queue_key and any(
            other.id != ticket_id and other.status == TicketStatus.waiting for other in tickets
        ):
            busy.add(key)
    mine_arrival = arrival(ticket)
    mine_by_arrival = (mine_arrival, ticket.number, ticket_id)
    mine_in_order = (_rank(ticket), mine_arrival, ticket_id)
    by_arrival = in_order = 0
    for other in waiting.get(queue_key, ()):
        if other.id == ticket_id or other.status != TicketStatus.waiting:
            continue
        other_arrival = arrival(other)
        if (other_arrival, other.number, other.id) < mine_by_arrival:
            by_arrival += 1
        if (_rank(other), other_arrival, other.id) < mine_in_order:
            in_order += 1
    return Standing(
        ahead_by_arrival=by_arrival, ahead_in_calling_order=in_order, busy=frozenset(busy)
    )


def estimate_wait_of(
    *,
    centre: CentreConfig,
    ticket: Ticket,
    ahead: int,
    busy: AbstractSet[str],
    open_counters: Iterable[str],
    means: Mapping[str, float],
    now: datetime,
) -> timedelta:
    """Estimate one waiting ticket's wait: what `estimate_waits` gives it, without the others.

    `ahead` counts the waiting tickets before it in its queue's `calling_order`; `busy` holds
    the queues with someone waiting; `open_counters` lists the codes of the open counters in
    the order `estimate_waits` would see them (the capacity is a float sum).
    """
    wait = estimate_wait(
        people_ahead=ahead,
        counters_serving=_effective_counters(centre, ticket.queue_key, open_counters, busy),
        mean_service_seconds=_mean_for(centre, ticket.queue_key, means),
    )
    return max(wait, ticket.ready_at - as_utc(now))


def ticket_wait(
    ticket: Ticket,
    *,
    centre: CentreConfig,
    waiting: Mapping[str, Iterable[Ticket]],
    open_counters: Iterable[str],
    means: Mapping[str, float],
    now: datetime,
) -> tuple[int, timedelta]:
    """Return the people ahead of a waiting ticket by arrival, and its estimated wait.

    `waiting` holds the waiting tickets of its `related_queues` (see `standing`); the others
    are as for `estimate_wait_of`. The citizen is told who arrived before them; the estimate
    follows the calling order, priorities and appointments included.
    """
    place = standing(ticket, waiting)
    wait = estimate_wait_of(
        centre=centre,
        ticket=ticket,
        ahead=place.ahead_in_calling_order,
        busy=place.busy,
        open_counters=open_counters,
        means=means,
        now=now,
    )
    return place.ahead_by_arrival, wait


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
        counters_serving=_effective_counters(centre, queue_key, _open_codes(counters), busy),
        mean_service_seconds=_mean_for(centre, queue_key, means),
    )


def wait_minutes(wait: timedelta | None) -> int | None:
    """Return a wait in whole minutes, rounded up (a citizen prefers a pleasant surprise)."""
    if wait is None:
        return None
    return max(0, -(-int(wait.total_seconds()) // 60))
