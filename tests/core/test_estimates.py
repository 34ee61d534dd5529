"""Wait estimates: the prior with no history, outliers, counters by weight share."""

from dataclasses import replace
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from centre_core import estimates
from centre_core.counters import CounterState, CounterStatus
from centre_core.policy import arrival
from centre_core.tickets import Ticket, TicketSource, TicketStatus
from tests.core.factory import (
    MONDAY_9AM,
    appointment_ticket,
    issue,
    minutes,
    open_state,
    small_centre,
)

CENTRE = small_centre()
PROPERTY_SETTINGS = settings(max_examples=300, deadline=None)


def test_prior_when_no_history() -> None:
    assert estimates.mean_service_seconds([], prior_seconds=480) == 480
    stats = estimates.service_time_stats([], prior_seconds=480)
    assert stats == estimates.ServiceTimeStats(count=0, mean_seconds=480)


def test_observations_pull_the_mean_away_from_the_prior() -> None:
    few = estimates.mean_service_seconds([120, 120], prior_seconds=480, prior_weight=5)
    many = estimates.mean_service_seconds([120] * 200, prior_seconds=480, prior_weight=5)
    assert 120 < many < few < 480
    assert abs(many - 120) < 10


def test_outliers_and_nonsense_are_ignored() -> None:
    stats = estimates.service_time_stats([300, 300, 300, 7200, 0, -5], prior_seconds=300)
    assert stats.count == 3
    assert stats.mean_seconds == 300


def test_estimate_wait() -> None:
    assert estimates.estimate_wait(
        people_ahead=0, counters_serving=2, mean_service_seconds=600
    ) == timedelta(0)
    assert estimates.estimate_wait(
        people_ahead=6, counters_serving=2, mean_service_seconds=600
    ) == timedelta(minutes=30)
    # No counter open: as if one counter.
    assert estimates.estimate_wait(
        people_ahead=3, counters_serving=0, mean_service_seconds=600
    ) == timedelta(minutes=30)
    # Half a counter's time: twice the wait.
    assert estimates.estimate_wait(
        people_ahead=3, counters_serving=0.5, mean_service_seconds=600
    ) == timedelta(minutes=60)


def test_estimate_waits_per_ticket() -> None:
    waiting = [issue(CENTRE, "BC", MONDAY_9AM + minutes(i)) for i in range(4)]
    counters = [open_state("C1")]  # C1 serves BC only
    waits = estimates.estimate_waits(
        centre=CENTRE,
        waiting=waiting,
        counters=counters,
        means={"BC": 300},
        now=MONDAY_9AM + minutes(5),
    )
    assert [waits[t.id] for t in waiting] == [timedelta(minutes=5 * i) for i in range(4)]


def test_a_shared_counter_counts_by_its_weight_share() -> None:
    # C2 serves BC (weight 2) and NID (weight 1): with both queues busy it gives BC 2/3 of its time.
    bc = [issue(CENTRE, "BC", MONDAY_9AM + minutes(i)) for i in range(3)]
    nid = [issue(CENTRE, "NID", MONDAY_9AM + minutes(i)) for i in range(2)]
    waits = estimates.estimate_waits(
        centre=CENTRE,
        waiting=bc + nid,
        counters=[open_state("C2")],
        means={"BC": 400, "NID": 600},
        now=MONDAY_9AM + minutes(5),
    )
    assert waits[bc[2].id] == timedelta(seconds=2 * 400 / (2 / 3))
    assert waits[nid[1].id] == timedelta(seconds=600 / (1 / 3))


def test_closed_counters_do_not_count_and_priors_fill_in() -> None:
    waiting = [issue(CENTRE, "BC", MONDAY_9AM + minutes(i)) for i in range(2)]
    waits = estimates.estimate_waits(
        centre=CENTRE,
        waiting=waiting,
        counters=[CounterState("C1"), open_state("C2")],
        means={},
        now=MONDAY_9AM,
    )
    # Only C2 is open and BC is its only busy queue: one full counter, the 8 min default prior.
    assert waits[waiting[1].id] == timedelta(minutes=8)


