"""The national overview in a real Chromium: log in, see every centre, open one, download."""

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from national import centres, staff
from national.app import create_app
from national.settings import NationalSettings
from tests.national.conftest import national_database
from tests.national.overview_fixtures import (
    PIN,
    STAFF,
    Overview,
    SummaryAlert,
    now_and_today,
    summary,
)
from tests.server.live import LiveServer
from tests.web.conftest import loopback_page, screenshot


@pytest.fixture
def nation(tmp_path):
    with national_database("sqlite", tmp_path) as url:
        app = create_app(NationalSettings(database_url=url, data_dir=tmp_path))
        engine = app.state.engine
        centres.add_centre(engine, code="NRB-GPO", name="Huduma Centre GPO")
        centres.add_centre(engine, code="MSA-CTY", name="Huduma Centre Mombasa")
        staff.add_staff(engine, staff_number=STAFF, name="Achieng Otieno", pin=PIN)
        server = LiveServer(app)
        try:
            yield server, Overview(None, engine, {"NRB-GPO": 0, "MSA-CTY": 0})
        finally:
            server.stop()
            engine.dispose()


@pytest.fixture
def national_page(browser, nation):
    with loopback_page(browser) as opened:
        yield opened


def test_a_national_manager_sees_every_centre_opens_one_and_downloads_the_report(
    national_page, nation
):
    server, overview = nation
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
            alerts=(SummaryAlert(kind="printer_fault", subject="kiosk-1"),),
        ),
    )
    page = national_page
    page.goto(f"{server.url}/overview")
    page.fill("input[name=staff_number]", STAFF)
    page.fill("input[name=pin]", PIN)
    page.click("button[type=submit]")
    row = page.locator("#centre-NRB-GPO")
    expect(row).to_contain_text("75 %")
    expect(row).to_contain_text("printer fault")
    expect(page.locator("#centre-MSA-CTY")).to_contain_text("No summary from this centre today.")
    screenshot(page, "overview")
    row.locator("a").first.click()
    expect(page.locator("#alerts")).to_contain_text("kiosk-1")
    page.goto(f"{server.url}/overview/report")
    for format, magic in (("csv", b"\xef\xbb\xbf"), ("xlsx", b"PK"), ("pdf", b"%PDF")):
        with page.expect_download() as download:
            page.click(f"#download-{format}")
        assert Path(download.value.path()).read_bytes().startswith(magic), format
