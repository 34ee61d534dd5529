"""The manager page's history: any day or range of days, as tables and charts, and as files."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from centre_core.clock import business_day
from centre_core.errors import QueueError, ServerErrorCode
from centre_server.api.context import server_context
from centre_server.context import ServerContext
from centre_server.reports import kpis, tables
from centre_server.reports.files import REPORT_FORMATS
from centre_server.web.charts import report_charts
from centre_server.web.pages import Manager, language_of, page_response, render
from centre_server.web.session import MANAGE_PATH
from translations.messages import N_

router = APIRouter(include_in_schema=False)
# A quarter at most: 90 busy days take 7-20 s to report (bench/RESULTS.md), and a manager
# waits on the page; a longer range is a job for `foleni report`.
MAX_DAYS = 92
DayText = Annotated[str | None, Query(max_length=10)]
CHART_LABELS = {
    "waits": N_("Waits through the day (min, by hour of arrival)"),
    "p50": N_("half waited less"),
    "p90": N_("nine in ten waited less"),
    "load": N_("Arrivals and counters open, by hour"),
    "arrived": N_("arrived"),
    "counters": N_("counter-hours open"),
}


def _day(text: str | None, default: date, name: str) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise QueueError(ServerErrorCode.invalid_request, f"{name}: a date (YYYY-MM-DD)") from None


def _range(context: ServerContext, first: str | None, last: str | None) -> tuple[date, date]:
    today = business_day(context.now(), timezone=context.centre.timezone)
    first_day = _day(first, today, "first")
    last_day = _day(last, first_day, "last")
    if last_day < first_day:
        raise QueueError(ServerErrorCode.invalid_request, "last: on or after first")
    if last_day - first_day >= timedelta(days=MAX_DAYS):
        raise QueueError(
            ServerErrorCode.invalid_request,
            f"at most {MAX_DAYS} days on the page; `foleni report` writes longer ranges",
        )
    return first_day, last_day


def _report(context: ServerContext, first_day: date, last_day: date) -> kpis.Report:
    with context.db.read() as session:
        return kpis.build_report(
            session, context.centre, first_day=first_day, last_day=last_day, now=context.now()
        )


@router.get(f"{MANAGE_PATH}/reports", response_class=HTMLResponse)
async def reports_page(
    request: Request, session: Manager, first: DayText = None, last: DayText = None
) -> Response:
    """Show the figures of a day or a range (today by default), with links to the files."""
    context = server_context(request)
    language = language_of(request)
    first_day, last_day = _range(context, first, last)
    report = await run_in_threadpool(_report, context, first_day, last_day)
    labels = {key: message.say(language) for key, message in CHART_LABELS.items()}
    waits, load = report_charts(report, labels=labels)
    body = render(
        "reports.html",
        language=language,
        centre=context.centre.name,
        staff=session.principal.name,
        csrf=session.csrf,
        first=first_day.isoformat(),
        last=last_day.isoformat(),
        tables=tables.report_tables(report),
        charts=(waits, load),
        formats=tuple(REPORT_FORMATS),
    )
    return page_response(request, body)


@router.get(f"{MANAGE_PATH}/reports/file")
async def report_file(
    request: Request,
    _session: Manager,
    first: DayText = None,
    last: DayText = None,
    format: Annotated[str, Query(max_length=8)] = "csv",
) -> Response:
    """Download the report of a day or range as CSV, XLSX or PDF (the same figures)."""
    chosen = REPORT_FORMATS.get(format)
    if chosen is None:
        known = ", ".join(REPORT_FORMATS)
        raise QueueError(ServerErrorCode.invalid_request, f"format: one of {known}")
    context = server_context(request)
    first_day, last_day = _range(context, first, last)
    report = await run_in_threadpool(_report, context, first_day, last_day)
    content = await run_in_threadpool(chosen.write, report)
    span = first_day.isoformat() if first_day == last_day else f"{first_day}_{last_day}"
    name = f"foleni-{context.centre.code}-{span}.{format}"
    return Response(
        content,
        media_type=chosen.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
