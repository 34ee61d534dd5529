"""The period report as one table (per centre, then the total): the page and every file show it.

Defined once, so the page, the CSV, the XLSX and the PDF cannot disagree: each cell has a
value (numbers stay numbers in the XLSX) and one text (`cell_text`) the others show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from national.kpis import PeriodFigures, PeriodReport
from translations.messages import N_, Message

Value = str | int | float | None


class Unit(StrEnum):
    """How a column's values are written."""

    text = "text"
    whole = "whole"
    percent = "percent"
    minutes = "minutes"


@dataclass(frozen=True)
class Column:
    """A column: its heading and how its value is taken from a centre's figures."""

    heading: Message
    unit: Unit
    value: Callable[[PeriodFigures], Value]


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


CENTRE = N_("Centre")
CODE = N_("Code")
TOTAL = N_("All centres")
FIGURE_COLUMNS = (
    Column(N_("Issued"), Unit.whole, lambda f: f.issued),
    Column(N_("Served"), Unit.whole, lambda f: f.served),
    Column(N_("No-shows"), Unit.whole, lambda f: f.no_shows),
    Column(N_("Cancelled"), Unit.whole, lambda f: f.cancelled),
    Column(N_("Checked in"), Unit.whole, lambda f: f.checked_in),
    Column(N_("Service level (%)"), Unit.percent, lambda f: _percent(f.service_level)),
    Column(N_("Mean wait (min)"), Unit.minutes, lambda f: _minutes(f.mean_wait_seconds)),
    Column(N_("Longest wait (min)"), Unit.minutes, lambda f: _minutes(f.wait_max_seconds)),
)
UNITS = (Unit.text, Unit.text, *(column.unit for column in FIGURE_COLUMNS))


@dataclass(frozen=True)
class ReportTable:
    """The headings and rows (values) of a period report, in one language."""

    headings: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]


def report_table(report: PeriodReport, *, language: str) -> ReportTable:
    """Return the report's table: a row per centre, the total last."""

    def row(name: str, code: str, figures: PeriodFigures) -> tuple[Value, ...]:
        return (name, code, *(column.value(figures) for column in FIGURE_COLUMNS))

    return ReportTable(
        headings=(
            CENTRE.say(language),
            CODE.say(language),
            *(column.heading.say(language) for column in FIGURE_COLUMNS),
        ),
        rows=(
            *(row(centre.name, centre.code, centre.figures) for centre in report.centres),
            row(TOTAL.say(language), "", report.total),
        ),
    )


def cell_text(value: Value, unit: Unit) -> str:
    """Return the text of a cell: counts whole, shares and minutes with one decimal, '' if none."""
    if value is None:
        return ""
    if unit in (Unit.percent, Unit.minutes):
        return f"{value:.1f}"
    return str(value)


def text_rows(table: ReportTable) -> list[list[str]]:
    """Return the table's rows as the texts every format shows."""
    return [
        [cell_text(value, unit) for value, unit in zip(row, UNITS, strict=True)]
        for row in table.rows
    ]
