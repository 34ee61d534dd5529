"""The manager page's actions, posted as a browser does: each changes what the API says."""

import re

import pytest

from centre_server.security import LOCKOUT_AFTER_FAILURES
from tests.server.harness import PIN


@pytest.fixture
def page(sqlite_harness):
    sqlite_harness.manage_session()
    return sqlite_harness


def _csrf(page) -> str:
    found = re.search(
        r'name="csrf" value="([0-9a-f]{64})"', page.client.get("/manage/actions").text
    )
    assert found, "the page's forms carry no CSRF token"
    return found.group(1)


def _post(page, path, **form):
    return page.client.post(
        f"/manage/actions/{path}", data={"csrf": _csrf(page), **form}, follow_redirects=False
    )


def _done(page, response, words):
    assert response.status_code == 303, response.text
    landed = page.client.get(response.headers["location"])
    assert words in landed.text


def test_a_notice_posted_on_the_page_is_on_the_kiosk_menu_and_goes_when_cleared(page):
    posted = _post(page, "notices", text_en="NRB system down until noon", service_code="BC")
    _done(page, posted, "The notice is posted.")
    menu = page.client.get("/api/v1/services", headers=page.auth("kiosk")).json()
    (bc,) = [s for s in menu["services"] if s["code"] == "BC"]
    assert [n["text_en"] for n in bc["notices"]] == ["NRB system down until noon"]
    notice_id = bc["notices"][0]["notice_id"]
    _done(page, _post(page, f"notices/{notice_id}/clear"), "The notice is cleared.")
    menu = page.client.get("/api/v1/services", headers=page.auth("kiosk")).json()
    assert next(s for s in menu["services"] if s["code"] == "BC")["notices"] == []


def test_a_service_closed_today_refuses_walk_ins_until_reopened_and_a_cap_shows(page):
    _done(page, _post(page, "services/BC/close", reason="no forms left"), "closed for today")
    refused = page.client.post(
        "/api/v1/tickets", json={"service_code": "BC"}, headers=page.auth("kiosk")
    )
    assert refused.json()["error"]["code"] == "service_closed"
    assert "no forms left" in refused.json()["error"]["message"]
    _done(page, _post(page, "services/BC/reopen"), "The service is open again.")
    page.issue("BC")
    _done(page, _post(page, "services/BC/cap", cap="5"), "cap is set.")
    menu = page.client.get("/api/v1/services", headers=page.auth("kiosk")).json()
    assert next(s for s in menu["services"] if s["code"] == "BC")["tickets_left"] == 4
    bad = _post(page, "services/BC/cap", cap="lots")
    assert bad.status_code == 422 and "a whole number" in bad.text


def test_counters_open_close_and_serve_what_the_manager_ticks(page):
    _done(page, _post(page, "counters/C07/open"), "The counter is open.")
    hall = page.client.get("/api/v1/hall", headers=page.auth("manager")).json()
    c07 = next(c for c in hall["counters"] if c["code"] == "C07")
    assert c07["status"] == "open"
    services = page.client.post(
        "/manage/actions/counters/C07/services",
        data={"csrf": _csrf(page), "service": ["BC", "NID"]},
        follow_redirects=False,
    )
    _done(page, services, "from its next call")
    hall = page.client.get("/api/v1/hall", headers=page.auth("manager")).json()
    assert next(c for c in hall["counters"] if c["code"] == "C07")["services"] == ["NID", "BC"]
    _done(page, _post(page, "counters/C07/close"), "The counter is closed.")


def test_a_locked_account_is_unlocked_and_a_new_pin_is_shown_once(page):
    page.add_staff("S01")
    for _ in range(LOCKOUT_AFTER_FAILURES):
        page.client.post(
            "/api/v1/auth/staff", json={"staff_number": "S01", "pin": "000000", "counter": "C07"}
        )
    locked = page.client.post(
        "/api/v1/auth/staff", json={"staff_number": "S01", "pin": PIN, "counter": "C07"}
    )
    assert locked.json()["error"]["code"] == "account_locked"
    assert "locked until" in page.client.get("/manage/actions").text
    _done(page, _post(page, "staff/S01/unlock"), "The account is unlocked.")
    reset = _post(page, "staff/S01/reset-pin")
    assert reset.status_code == 200
    new_pin = re.search(r"New PIN for S01: (\d+)\.", reset.text).group(1)
    assert new_pin not in page.client.get("/manage/actions").text
    login = page.client.post(
        "/api/v1/auth/staff", json={"staff_number": "S01", "pin": new_pin, "counter": "C07"}
    )
    assert login.status_code == 200


def test_a_ticket_is_moved_or_cancelled_by_its_number(page):
    ticket = page.issue("BC")
    _done(page, _post(page, "tickets/move", number=ticket["number"], to_service="DC"), "moved")
    hall = page.client.get("/api/v1/hall", headers=page.auth("manager")).json()
    (moved,) = [t for t in hall["tickets"] if t["number"] == ticket["number"]]
    assert moved["service_code"] == "DC"
    cancelled = _post(page, "tickets/cancel", number=ticket["number"], reason="left the hall")
    _done(page, cancelled, "The ticket is cancelled.")
    hall = page.client.get("/api/v1/hall", headers=page.auth("manager")).json()
    assert ticket["number"] not in {t["number"] for t in hall["tickets"]}
    unknown = _post(page, "tickets/cancel", number="Z-999", reason="x")
    assert unknown.status_code == 404 and "no ticket Z-999 today" in unknown.text


def test_an_action_without_the_session_csrf_token_is_refused(page):
    forged = page.client.post(
        "/manage/actions/services/BC/close",
        data={"csrf": "0" * 64, "reason": "forged"},
        follow_redirects=False,
    )
    assert forged.status_code == 403 and forged.json()["error"]["code"] == "csrf_rejected"
    assert (
        page.client.post(
            "/api/v1/tickets", json={"service_code": "BC"}, headers=page.auth("kiosk")
        ).status_code
        == 201
    )
