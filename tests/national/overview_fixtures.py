"""What the overview tests share: an app with two centres and a member of national staff."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from centre_core.national_topics import HallSummary, SummaryAlert, TicketFacts
from centre_core.sync_wire import OutboxItem, UpBatch
from national import centres, ingest, processing, staff
from national.app import create_app
from national.settings import NationalSettings

PIN = "246810"
STAFF = "N-001"


@dataclass
class Overview:
    """A national app (no lifespan: processing is run by hand) with centres and staff."""

    client: TestClient
    engine: Engine
    seqs: dict[str, int]

    def send(self, centre: str, *payloads: HallSummary | TicketFacts) -> None:
        """Store payloads as the centre's next outbox rows and process them."""
        rows = []
        for payload in payloads:
            self.seqs[centre] += 1
            rows.append(
                OutboxItem(
                    seq=self.seqs[centre],
                    topic=payload.topic,
                    at=payload.at,
                    payload=payload.model_dump(mode="json"),
                )
            )
        batch = UpBatch(centre=centre, last_seq=self.seqs[centre], rows=rows)
        ingest.store_batch(self.engine, centre=centre, batch=batch)
        processing.process_centre(self.engine, centre=centre)

    def log_in(self, staff_number: str = STAFF, pin: str = PIN):
        """Post the login form as a browser would (its CSRF cookie and field)."""
        form = self.client.get("/overview")
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert csrf is not None, form.text
        return self.client.post(
            "/overview/login",
            data={"staff_number": staff_number, "pin": pin, "csrf": csrf.group(1)},
            follow_redirects=False,
        )

    def csrf(self) -> str:
        """Return the CSRF token of the logged-in page."""
        found = re.search(r'name="csrf" value="([^"]+)"', self.client.get("/overview").text)
        assert found is not None
        return found.group(1)


def make_overview(database_url: str, tmp_path) -> Overview:
    """Build the app on a migrated database with centres NRB-GPO and MSA-CTY and one staff."""
    app = create_app(NationalSettings(database_url=database_url, data_dir=tmp_path))
    engine: Engine = app.state.engine
    centres.add_centre(engine, code="NRB-GPO", name="Huduma Centre GPO")
    centres.add_centre(engine, code="MSA-CTY", name="Huduma Centre Mombasa")
    staff.add_staff(engine, staff_number=STAFF, name="Achieng Otieno", pin=PIN)
    # The TestClient's base URL is https, so that the Secure cookies are sent back.
    client = TestClient(app, base_url="https://national.test")
    return Overview(client, engine, {"NRB-GPO": 0, "MSA-CTY": 0})


def summary(
    day: date, at: datetime, *, waiting: int = 0, **figures: int | float | None
) -> HallSummary:
    """Return a hall summary with these figures (the rest zero)."""
    values: dict = {
        "longest_wait_minutes": 0,
        "counters_open": 1,
        "arrived": 0,
        "served": 0,
        "no_show": 0,
        "never_called": 0,
        "wait_count": 0,
        "wait_sum_seconds": 0.0,
        "wait_max_seconds": None,
        "with_target": 0,
        "within_target": 0,
        "alerts": (),
        **figures,
    }
    return HallSummary(at=at, business_day=day, waiting=waiting, **values)


def now_and_today() -> tuple[datetime, date]:
    """Return now and today's business day in Nairobi."""
    now = datetime.now(UTC)
    return now, (now + timedelta(hours=3)).date()


__all__ = ["PIN", "STAFF", "Overview", "SummaryAlert", "make_overview", "now_and_today", "summary"]
