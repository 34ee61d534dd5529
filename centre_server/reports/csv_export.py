"""The report as one CSV file: each table under its title, separated by an empty line."""

from __future__ import annotations

import csv
import io

from centre_server.reports.kpis import Report
from centre_server.reports.tables import report_tables


def report_csv(report: Report) -> bytes:
    """Return the report as UTF-8 CSV (with a byte-order mark, so spreadsheets read the names)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    for index, table in enumerate(report_tables(report)):
        if index:
            writer.writerow([])
        writer.writerow([table.title])
        writer.writerow(table.columns)
        writer.writerows([cell.text for cell in row] for row in table.rows)
    return out.getvalue().encode("utf-8-sig")
