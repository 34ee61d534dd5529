"""Over 500 link faults and 50 kill -9s: nothing lost, nothing applied twice, acks caught up.

A real centre server and a real national service run as processes on loopback with the fault
proxy between them (drops, resets mid-body, 500s, slow answers, answers lost after the nation
committed, resets mid-answer). Tickets are issued at the centre and bookings written at the
nation all along, while either side is killed with SIGKILL and restarted. The plan is seeded,
so a failure replays the same faults.
"""

import random
import threading
import time
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, select

from centre_core.sync_wire import BookingStatus
from centre_server.auth import Role
from centre_server.db.engine import create_db_engine
from centre_server.db.tables import (
    AppointmentRow,
    CentreStateRow,
    EventRow,
    OutboxRow,
    SyncStateRow,
    TicketRow,
)
from centre_server.db.transactions import Database
from centre_server.hub import Hub
from centre_server.services import device_service
from national import centres
from national.db.engine import create_national_engine
from national.db.session import transaction
from national.db.tables import BookingRow, CentreDayFiguresRow, InboxRow
from national.db.tables import SyncStateRow as NationalSyncRow
from tests.national.conftest import national_database
from tests.server.databases import BACKENDS, fresh_database
from tests.sync.bookings import put_booking
from tests.sync.conftest import CENTRE_CODE
from tests.sync.fault_proxy import FaultPlan, FaultProxy
from tests.sync.processes import centre_service, free_port, nation_service

SEED = 20261204
FAULTS = 500
KILLS = 50
# Small batches and short waits: many exchanges, so many faults, in little time.
SYNC = {
    "batch_rows": "3",
    "backoff_max_seconds": "0.2",
    "long_poll_seconds": "0.2",
    "timeout_seconds": "0.5",
    "poll_seconds": "0.02",
    "heartbeat_seconds": "0.1",
}


class Traffic:
    """Tickets issued at the centre and booking versions written at the nation, all along."""

    def __init__(self, centre_url: str, kiosk: str, national_engine) -> None:
        self.centre_url = centre_url
        self.kiosk = kiosk
        self.national_engine = national_engine
        self.issued: list[str] = []
        self.changes = 0
        self.versions: dict[str, int] = {}
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self._tickets, daemon=True),
            threading.Thread(target=self._bookings, daemon=True),
        ]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def _tickets(self) -> None:
        with httpx.Client(timeout=3, headers={"Authorization": f"Bearer {self.kiosk}"}) as client:
            while not self.stop.is_set():
                try:
                    response = client.post(
                        f"{self.centre_url}/api/v1/tickets", json={"service_code": "BC"}
                    )
                except httpx.HTTPError:
                    time.sleep(0.05)  # the centre is being restarted
                    continue
                if response.status_code == 201:
                    self.issued.append(response.json()["ticket_id"])
                time.sleep(0.01)

    def _bookings(self) -> None:
        rng = random.Random(SEED)
        while not self.stop.is_set():
            ref = rng.choice([*self.versions, f"HB-F{len(self.versions):05d}"])
            version = self.versions.get(ref, 0) + 1
            status = BookingStatus.cancelled if rng.random() < 0.2 else BookingStatus.booked
            put_booking(self.national_engine, CENTRE_CODE, ref, version=version, status=status)
            self.versions[ref] = version
            self.changes += 1
            time.sleep(0.03)


def _prepare_centre(url: str) -> str:
    engine = create_db_engine(url)
    database = Database(engine, hub=Hub(queue_size=10))
    token = device_service.add_device(
        database, name="kiosk", role=Role.kiosk, now=datetime.now(UTC)
    ).token
    engine.dispose()
    return token


def _caught_up(centre_engine, national_engine) -> bool:
    with centre_engine.connect() as connection:
        last_out = connection.execute(select(CentreStateRow.last_out_seq)).scalar_one()
        cursor = connection.execute(select(SyncStateRow.cursor)).scalar_one()
    with transaction(national_engine) as session:
        state = session.get_one(NationalSyncRow, CENTRE_CODE)
        pending = session.scalar(
            select(func.count()).select_from(InboxRow).where(InboxRow.status != "done")
        )
        return (state.acked_through, state.feed_cursor, pending) == (last_out, cursor, 0)


