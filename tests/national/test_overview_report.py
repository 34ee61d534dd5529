"""The period report: figures of two centres by hand, the same in the page, CSV, XLSX and PDF."""

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest
from pypdf import PdfReader

from centre_core.national_topics import TicketFacts, TicketIssued
from centre_core.tickets import TicketSource, TicketStatus
from national import cli
from tests.national.overview_fixtures import make_overview, summary

DAY1, DAY2 = date(2026, 3, 2), date(2026, 3, 3)
# By hand: NRB-GPO over both days: waits 600+900 s over 10+20 tickets (mean 50 s = 0.8 min),
# 8+18 of 10+20 within target (86.7 %), longest 400 s (6.7 min); MSA-CTY: 300 s over 6,
# 3 of 6 (50.0 %), mean 0.8 min, longest 120 s (2.0 min). All: 1800 s / 36 = 0.8 min,
# 29 / 36 = 80.6 %, longest 6.7 min. Issued: 3 at NRB-GPO, 1 at MSA-CTY.
EXPECTED = [
    ["Huduma Centre Mombasa", "MSA-CTY", "1", "0", "0", "0", "0", "50.0", "0.8", "2.0"],
    ["Huduma Centre GPO", "NRB-GPO", "3", "0", "0", "0", "0", "86.7", "0.8", "6.7"],
    ["All centres", "", "4", "0", "0", "0", "0", "80.6", "0.8", "6.7"],
]


def _issued(day: date, number: int) -> TicketFacts:
    at = datetime(day.year, day.month, day.day, 7, number, tzinfo=UTC)
    return TicketIssued(
        at=at,
        ticket_id=f"t{number}",
        number=f"B-{number:03d}",
        service_code="BC",
        queue_key="BC",
        stage_index=0,
        status=TicketStatus.waiting,
        source=TicketSource.walk_in,
        priority=None,
        counter=None,
        recalls=0,
        issued_at=at,
    )


@pytest.fixture
def report(national_url, tmp_path):
    running = make_overview(national_url, tmp_path)
    noon = datetime(2026, 3, 2, 9, tzinfo=UTC)
    running.send(
        "NRB-GPO",
        _issued(DAY1, 1),
        _issued(DAY1, 2),
        _issued(DAY2, 3),
        summary(DAY1, noon, wait_count=10, wait_sum_seconds=600.0, wait_max_seconds=400.0,
                with_target=10, within_target=8),
        summary(DAY2, noon + timedelta(days=1), wait_count=20, wait_sum_seconds=900.0,
                wait_max_seconds=200.0, with_target=20, within_target=18),
        # Outside the period: not counted.
        summary(date(2026, 3, 4), noon + timedelta(days=2), wait_count=99, with_target=99),
    )  # fmt: skip
    running.send(
        "MSA-CTY",
        _issued(DAY2, 4),
        summary(DAY2, noon, wait_count=6, wait_sum_seconds=300.0, wait_max_seconds=120.0,
                with_target=6, within_target=3),
    )  # fmt: skip
    running.log_in()
    yield running
    running.engine.dispose()


def _query(extra: str = "") -> str:
    return f"first={DAY1.isoformat()}&last={DAY2.isoformat()}{extra}"


def test_the_page_shows_the_figures_computed_by_hand(report):
    page = report.client.get(f"/overview/report?{_query()}")
    assert page.status_code == 200
    body = page.text.split("<tbody>")[1].split("</tbody>")[0]
    rows = [re.findall(r"<td[^>]*>([^<]*)</td>", row) for row in body.split("</tr>")[:-1]]
    assert rows == EXPECTED


def test_the_csv_xlsx_and_pdf_hold_the_same_figures(report):
    def download(kind: str):
        answer = report.client.get(f"/overview/report/file?{_query(f'&format={kind}')}")
        assert answer.status_code == 200, answer.text
        assert "attachment" in answer.headers["content-disposition"]
        return answer.content

    rows = list(csv.reader(io.StringIO(download("csv").decode("utf-8-sig"))))
    assert rows[0][:3] == ["Centre", "Code", "Issued"] and rows[1:] == EXPECTED
    sheet = openpyxl.load_workbook(io.BytesIO(download("xlsx"))).active
    values = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values[2][2] == 4 and values[2][7] == pytest.approx(80.6)
    # Shares and minutes are numbers with one decimal (openpyxl reads 2.0 back as 2).
    assert [
        [
            "" if v is None else (f"{float(v):.1f}" if column >= 7 else str(v))
            for column, v in enumerate(row)
        ]
        for row in values
    ] == EXPECTED
    pages = PdfReader(io.BytesIO(download("pdf"))).pages
    # A long name wraps in its cell: compare the words in order.
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    for row in EXPECTED:
        assert " ".join(cell for cell in row if cell) in text


@pytest.mark.parametrize(
    "query",
    ["first=2026-13-01", "first=2026-03-03&last=2026-03-01", "first=2020-01-01&last=2026-01-01"],
)
def test_bad_dates_are_refused_with_a_code(report, query):
    for path in ("/overview/report", "/overview/report/file"):
        answer = report.client.get(f"{path}?{query}")
        assert (answer.status_code, answer.json()["error"]["code"]) == (422, "invalid_period")
    bad_format = report.client.get(f"/overview/report/file?{_query('&format=doc')}")
    assert (bad_format.status_code, bad_format.json()["error"]["code"]) == (422, "invalid_request")


def test_the_cli_adds_staff_and_prints_a_generated_pin_once(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FOLENI_NATIONAL_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FOLENI_NATIONAL_DATABASE_URL", raising=False)
    assert cli.main(["--data-dir", str(tmp_path), "staff", "add", "N-9", "--name", "Wanjiru"]) == 0
    printed = capsys.readouterr().out
    pin = re.search(r"PIN \(shown once\): (\d{6})$", printed.strip())
    assert pin is not None
    assert cli.main(["--data-dir", str(tmp_path), "staff", "add", "N-9", "--name", "Again"]) == 1
    assert "exists" in capsys.readouterr().err
