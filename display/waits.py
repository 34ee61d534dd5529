"""Estimated waits as the hall reads them: rounded, honest, and blank when nobody serves."""

from __future__ import annotations

import math

# Rounded up to whole 5 minutes: a board promising "7 min" invites arguments at the counter.
ROUND_MINUTES = 5
NO_WAIT = "0 min"
NOBODY_SERVING = "–"


def wait_text(*, waiting: int, counters_open: int, estimated_minutes: int | None) -> str:
    """Word the estimated wait for someone joining this queue now: `15 min`, `1 h 20`, `–`.

    `estimated_minutes` is the server's estimate (it knows the recent service times); with no
    counter open for the service, or no estimate, the board promises nothing.
    """
    if counters_open == 0 or (waiting > 0 and estimated_minutes is None):
        return NOBODY_SERVING
    if waiting == 0 or not estimated_minutes:
        return NO_WAIT
    minutes = math.ceil(estimated_minutes / ROUND_MINUTES) * ROUND_MINUTES
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"
