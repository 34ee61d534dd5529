"""Many kiosks and counters at once over real HTTP: no ticket called twice, none lost."""

import threading
import time
from collections import Counter, defaultdict

import httpx
import pytest
from sqlalchemy import select

from centre_server.api.app import build_app
from centre_server.db.tables import EventRow, TicketRow
from centre_server.services import device_service
from tests.server.harness import CHEAP_PIN_HASH, PIN, make_settings, rid
from tests.server.live import LiveServer

KIOSKS = 20
TICKETS_PER_KIOSK = 6
COUNTERS = 32


def centre_toml(counters: int) -> str:
    lines = [
        '[centre]\ncode = "LOAD"\nname = "Load test centre"\n',
        '[[services]]\ncode = "AA"\nname_en = "A"\nname_sw = "A"\nprefix = "A"\n'
        "target_wait_minutes = 20\n",
        '[[services]]\ncode = "BB"\nname_en = "B"\nname_sw = "B"\nprefix = "B"\n'
        "target_wait_minutes = 20\n",
    ]
    for index in range(1, counters + 1):
        services = "{ AA = 1, BB = 1 }" if index % 3 else "{ BB = 2 }"
        lines.append(
            f'[[counters]]\ncode = "K{index:02d}"\nname = "Counter {index}"\n'
            f"services = {services}\n"
        )
    return "\n".join(lines)


@pytest.fixture
def load_server(migrated_url, tmp_path):
    centre_file = tmp_path / "load.toml"
    centre_file.write_text(centre_toml(COUNTERS))
    app = build_app(make_settings(migrated_url, tmp_path, centre_file=centre_file))
    context = app.state.context
    from centre_server.auth import Role
    from centre_server.db.tables import StaffRow

    with context.db.write() as transaction:
        for index in range(1, COUNTERS + 1):
            transaction.session.add(
                StaffRow(
                    staff_number=f"S{index:02d}",
                    name="x",
                    role="counter",
                    pin_hash=CHEAP_PIN_HASH,
                    failed_attempts=0,
                    active=True,
                    created_at=context.now(),
                )
            )
    kiosk = device_service.add_device(context.db, name="k", role=Role.kiosk, now=context.now())
    server = LiveServer(app)
    yield server, context, kiosk.token
    server.stop()
    context.db.engine.dispose()


def test_many_kiosks_and_counters_concurrently(load_server):
    server, context, kiosk_token = load_server
    failures: list[str] = []
    issued: list[dict] = []
    kiosks_done = threading.Event()

    def kiosk() -> None:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            for index in range(TICKETS_PER_KIOSK):
                service = "AA" if index % 2 else "BB"
                request_id = rid()
                for _attempt in range(1 + index % 2):  # a retry with the same id: no new ticket
                    response = client.post(
                        "/api/v1/tickets",
                        json={"service_code": service, "request_id": request_id},
                        headers={"Authorization": f"Bearer {kiosk_token}"},
                    )
                    if response.status_code != 201:
                        failures.append(f"issue {response.status_code} {response.text}")
                issued.append(response.json())

    def counter(index: int) -> None:
        code = f"K{index:02d}"
        with httpx.Client(base_url=server.url, timeout=30) as client:
            login = client.post(
                "/api/v1/auth/staff",
                json={"staff_number": f"S{index:02d}", "pin": PIN, "counter": code},
            )
            if login.status_code != 200:
                failures.append(f"login {login.status_code} {login.text}")
                return
            headers = {"Authorization": f"Bearer {login.json()['token']}"}
            while True:
                called = client.post(
                    f"/api/v1/counters/{code}/call-next",
                    json={"request_id": rid()},
                    headers=headers,
                )
                if called.status_code == 409:
                    assert called.json()["error"]["code"] == "no_waiting_tickets"
                    if kiosks_done.is_set():
                        return
                    time.sleep(0.05)
                    continue
                if called.status_code != 200:
                    failures.append(f"call {called.status_code} {called.text}")
                    return
                for step in ("start", "finish"):
                    response = client.post(
                        f"/api/v1/counters/{code}/{step}", json={}, headers=headers
                    )
                    if response.status_code != 200:
                        failures.append(f"{step} {response.status_code} {response.text}")
                        return

    kiosk_threads = [threading.Thread(target=kiosk) for _ in range(KIOSKS)]
    counter_threads = [threading.Thread(target=counter, args=(i,)) for i in range(1, COUNTERS + 1)]
    for thread in kiosk_threads + counter_threads:
        thread.start()
    for thread in kiosk_threads:
        thread.join()
    kiosks_done.set()
    for thread in counter_threads:
        thread.join(timeout=120)
    assert failures == []

    total = KIOSKS * TICKETS_PER_KIOSK
    with context.db.read() as session:
        tickets = list(session.scalars(select(TicketRow)))
        events = list(session.scalars(select(EventRow).order_by(EventRow.seq)))
    assert len(issued) == len(tickets) == total
    # Numbers: exactly 1..N per service and day, none twice.
    numbers = defaultdict(list)
    for ticket in tickets:
        numbers[(ticket.business_day, ticket.issued_service_code)].append(ticket.sequence)
    for sequences in numbers.values():
        assert sorted(sequences) == list(range(1, len(sequences) + 1))
    # Every ticket ended exactly once, done.
    assert {ticket.status for ticket in tickets} == {"done"}
    done = Counter(e.data["ticket_id"] for e in events if e.type == "ticket.done")
    assert set(done.values()) == {1} and len(done) == total
    # At every seq, a ticket is held by at most one counter and a counter holds at most one.
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    holder: dict[str, str] = {}
    for event in events:
        ticket_id, counter_code = event.data.get("ticket_id"), event.data.get("counter")
        if event.type == "ticket.called":
            assert ticket_id not in holder, f"seq {event.seq}: {ticket_id} called twice"
            assert counter_code not in holder.values(), f"seq {event.seq}: {counter_code} busy"
            holder[ticket_id] = counter_code
        elif event.type in ("ticket.serving",):
            assert holder.get(ticket_id) == counter_code
        elif event.type in ("ticket.done", "ticket.no_show", "ticket.transferred"):
            assert holder.pop(ticket_id) == counter_code
    assert holder == {}
    assert context.db.waiting.waiting_in(context.centre.queue_keys) == []
