"""The report's file formats, each with its writer and media type (the CLI and the page use it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from centre_server.reports import csv_export, pdf_export, xlsx_export
from centre_server.reports.kpis import Report


@dataclass(frozen=True)
class ReportFormat:
    """One file format of the report."""

    write: Callable[[Report], bytes]
    media_type: str


REPORT_FORMATS: dict[str, ReportFormat] = {
    "csv": ReportFormat(csv_export.report_csv, "text/csv; charset=utf-8"),
    "xlsx": ReportFormat(
        xlsx_export.report_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "pdf": ReportFormat(pdf_export.report_pdf, "application/pdf"),
}
