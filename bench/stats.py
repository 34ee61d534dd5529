"""Latency recorders, percentiles and the medians of several runs."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

PERCENTILES = (50, 95, 99)


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """Return the `pct` percentile of sorted values, interpolating linearly between ranks."""
    if not sorted_values:
        return math.nan
    rank = (len(sorted_values) - 1) * pct / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (rank - low)


def summarise_ms(seconds: Iterable[float]) -> dict[str, float]:
    """Summarise durations in seconds as milliseconds: count, mean, p50/p95/p99, max."""
    values = sorted(value * 1000.0 for value in seconds)
    summary: dict[str, float] = {"count": float(len(values))}
    if not values:
        return summary
    summary["mean_ms"] = statistics.fmean(values)
    for pct in PERCENTILES:
        summary[f"p{pct}_ms"] = percentile(values, pct)
    summary["max_ms"] = values[-1]
    return summary


class Recorder:
    """Durations by name (e.g. per command), and the outcomes that were not successes."""

    def __init__(self) -> None:
        self.durations: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)

    def add(self, name: str, seconds: float) -> None:
        """Record one successful call of `name` that took `seconds`."""
        self.durations[name].append(seconds)

    def error(self, what: str) -> None:
        """Count one failure, keyed by what failed and how (e.g. `call-next:500`)."""
        self.errors[what] += 1

    @property
    def error_count(self) -> int:
        """Return the number of failures recorded."""
        return sum(self.errors.values())

    def summary(self) -> dict[str, dict[str, float]]:
        """Return the latency summary of every name."""
        return {name: summarise_ms(values) for name, values in sorted(self.durations.items())}


def median_of_runs(runs: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Return the element-wise median of numeric leaves across runs of the same shape.

    Leaves missing from some runs take the median of the runs that have them; text leaves keep
    the first run's value.
    """
    merged: dict[str, Any] = {}
    keys: list[str] = []
    for run in runs:
        keys.extend(key for key in run if key not in keys)
    for key in keys:
        values = [run[key] for run in runs if key in run]
        if all(isinstance(value, Mapping) for value in values):
            merged[key] = median_of_runs(values)
        elif all(_is_number(value) for value in values):
            finite = [float(value) for value in values if not math.isnan(float(value))]
            merged[key] = statistics.median(finite) if finite else math.nan
        else:
            merged[key] = values[0]
    return merged


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
