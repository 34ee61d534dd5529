"""The report as an XLSX workbook (xlsxwriter): one sheet per table, numbers kept as numbers."""

from __future__ import annotations

import io

import xlsxwriter

from centre_server.reports.kpis import Report
from centre_server.reports.tables import Table, Unit, report_tables

# Spreadsheet formats matching `Cell.text`: the figure reads the same, and stays a number.
_NUMBER_FORMATS = {Unit.minutes: "0.0", Unit.hours: "0.0", Unit.share: "0.0%", Unit.whole: "0"}


def report_xlsx(report: Report) -> bytes:
    """Return the report as an XLSX workbook."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = workbook.add_format({"bold": True})
    formats = {unit: workbook.add_format({"num_format": f}) for unit, f in _NUMBER_FORMATS.items()}
    for table in report_tables(report):
        _write_sheet(workbook.add_worksheet(table.title), table, bold, formats)
    workbook.close()
    return out.getvalue()


def _write_sheet(
    sheet: xlsxwriter.worksheet.Worksheet,
    table: Table,
    bold: xlsxwriter.format.Format,
    formats: dict[Unit, xlsxwriter.format.Format],
) -> None:
    sheet.write_row(0, 0, table.columns, bold)
    for number, row in enumerate(table.rows, start=1):
        for column, cell in enumerate(row):
            if cell.value is None:
                sheet.write_string(number, column, cell.text)
            elif cell.unit == Unit.text:
                sheet.write_string(number, column, str(cell.value))
            else:
                sheet.write_number(number, column, float(cell.value), formats[cell.unit])
    sheet.freeze_panes(1, 0)
    for column, heading in enumerate(table.columns):
        width = max([len(heading), *(len(row[column].text) for row in table.rows)])
        sheet.set_column(column, column, min(40, width + 2))