@pytest.mark.timeout(900)
@pytest.mark.parametrize("backend", BACKENDS)
def test_faults_and_kills_lose_nothing_and_apply_nothing_twice(backend, tmp_path):
    rng = random.Random(SEED)
    centre_dir = tmp_path / "centre"
    centre_dir.mkdir()
    with (
        national_database(backend, tmp_path) as national_url,
        fresh_database("sqlite", centre_dir, migrated=True) as centre_url,
    ):
        national_engine = create_national_engine(national_url)
        credential = centres.add_centre(national_engine, code=CENTRE_CODE, name="Huduma GPO")
        kiosk = _prepare_centre(centre_url)
        nation = nation_service(national_url, tmp_path, port=free_port())
        nation.start()
        proxy = FaultProxy(
            ("127.0.0.1", nation.port), plan=FaultPlan.random(SEED, rate=0.8), slow_delay=0.8
        ).start()
        centre_port = free_port()
        centre = centre_service(
            centre_url,
            centre_dir,
            port=centre_port,
            national_url=proxy.url,
            credential=credential,
            sync=SYNC,
        )
        centre.start()
        centre_engine = create_db_engine(centre_url)
        try:
            restarts: list[float] = []
            with Traffic(f"http://127.0.0.1:{centre_port}", kiosk, national_engine) as traffic:
                deadline = time.monotonic() + 420
                while (
                    centre.kills + nation.kills < KILLS or proxy.stats.injected < FAULTS
                ) and time.monotonic() < deadline:
                    time.sleep(rng.uniform(0.1, 0.5))
                    if centre.kills + nation.kills < KILLS:
                        # One side, or both at once (a power cut of the whole link; and two
                        # kills for one restart's time).
                        victims = rng.choice(
                            [[centre], [nation], [centre, nation], [centre, nation]]
                        )
                        for victim in victims:
                            victim.kill()
                        for victim in victims:
                            victim.spawn()
                        started = time.monotonic()
                        for victim in victims:
                            victim.wait_ready()
                        restarts.append(time.monotonic() - started)
            injected, kills = proxy.stats.injected, centre.kills + nation.kills
            proxy.plan = FaultPlan()  # the link heals
            deadline = time.monotonic() + 60
            while not _caught_up(centre_engine, national_engine):
                assert time.monotonic() < deadline, "the link did not catch up within 60 s"
                time.sleep(0.1)
        finally:
            centre.stop()
            nation.stop()
            proxy.stop()
        assert injected >= FAULTS and kills >= KILLS, (injected, kills)
        print(
            f"\n{backend}: {proxy.stats.exchanges} exchanges, {injected} faults "
            f"{ {str(k): v for k, v in proxy.stats.faults.items()} }, "
            f"kills: centre {centre.kills}, nation {nation.kills}, "
            f"restarts max {max(restarts):.1f} s, total {sum(restarts):.0f} s"
        )

        with centre_engine.connect() as connection:
            outbox = connection.execute(
                select(OutboxRow.out_seq, OutboxRow.topic, OutboxRow.payload).order_by(
                    OutboxRow.out_seq
                )
            ).all()
            tickets = set(connection.execute(select(TicketRow.id)).scalars())
            appointment_events = connection.execute(
                select(func.count())
                .select_from(EventRow)
                .where(
                    EventRow.type.like("appointment.%"), EventRow.type != "appointment.checked_in"
                )
            ).scalar_one()
            held_versions = dict(
                connection.execute(select(AppointmentRow.ref, AppointmentRow.version)).all()
            )
        with transaction(national_engine) as session:
            inbox = session.execute(
                select(InboxRow.seq, InboxRow.topic, InboxRow.payload).order_by(InboxRow.seq)
            ).all()
            issued_counted = session.scalar(select(func.sum(CentreDayFiguresRow.issued)))
            national_versions = dict(
                session.execute(select(BookingRow.ref, BookingRow.version)).all()
            )
        centre_engine.dispose()
        national_engine.dispose()

    # Every ticket the kiosk was given survived the kills, and its row reached the nation once.
    assert set(traffic.issued) <= tickets and len(traffic.issued) > 100
    assert [seq for seq, _, _ in outbox] == list(range(1, len(outbox) + 1))
    assert [tuple(row) for row in inbox] == [tuple(row) for row in outbox]
    # Processed once each: the KPI projection counted every issued ticket exactly once.
    assert issued_counted == sum(1 for _, topic, _ in outbox if topic == "ticket.issued")
    # Down: every booking version reached the centre, each change applied exactly once.
    assert held_versions == national_versions == traffic.versions
    assert appointment_events == traffic.changes
    print(
        f"{len(traffic.issued)} tickets, {len(outbox)} outbox rows = inbox rows, "
        f"{traffic.changes} booking changes applied once each"
    )
