"""Estimated waits as the hall reads them: rounded, honest, and blank when nobody serves."""

from __future__ import annotations

import math

from translations.catalogs import SOURCE_LANGUAGE
from translations.messages import N_

# Rounded up to whole 5 minutes: a board promising "7 min" invites arguments at the counter.
ROUND_MINUTES = 5
NOBODY_SERVING = "–"
MINUTES = N_("{minutes} min")
HOURS_AND_MINUTES = N_("{hours} h {minutes}")
HOURS = N_("{hours} h")


def wait_text(
    *,
    waiting: int,
    counters_open: int,
    estimated_minutes: int | None,
    language: str = SOURCE_LANGUAGE,
) -> str:
    """Word the estimated wait for someone joining this queue now: `15 min`, `1 h 20`, `–`.

    `estimated_minutes` is the server's estimate (it knows the recent service times); with no
    counter open for the service, or no estimate, the board promises nothing.
    """
    if counters_open == 0 or (waiting > 0 and estimated_minutes is None):
        return NOBODY_SERVING
    if waiting == 0 or not estimated_minutes:
        return MINUTES.say(language, minutes=0)
    minutes = math.ceil(estimated_minutes / ROUND_MINUTES) * ROUND_MINUTES
    if minutes < 60:
        return MINUTES.say(language, minutes=minutes)
    hours, rest = divmod(minutes, 60)
    if rest:
        return HOURS_AND_MINUTES.say(language, hours=hours, minutes=f"{rest:02d}")
    return HOURS.say(language, hours=hours)
