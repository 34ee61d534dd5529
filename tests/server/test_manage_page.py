"""The manager page's login, session cookie, CSRF, logout and language, over HTTP."""

import re

import pytest

from centre_server.auth import Role
from centre_server.security import LOCKOUT_AFTER_FAILURES
from tests.server.harness import PIN


@pytest.fixture
def page(sqlite_harness):
    sqlite_harness.add_staff("M01", Role.manager)
    sqlite_harness.add_staff("S01")
    return sqlite_harness


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', html)
    assert found, "the form carries no CSRF token"
    return found.group(1)


def _login(client, staff_number="M01", pin=PIN):
    form = client.get("/manage")
    return client.post(
        "/manage/login",
        data={"staff_number": staff_number, "pin": pin, "csrf": _csrf(form.text)},
        follow_redirects=False,
    )


def test_without_a_session_the_page_is_a_login_form(page):
    response = page.client.get("/manage")
    assert response.status_code == 200
    assert 'action="/manage/login"' in response.text and 'name="pin"' in response.text
    assert "no-store" in response.headers["cache-control"]
    assert page.client.get("/manage/tiles").json()["error"]["code"] == "unauthenticated"


def test_a_manager_logs_in_with_an_httponly_strict_cookie_and_sees_the_hall(page):
    page.issue("BC")
    response = _login(page.client)
    assert response.status_code == 303 and response.headers["location"] == "/manage"
    cookie = response.headers["set-cookie"]
    assert "foleni_manage=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Path=/manage" in cookie
    hall = page.client.get("/manage")
    assert hall.status_code == 200
    assert 'id="total-waiting">1<' in hall.text
    assert 'sse-connect="/manage/events"' in hall.text
    assert page.client.get("/manage/tiles").status_code == 200


def test_a_wrong_pin_and_counter_staff_are_told_why(page):
    wrong = _login(page.client, pin="000000")
    assert wrong.status_code == 401 and "Staff number or PIN is wrong." in wrong.text
    counter_staff = _login(page.client, staff_number="S01")
    assert counter_staff.status_code == 401
    assert "Counter staff log in at their counter." in counter_staff.text
    assert "foleni_manage=" not in counter_staff.headers.get("set-cookie", "")


def test_a_login_post_from_another_page_is_refused(page):
    page.client.get("/manage")
    forged = page.client.post(
        "/manage/login",
        data={"staff_number": "M01", "pin": PIN, "csrf": "0" * 64},
        follow_redirects=False,
    )
    assert forged.status_code == 200 and "The form was stale." in forged.text
    assert "foleni_manage=" not in forged.headers.get("set-cookie", "")


def test_logout_needs_the_csrf_token_and_ends_the_session(page):
    _login(page.client)
    html = page.client.get("/manage").text
    refused = page.client.post("/manage/logout", data={"csrf": "f" * 64}, follow_redirects=False)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_rejected"
    assert page.client.get("/manage/tiles").status_code == 200
    out = page.client.post("/manage/logout", data={"csrf": _csrf(html)}, follow_redirects=False)
    assert out.status_code == 303
    assert page.client.get("/manage/tiles").status_code == 401


def test_the_session_ends_when_the_staff_session_expires(page):
    _login(page.client)
    assert page.client.get("/manage/tiles").status_code == 200
    page.clock.advance(minutes=page.context.settings.staff_session_hours * 60 + 1)
    assert page.client.get("/manage/tiles").status_code == 401
    assert 'action="/manage/login"' in page.client.get("/manage").text


def test_the_page_speaks_swahili_once_chosen(page):
    _login(page.client)
    swahili = page.client.get("/manage?lang=sw")
    assert "foleni_lang=sw" in swahili.headers["set-cookie"]
    assert 'lang="sw"' in swahili.text and "Huduma" in swahili.text
    # The choice stays for the next page.
    assert 'lang="sw"' in page.client.get("/manage").text


def test_a_locked_out_manager_is_told_so_plainly_on_the_page(page):
    for _ in range(LOCKOUT_AFTER_FAILURES):
        _login(page.client, pin="000000")
    locked = _login(page.client)  # the right PIN: still locked, and told until when
    assert locked.status_code == 401
    assert "locked until" in locked.text and "manager can unlock it" in locked.text
    assert "foleni_manage=" not in locked.headers.get("set-cookie", "")
