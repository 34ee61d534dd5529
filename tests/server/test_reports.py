"""The KPI layer on a day worked out by hand, and the same figures in CSV, XLSX and PDF."""

import csv
import io
import re
from datetime import timedelta

import openpyxl
import pypdf
import pytest

from centre_server.reports import csv_export, kpis, pdf_export, tables, xlsx_export
from service_kit.fonts import FontMissingError
from tests.server import report_day
from tests.server.report_day import DAY, T0

# The summary of the fixture day as every file must show it (report_day's table by hand).
SUMMARY = {
    "Arrived": "7",
    "Served": "4",
    "No-show": "1",
    "Never called": "2",
    "Wait mean (min)": "14.2",  # (300 + 300 + 599 + 658 + 2400) / 5 = 851.4 s
    "Wait p50 (min)": "10.0",  # the 3rd of 5: 599 s
    "Wait p90 (min)": "40.0",  # the 5th of 5: 2400 s
    "Wait max (min)": "40.0",
    "Service level": "80.0%",  # PCC's 40 min missed its 30
    "Service time mean (min)": "7.0",  # (300 + 480 + 300 + 600) / 4 s
    "Service time max (min)": "10.0",
    "Counter hours open": "1.8",  # 3000 + 3600 s
    "Idle share": "74.5%",  # (1920 + 3000) / 6600
    "Appointments booked": "3",
    "Appointments checked in": "2",
    "Punctuality": "50.0%",
    "Served inside window": "50.0%",
}
# Counter, calls, no-shows, served stages, mean and max service time, hours open, idle share.
COUNTERS = {
    "C07": ["C07", "4", "1", "3", "6.0", "8.0", "0.8", "64.0%"],
    "C09": ["C09", "1", "0", "1", "10.0", "10.0", "1.0", "83.3%"],
}


def report_of(harness, first_day=DAY, last_day=DAY):
    with harness.context.db.read() as session:
        return kpis.build_report(
            session, harness.context.centre, first_day=first_day, last_day=last_day
        )


@pytest.fixture
def day(harness):
    report_day.play(harness)
    return harness


def test_the_fixture_day_by_hand(day):
    report = report_of(day)
    totals = report.totals
    assert (totals.arrived, totals.served, totals.no_show, totals.never_called) == (7, 4, 1, 2)
    assert totals.wait == kpis.WaitStats(count=5, mean=851.4, p50=599.0, p90=2400.0, max=2400.0)
    assert (totals.within_target, totals.with_target, totals.service_level) == (4, 5, 0.8)
    assert report.service_time == kpis.ServiceTimeStats(4, 1680.0, 420.0, 600.0)
    assert report.appointments == kpis.AppointmentFigures(
        booked=3, cancelled=0, checked_in=2, punctual=1, served_in_window=1
    )
    counters = {c.code: c for c in report.counters}
    assert (counters["C07"].open_seconds, counters["C07"].idle_seconds) == (3000.0, 1920.0)
    assert (counters["C07"].calls, counters["C07"].no_shows) == (4, 1)
    assert (counters["C09"].open_seconds, counters["C09"].idle_seconds) == (3600.0, 3000.0)
    assert counters["C01"].open_seconds == 0 and counters["C01"].idle_share is None
    assert report.idle_share == pytest.approx(4920 / 6600)
    services = {s.code: s for s in report.services}
    assert services["BC"].tickets.wait.p90 == 658.0
    assert (services["BC"].tickets.arrived, services["BC"].tickets.never_called) == (4, 1)
    assert services["PCC"].tickets.service_level == 0.0
    assert services["DC"].tickets.wait.mean == 300.0  # from the slot, not the early check-in
    assert [
        (o.staff_number, o.service_time.count, o.service_time.max) for o in report.officers
    ] == [
        ("SC07", 3, 480.0),
        ("SC09", 1, 600.0),
    ]
    [hour] = report.hours
    assert (hour.hour, hour.tickets.arrived, hour.counter_hours) == (
        10,
        7,
        pytest.approx(6600 / 3600),
    )


