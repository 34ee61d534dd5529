"""The KPI query layer: every figure of a manager's page and report, defined once (docs/kpis.md).

`build_report` reads a range of centre-local business days with a handful of set queries (the
day's tickets, their first calls, counter events, service times, appointments, staff names) and
computes every figure in one pass in Python, so percentiles are the same on SQLite and
PostgreSQL. The page, the CSV, the XLSX and the PDF all show a `Report` from here.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from centre_core.centre import CentreConfig
from centre_core.clock import as_utc, business_day_bounds
from centre_core.events import EventType
from centre_server.db.tables import (
    AppointmentRow,
    EventRow,
    ServiceTimeRow,
    StaffRow,
    TicketRow,
)

# An appointment is served inside its window when first called at most this long after its slot
# starts (the policy has no such setting: its late minutes are the check-in tolerance).
SERVED_WINDOW = timedelta(minutes=10)
# Events are read by seq (the primary key: `at` has no index). Their `at` follows the seq except
# for writers that took the time just before queueing for the lock; this margin covers them.
_SEQ_SEARCH_MARGIN = timedelta(hours=1)
_COUNTER_EVENTS = (
    EventType.counter_opened,
    EventType.counter_paused,
    EventType.counter_resumed,
    EventType.counter_closed,
)
_TICKET_EVENTS = tuple(t for t in EventType if t.startswith("ticket."))
_OPENING = {EventType.counter_opened, EventType.counter_resumed}


@dataclass(frozen=True)
class WaitStats:
    """Waits of the called tickets of a group, in seconds (None when nobody was called)."""

    count: int
    mean: float | None
    p50: float | None
    p90: float | None
    max: float | None


@dataclass(frozen=True)
class TicketFigures:
    """What happened to a group of tickets: arrivals, outcomes, waits and service level."""

    arrived: int
    served: int
    no_show: int
    never_called: int
    wait: WaitStats
    # Called tickets whose service has a target wait, and those of them called within it.
    with_target: int
    within_target: int

    @property
    def service_level(self) -> float | None:
        """Share of called tickets (with a target) called within their service's target wait."""
        return self.within_target / self.with_target if self.with_target else None


@dataclass(frozen=True)
class ServiceTimeStats:
    """Service times of finished stages, in seconds (None when nothing was finished)."""

    count: int
    total: float
    mean: float | None
    max: float | None


@dataclass(frozen=True)
class ServiceFigures:
    """One service: its tickets (by the service they were issued for) and its service times."""

    code: str
    name_en: str
    name_sw: str
    target_wait_minutes: int | None
    tickets: TicketFigures
    service_time: ServiceTimeStats


@dataclass(frozen=True)
class CounterFigures:
    """One counter: calls, no-shows, service times, time open and how much of it was idle."""

    code: str
    name: str
    calls: int
    no_shows: int
    service_time: ServiceTimeStats
    open_seconds: float
    idle_seconds: float

    @property
    def idle_share(self) -> float | None:
        """Share of the time open spent not serving anyone (None when never open)."""
        return self.idle_seconds / self.open_seconds if self.open_seconds else None


@dataclass(frozen=True)
class OfficerFigures:
    """One member of staff: the stages they finished and how long those took."""

    staff_number: str
    name: str
    service_time: ServiceTimeStats


@dataclass(frozen=True)
class HourFigures:
    """One hour of the day (centre-local), summed over the range's days."""

    hour: int
    tickets: TicketFigures
    counter_hours: float


@dataclass(frozen=True)
class DayFigures:
    """One business day of the range."""

    day: date
    tickets: TicketFigures


@dataclass(frozen=True)
class AppointmentFigures:
    """Appointments booked for the range and how they went."""

    booked: int
    cancelled: int
    checked_in: int
    punctual: int
    served_in_window: int

    @property
    def punctuality(self) -> float | None:
        """Share of checked-in appointments that arrived by their slot + the late tolerance."""
        return self.punctual / self.checked_in if self.checked_in else None

    @property
    def served_in_window_share(self) -> float | None:
        """Share of checked-in appointments first called within `SERVED_WINDOW` of the slot."""
        return self.served_in_window / self.checked_in if self.checked_in else None


