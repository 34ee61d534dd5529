"""GET /api/v1/staff/me/figures: the session's staff member's day, from the database."""

from datetime import UTC, datetime

import pytest

from centre_core.clock import FixedClock
from tests.server.harness import make_settings, start_harness, stop_harness

FIGURES = "/api/v1/staff/me/figures"


def figures(harness, counter="C07"):
    response = harness.client.get(FIGURES, headers=harness.auth(counter))
    assert response.status_code == 200, response.text
    return response.json()


def serve(harness, counter="C07", *, start_after=None, finish_after):
    """Call the next ticket, maybe start it, and finish it; times in seconds after the call."""
    assert harness.command(counter, "call-next").status_code == 200
    if start_after is not None:
        harness.clock.advance(seconds=start_after)
        assert harness.command(counter, "start").status_code == 200
        finish_after -= start_after
    harness.clock.advance(seconds=finish_after)
    assert harness.command(counter, "finish").status_code == 200


def test_nothing_served_yet(harness):
    harness.open_counter("C07")
    assert figures(harness) == {
        "served": 0,
        "mean_handling_seconds": None,
        "longest_handling_seconds": None,
    }


def test_handling_runs_from_the_start_of_serving_or_else_from_the_call(harness):
    harness.open_counter("C07")  # serves BC and DC
    harness.open_counter("C08")
    for _ in range(4):
        harness.issue("BC")
    serve(harness, start_after=60, finish_after=360)  # 300 s from the start of serving
    serve(harness, finish_after=120)  # never started: 120 s from the call
    assert harness.command("C07", "call-next").status_code == 200
    assert harness.command("C07", "no-show").status_code == 200  # not served
    serve(harness, "C08", finish_after=900)  # another member of staff
    assert figures(harness) == {
        "served": 2,
        "mean_handling_seconds": 210.0,
        "longest_handling_seconds": 300.0,
    }
    assert figures(harness, "C08")["served"] == 1


def test_figures_follow_the_staff_member_not_the_counter_or_the_session(harness):
    harness.open_counter("C07")  # staff SC07
    harness.issue("BC")
    harness.issue("BC")
    serve(harness, finish_after=100)
    assert harness.client.post("/api/v1/auth/logout", headers=harness.auth("C07")).status_code
    harness.add_staff("X1")
    harness.login("C07", staff_number="X1")
    serve(harness, finish_after=50)
    assert figures(harness)["served"] == 1
    assert figures(harness)["longest_handling_seconds"] == 50.0
    assert harness.client.post("/api/v1/auth/logout", headers=harness.auth("C07")).status_code
    harness.login("C07", staff_number="SC07")
    assert figures(harness)["served"] == 1
    assert figures(harness)["longest_handling_seconds"] == 100.0


@pytest.fixture
def late_harness(migrated_url, tmp_path):
    clock = FixedClock(datetime(2026, 11, 23, 20, 50, tzinfo=UTC))  # 23:50 in Nairobi
    settings = make_settings(migrated_url, tmp_path, ignore_opening_hours=True)
    running = start_harness(settings, clock)
    yield running
    stop_harness(running)


def test_the_day_is_the_centres_local_day(late_harness):
    harness = late_harness
    harness.open_counter("C07")
    harness.issue("BC")
    serve(harness, finish_after=480)  # finished 23:58 local, still Monday
    assert figures(harness)["served"] == 1
    harness.clock.set(datetime(2026, 11, 23, 21, 1, tzinfo=UTC))  # 00:01 Tuesday in Nairobi
    assert figures(harness)["served"] == 0


@pytest.mark.parametrize("role", ["kiosk", "display", "manager", "admin"])
def test_only_a_staff_session_at_a_counter_has_figures(harness, role):
    response = harness.client.get(FIGURES, headers=harness.auth(role))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
