"""The report's charts as inline SVG for the page (the PDF draws the same figures itself)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from centre_server.reports.kpis import Report

WIDTH, HEIGHT = 640, 220
LEFT, BOTTOM, TOP = 40, 24, 12


@dataclass(frozen=True)
class Series:
    """One series of a chart: its label, colour and one value per hour (None: no value)."""

    label: str
    colour: str
    values: tuple[float | None, ...]
    bars: bool = False


def _scale_top(values: list[float]) -> float:
    top = max(values, default=0.0)
    if top <= 0:
        return 1.0
    step = 10 ** (len(str(int(top))) - 1)
    return float((int(top // step) + 1) * step)


def hourly_chart(title: str, hours: tuple[int, ...], series: tuple[Series, ...]) -> str:
    """Return an SVG chart of per-hour series: bars for one, lines for the rest."""
    if not hours:
        return ""
    plotted = [v for s in series for v in s.values if v is not None]
    top = _scale_top(plotted)
    span = (WIDTH - LEFT - 8) / len(hours)
    bottom = HEIGHT - BOTTOM

    def y(value: float) -> float:
        return bottom - (bottom - TOP) * value / top

    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'class="chart"><title>{escape(title)}</title>',
        f'<line x1="{LEFT}" y1="{bottom}" x2="{WIDTH - 8}" y2="{bottom}" stroke="#999"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end" font-size="10">{top:g}</text>',
        f'<text x="{LEFT - 4}" y="{bottom}" text-anchor="end" font-size="10">0</text>',
    ]
    for index, hour in enumerate(hours):
        x = LEFT + index * span + span / 2
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="10">'
            f"{hour:02d}</text>"
        )
    for entry in series:
        if entry.bars:
            for index, value in enumerate(entry.values):
                if value:
                    x = LEFT + index * span + span * 0.15
                    parts.append(
                        f'<rect x="{x:.1f}" y="{y(value):.1f}" width="{span * 0.7:.1f}" '
                        f'height="{bottom - y(value):.1f}" fill="{entry.colour}"/>'
                    )
            continue
        points = " ".join(
            f"{LEFT + index * span + span / 2:.1f},{y(value):.1f}"
            for index, value in enumerate(entry.values)
            if value is not None
        )
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{entry.colour}" stroke-width="2"/>'
        )
    legend_x = LEFT + 8
    for entry in series:
        parts.append(
            f'<rect x="{legend_x}" y="{TOP}" width="10" height="10" fill="{entry.colour}"/>'
            f'<text x="{legend_x + 14}" y="{TOP + 9}" font-size="11">{escape(entry.label)}</text>'
        )
        legend_x += 24 + 7 * len(entry.label)
    parts.append("</svg>")
    return "".join(parts)


def report_charts(report: Report, *, labels: dict[str, str]) -> tuple[str, str]:
    """Return the two charts: waits through the day, and arrivals against counter-hours open."""
    hours = tuple(h.hour for h in report.hours)

    def minutes(seconds: float | None) -> float | None:
        return None if seconds is None else seconds / 60

    waits = hourly_chart(
        labels["waits"],
        hours,
        (
            Series(
                labels["p50"], "#0b5cad", tuple(minutes(h.tickets.wait.p50) for h in report.hours)
            ),
            Series(
                labels["p90"], "#b3261e", tuple(minutes(h.tickets.wait.p90) for h in report.hours)
            ),
        ),
    )
    load = hourly_chart(
        labels["load"],
        hours,
        (
            Series(
                labels["arrived"],
                "#9fbfe0",
                tuple(float(h.tickets.arrived) for h in report.hours),
                bars=True,
            ),
            Series(labels["counters"], "#1e7a3c", tuple(h.counter_hours for h in report.hours)),
        ),
    )
    return waits, load
