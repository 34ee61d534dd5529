"""The staff member's own figures, tallied from the tickets this session finished."""

from __future__ import annotations

from datetime import date, datetime

from counter.model import StaffFigures


class HandlingTally:
    """Handling times per local day, keyed so a repeated finish of one stage counts once.

    Used when the centre has no figures route for staff: it knows only what this session did.
    """

    def __init__(self) -> None:
        self._seconds: dict[tuple[date, str], float] = {}

    def record(self, *, day: date, key: str, started_at: datetime, finished_at: datetime) -> None:
        """Count one finished ticket (stage) handled from `started_at` to `finished_at`."""
        self._seconds[(day, key)] = max(0.0, (finished_at - started_at).total_seconds())

    def figures(self, day: date) -> StaffFigures:
        """Return the served count, mean and longest handling time of `day`."""
        seconds = [value for (when, _), value in self._seconds.items() if when == day]
        if not seconds:
            return StaffFigures(served=0, mean_handling_seconds=None, longest_handling_seconds=None)
        return StaffFigures(
            served=len(seconds),
            mean_handling_seconds=sum(seconds) / len(seconds),
            longest_handling_seconds=max(seconds),
        )
