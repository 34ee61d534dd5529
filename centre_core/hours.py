"""Opening hours in centre-local time, one optional interval per weekday."""

import re
from dataclasses import dataclass
from datetime import datetime, time

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_INTERVAL = re.compile(r"^\s*(\d{2}):(\d{2})\s*-\s*(\d{2}):(\d{2})\s*$")


@dataclass(frozen=True)
class OpeningHours:
    """Per weekday (0 = Monday) an optional `(open, close)` pair of local times."""

    days: tuple[tuple[time, time] | None, ...]

    def __post_init__(self) -> None:
        if len(self.days) != 7:
            raise ValueError("opening hours need exactly 7 weekdays")
        for interval in self.days:
            if interval is not None and not interval[0] < interval[1]:
                raise ValueError("a day's opening time must come before its closing time")

    @classmethod
    def every_day(cls, open_at: time, close_at: time) -> "OpeningHours":
        """Build hours that are the same on all seven days."""
        return cls(days=((open_at, close_at),) * 7)

    def closed_reason(self, local_dt: datetime) -> str | None:
        """Why the centre is closed at this local time, or None when it is open."""
        interval = self.days[local_dt.weekday()]
        if interval is None:
            return "closed_today"
        wall = local_dt.time().replace(tzinfo=None)
        if wall < interval[0]:
            return "not_yet_open"
        if wall >= interval[1]:
            return "closed_for_the_day"
        return None

    def is_open(self, local_dt: datetime) -> bool:
        """Whether this local time falls inside the day's opening interval."""
        return self.closed_reason(local_dt) is None


def parse_interval(text: str) -> tuple[time, time] | None:
    """`"08:00-17:00"` as a pair of times, `"closed"` as None; ValueError otherwise."""
    if text.strip().lower() == "closed":
        return None
    match = _INTERVAL.match(text)
    if match is None:
        raise ValueError(f'expected "HH:MM-HH:MM" or "closed", got {text!r}')
    oh, om, ch, cm = (int(part) for part in match.groups())
    try:
        open_at, close_at = time(oh, om), time(ch, cm)
    except ValueError as exc:
        raise ValueError(f"{text!r}: {exc}") from None
    if not open_at < close_at:
        raise ValueError(f"{text!r}: opening time must come before closing time")
    return (open_at, close_at)
