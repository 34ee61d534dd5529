"""The report as a PDF (fpdf2): the summary, two charts drawn with fpdf2's own lines, the tables."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from centre_server.reports.kpis import Report
from centre_server.reports.tables import Table, Unit, period, report_tables
from service_kit.fonts import FONT_CANDIDATES, unicode_font

FONT = "FoleniSans"
_INK = (40, 40, 40)
_GRID = (210, 210, 210)
_BLUE = (31, 119, 180)
_ORANGE = (230, 120, 20)


def report_pdf(report: Report, *, fonts: Sequence[tuple[Path, Path]] = FONT_CANDIDATES) -> bytes:
    """Return the report as an A4 landscape PDF; raise `FontMissingError` without a font."""
    regular, bold = unicode_font(fonts)
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_font(FONT, "", regular)
    pdf.add_font(FONT, "B", bold)
    pdf.set_title(f"{report.centre_name}: report {period(report)}")
    pdf.set_text_color(*_INK)
    pdf.add_page()
    pdf.set_font(FONT, "B", 15)
    pdf.cell(0, 9, f"{report.centre_name}: {period(report)}", new_x="LMARGIN", new_y="NEXT")
    tables = report_tables(report)
    _table(pdf, tables[0], width=110)
    _charts(pdf, report)
    pdf.add_page()
    for table in tables[1:]:
        _table(pdf, table)
    return bytes(pdf.output())


def _table(pdf: FPDF, table: Table, *, width: float | None = None) -> None:
    pdf.set_font(FONT, "B", 11)
    pdf.ln(3)
    pdf.cell(0, 7, table.title, new_x="LMARGIN", new_y="NEXT")
    if not table.rows:
        pdf.set_font(FONT, "", 8)
        pdf.cell(0, 5, "Nothing to show.", new_x="LMARGIN", new_y="NEXT")
        return
    pdf.set_font(FONT, "", 6.5 if len(table.columns) > 8 else 8)
    headings = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
    aligns = ["LEFT" if cell.unit == Unit.text else "RIGHT" for cell in table.rows[0]]
    with pdf.table(
        width=width, align="LEFT", headings_style=headings, line_height=4, text_align=aligns
    ) as shaped:
        shaped.row(table.columns)
        for row in table.rows:
            shaped.row([cell.text for cell in row])


def _charts(pdf: FPDF, report: Report) -> None:
    """Draw the two charts a manager looks at: waits through the day, arrivals vs counters."""
    if not report.hours:
        return
    labels = [f"{h.hour:02d}" for h in report.hours]
    per_day = "" if report.day_count == 1 else " (per day)"
    top = 22.0
    left = 135.0
    waits_mean = [(h.tickets.wait.mean or 0) / 60 for h in report.hours]
    waits_p90 = [(h.tickets.wait.p90 or 0) / 60 for h in report.hours]
    _chart(
        pdf,
        (left, top, 145.0, 62.0),
        title="Waits through the day, by hour of arrival (minutes)",
        labels=labels,
        bars=[],
        lines=[("mean", _BLUE, waits_mean), ("p90", _ORANGE, waits_p90)],
    )
    arrivals = [h.tickets.arrived / report.day_count for h in report.hours]
    counters = [h.counter_hours / report.day_count for h in report.hours]
    _chart(
        pdf,
        (left, top + 80, 145.0, 62.0),
        title=f"Arrivals per hour and counters open{per_day}",
        labels=labels,
        bars=[("arrivals", _BLUE, arrivals)],
        lines=[("counters open (right scale)", _ORANGE, counters)],
        right_scale=True,
    )


def _nice_top(value: float) -> float:
    """Return a round axis maximum at or above `value`."""
    if value <= 0:
        return 1.0
    step = 10 ** len(str(int(value))) / 10
    for factor in (1, 2, 2.5, 5, 10):
        if value <= step * factor:
            return step * factor
    return step * 10


def _chart(
    pdf: FPDF,
    box: tuple[float, float, float, float],
    *,
    title: str,
    labels: Sequence[str],
    bars: Sequence[tuple[str, tuple[int, int, int], Sequence[float]]],
    lines: Sequence[tuple[str, tuple[int, int, int], Sequence[float]]],
    right_scale: bool = False,
) -> None:
    """Draw bars and lines over hourly slots; lines share the bars' scale unless `right_scale`."""
    x, y, width, height = box
    pdf.set_font(FONT, "B", 9)
    pdf.text(x, y - 2, title)
    plot_x, plot_w, plot_h = x + 10, width - 22, height - 12
    bar_values = [value for _, _, series in bars for value in series]
    line_values = [value for _, _, series in lines for value in series]
    right_top = _nice_top(max(line_values, default=0))
    left_top = _nice_top(max(bar_values if right_scale else bar_values + line_values, default=0))
    pdf.set_font(FONT, "", 6)
    pdf.set_line_width(0.1)
    for tick in range(5):
        level = y + plot_h - plot_h * tick / 4
        pdf.set_draw_color(*_GRID)
        pdf.line(plot_x, level, plot_x + plot_w, level)
        pdf.text(x, level + 1, f"{left_top * tick / 4:g}")
        if right_scale:
            pdf.text(plot_x + plot_w + 1.5, level + 1, f"{right_top * tick / 4:g}")
    slot = plot_w / len(labels)
    for index, label in enumerate(labels):
        pdf.text(plot_x + slot * index + slot / 2 - 1.5, y + plot_h + 4, label)
    for _name, colour, values in bars:
        pdf.set_fill_color(*colour)
        for index, value in enumerate(values):
            bar = plot_h * value / left_top
            pdf.rect(plot_x + slot * index + slot * 0.2, y + plot_h - bar, slot * 0.6, bar, "F")
    pdf.set_line_width(0.6)
    for _name, colour, values in lines:
        top = right_top if right_scale else left_top
        pdf.set_draw_color(*colour)
        points = [
            (plot_x + slot * index + slot / 2, y + plot_h - plot_h * value / top)
            for index, value in enumerate(values)
        ]
        if len(points) == 1:
            pdf.line(points[0][0] - slot / 4, points[0][1], points[0][0] + slot / 4, points[0][1])
        else:
            pdf.polyline(points)
    legend_x = plot_x
    for name, colour, _values in (*bars, *lines):
        pdf.set_fill_color(*colour)
        pdf.rect(legend_x, y + height - 4, 3, 2, "F")
        pdf.text(legend_x + 4, y + height - 2.3, name)
        legend_x += 6 + pdf.get_string_width(name)
    pdf.set_line_width(0.2)
    pdf.set_draw_color(*_INK)