def test_appointments_and_priority_are_ahead_and_early_ones_wait_for_their_slot() -> None:
    walk_in = issue(CENTRE, "BC", MONDAY_9AM)
    elderly = issue(CENTRE, "BC", MONDAY_9AM + minutes(1), priority="elderly")
    early = appointment_ticket(CENTRE, "BC", slot=MONDAY_9AM + minutes(60), checked_in=MONDAY_9AM)
    waits = estimates.estimate_waits(
        centre=CENTRE,
        waiting=[walk_in, elderly, early],
        counters=[open_state("C1")],
        means={"BC": 600},
        now=MONDAY_9AM + minutes(2),
    )
    assert waits[early.id] == timedelta(minutes=58)
    assert waits[elderly.id] == timedelta(minutes=10)
    assert waits[walk_in.id] == timedelta(minutes=20)


def test_queue_estimate_for_a_new_ticket() -> None:
    waiting = [issue(CENTRE, "BC", MONDAY_9AM + minutes(i)) for i in range(3)]
    waiting.append(replace(issue(CENTRE, "BC", MONDAY_9AM), status=TicketStatus.done))
    estimate = estimates.queue_estimate(
        centre=CENTRE,
        queue_key="BC",
        waiting=waiting,
        counters=[open_state("C1"), open_state("C2")],
        means={"BC": 600},
    )
    # C1 gives BC all its time, C2 all of it too (BC is C2's only busy queue): 2 counters.
    assert estimate == timedelta(minutes=15)
    empty = estimates.queue_estimate(
        centre=CENTRE, queue_key="PCC", waiting=waiting, counters=[], means={}
    )
    assert empty == timedelta(0)


def by_queue(tickets: list[Ticket]) -> dict[str, list[Ticket]]:
    """Group tickets by queue key, as the server hands them to `estimates.standing`."""
    grouped: dict[str, list[Ticket]] = {}
    for ticket in tickets:
        grouped.setdefault(ticket.queue_key, []).append(ticket)
    return grouped


def test_one_ticket_estimate_needs_only_its_standing() -> None:
    walk_in = issue(CENTRE, "BC", MONDAY_9AM)
    elderly = issue(CENTRE, "BC", MONDAY_9AM + minutes(1), priority="elderly")
    mine = issue(CENTRE, "BC", MONDAY_9AM + minutes(2))
    nid = issue(CENTRE, "NID", MONDAY_9AM)
    place = estimates.standing(mine, by_queue([nid, elderly, walk_in]))
    assert place == estimates.Standing(
        ahead_by_arrival=2, ahead_in_calling_order=2, busy=frozenset({"BC", "NID.verification"})
    )
    assert estimates.standing(mine, {}) == estimates.Standing(
        ahead_by_arrival=0, ahead_in_calling_order=0, busy=frozenset({"BC"})
    )
    late_elderly = estimates.standing(elderly, by_queue([mine, walk_in, elderly]))
    assert (late_elderly.ahead_by_arrival, late_elderly.ahead_in_calling_order) == (1, 0)
    # C2 gives BC 2/3 of its time while NID waits too; C1 is closed.
    wait = estimates.estimate_wait_of(
        centre=CENTRE,
        ticket=mine,
        ahead=place.ahead_in_calling_order,
        busy=place.busy,
        open_counters=["C2"],
        means={"BC": 400},
        now=MONDAY_9AM + minutes(2),
    )
    assert wait == timedelta(seconds=2 * 400 / (2 / 3))


QUEUES = CENTRE.queue_keys
SERVICES = tuple(service.code for service in CENTRE.services)


def _ticket(
    queue: str,
    queued: int,
    ready: int,
    slot: int | None,
    source: TicketSource,
    priority: str | None,
    status: TicketStatus,
    sequence: int,
) -> Ticket:
    """A ticket of any queue, source, priority and status (built past the issuing rules)."""
    service, _, stage = queue.partition(".")
    queued_at = MONDAY_9AM + minutes(queued)
    return replace(
        issue(CENTRE, service, queued_at, sequence=sequence),
        stage_code=stage or None,
        status=status,
        source=source,
        priority=priority,
        appointment_slot=None if slot is None else MONDAY_9AM + minutes(slot),
        ready_at=queued_at + minutes(ready),
    )


