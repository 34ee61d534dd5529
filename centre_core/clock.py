"""Time for the pure core: an injectable clock, UTC checks and the centre-local business day."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    """Anything that tells the current time as an aware UTC datetime."""

    def now(self) -> datetime:
        """Return the current instant (aware, UTC)."""
        ...


def as_utc(moment: datetime) -> datetime:
    """`moment` converted to UTC; a naive datetime is a programming error."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: the core needs aware datetimes")
    return moment.astimezone(UTC)


class FixedClock:
    """A clock that only moves when told to, for tests and simulations."""

    def __init__(self, start: datetime) -> None:
        self._now = as_utc(start)

    def now(self) -> datetime:
        """Return the instant the clock is set to."""
        return self._now

    def advance(self, *, seconds: float = 0, minutes: float = 0) -> None:
        """Move the clock forward."""
        if seconds < 0 or minutes < 0:
            raise ValueError("a clock only moves forward")
        self._now += timedelta(seconds=seconds, minutes=minutes)

    def set(self, at: datetime) -> None:
        """Put the clock at an instant (any direction, for tests)."""
        self._now = as_utc(at)


def local_time(moment: datetime, *, timezone: str) -> datetime:
    """`moment` as wall-clock time in the centre's time zone."""
    return as_utc(moment).astimezone(ZoneInfo(timezone))


def business_day(now: datetime, *, timezone: str) -> date:
    """Return the centre-local date of `now`: ticket numbers restart when it changes."""
    return local_time(now, timezone=timezone).date()


def business_day_bounds(now: datetime, *, timezone: str) -> tuple[datetime, datetime]:
    """Return the UTC start and end of the centre-local day holding `now`."""
    zone = ZoneInfo(timezone)
    day = business_day(now, timezone=timezone)
    start = datetime.combine(day, time(), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)