@dataclass(frozen=True)
class Report:
    """Every KPI of a range of business days, in total and per service, counter, officer, hour."""

    centre_code: str
    centre_name: str
    first_day: date
    last_day: date
    totals: TicketFigures
    service_time: ServiceTimeStats
    open_seconds: float
    idle_seconds: float
    appointments: AppointmentFigures
    services: tuple[ServiceFigures, ...]
    counters: tuple[CounterFigures, ...]
    officers: tuple[OfficerFigures, ...]
    hours: tuple[HourFigures, ...]
    days: tuple[DayFigures, ...]

    @property
    def day_count(self) -> int:
        """Number of business days in the range."""
        return (self.last_day - self.first_day).days + 1

    @property
    def idle_share(self) -> float | None:
        """Share of all counters' open time spent not serving anyone."""
        return self.idle_seconds / self.open_seconds if self.open_seconds else None


def percentile(ordered: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile of sorted values: the smallest with at least p% at or below it."""
    if not ordered:
        return None
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def wait_stats(waits: Iterable[float]) -> WaitStats:
    """Count, mean, p50, p90 and max of waits in seconds."""
    ordered = sorted(waits)
    if not ordered:
        return WaitStats(0, None, None, None, None)
    return WaitStats(
        count=len(ordered),
        mean=sum(ordered) / len(ordered),
        p50=percentile(ordered, 50),
        p90=percentile(ordered, 90),
        max=ordered[-1],
    )


@dataclass
class _TicketTally:
    """Accumulates one group's tickets during the pass."""

    arrived: int = 0
    served: int = 0
    no_show: int = 0
    never_called: int = 0
    with_target: int = 0
    within_target: int = 0
    waits: list[float] = field(default_factory=list)

    def add(self, status: str, wait: float | None, target: float | None) -> None:
        self.arrived += 1
        self.served += status == "done"
        self.no_show += status == "no_show"
        if wait is None:
            self.never_called += 1
            return
        self.waits.append(wait)
        if target is not None:
            self.with_target += 1
            self.within_target += wait <= target

    def figures(self) -> TicketFigures:
        return TicketFigures(
            arrived=self.arrived,
            served=self.served,
            no_show=self.no_show,
            never_called=self.never_called,
            wait=wait_stats(self.waits),
            with_target=self.with_target,
            within_target=self.within_target,
        )


@dataclass
class _TimeTally:
    """Accumulates service times (count, sum, max) of one group."""

    count: int = 0
    total: float = 0.0
    longest: float | None = None

    def add(self, count: int, total: float, longest: float) -> None:
        self.count += count
        self.total += total
        self.longest = longest if self.longest is None else max(self.longest, longest)

    def stats(self) -> ServiceTimeStats:
        mean = self.total / self.count if self.count else None
        return ServiceTimeStats(self.count, self.total, mean, self.longest)


def range_bounds(
    centre: CentreConfig, first_day: date, last_day: date
) -> tuple[datetime, datetime]:
    """Return the UTC start of `first_day` and end of `last_day` (centre-local days)."""
    zone = ZoneInfo(centre.timezone)
    start, _ = business_day_bounds(
        datetime.combine(first_day, time(12), tzinfo=zone), timezone=centre.timezone
    )
    _, end = business_day_bounds(
        datetime.combine(last_day, time(12), tzinfo=zone), timezone=centre.timezone
    )
    return start, end


def build_report(
    session: Session,
    centre: CentreConfig,
    *,
    first_day: date,
    last_day: date,
    now: datetime | None = None,
) -> Report:
    """Compute every KPI of the business days `first_day`..`last_day` (inclusive).

    `now` (default: the end of the range) ends the intervals of counters still open, for a
    report on a day under way.
    """
    if last_day < first_day:
        raise ValueError(f"the range ends ({last_day}) before it starts ({first_day})")
    start, end = range_bounds(centre, first_day, last_day)
    until = min(end, as_utc(now)) if now is not None else end
    window = _event_seq_window(session, start, end)
    first_calls = _first_calls(session, start, end, *window)
    zone = ZoneInfo(centre.timezone)
    targets = {s.code: s.target_wait_minutes * 60.0 for s in centre.services}

    totals = _TicketTally()
    by_service: dict[str, _TicketTally] = defaultdict(_TicketTally)
    by_hour: dict[int, _TicketTally] = defaultdict(_TicketTally)
    by_day: dict[date, _TicketTally] = defaultdict(_TicketTally)
    no_shows: dict[str, int] = defaultdict(int)
    tickets = session.execute(
        select(
            TicketRow.id,
            TicketRow.issued_service_code,
            TicketRow.status,
            TicketRow.business_day,
            TicketRow.issued_at,
            TicketRow.appointment_slot,
            TicketRow.counter,
        ).where(TicketRow.business_day >= first_day, TicketRow.business_day <= last_day)
    )
    for ticket_id, service, status, day, issued_at, slot, counter in tickets:
        called = first_calls.get(ticket_id)
        # Callable from arrival, or from the slot for a booking checked in early.
        ready = max(issued_at, slot) if slot is not None else issued_at
        wait = None if called is None else max(0.0, (called - ready).total_seconds())
        target = targets.get(service)
        for tally in (
            totals,
            by_service[service],
            by_hour[issued_at.astimezone(zone).hour],
            by_day[day],
        ):
            tally.add(status, wait, target)
        if status == "no_show" and counter is not None:
            no_shows[counter] += 1

    calls = _calls_by_counter(session, start, end, *window)
    open_by_counter, open_by_hour = _open_time(session, start, until, window, zone)
    times = _service_times(session, start, end)
    busy = {code: tally.total for code, tally in times.by_counter.items()}

    counters = []
    for config in centre.counters:
        opened = open_by_counter.get(config.code, 0.0)
        counters.append(
            CounterFigures(
                code=config.code,
                name=config.name,
                calls=calls.get(config.code, 0),
                no_shows=no_shows.get(config.code, 0),
                service_time=times.by_counter.get(config.code, _TimeTally()).stats(),
                open_seconds=opened,
                idle_seconds=max(0.0, opened - busy.get(config.code, 0.0)),
            )
        )
    configured = {s.code: s for s in centre.services}
    # Services in the centre file, then any no longer in it that still had tickets.
    services = []
    for code in [*configured, *sorted(set(by_service) - set(configured))]:
        known = configured.get(code)
        services.append(
            ServiceFigures(
                code=code,
                name_en=known.name_en if known else code,
                name_sw=known.name_sw if known else code,
                target_wait_minutes=known.target_wait_minutes if known else None,
                tickets=by_service.get(code, _TicketTally()).figures(),
                service_time=times.by_service.get(code, _TimeTally()).stats(),
            )
        )
    names = _staff_names(session, times.by_officer)
    officers = tuple(
        OfficerFigures(staff_number=number, name=names.get(number, number), service_time=t.stats())
        for number, t in sorted(times.by_officer.items())
    )
    active_hours = set(by_hour) | {h for h, seconds in open_by_hour.items() if seconds > 0}
    hours = tuple(
        HourFigures(
            hour=hour,
            tickets=by_hour.get(hour, _TicketTally()).figures(),
            counter_hours=open_by_hour.get(hour, 0.0) / 3600,
        )
        for hour in (range(min(active_hours), max(active_hours) + 1) if active_hours else ())
    )
    every_day = (first_day + timedelta(days=n) for n in range((last_day - first_day).days + 1))
    days = tuple(
        DayFigures(day=day, tickets=by_day.get(day, _TicketTally()).figures()) for day in every_day
    )
    open_total = sum(c.open_seconds for c in counters)
    return Report(
        centre_code=centre.code,
        centre_name=centre.name,
        first_day=first_day,
        last_day=last_day,
        totals=totals.figures(),
        service_time=times.total.stats(),
        open_seconds=open_total,
        idle_seconds=sum(c.idle_seconds for c in counters),
        appointments=_appointments(session, centre, first_day, last_day, first_calls),
        services=tuple(services),
        counters=tuple(counters),
        officers=officers,
        hours=hours,
        days=days,
    )


def _stamped_seq_at(session: Session, moment: datetime, low: int, high: int) -> int:
    """Binary search: the first seq whose ticket or counter events are at or after `moment`.

    Only events stamped by this centre's clock steer it (a booking from the nation carries
    the nation's time).
    """
    while low < high:
        middle = (low + high) // 2
        found = session.execute(
            select(EventRow.seq, EventRow.at)
            .where(EventRow.seq >= middle, EventRow.type.in_([*_TICKET_EVENTS, *_COUNTER_EVENTS]))
            .order_by(EventRow.seq)
            .limit(1)
        ).first()
        if found is None or found.at >= moment:
            high = middle
        else:
            low = found.seq + 1
    return low


def _event_seq_window(session: Session, start: datetime, end: datetime) -> tuple[int, int]:
    """Return seqs `[low, high)` holding every event of `[start, end)`."""
    bounds = session.execute(select(func.min(EventRow.seq), func.max(EventRow.seq))).one()
    if bounds[0] is None:
        return 0, 0
    first, last = int(bounds[0]), int(bounds[1]) + 1
    low = _stamped_seq_at(session, start - _SEQ_SEARCH_MARGIN, first, last)
    return low, _stamped_seq_at(session, end + _SEQ_SEARCH_MARGIN, low, last)


def _in_window(
    start: datetime, end: datetime, low: int, high: int
) -> tuple[ColumnElement[bool], ...]:
    return (EventRow.seq >= low, EventRow.seq < high, EventRow.at >= start, EventRow.at < end)


def _first_calls(
    session: Session, start: datetime, end: datetime, low: int, high: int
) -> dict[str, datetime]:
    """Return the first `ticket.called` time of every ticket called in the window."""
    ticket_id = EventRow.data["ticket_id"].as_string()
    rows = session.execute(
        select(ticket_id.label("ticket_id"), func.min(EventRow.at).label("called"))
        .where(EventRow.type == EventType.ticket_called, *_in_window(start, end, low, high))
        .group_by(ticket_id)
    )
    return {row.ticket_id: row.called for row in rows}


def _calls_by_counter(
    session: Session, start: datetime, end: datetime, low: int, high: int
) -> dict[str, int]:
    """Return how many calls each counter made in the window (every stage, not recalls)."""
    counter = EventRow.data["counter"].as_string()
    rows = session.execute(
        select(counter.label("counter"), func.count().label("calls"))
        .where(EventRow.type == EventType.ticket_called, *_in_window(start, end, low, high))
        .group_by(counter)
    )
    return {row.counter: row.calls for row in rows}


def _split_by_hour(
    since: datetime, until: datetime, zone: ZoneInfo, per_hour: dict[int, float]
) -> None:
    """Add the seconds of `[since, until)` to the centre-local hours they fall in."""
    moment = since
    while moment < until:
        local = moment.astimezone(zone)
        into_hour = timedelta(
            minutes=local.minute, seconds=local.second, microseconds=local.microsecond
        )
        boundary = min(until, moment - into_hour + timedelta(hours=1))
        per_hour[local.hour] += (boundary - moment).total_seconds()
        moment = boundary


def _open_time(
    session: Session,
    start: datetime,
    until: datetime,
    window: tuple[int, int],
    zone: ZoneInfo,
) -> tuple[dict[str, float], dict[int, float]]:
    """Return the seconds each counter was open (not paused) and the counter-seconds per hour."""
    counter = EventRow.data["counter"].as_string()
    rows = session.execute(
        select(counter.label("counter"), EventRow.type, EventRow.at)
        .where(EventRow.type.in_(_COUNTER_EVENTS), *_in_window(start, until, *window))
        .order_by(EventRow.seq)
    )
    open_since: dict[str, datetime | None] = {}
    per_counter: dict[str, float] = defaultdict(float)
    per_hour: dict[int, float] = defaultdict(float)

    def add(code: str, since: datetime, to: datetime) -> None:
        per_counter[code] += (to - since).total_seconds()
        _split_by_hour(since, to, zone, per_hour)

    for row in rows:
        code: str = row.counter
        kind, at = row.type, row.at
        if code not in open_since:
            # The first event of the range tells the state before it: a pause or a close
            # ends an opening made earlier (a counter left open overnight).
            before = kind in (EventType.counter_paused, EventType.counter_closed)
            open_since[code] = start if before else None
        since = open_since[code]
        if kind in _OPENING:
            open_since[code] = since or at
        elif since is not None:
            add(code, since, at)
            open_since[code] = None
    for code, since in open_since.items():
        if since is not None and since < until:
            add(code, since, until)
    return dict(per_counter), dict(per_hour)


@dataclass
class _Times:
    """Service times rolled up in total and per service, counter and officer."""

    total: _TimeTally = field(default_factory=_TimeTally)
    by_service: dict[str, _TimeTally] = field(default_factory=lambda: defaultdict(_TimeTally))
    by_counter: dict[str, _TimeTally] = field(default_factory=lambda: defaultdict(_TimeTally))
    by_officer: dict[str, _TimeTally] = field(default_factory=lambda: defaultdict(_TimeTally))


def _service_times(session: Session, start: datetime, end: datetime) -> _Times:
    """Return the service times of the stages finished in `[start, end)`, in one aggregate."""
    rows = session.execute(
        select(
            ServiceTimeRow.queue_key,
            ServiceTimeRow.counter,
            ServiceTimeRow.staff_number,
            func.count(),
            func.sum(ServiceTimeRow.seconds),
            func.max(ServiceTimeRow.seconds),
        )
        .where(ServiceTimeRow.finished_at >= start, ServiceTimeRow.finished_at < end)
        .group_by(ServiceTimeRow.queue_key, ServiceTimeRow.counter, ServiceTimeRow.staff_number)
    )
    times = _Times()
    for queue_key, counter, staff_number, count, total, longest in rows:
        figures = (int(count), float(total), float(longest))
        groups = [times.total, times.by_service[queue_key.split(".", 1)[0]]]
        groups.append(times.by_counter[counter])
        if staff_number is not None:
            groups.append(times.by_officer[staff_number])
        for group in groups:
            group.add(*figures)
    return times


def _staff_names(session: Session, numbers: Iterable[str]) -> dict[str, str]:
    """Return the names of these members of staff."""
    wanted = list(numbers)
    if not wanted:
        return {}
    rows = session.execute(
        select(StaffRow.staff_number, StaffRow.name).where(StaffRow.staff_number.in_(wanted))
    )
    return {number: name for number, name in rows}


def _appointments(
    session: Session,
    centre: CentreConfig,
    first_day: date,
    last_day: date,
    first_calls: dict[str, datetime],
) -> AppointmentFigures:
    """Count the range's appointments: booked, cancelled, checked in, punctual, served in window."""
    tolerance = timedelta(minutes=centre.policy.appointment_late_minutes)
    booked = cancelled = checked_in = punctual = in_window = 0
    rows = session.execute(
        select(
            AppointmentRow.slot_start,
            AppointmentRow.status,
            AppointmentRow.checked_in_at,
            AppointmentRow.ticket_id,
        ).where(AppointmentRow.business_day >= first_day, AppointmentRow.business_day <= last_day)
    )
    for slot, status, arrived, ticket_id in rows:
        # A booking cancelled after its citizen checked in stays one that was kept.
        if arrived is None and status == "cancelled":
            cancelled += 1
            continue
        booked += 1
        if arrived is None:
            continue
        checked_in += 1
        punctual += arrived <= slot + tolerance
        called = first_calls.get(ticket_id) if ticket_id is not None else None
        in_window += called is not None and called <= slot + SERVED_WINDOW
    return AppointmentFigures(booked, cancelled, checked_in, punctual, in_window)
