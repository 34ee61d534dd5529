"""The national overview: login with CSRF and lockout, every centre on one page, one centre."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from national.db.session import transaction
from national.db.tables import NationalSessionRow
from tests.national.overview_fixtures import (
    PIN,
    SummaryAlert,
    make_overview,
    now_and_today,
    summary,
)


@pytest.fixture
def overview(national_url, tmp_path):
    running = make_overview(national_url, tmp_path)
    yield running
    running.engine.dispose()


def test_without_a_session_the_page_is_the_login_form_and_the_rest_refuses(overview):
    page = overview.client.get("/overview")
    assert page.status_code == 200 and 'action="/overview/login"' in page.text
    cookie = page.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    for path in ("/overview/table", "/overview/centres/NRB-GPO", "/overview/report"):
        answer = overview.client.get(path)
        assert (answer.status_code, answer.json()["error"]["code"]) == (401, "unauthenticated")


def test_login_needs_the_forms_csrf_and_logout_needs_the_sessions(overview):
    stale = overview.client.post(
        "/overview/login", data={"staff_number": "N-001", "pin": PIN, "csrf": "forged"}
    )
    assert stale.status_code == 403 and "stale" in stale.text
    answer = overview.log_in()
    assert answer.status_code == 303 and answer.headers["location"] == "/overview"
    page = overview.client.get("/overview")
    assert page.status_code == 200 and "Achieng Otieno" in page.text
    assert "Huduma Centre Mombasa" in page.text and 'hx-get="/overview/table"' in page.text
    refused = overview.client.post("/overview/logout", data={"csrf": "forged"})
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "csrf_rejected")
    out = overview.client.post(
        "/overview/logout", data={"csrf": overview.csrf()}, follow_redirects=False
    )
    assert out.status_code == 303
    assert overview.client.get("/overview/table").status_code == 401


def test_a_wrong_pin_is_told_and_the_fifth_locks_the_account_until_a_time(overview):
    wrong = overview.log_in(pin="000000")
    assert wrong.status_code == 401 and "Staff number or PIN is wrong." in wrong.text
    for _ in range(3):
        overview.log_in(pin="000000")
    locked = overview.log_in(pin="000000")
    assert locked.status_code == 403 and "locked until" in locked.text
    still = overview.log_in()  # the right PIN too, while locked
    assert still.status_code == 403 and "locked until" in still.text


def test_in_kiswahili_the_login_refusal_is_in_kiswahili(overview):
    overview.client.get("/overview?lang=sw")
    answer = overview.log_in(pin="000000")
    assert "Staff number or PIN is wrong." not in answer.text


def test_a_session_expires(overview):
    overview.log_in()
    assert overview.client.get("/overview/table").status_code == 200
    with transaction(overview.engine) as session:
        session.execute(
            update(NationalSessionRow).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    answer = overview.client.get("/overview/table")
    assert (answer.status_code, answer.json()["error"]["code"]) == (401, "unauthenticated")


def test_the_overview_shows_each_centres_summary_and_links_to_its_page(overview):
    now, today = now_and_today()
    overview.send(
        "NRB-GPO",
        summary(
            today,
            now - timedelta(minutes=1),
            waiting=17,
            longest_wait_minutes=42,
            with_target=20,
            within_target=15,
            alerts=(
                SummaryAlert(kind="printer_fault", subject="kiosk-1"),
                SummaryAlert(kind="wait_over_target", subject="BC"),
            ),
        ),
    )
    overview.log_in()
    table = overview.client.get("/overview/table").text
    row = table.split('id="centre-NRB-GPO"')[1].split("</tr>")[0]
    assert ">17<" in row and ">42<" in row and "75 %" in row
    assert "2: printer fault, wait over target" in row
    assert 'href="/overview/centres/NRB-GPO"' in row
    other = table.split('id="centre-MSA-CTY"')[1].split("</tr>")[0]
    assert "No summary from this centre today." in other
    page = overview.client.get("/overview/centres/NRB-GPO")
    assert page.status_code == 200 and "kiosk-1" in page.text and ">17<" in page.text
    missing = overview.client.get("/overview/centres/NOPE-1")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")


def test_late_repeated_and_out_of_order_summaries_keep_the_newest(overview):
    now, today = now_and_today()
    newest = summary(today, now - timedelta(minutes=1), waiting=5)
    older = summary(today, now - timedelta(minutes=5), waiting=99)
    overview.send("NRB-GPO", newest)
    overview.send("NRB-GPO", older, newest, older)
    overview.log_in()
    row = overview.client.get("/overview/table").text.split('id="centre-NRB-GPO"')[1]
    assert ">5<" in row.split("</tr>")[0] and ">99<" not in row.split("</tr>")[0]
    overview.send("NRB-GPO", summary(today, now, waiting=6))
    row = overview.client.get("/overview/table").text.split('id="centre-NRB-GPO"')[1]
    assert ">6<" in row.split("</tr>")[0]