def csv_tables(content: bytes) -> dict[str, list[list[str]]]:
    found: dict[str, list[list[str]]] = {}
    title = None
    for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))):
        if not row:
            title = None
        elif title is None:
            title = row[0]
            found[title] = []
        else:
            found[title].append(row)
    return found


def xlsx_text(cell) -> str:
    """Read a cell back as the report writes it: its number format applied to its value."""
    value, number_format = cell.value, cell.number_format
    if isinstance(value, int | float) and not isinstance(value, bool):
        if number_format == "0.0%":
            return f"{100 * value:.1f}%"
        if number_format == "0.0":
            return f"{value:.1f}"
        return f"{value:.0f}"
    return str(value)


def test_every_file_shows_the_same_figures(day):
    report = report_of(day)

    sheets = csv_tables(csv_export.report_csv(report))
    assert {label: value for label, value in sheets["Summary"][1:]} | SUMMARY == dict(
        sheets["Summary"][1:]
    )
    counters = {row[0]: row for row in sheets["Counters"][1:]}
    assert counters == COUNTERS

    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_export.report_xlsx(report)))
    summary = {row[0].value: xlsx_text(row[1]) for row in workbook["Summary"].iter_rows(min_row=2)}
    assert {label: summary[label] for label in SUMMARY} == SUMMARY
    assert isinstance(workbook["Summary"]["B5"].value, int | float)  # a number, not text
    rows = {
        row[0].value: [xlsx_text(c) for c in row]
        for row in workbook["Counters"].iter_rows(min_row=2)
    }
    assert rows == COUNTERS

    pages = pypdf.PdfReader(io.BytesIO(pdf_export.report_pdf(report))).pages
    text = "\n".join(page.extract_text() for page in pages)
    lines = set(text.splitlines())
    assert {f"{label} {value}" for label, value in SUMMARY.items()} <= lines
    assert {" ".join(row) for row in COUNTERS.values()} <= lines
    assert "Huduma Centre GPO, Nairobi: 2026-11-23" in lines
    assert "Waits through the day, by hour of arrival (minutes)" in text


def html_tables(page: str) -> dict[str, list[list[str]]]:
    """Read the report page's tables back: title to rows of cell texts."""
    found = {}
    for title, body in re.findall(r'data-table="([^"]+)".*?<tbody>(.*?)</tbody>', page, re.S):
        rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
        found[title] = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]
    return found


def test_the_manager_page_shows_the_same_figures_as_the_files(day):
    day.manage_session()
    page = day.client.get("/manage/reports", params={"first": DAY.isoformat()})
    assert page.status_code == 200
    shown = html_tables(page.text)
    assert {label: value for label, value in shown["Summary"]} | SUMMARY == dict(shown["Summary"])
    assert {row[0]: row for row in shown["Counters"]} == COUNTERS
    assert "<svg" in page.text  # the charts
    download = day.client.get(
        "/manage/reports/file", params={"first": DAY.isoformat(), "format": "csv"}
    )
    assert download.headers["content-type"].startswith("text/csv")
    assert f"foleni-HC-NBI-GPO-{DAY}.csv" in download.headers["content-disposition"]
    assert csv_tables(download.content)["Summary"][1:] == [list(r) for r in shown["Summary"]]
    for format, magic in (("xlsx", b"PK"), ("pdf", b"%PDF")):
        file = day.client.get(
            "/manage/reports/file", params={"first": DAY.isoformat(), "format": format}
        )
        assert file.status_code == 200 and file.content.startswith(magic)


def test_the_live_page_shows_today_so_far_from_the_same_layer(day):
    day.manage_session()
    page = day.client.get("/manage").text
    assert 'id="today-served">4<' in page
    assert 'id="today-level">80%<' in page
    assert 'id="today-no-shows">1<' in page
    assert "Appointments: 3 expected, 2 checked in, 1 late" in page


def test_the_report_page_refuses_bad_ranges_with_a_code(day):
    day.manage_session()
    for params in ({"first": "2026-13-01"}, {"first": "2026-11-23", "last": "2026-11-01"}):
        refused = day.client.get("/manage/reports", params=params)
        assert refused.status_code == 422 and refused.json()["error"]["code"] == "invalid_request"
    wrong = day.client.get("/manage/reports/file", params={"format": "docx"})
    assert wrong.status_code == 422
    # Longer than a quarter: a job for `foleni report`.
    long = {"first": "2026-08-01", "last": DAY.isoformat()}
    assert day.client.get("/manage/reports", params=long).status_code == 422


