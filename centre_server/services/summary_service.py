"""The hall summary the nation's overview shows: the hall now and its day so far, as an event."""

from __future__ import annotations

from centre_core.national_topics import HallSummary, SummaryAlert
from centre_server.context import ServerContext
from centre_server.reports import kpis
from centre_server.services import alert_service, hall_service


def summarise(context: ServerContext) -> HallSummary:
    """Return the hall's summary now: the hall snapshot, today's KPIs and the open alerts."""
    now = context.now()
    snapshot = hall_service.hall_snapshot(context)
    day = snapshot.business_day
    with context.db.read() as session:
        report = kpis.build_report(session, context.centre, first_day=day, last_day=day, now=now)
    figures = report.totals
    wait = figures.wait
    return HallSummary(
        at=now,
        business_day=day,
        waiting=snapshot.totals.waiting,
        longest_wait_minutes=snapshot.totals.longest_wait_minutes,
        counters_open=snapshot.totals.counters_open,
        arrived=figures.arrived,
        served=figures.served,
        no_show=figures.no_show,
        never_called=figures.never_called,
        wait_count=wait.count,
        wait_sum_seconds=round((wait.mean or 0.0) * wait.count, 3),
        wait_max_seconds=wait.max,
        with_target=figures.with_target,
        within_target=figures.within_target,
        alerts=tuple(
            SummaryAlert(kind=alert.kind, subject=alert.subject)
            for alert in alert_service.open_alerts(context).alerts
        ),
    )


def same_figures(one: HallSummary, other: HallSummary) -> bool:
    """Tell whether two summaries say the same apart from when they were taken."""
    return one.model_dump(exclude={"at"}) == other.model_dump(exclude={"at"})


def record(context: ServerContext, summary: HallSummary) -> None:
    """Append the summary as a `hall.summary` event (its outbox row in the same transaction)."""
    with context.db.write() as transaction:
        transaction.append([summary.event()])
