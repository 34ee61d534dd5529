"""Centre and nation, both real on loopback: the hall's summary reaches the national overview."""

import re

import httpx

from national import staff
from tests.server.databases import fresh_database
from tests.sync.centre import start_centre, wait_until

PIN = "135790"


def _overview_client(nation) -> httpx.Client:
    staff.add_staff(nation.engine, staff_number="N-1", name="Achieng", pin=PIN)
    client = httpx.Client(base_url=nation.url, timeout=10, follow_redirects=True)
    form = client.get("/overview")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf is not None
    answer = client.post(
        "/overview/login", data={"staff_number": "N-1", "pin": PIN, "csrf": csrf.group(1)}
    )
    assert answer.status_code == 200 and "Every centre now" in answer.text
    return client


def test_a_centres_summary_reaches_the_nations_overview(nation, tmp_path):
    centre_dir = tmp_path / "centre"
    centre_dir.mkdir()
    with fresh_database("sqlite", centre_dir, migrated=True) as url:
        linked = start_centre(
            url,
            centre_dir,
            national_url=nation.url,
            credential=nation.credential,
            summary_seconds=0.2,
        )
        try:
            client = _overview_client(nation)
            for _ in range(3):
                linked.issue()

            def row() -> str | None:
                table = client.get("/overview/table").text
                line = table.split(f'id="centre-{nation.centre}"')[1].split("</tr>")[0]
                return line if ">3<" in line else None

            line = wait_until(row, what="3 waiting in the nation's overview")
            assert "status-open" in line  # the link is up
            page = client.get(f"/overview/centres/{nation.centre}")
            assert page.status_code == 200 and "BC" in page.text
        finally:
            linked.stop()
