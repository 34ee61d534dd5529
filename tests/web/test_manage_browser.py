"""The manager page in a real Chromium: log in, watch the hall live, log out; /docs offline."""

import time
from pathlib import Path

from playwright.sync_api import expect

from tests.server.harness import PIN
from tests.web.conftest import screenshot


def _log_in(page, centre, pin=PIN):
    page.goto(f"{centre.url}/manage")
    page.fill("#staff_number", centre.manager[0])
    page.fill("#pin", pin)
    page.click("button[type=submit]")


def test_a_wrong_pin_is_told_and_the_right_one_opens_the_hall(page, centre):
    _log_in(page, centre, pin="000000")
    expect(page.locator("#login-error")).to_have_text("Staff number or PIN is wrong.")
    _log_in(page, centre)
    expect(page.locator("#total-waiting")).to_have_text("0")
    expect(page.locator("#counters tr[data-counter=C07]")).to_contain_text("closed")


def test_a_call_reaches_the_page_within_a_second(page, centre):
    _log_in(page, centre)
    expect(page.locator("#total-waiting")).to_have_text("0")
    with centre.api(centre.tokens["kiosk"]) as kiosk:
        issued = kiosk.post("/api/v1/tickets", json={"service_code": "BC"})
        assert issued.status_code == 201, issued.text
    number = issued.json()["number"]
    expect(page.locator("#total-waiting")).to_have_text("1")
    with centre.api() as anonymous:
        login = anonymous.post(
            "/api/v1/auth/staff", json={"staff_number": "SC07", "pin": PIN, "counter": "C07"}
        )
    assert login.status_code == 200, login.text
    with centre.api(login.json()["token"]) as counter:
        called = counter.post("/api/v1/counters/C07/call-next", json={})
        assert called.status_code == 200, called.text
        answered = time.monotonic()
        row = page.locator("#counters tr[data-counter=C07] td.number")
        expect(row).to_have_text(number, timeout=1000)
        seen = time.monotonic() - answered
    assert seen < 1.0
    expect(page.locator("#counters tr[data-counter=C07] td.staff")).to_have_text(
        "Staff SC07 (SC07)"
    )
    expect(page.locator("#total-waiting")).to_have_text("0")
    screenshot(page, "manage-hall")


def test_a_printer_fault_raises_an_alert_a_manager_sees_and_it_clears_itself(page, centre):
    with centre.api(centre.tokens["display"]) as board:
        report = {"sound": {"state": "ok"}, "message": "board up; sound ok"}
        assert board.post("/api/v1/devices/status", json=report).status_code == 200
    _log_in(page, centre)
    expect(page.locator("#total-waiting")).to_have_text("0")
    with centre.api(centre.tokens["kiosk"]) as kiosk:
        report = {"printer": {"online": True, "paper": "out", "error": "paper_out"}}
        assert kiosk.post("/api/v1/devices/status", json=report).status_code == 200
    fault = page.locator("#devices td.bad")
    expect(fault).to_contain_text("Printer: out of paper")
    alert = page.locator("#alerts li[data-alert=printer_fault]")
    expect(alert).to_contain_text("out of paper")
    screenshot(page, "manage-alert")
    alert.locator("button.ack").click()
    expect(alert).to_contain_text("seen by M01")
    with centre.api(centre.tokens["kiosk"]) as kiosk:
        report = {"printer": {"online": True, "paper": "ok"}}
        assert kiosk.post("/api/v1/devices/status", json=report).status_code == 200
    expect(fault).to_have_count(0)
    expect(page.locator("#devices")).to_contain_text("Printer ready")
    expect(alert).to_have_count(0)
    expect(page.locator("#alerts")).to_contain_text("Nothing needs you now.")


def test_the_page_switches_to_swahili_and_logs_out(page, centre):
    _log_in(page, centre)
    page.click("a[lang=sw]")
    expect(page.locator("#alerts h2")).to_have_text("Tahadhari")
    page.click("#logout")
    expect(page.locator("#staff_number")).to_be_visible()
    page.goto(f"{centre.url}/manage/tiles")
    assert "unauthenticated" in page.content()


def test_the_api_docs_render_without_the_internet(page, centre):
    page.goto(f"{centre.url}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Foleni centre server")
    expect(page.locator(".opblock").first).to_be_visible()


def test_a_notice_posted_in_the_browser_reaches_the_kiosk_and_a_locked_account_is_unlocked(
    page, centre
):
    _log_in(page, centre)
    page.click("#actions-link")
    page.select_option("#post-notice select[name=service_code]", "BC")
    page.fill("#post-notice input[name=text_en]", "Printer for forms is down")
    page.fill("#post-notice input[name=text_sw]", "Printa ya fomu haifanyi kazi")
    page.click("#post-notice button[type=submit]")
    expect(page.locator("#done")).to_have_text("The notice is posted.")
    with centre.api(centre.tokens["kiosk"]) as kiosk:
        menu = kiosk.get("/api/v1/services").json()
    (bc,) = [s for s in menu["services"] if s["code"] == "BC"]
    assert [n["text_sw"] for n in bc["notices"]] == ["Printa ya fomu haifanyi kazi"]

    with centre.api() as anonymous:
        for _ in range(5):
            anonymous.post(
                "/api/v1/auth/staff",
                json={"staff_number": "SC07", "pin": "000000", "counter": "C07"},
            )
    page.reload()
    row = page.locator("#staff-accounts tr[data-staff=SC07]")
    expect(row).to_contain_text("locked until")
    row.locator("button", has_text="Unlock").click()
    expect(page.locator("#done")).to_have_text("The account is unlocked.")
    with centre.api() as anonymous:
        login = anonymous.post(
            "/api/v1/auth/staff", json={"staff_number": "SC07", "pin": PIN, "counter": "C07"}
        )
    assert login.status_code == 200, login.text
    screenshot(page, "manage-actions")


def test_each_report_downloads_from_the_reports_page(page, centre):
    _log_in(page, centre)
    page.click("#reports-link")
    expect(page.locator("section[data-table=Summary]")).to_be_visible()
    for format, magic in (("csv", b"\xef\xbb\xbf"), ("xlsx", b"PK"), ("pdf", b"%PDF")):
        with page.expect_download() as download:
            page.click(f"#download-{format}")
        path = download.value.path()
        assert Path(path).read_bytes().startswith(magic), format
        assert download.value.suggested_filename.endswith(f".{format}")


def test_the_page_fits_a_tablet_without_scrolling_sideways(browser, centre):
    tablet = browser.new_context(viewport={"width": 768, "height": 1024}, has_touch=True)
    page = tablet.new_page()
    try:
        _log_in(page, centre)
        expect(page.locator("#total-waiting")).to_have_text("0")
        for path in ("/manage", "/manage/actions", "/manage/reports"):
            page.goto(f"{centre.url}{path}")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (path, overflow)
        screenshot(page, "manage-tablet")
    finally:
        tablet.close()
