"""The overview's period report: the page, and the same table as CSV, XLSX or PDF."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from centre_core.clock import business_day
from national import kpis, report_files
from national.auth import engine_of
from national.report_table import report_table, text_rows
from national.web.pages import Staff, language_of, page_response, render
from national.web.routes import NATIONAL_ZONE
from national.web.session import OVERVIEW_PATH

router = APIRouter(include_in_schema=False)
DayText = Annotated[str | None, Query(max_length=10)]


def _report(request: Request, first: str | None, last: str | None) -> kpis.PeriodReport:
    today = business_day(datetime.now(UTC), timezone=str(NATIONAL_ZONE))
    start, end = kpis.parse_period(first, last, today=today)
    return kpis.period_report(engine_of(request), first=start, last=end)


@router.get(f"{OVERVIEW_PATH}/report", response_class=HTMLResponse)
async def overview_report(
    request: Request, session: Staff, first: DayText = None, last: DayText = None
) -> Response:
    """Show the period's figures per centre and in total (default: today)."""
    report = await run_in_threadpool(_report, request, first, last)
    language = language_of(request)
    table = report_table(report, language=language)
    body = render(
        "report.html",
        language=language,
        staff=session.staff.name,
        csrf=session.csrf,
        report=report,
        headings=table.headings,
        rows=text_rows(table),
    )
    return page_response(request, body)


@router.get(f"{OVERVIEW_PATH}/report/file")
async def overview_report_file(
    request: Request,
    _session: Staff,
    first: DayText = None,
    last: DayText = None,
    format: Literal["csv", "xlsx", "pdf"] = "csv",
) -> Response:
    """Download the period's table as CSV, XLSX or PDF."""
    report = await run_in_threadpool(_report, request, first, last)
    content = await run_in_threadpool(
        report_files.WRITERS[format], report, language=language_of(request)
    )
    name = report_files.file_name(report, format)
    return Response(
        content,
        media_type=report_files.FORMATS[format],
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
