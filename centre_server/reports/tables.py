"""The report as tables of formatted cells: every exporter shows these, so figures read alike."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from centre_server.reports.kpis import (
    Report,
    ServiceTimeStats,
    TicketFigures,
)

MISSING = "-"


class Unit(StrEnum):
    """How a cell's value reads: the text and the spreadsheet's number format follow from it."""

    text = "text"
    whole = "whole"
    minutes = "minutes"
    hours = "hours"
    share = "share"


@dataclass(frozen=True)
class Cell:
    """One value as written in a file: `text` for CSV and PDF, `value` (and unit) for XLSX."""

    value: str | int | float | None
    unit: Unit = Unit.text

    @property
    def text(self) -> str:
        """The value as people read it: minutes and hours to 0.1, shares as a percentage."""
        if self.value is None:
            return MISSING
        if self.unit in (Unit.minutes, Unit.hours):
            return f"{self.value:.1f}"
        if self.unit == Unit.share:
            return f"{100 * float(self.value):.1f}%"
        return str(self.value)


@dataclass(frozen=True)
class Table:
    """A titled table: column headings and rows of cells."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def _minutes(seconds: float | None) -> Cell:
    return Cell(None if seconds is None else seconds / 60, Unit.minutes)


def _count(value: int) -> Cell:
    return Cell(value, Unit.whole)


def _share(value: float | None) -> Cell:
    return Cell(value, Unit.share)


TICKET_COLUMNS = (
    "Arrived",
    "Served",
    "No-show",
    "Never called",
    "Wait mean (min)",
    "Wait p50 (min)",
    "Wait p90 (min)",
    "Wait max (min)",
    "Service level",
)
TIME_COLUMNS = ("Served stages", "Service time mean (min)", "Service time max (min)")


def _ticket_cells(figures: TicketFigures) -> tuple[Cell, ...]:
    wait = figures.wait
    return (
        _count(figures.arrived),
        _count(figures.served),
        _count(figures.no_show),
        _count(figures.never_called),
        _minutes(wait.mean),
        _minutes(wait.p50),
        _minutes(wait.p90),
        _minutes(wait.max),
        _share(figures.service_level),
    )


def _time_cells(stats: ServiceTimeStats) -> tuple[Cell, ...]:
    return (_count(stats.count), _minutes(stats.mean), _minutes(stats.max))


def period(report: Report) -> str:
    """Return the report's days as a heading: one day, or first to last."""
    if report.first_day == report.last_day:
        return report.first_day.isoformat()
    return f"{report.first_day.isoformat()} to {report.last_day.isoformat()}"


def summary(report: Report) -> Table:
    """Return the range's headline figures as (label, value) rows."""
    totals, wait, booked = report.totals, report.totals.wait, report.appointments
    rows: list[tuple[str, Cell]] = [
        ("Centre", Cell(f"{report.centre_name} ({report.centre_code})")),
        ("Period", Cell(period(report))),
        ("Arrived", _count(totals.arrived)),
        ("Served", _count(totals.served)),
        ("No-show", _count(totals.no_show)),
        ("Never called", _count(totals.never_called)),
        ("Wait mean (min)", _minutes(wait.mean)),
        ("Wait p50 (min)", _minutes(wait.p50)),
        ("Wait p90 (min)", _minutes(wait.p90)),
        ("Wait max (min)", _minutes(wait.max)),
        ("Service level", _share(totals.service_level)),
        ("Service time mean (min)", _minutes(report.service_time.mean)),
        ("Service time max (min)", _minutes(report.service_time.max)),
        ("Counter hours open", Cell(report.open_seconds / 3600, Unit.hours)),
        ("Idle share", _share(report.idle_share)),
        ("Appointments booked", _count(booked.booked)),
        ("Appointments cancelled", _count(booked.cancelled)),
        ("Appointments checked in", _count(booked.checked_in)),
        ("Punctuality", _share(booked.punctuality)),
        ("Served inside window", _share(booked.served_in_window_share)),
    ]
    return Table("Summary", ("Figure", "Value"), tuple((Cell(k), v) for k, v in rows))


def services(report: Report) -> Table:
    """Return the figures per service (the one each ticket was issued for)."""
    rows = tuple(
        (
            Cell(s.code),
            Cell(s.name_en),
            Cell(s.target_wait_minutes, Unit.whole),
            *_ticket_cells(s.tickets),
            *_time_cells(s.service_time),
        )
        for s in report.services
        if s.tickets.arrived or s.service_time.count
    )
    columns = ("Service", "Name", "Target wait (min)", *TICKET_COLUMNS, *TIME_COLUMNS)
    return Table("Services", columns, rows)


def counters(report: Report) -> Table:
    """Return the figures per counter that was open or called anyone."""
    rows = tuple(
        (
            Cell(c.code),
            _count(c.calls),
            _count(c.no_shows),
            *_time_cells(c.service_time),
            Cell(c.open_seconds / 3600, Unit.hours),
            _share(c.idle_share),
        )
        for c in report.counters
        if c.open_seconds or c.calls
    )
    columns = ("Counter", "Calls", "No-shows", *TIME_COLUMNS, "Hours open", "Idle share")
    return Table("Counters", columns, rows)


def officers(report: Report) -> Table:
    """Return the figures per member of staff who finished a stage."""
    rows = tuple(
        (Cell(o.staff_number), Cell(o.name), *_time_cells(o.service_time)) for o in report.officers
    )
    return Table("Officers", ("Staff number", "Name", *TIME_COLUMNS), rows)


def hours(report: Report) -> Table:
    """Return the figures per hour of arrival (centre-local), with the counter-hours open."""
    rows = tuple(
        (
            Cell(f"{h.hour:02d}:00"),
            *_ticket_cells(h.tickets),
            Cell(h.counter_hours, Unit.hours),
        )
        for h in report.hours
    )
    return Table("Hours", ("Hour", *TICKET_COLUMNS, "Counter hours open"), rows)


def days(report: Report) -> Table:
    """Return the figures per business day of the range."""
    rows = tuple((Cell(d.day.isoformat()), *_ticket_cells(d.tickets)) for d in report.days)
    return Table("Days", ("Day", *TICKET_COLUMNS), rows)


def report_tables(report: Report) -> tuple[Table, ...]:
    """Return every table of a report file, in order (the days table only for a range)."""
    shaped = [summary(report), services(report), counters(report), officers(report)]
    shaped.append(hours(report))
    if report.day_count > 1:
        shaped.append(days(report))
    return tuple(shaped)