def test_a_range_of_days(day):
    report_day.play_second_day(day, days_later=2)
    later = DAY + timedelta(days=2)

    alone = report_of(day, later, later)
    assert (alone.totals.arrived, alone.totals.wait.mean, alone.service_time.mean) == (
        1,
        120.0,
        180.0,
    )
    c09 = next(c for c in alone.counters if c.code == "C09")
    assert (c09.open_seconds, c09.idle_share) == (600.0, 0.7)

    both = report_of(day, DAY, later)
    assert [(d.day, d.tickets.arrived) for d in both.days] == [
        (DAY, 7),
        (DAY + timedelta(days=1), 0),
        (later, 1),
    ]
    assert both.totals.arrived == 8
    assert both.totals.wait.count == 6
    assert both.open_seconds == 6600 + 600
    assert [(h.hour, h.tickets.arrived) for h in both.hours] == [(10, 8)]
    titles = [table.title for table in tables.report_tables(both)]
    assert titles[-1] == "Days"
    sheets = csv_tables(csv_export.report_csv(both))
    assert sheets["Days"][2][:2] == ["2026-11-24", "0"]
    assert dict(sheets["Summary"][1:])["Period"] == "2026-11-23 to 2026-11-25"


def test_an_empty_day_is_a_valid_report(harness):
    report = report_of(harness)
    assert report.totals == kpis.TicketFigures(
        arrived=0,
        served=0,
        no_show=0,
        never_called=0,
        wait=kpis.WaitStats(0, None, None, None, None),
        with_target=0,
        within_target=0,
    )
    assert report.totals.service_level is None and report.idle_share is None
    assert report.hours == ()
    summary = dict(csv_tables(csv_export.report_csv(report))["Summary"][1:])
    assert (summary["Arrived"], summary["Wait p90 (min)"], summary["Idle share"]) == ("0", "-", "-")
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_export.report_xlsx(report)))
    assert workbook.sheetnames == ["Summary", "Services", "Counters", "Officers", "Hours"]
    text = pypdf.PdfReader(io.BytesIO(pdf_export.report_pdf(report))).pages[0].extract_text()
    assert "Arrived 0" in text.splitlines()


def test_a_report_on_a_day_under_way_ends_open_counters_now(day):
    day.clock.set(T0 + timedelta(days=1))
    day.login("C07")
    day.clock.advance(minutes=30)
    with day.context.db.read() as session:
        report = kpis.build_report(
            session,
            day.context.centre,
            first_day=DAY + timedelta(days=1),
            last_day=DAY + timedelta(days=1),
            now=day.clock.now(),
        )
    assert next(c for c in report.counters if c.code == "C07").open_seconds == 1800.0


def test_nearest_rank_percentiles():
    assert kpis.percentile([], 90) is None
    assert kpis.percentile([5.0], 90) == 5.0
    ten = [float(n) for n in range(1, 11)]
    assert (kpis.percentile(ten, 50), kpis.percentile(ten, 90), kpis.percentile(ten, 91)) == (
        5.0,
        9.0,
        10.0,
    )


def test_a_pdf_without_a_unicode_font_says_which_to_install(tmp_path):
    missing = ((tmp_path / "none.ttf", tmp_path / "none-bold.ttf"),)
    empty = kpis.Report(
        centre_code="X",
        centre_name="X",
        first_day=DAY,
        last_day=DAY,
        totals=kpis._TicketTally().figures(),
        service_time=kpis._TimeTally().stats(),
        open_seconds=0.0,
        idle_seconds=0.0,
        appointments=kpis.AppointmentFigures(0, 0, 0, 0, 0),
        services=(),
        counters=(),
        officers=(),
        hours=(),
        days=(),
    )
    with pytest.raises(FontMissingError, match="fonts-noto-core"):
        pdf_export.report_pdf(empty, fonts=missing)
