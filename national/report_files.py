"""The period report as files: CSV, XLSX (numbers kept as numbers) and PDF (a Unicode font)."""

from __future__ import annotations

import csv
import io

import xlsxwriter
from fpdf import FPDF
from fpdf.fonts import FontFace

from centre_core.errors import QueueError
from national.errors import OverviewErrorCode
from national.kpis import PeriodReport
from national.report_table import UNITS, Unit, report_table, text_rows
from service_kit.fonts import FontMissingError, unicode_font
from translations.messages import N_

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
TITLE = N_("Centres, {first} to {last}")
_FONT = "FoleniSans"


def file_name(report: PeriodReport, extension: str) -> str:
    """Return the download's file name."""
    return f"foleni-national-{report.first.isoformat()}-{report.last.isoformat()}.{extension}"


def report_csv(report: PeriodReport, *, language: str) -> bytes:
    """Return the report as CSV (UTF-8 with a BOM, so that spreadsheets read the Swahili)."""
    table = report_table(report, language=language)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.headings)
    writer.writerows(text_rows(table))
    return out.getvalue().encode("utf-8-sig")


def report_xlsx(report: PeriodReport, *, language: str) -> bytes:
    """Return the report as an XLSX workbook of one sheet."""
    table = report_table(report, language=language)
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = workbook.add_format({"bold": True})
    decimal = workbook.add_format({"num_format": "0.0"})
    sheet = workbook.add_worksheet("Centres")
    sheet.write_row(0, 0, table.headings, bold)
    for number, row in enumerate(table.rows, start=1):
        for column, (value, unit) in enumerate(zip(row, UNITS, strict=True)):
            if value is None:
                continue
            if unit in (Unit.percent, Unit.minutes):
                sheet.write_number(number, column, float(value), decimal)
            else:
                sheet.write(number, column, value)
    sheet.set_column(0, 0, 32)
    sheet.set_column(1, len(table.headings) - 1, 14)
    workbook.close()
    return out.getvalue()


def report_pdf(report: PeriodReport, *, language: str) -> bytes:
    """Return the report as an A4 landscape PDF; `report_font_missing` without a font."""
    try:
        regular, bold = unicode_font()
    except FontMissingError as exc:
        raise QueueError(OverviewErrorCode.report_font_missing, str(exc)) from exc
    table = report_table(report, language=language)
    title = TITLE.say(language, first=report.first.isoformat(), last=report.last.isoformat())
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.add_font(_FONT, "", regular)
    pdf.add_font(_FONT, "B", bold)
    pdf.set_title(title)
    pdf.add_page()
    pdf.set_font(_FONT, "B", 14)
    pdf.cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_FONT, "", 8)
    aligns = ["LEFT" if unit == Unit.text else "RIGHT" for unit in UNITS]
    headings = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
    with pdf.table(headings_style=headings, line_height=5, text_align=aligns) as shaped:
        shaped.row(table.headings)
        for row in text_rows(table):
            shaped.row(row)
    return bytes(pdf.output())


WRITERS = {"csv": report_csv, "xlsx": report_xlsx, "pdf": report_pdf}
