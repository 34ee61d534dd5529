"""A ticket's place and wait as the citizen gets them: open counters, recent service times."""

from datetime import timedelta

from sqlalchemy import update

from centre_core import estimates
from centre_core.policy import arrival
from centre_server.db.tables import CounterRow, ServiceTimeRow
from centre_server.repositories import counters as counter_repo
from centre_server.repositories import tickets as ticket_repo
from centre_server.services import estimates_service


def set_counters(harness, **statuses: str) -> None:
    with harness.context.db.write() as transaction:
        for code, status in statuses.items():
            transaction.session.execute(
                update(CounterRow).where(CounterRow.code == code).values(status=status)
            )


def add_service_times(harness, queue_key: str, seconds: list[float]) -> None:
    """Record service times, the last of the list the newest."""
    now = harness.clock.now()
    with harness.context.db.write() as transaction:
        for index, value in enumerate(seconds):
            transaction.session.add(
                ServiceTimeRow(
                    queue_key=queue_key,
                    counter="C07",
                    finished_at=now - timedelta(minutes=len(seconds) - index),
                    seconds=value,
                )
            )


def test_the_wait_counts_open_counters_and_the_twenty_latest_service_times(harness):
    # C07 serves BC (weight 2) and DC (weight 1); C08 (BC, DC, MAR) is paused, C02 closed.
    set_counters(harness, C07="open", C08="paused")
    # Ten older slow services, then twenty at 300 s: only the twenty latest count.
    add_service_times(harness, "BC", [900.0] * 10 + [300.0] * 20)
    harness.issue("DC")
    first = harness.issue("BC")
    harness.issue("BC")
    third = harness.issue("BC")
    mean = (9 * 60 * 5 + 20 * 300) / 25  # the 9 min prior is worth five observations
    # Two ahead; DC waits too, so C07 gives BC 2/3 of its time.
    expected = timedelta(seconds=round(2 * mean / (2 / 3)))
    assert third["people_ahead"] == 2
    assert third["estimated_wait_minutes"] == estimates.wait_minutes(expected)
    assert first["people_ahead"] == 0
    with harness.context.db.read() as session:
        ticket = ticket_repo.load(session, third["ticket_id"])
        now = harness.clock.now()
        assert estimates_service.ticket_wait(session, harness.context, ticket, now=now) == (
            2,
            expected,
        )


def test_ticket_wait_matches_the_estimate_of_the_whole_queue(harness):
    set_counters(harness, C02="open", C07="open", C08="paused")
    add_service_times(harness, "BC", [240.0, 420.0, 360.0])
    for service, priority in [
        ("BC", None),
        ("NID", None),
        ("BC", "elderly"),
        ("DC", None),
        ("BC", None),
        ("MAR", None),
        ("BC", "disability"),
    ]:
        harness.issue(service, **({"priority": priority} if priority else {}))
    context = harness.context
    now = harness.clock.now()
    with context.db.read() as session:
        waiting = ticket_repo.waiting_in(
            session, estimates.related_queues(context.counter_queues, "BC")
        )
        everyone = estimates.estimate_waits(
            centre=context.centre,
            waiting=waiting,
            counters=counter_repo.load_all(session, codes=context.counter_queues),
            means=estimates_service.mean_seconds(session, context, ["BC"]),
            now=now,
        )
        bc = [t for t in waiting if t.queue_key == "BC"]
        for ticket in bc:
            by_arrival = sum(1 for t in bc if arrival(t) < arrival(ticket))
            assert estimates_service.ticket_wait(session, context, ticket, now=now) == (
                by_arrival,
                everyone[ticket.id],
            )
