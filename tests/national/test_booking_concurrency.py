"""Concurrent bookings: a slot never exceeds its capacity, twins of a request book once."""

import threading
from collections import Counter

from sqlalchemy import func, select

from centre_core.booking_wire import BOOKINGS_PATH
from national import keys
from national.db.session import transaction
from national.db.tables import BookingRow, SlotUsageRow
from tests.national.test_booking import at, book_body, configure, next_weekday

CAPACITY = 5
THREADS = 20


def test_twenty_people_racing_for_five_places_leave_exactly_five_booked(nation):
    configure(nation.engine, capacity=CAPACITY)
    key = keys.add_key(nation.engine, name="web", role="channel")
    monday = next_weekday(0)
    start = threading.Barrier(THREADS)
    answers: list[tuple[int, str]] = []

    def book(person: int) -> None:
        body = book_body(monday, "09:00", id_number=f"{40000000 + person}")
        with nation.client(key) as web:
            start.wait()
            response = web.post(BOOKINGS_PATH, json=body)
        code = "booked" if response.status_code == 201 else response.json()["error"]["code"]
        answers.append((response.status_code, code))

    threads = [threading.Thread(target=book, args=(person,)) for person in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert Counter(answers) == {(201, "booked"): CAPACITY, (409, "slot_full"): THREADS - CAPACITY}
    with transaction(nation.engine) as session:
        usage = session.scalar(select(SlotUsageRow.booked))
        live = session.scalar(select(func.count()).select_from(BookingRow))
        starts = set(session.scalars(select(BookingRow.slot_start)))
    assert usage == live == CAPACITY
    assert starts == {at(monday, "09:00")}


def test_twins_of_one_request_sent_at_once_make_one_booking(nation):
    configure(nation.engine, capacity=CAPACITY)
    key = keys.add_key(nation.engine, name="web", role="channel")
    body = book_body(next_weekday(0), "10:00", id_number="41000000")
    twins = 8
    start = threading.Barrier(twins)
    answers: list[tuple[int, str]] = []

    def send() -> None:
        with nation.client(key) as web:
            start.wait()
            response = web.post(BOOKINGS_PATH, json=body)
        answers.append((response.status_code, response.json().get("ref", response.text)))

    threads = [threading.Thread(target=send) for _ in range(twins)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = Counter(status for status, _ in answers)
    assert statuses == {201: 1, 200: twins - 1}, answers
    assert len({ref for _, ref in answers}) == 1
    with transaction(nation.engine) as session:
        assert session.scalar(select(func.count()).select_from(BookingRow)) == 1
