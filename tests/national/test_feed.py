"""The down-link: a centre reading its feed never misses a change, however the nation writes."""

import threading
import time

from sqlalchemy import select

from centre_core.booking_wire import BOOKINGS_PATH, CANCEL_PATH
from centre_core.sync_wire import CHANGES_PATH, SNAPSHOT_PATH
from national import feed, keys
from national.db.session import transaction
from national.db.tables import BookingRow, SyncStateRow
from tests.national.test_booking import book_body, change_body, configure, error_code, next_weekday

WRITERS = 8
OPERATIONS = 25
PCC_HOURS = [f"{hour:02d}:00" for hour in range(8, 17)]


def feed_cursor(nation) -> int:
    with transaction(nation.engine) as session:
        return session.get_one(SyncStateRow, nation.centre).feed_cursor


def test_the_down_link_never_skips_a_change_with_eight_concurrent_writers(nation):
    configure(nation.engine)
    key = keys.add_key(nation.engine, name="web", role="channel")
    monday = next_weekday(0)
    writers_done = threading.Event()
    failures: list[str] = []
    seen: list[dict] = []

    def write(writer: int) -> None:
        mine: list[str] = []
        with nation.client(key) as web:
            for step in range(OPERATIONS):
                if step % 3 == 2:
                    response = web.post(CANCEL_PATH.format(ref=mine.pop()), json=change_body())
                else:
                    body = book_body(
                        monday,
                        PCC_HOURS[(writer + step) % len(PCC_HOURS)],
                        service="PCC",
                        id_number=f"5{writer:02d}{step:05d}",
                    )
                    response = web.post(BOOKINGS_PATH, json=body)
                    if response.status_code == 201:
                        mine.append(response.json()["ref"])
                if response.status_code not in (200, 201):
                    failures.append(response.text)

    def read() -> None:
        # As a centre's sync worker: long-poll after the cursor, advance to the batch's cursor.
        cursor = 0
        with nation.client() as centre:
            while True:
                response = centre.get(CHANGES_PATH, params={"after": cursor, "wait": 1, "limit": 7})
                batch = response.json()
                seen.extend(batch["changes"])
                cursor = batch["cursor"]
                if writers_done.is_set() and not batch["more"] and cursor == feed_cursor(nation):
                    return

    reader = threading.Thread(target=read)
    reader.start()
    writers = [threading.Thread(target=write, args=(writer,)) for writer in range(WRITERS)]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join(timeout=120)
    writers_done.set()
    reader.join(timeout=30)
    assert not reader.is_alive() and failures == []
    total = feed_cursor(nation)
    assert [change["cursor"] for change in seen] == list(range(1, total + 1))
    facts = [change["appointment"] for change in seen if change["kind"] == "appointment"]
    assert len(facts) == total - 1 == WRITERS * OPERATIONS
    with transaction(nation.engine) as session:
        held = {row.ref: row for row in session.scalars(select(BookingRow))}
    assert {(fact["ref"], fact["version"]) for fact in facts} == {
        (ref, version) for ref, row in held.items() for version in range(1, row.version + 1)
    }
    latest = {fact["ref"]: fact["status"] for fact in facts}
    assert latest == {ref: row.status for ref, row in held.items()}


def test_a_centre_below_the_horizon_takes_a_snapshot_and_resumes_from_its_cursor(nation):
    configure(nation.engine)
    monday = next_weekday(0)
    with nation.client(keys.add_key(nation.engine, name="web", role="channel")) as web:
        refs = {
            web.post(BOOKINGS_PATH, json=book_body(monday, hour, id_number=f"6000000{i}")).json()[
                "ref"
            ]
            for i, hour in enumerate(("09:00", "10:00", "11:00"))
        }
    horizon = feed.compact(nation.engine, centre=nation.centre, keep=1)
    assert horizon == feed_cursor(nation) - 1 == 3
    with nation.client() as centre:
        expired = centre.get(CHANGES_PATH, params={"after": 0})
        taken = centre.get(SNAPSHOT_PATH, params={"from": monday.isoformat()})
        snapshot = taken.json()
        resumed = centre.get(CHANGES_PATH, params={"after": snapshot["cursor"]})
        last = centre.get(CHANGES_PATH, params={"after": horizon}).json()
        future = centre.get(CHANGES_PATH, params={"after": snapshot["cursor"] + 1})
    assert (expired.status_code, error_code(expired)) == (410, "cursor_expired")
    assert taken.status_code == 200 and snapshot["cursor"] == 4
    assert {fact["ref"] for fact in snapshot["appointments"]} == refs
    assert [service["code"] for service in snapshot["config"]["services"]] == ["COL", "NID", "PCC"]
    assert resumed.json() == {"cursor": 4, "changes": [], "more": False}
    assert [change["cursor"] for change in last["changes"]] == [4]
    assert (future.status_code, error_code(future)) == (409, "cursor_from_future")


def test_a_long_poll_answers_as_soon_as_a_change_commits(nation):
    configure(nation.engine)
    key = keys.add_key(nation.engine, name="web", role="channel")
    cursor = feed_cursor(nation)
    answer: dict = {}

    def poll() -> None:
        started = time.monotonic()
        with nation.client() as centre:
            answer["batch"] = centre.get(CHANGES_PATH, params={"after": cursor, "wait": 10}).json()
        answer["seconds"] = time.monotonic() - started

    poller = threading.Thread(target=poll)
    poller.start()
    time.sleep(0.5)
    with nation.client(key) as web:
        ref = web.post(BOOKINGS_PATH, json=book_body(next_weekday(0))).json()["ref"]
    poller.join(timeout=15)
    assert 0.4 < answer["seconds"] < 5, answer  # the wait was 10 s
    (change,) = answer["batch"]["changes"]
    assert change["appointment"]["ref"] == ref
