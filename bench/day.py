"""A generated day of a large centre: arrivals over the hours, service mix, appointments.

Deterministic for a seed. Arrivals follow the shape of a Huduma day (a queue at opening, the
peak mid-morning, a lunch dip, a smaller afternoon bump, few after 16:00); one visit in ten is
a booked appointment, which arrives up to 20 minutes before its slot; a few visitors are
priority cases and a few never come to the counter when called. Counter minutes per queue
come from `bench.workload`, scaled so that the centre's counters are busy `utilisation` of
the opening hours: queues build in the peak and drain in the afternoon.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass

from bench import workload

OPEN_HOURS = 9  # 08:00-17:00
# Relative arrivals per hour from opening (08-09, 09-10, ..., 16-17).
HOURLY_SHAPE = (1.1, 1.5, 1.5, 1.3, 1.0, 0.8, 1.0, 0.7, 0.3)
PRIORITIES = ("elderly", "disability", "pregnant_or_infant")
APPOINTMENT_SERVICES = ("NID", "PCC", "DL", "BC", "BRS", "MAR", "HELB")
SLOT_SECONDS = 15 * 60
EARLY_SECONDS = 20 * 60
WALK_SECONDS = 20.0  # from the call to the counter


@dataclass(frozen=True)
class Visit:
    """One citizen: when they arrive (seconds after opening), for what, and how it goes."""

    arrival: float
    service: str
    stage_seconds: tuple[float, ...]  # counter time at each stage of the service
    priority: str | None = None
    appointment: str | None = None  # booking reference
    slot: float | None = None  # the appointment's start, seconds after opening
    no_show: bool = False


@dataclass(frozen=True)
class Day:
    """The visits of one day, by arrival, and what the generator assumed."""

    visits: tuple[Visit, ...]
    counters: int
    open_seconds: float
    utilisation: float
    service_scale: float


def _arrival(rng: random.Random, cumulative: list[float]) -> float:
    hour = bisect.bisect_left(cumulative, rng.random() * cumulative[-1])
    return (hour + rng.random()) * 3600.0


def generate_day(
    *,
    tickets: int = 10_000,
    counters: int = 60,
    seed: int = 7,
    utilisation: float = 0.85,
    appointment_share: float = 0.10,
    priority_share: float = 0.06,
    no_show_share: float = 0.03,
) -> Day:
    """Generate a day of `tickets` visits for a centre of `counters` counters."""
    rng = random.Random(seed)
    open_seconds = OPEN_HOURS * 3600.0
    # Scale the typical minutes so that the day's work fills `utilisation` of the counters.
    capacity_minutes = counters * open_seconds / 60.0 * utilisation
    scale = capacity_minutes / (tickets * workload.mean_minutes_per_ticket())
    cumulative = list(itertools.accumulate(HOURLY_SHAPE))
    services = list(workload.DEMAND)
    weights = [workload.DEMAND[s] for s in services]
    # Bookings are only taken for some services: their rate makes the day's share come out.
    appointment_rate = appointment_share / sum(workload.DEMAND[s] for s in APPOINTMENT_SERVICES)
    visits = []
    for index, service in enumerate(rng.choices(services, weights=weights, k=tickets)):
        keys = [k for k in workload.QUEUE_MINUTES if workload.queue_service(k) == service]
        # Gamma with shape 4: most cases near the typical time, a tail of hard ones.
        stage_seconds = tuple(
            rng.gammavariate(4.0, workload.QUEUE_MINUTES[k] * 60.0 * scale / 4.0) for k in keys
        )
        arrival = _arrival(rng, cumulative)
        appointment = slot = priority = None
        if service in APPOINTMENT_SERVICES and rng.random() < appointment_rate:
            slot = max(SLOT_SECONDS, (arrival // SLOT_SECONDS) * SLOT_SECONDS)
            arrival = max(0.0, slot - rng.random() * EARLY_SECONDS)
            appointment = f"BENCH-{seed}-{index:05d}"
        elif rng.random() < priority_share:
            priority = rng.choice(PRIORITIES)
        visits.append(
            Visit(
                arrival=arrival,
                service=service,
                stage_seconds=stage_seconds,
                priority=priority,
                appointment=appointment,
                slot=slot,
                no_show=rng.random() < no_show_share,
            )
        )
    visits.sort(key=lambda visit: visit.arrival)
    return Day(
        visits=tuple(visits),
        counters=counters,
        open_seconds=open_seconds,
        utilisation=utilisation,
        service_scale=scale,
    )


def describe(day: Day) -> dict[str, float]:
    """Return the day's headline numbers (for the report)."""
    visits = day.visits
    by_hour = [0] * OPEN_HOURS
    for visit in visits:
        by_hour[min(OPEN_HOURS - 1, int(visit.arrival // 3600))] += 1
    return {
        "tickets": len(visits),
        "counters": day.counters,
        "appointments": sum(v.appointment is not None for v in visits),
        "priority": sum(v.priority is not None for v in visits),
        "no_shows": sum(v.no_show for v in visits),
        "stages": sum(len(v.stage_seconds) for v in visits),
        "peak_hour_arrivals": max(by_hour),
        "service_scale": day.service_scale,
        "mean_counter_minutes_per_ticket": sum(sum(v.stage_seconds) for v in visits)
        / 60.0
        / len(visits),
    }
