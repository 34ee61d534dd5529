"""Nairobi midnight: numbers restart once per local day, across a server restart."""

from datetime import UTC, datetime

from centre_core.clock import FixedClock
from tests.server.harness import make_settings, start_harness, stop_harness

BEFORE_MIDNIGHT = datetime(2026, 11, 23, 20, 59, tzinfo=UTC)  # 23:59 in Nairobi
AFTER_MIDNIGHT = datetime(2026, 11, 23, 21, 1, tzinfo=UTC)  # 00:01 the next day


def test_numbers_restart_at_nairobi_midnight_once_across_restarts(migrated_url, tmp_path):
    settings = make_settings(migrated_url, tmp_path, ignore_opening_hours=True)
    clock = FixedClock(BEFORE_MIDNIGHT)
    harness = start_harness(settings, clock)
    harness.open_counter("C07")
    late = harness.issue("BC")
    assert late["number"] == "B-001" and late["business_day"] == "2026-11-23"
    assert harness.issue("BC")["number"] == "B-002"
    stop_harness(harness)

    clock.set(AFTER_MIDNIGHT)
    harness = start_harness(settings, clock)  # the server restarted over midnight
    harness.login("C07", staff_number="SC07")
    first_today = harness.issue("BC")
    assert first_today["number"] == "B-001" and first_today["business_day"] == "2026-11-24"
    # Yesterday's ticket, issued at 23:59, is called at 00:01 with its own number.
    called = harness.command("C07", "call-next").json()["ticket"]
    assert called["ticket_id"] == late["ticket_id"] and called["number"] == "B-001"
    stop_harness(harness)

    harness = start_harness(settings, clock)  # and once more the same day
    assert harness.issue("BC")["number"] == "B-002"
    stop_harness(harness)
