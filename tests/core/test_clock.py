"""The clock passed into the core, and the centre-local business day."""

from datetime import UTC, date, datetime

import pytest

from centre_core.clock import FixedClock, as_utc, business_day
from tests.core.factory import nairobi


def test_business_day_turns_at_nairobi_midnight_not_utc_midnight() -> None:
    before = nairobi(2026, 11, 23, 23, 59)
    after = nairobi(2026, 11, 24, 0, 1)
    assert before == datetime(2026, 11, 23, 20, 59, tzinfo=UTC)
    assert after == datetime(2026, 11, 23, 21, 1, tzinfo=UTC)
    assert business_day(before, timezone="Africa/Nairobi") == date(2026, 11, 23)
    assert business_day(after, timezone="Africa/Nairobi") == date(2026, 11, 24)
    # Same UTC date, two Nairobi days.
    assert before.date() == after.date()


def test_fixed_clock_moves_only_when_told() -> None:
    clock = FixedClock(nairobi(2026, 11, 23, 9))
    start = clock.now()
    assert clock.now() == start
    clock.advance(minutes=2, seconds=30)
    assert (clock.now() - start).total_seconds() == 150
    clock.set(nairobi(2026, 11, 24, 9))
    assert business_day(clock.now(), timezone="Africa/Nairobi") == date(2026, 11, 24)
    with pytest.raises(ValueError):
        clock.advance(seconds=-1)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        as_utc(datetime(2026, 11, 23, 9))
    with pytest.raises(ValueError):
        FixedClock(datetime(2026, 11, 23, 9))
    assert as_utc(nairobi(2026, 11, 23, 9)).tzinfo is UTC
