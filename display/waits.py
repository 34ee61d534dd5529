"""Estimated waits as the hall reads them: rounded, honest, and blank when nobody serves."""

from __future__ import annotations

import math

from centre_core import estimates

# Rounded up to whole 5 minutes: a board promising "7 min" invites arguments at the counter.
ROUND_MINUTES = 5
NO_WAIT = "0 min"
NOBODY_SERVING = "–"


def wait_text(*, waiting: int, counters_open: int, mean_service_seconds: float) -> str:
    """Word the estimated wait for someone joining this queue now: `15 min`, `1 h 20`."""
    if waiting == 0 and counters_open > 0:
        return NO_WAIT
    if counters_open == 0:
        return NOBODY_SERVING
    wait = estimates.estimate_wait(
        people_ahead=waiting,
        counters_serving=float(counters_open),
        mean_service_seconds=mean_service_seconds,
    )
    minutes = max(ROUND_MINUTES, math.ceil(wait.total_seconds() / 60 / ROUND_MINUTES) * 5)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"