TICKETS = st.lists(
    st.builds(
        _ticket,
        queue=st.sampled_from(QUEUES),
        # Few distinct minutes, so arrivals tie and the id decides.
        queued=st.integers(0, 6),
        ready=st.sampled_from([0, 0, 0, 2, 30]),
        slot=st.one_of(st.none(), st.integers(-20, 40)),
        source=st.sampled_from(list(TicketSource)),
        priority=st.sampled_from([None, None, "elderly", "disability"]),
        status=st.sampled_from([TicketStatus.waiting] * 4 + list(TicketStatus)),
        # Numbers in any order relative to ids, as with the server's random ids.
        sequence=st.integers(1, 999),
    ),
    min_size=1,
    max_size=25,
)
COUNTERS = st.lists(
    st.builds(
        CounterState,
        code=st.sampled_from([c.code for c in CENTRE.counters]),
        status=st.sampled_from(list(CounterStatus)),
    ),
    unique_by=lambda state: state.code,
)
MEANS = st.dictionaries(
    st.sampled_from(QUEUES + SERVICES), st.floats(0, 4000, allow_nan=False), max_size=6
)
NOW = st.integers(-30, 90).map(lambda offset: MONDAY_9AM + minutes(offset))


def _wait_alone(
    ticket: Ticket,
    listed: list[Ticket],
    counters: list[CounterState],
    means: dict[str, float],
    now: datetime,
) -> timedelta:
    place = estimates.standing(ticket, by_queue(listed))
    return estimates.estimate_wait_of(
        centre=CENTRE,
        ticket=ticket,
        ahead=place.ahead_in_calling_order,
        busy=place.busy,
        open_counters=[state.code for state in counters if state.status == CounterStatus.open],
        means=means,
        now=now,
    )


@PROPERTY_SETTINGS
@given(waiting=TICKETS, counters=COUNTERS, means=MEANS, now=NOW)
def test_one_ticket_estimate_equals_the_whole_queue_estimate(
    waiting: list[Ticket], counters: list[CounterState], means: dict[str, float], now: datetime
) -> None:
    everyone = estimates.estimate_waits(
        centre=CENTRE, waiting=waiting, counters=counters, means=means, now=now
    )
    for ticket in waiting:
        if ticket.status != TicketStatus.waiting:
            continue
        assert _wait_alone(ticket, waiting, counters, means, now) == everyone[ticket.id]
        # People ahead by arrival: the same queue's waiting tickets that took their place first.
        mine = (arrival(ticket), ticket.number, ticket.id)
        assert estimates.standing(ticket, by_queue(waiting)).ahead_by_arrival == sum(
            1
            for other in waiting
            if other.status == TicketStatus.waiting
            and other.queue_key == ticket.queue_key
            and (arrival(other), other.number, other.id) < mine
        )


@PROPERTY_SETTINGS
@given(
    waiting=TICKETS,
    counters=COUNTERS,
    means=MEANS,
    now=NOW,
    pick=st.integers(0, 24),
    copy=st.sampled_from(["listed", "absent", "stale", "moved"]),
)
def test_one_ticket_estimate_uses_the_given_ticket_not_its_listed_copy(
    waiting: list[Ticket],
    counters: list[CounterState],
    means: dict[str, float],
    now: datetime,
    pick: int,
    copy: str,
) -> None:
    # The server asks for a ticket just issued (not listed yet) or newer than its listed copy.
    ticket = replace(waiting[pick % len(waiting)], status=TicketStatus.waiting)
    others = [t for t in waiting if t.id != ticket.id]
    # Copies from before a change: ahead of everyone in the ticket's queue, or in another queue.
    stale = replace(
        ticket, source=TicketSource.appointment, appointment_slot=MONDAY_9AM - minutes(60)
    )
    moved = replace(ticket, service_code="PCC", stage_code=None)
    listed = {
        "listed": [*others, ticket],
        "absent": others,
        "stale": [*others, stale],
        "moved": [*others, moved],
    }[copy]
    expected = estimates.estimate_waits(
        centre=CENTRE, waiting=[*others, ticket], counters=counters, means=means, now=now
    )
    assert _wait_alone(ticket, listed, counters, means, now) == expected[ticket.id]
    assert estimates.standing(ticket, by_queue(listed)) == estimates.standing(
        ticket, by_queue(others)
    )
