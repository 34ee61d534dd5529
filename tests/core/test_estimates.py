"""Wait estimates: the prior with no history, outliers, counters by weight share."""

from dataclasses import replace
from datetime import timedelta

from centre_core import estimates
from centre_core.counters import CounterState
from tests.core.factory import (
    MONDAY_9AM,
    appointment_ticket,
    issue,
    minutes,
    open_state,
    small_centre,
)

CENTRE = small_centre()


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
    waiting.append(replace(issue(CENTRE, "BC", MONDAY_9AM), status="done"))  # type: ignore[arg-type]
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
