"""The national KPIs of a period, per centre and in total, from the projections (docs/national.md).

Two sources, each the one that can answer: counts of tickets come from `centre_day_figures`
(every ticket event, counted once as it is processed), waits and the service level from the
last `hall.summary` of each business day in `centre_summaries` (the centre's own KPI layer:
the nation has no call times). Everything is a sum, so centres and days add up; a mean is a
sum over a count, taken last. Percentiles do not add up: they stay in the centre's reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Engine, func, select

from centre_core.errors import QueueError
from national.db.session import transaction
from national.db.tables import CentreDayFiguresRow, CentreRow, CentreSummaryRow
from national.errors import OverviewErrorCode

MAX_PERIOD_DAYS = 366


@dataclass
class PeriodFigures:
    """What happened in a period (in one centre or several), as sums."""

    issued: int = 0
    served: int = 0
    no_shows: int = 0
    cancelled: int = 0
    checked_in: int = 0
    with_target: int = 0
    within_target: int = 0
    wait_count: int = 0
    wait_sum_seconds: float = 0.0
    wait_max_seconds: float | None = None

    @property
    def service_level(self) -> float | None:
        """Share of called tickets (with a target) called within it: sum within / sum with."""
        return self.within_target / self.with_target if self.with_target else None

    @property
    def mean_wait_seconds(self) -> float | None:
        """Mean wait of the called tickets: the sum of their waits over their count."""
        return self.wait_sum_seconds / self.wait_count if self.wait_count else None

    def add(self, other: PeriodFigures) -> None:
        """Add another group's figures to these (the maximum is the larger)."""
        for name in (
            "issued",
            "served",
            "no_shows",
            "cancelled",
            "checked_in",
            "with_target",
            "within_target",
            "wait_count",
            "wait_sum_seconds",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.wait_max_seconds = _larger(self.wait_max_seconds, other.wait_max_seconds)


def _larger(one: float | None, other: float | None) -> float | None:
    if one is None:
        return other
    return one if other is None else max(one, other)


@dataclass(frozen=True)
class CentrePeriod:
    """One centre's figures of the period."""

    code: str
    name: str
    figures: PeriodFigures


@dataclass(frozen=True)
class PeriodReport:
    """The period's figures per centre (every registered centre, by code) and in total."""

    first: date
    last: date
    centres: tuple[CentrePeriod, ...]
    total: PeriodFigures = field(default_factory=PeriodFigures)


def parse_period(first: str | None, last: str | None, *, today: date) -> tuple[date, date]:
    """Read `first`/`last` (YYYY-MM-DD; default today); `invalid_period` when they are not."""
    try:
        start = date.fromisoformat(first) if first else today
        end = date.fromisoformat(last) if last else start
    except ValueError as exc:
        raise QueueError(
            OverviewErrorCode.invalid_period, "give the days as YYYY-MM-DD (first and last)"
        ) from exc
    if end < start:
        raise QueueError(OverviewErrorCode.invalid_period, "the period ends before it starts")
    if end - start >= timedelta(days=MAX_PERIOD_DAYS):
        raise QueueError(
            OverviewErrorCode.invalid_period, f"a period is at most {MAX_PERIOD_DAYS} days"
        )
    return start, end


def period_report(engine: Engine, *, first: date, last: date) -> PeriodReport:
    """Compute the period's figures of every registered centre, and their total."""
    figures: dict[str, PeriodFigures] = {}
    with transaction(engine) as session:
        names: dict[str, str] = {
            code: name for code, name in session.execute(select(CentreRow.code, CentreRow.name))
        }
        for code in names:
            figures[code] = PeriodFigures()
        counts = session.execute(
            select(
                CentreDayFiguresRow.centre,
                func.sum(CentreDayFiguresRow.issued),
                func.sum(CentreDayFiguresRow.served),
                func.sum(CentreDayFiguresRow.no_shows),
                func.sum(CentreDayFiguresRow.cancelled),
                func.sum(CentreDayFiguresRow.checked_in),
            )
            .where(CentreDayFiguresRow.day.between(first, last))
            .group_by(CentreDayFiguresRow.centre)
        )
        for code, issued, served, no_shows, cancelled, checked_in in counts:
            if code in figures:
                row = figures[code]
                row.issued, row.served, row.no_shows = int(issued), int(served), int(no_shows)
                row.cancelled, row.checked_in = int(cancelled), int(checked_in)
        waits = session.execute(
            select(
                CentreSummaryRow.centre,
                func.sum(CentreSummaryRow.with_target),
                func.sum(CentreSummaryRow.within_target),
                func.sum(CentreSummaryRow.wait_count),
                func.sum(CentreSummaryRow.wait_sum_seconds),
                func.max(CentreSummaryRow.wait_max_seconds),
            )
            .where(CentreSummaryRow.business_day.between(first, last))
            .group_by(CentreSummaryRow.centre)
        )
        for code, with_target, within_target, wait_count, wait_sum, wait_max in waits:
            if code in figures:
                row = figures[code]
                row.with_target, row.within_target = int(with_target), int(within_target)
                row.wait_count, row.wait_sum_seconds = int(wait_count), float(wait_sum)
                row.wait_max_seconds = None if wait_max is None else float(wait_max)
    report = PeriodReport(
        first=first,
        last=last,
        centres=tuple(
            CentrePeriod(code=code, name=names[code], figures=figures[code])
            for code in sorted(names)
        ),
    )
    for centre in report.centres:
        report.total.add(centre.figures)
    return report
