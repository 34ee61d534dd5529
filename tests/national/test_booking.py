"""Booking: slots from hours, holidays and the clock; book, reschedule, cancel; every error code."""

import uuid
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import select

from centre_core.booking_wire import (
    BOOKING_PATH,
    BOOKINGS_PATH,
    CANCEL_PATH,
    RESCHEDULE_PATH,
    SLOTS_PATH,
)
from centre_core.centre_file import load_centre_config
from centre_core.sync_wire import CHANGES_PATH, UP_PATH
from national import booking, catalogue, centres, keys
from national.db.session import transaction
from national.db.tables import BookingRow, SlotUsageRow
from tests.sync.centre import wait_until

NAIROBI = ZoneInfo("Africa/Nairobi")
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CENTRE_TOML = """
[centre]
code = "{code}"
name = "Huduma Centre {code}"
timezone = "Africa/Nairobi"

[centre.hours]
mon = "08:00-17:00"
tue = "08:00-17:00"
wed = "08:00-17:00"
thu = "08:00-17:00"
fri = "08:00-17:00"
sat = "09:00-13:00"

[[services]]
code = "NID"
name_en = "National ID card"
name_sw = "Kitambulisho cha Taifa"
prefix = "A"
target_wait_minutes = 30
daily_cap = {daily_cap}

[[services]]
code = "PCC"
name_en = "Certificate of good conduct"
name_sw = "Cheti cha Tabia Njema"
prefix = "P"
target_wait_minutes = 30

  # The back office is closed on Saturdays.
  [services.hours]
  mon = "08:00-17:00"
  tue = "08:00-17:00"
  wed = "08:00-17:00"
  thu = "08:00-17:00"
  fri = "08:00-17:00"

[[services]]
code = "COL"
name_en = "Document collection"
name_sw = "Kuchukua stakabadhi"
prefix = "C"
target_wait_minutes = 10

[[counters]]
code = "C01"
name = "Counter 1"
services = {{ NID = 1, PCC = 1, COL = 1 }}
"""
CATALOGUE_TOML = """
[[services]]
code = "NID"
slot_minutes = 30
slot_capacity = {capacity}
fee_kes = 0
requirements = [{{ en = "Birth certificate", sw = "Cheti cha kuzaliwa" }}]

[[services]]
code = "PCC"
slot_minutes = 60
slot_capacity = 50
fee_kes = 1050

[[services]]
code = "COL"
slot_capacity = 0
"""


def configure(engine, *, code="NRB-GPO", capacity=2, daily_cap=100) -> None:
    """Give a registered centre the test services (NID bookable with `capacity` per slot)."""
    config = load_centre_config(CENTRE_TOML.format(code=code, daily_cap=daily_cap))
    entries = catalogue.load_catalogue(CATALOGUE_TOML.format(capacity=capacity))
    catalogue.configure_centre(engine, centre=code, config=config, catalogue=entries)


def next_weekday(weekday: int, *, weeks: int = 1) -> date:
    """Return a day of this weekday (0 = Monday) at least `weeks` weeks ahead."""
    start = datetime.now(NAIROBI).date() + timedelta(weeks=weeks)
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def at(day: date, clock: str) -> datetime:
    """Return a Nairobi time on a day."""
    return datetime.combine(day, time.fromisoformat(clock), NAIROBI)


def book_body(
    day: date,
    clock: str = "09:00",
    *,
    id_number: str = "12345678",
    service: str = "NID",
    centre: str = "NRB-GPO",
    channel: str = "web",
    **extra,
) -> dict:
    return {
        "request_id": uuid.uuid4().hex,
        "centre": centre,
        "service_code": service,
        "slot_start": at(day, clock).isoformat(),
        "id_number": id_number,
        "channel": channel,
        **extra,
    }


def change_body(channel: str = "web", **extra) -> dict:
    return {"request_id": uuid.uuid4().hex, "channel": channel, **extra}


def channel_client(nation, name: str = "web") -> httpx.Client:
    return nation.client(keys.add_key(nation.engine, name=name, role="channel"))


def error_code(response) -> str:
    return response.json()["error"]["code"]


def feed(nation, after: int = 0) -> dict:
    with nation.client() as centre:
        response = centre.get(CHANGES_PATH, params={"after": after})
    assert response.status_code == 200
    return response.json()


def usage(nation, day: date, clock: str, service: str = "NID") -> int:
    with transaction(nation.engine) as session:
        row = session.get(SlotUsageRow, (nation.centre, service, at(day, clock).astimezone(UTC)))
        return 0 if row is None else row.booked


def checked_in(nation, ref: str, slot_start: str, *, seq: int = 1) -> None:
    """Report the booking's check-in from the centre, as its sync worker would."""
    now = datetime.now(UTC).isoformat()
    payload = {
        "at": now,
        "ref": ref,
        "service_code": "NID",
        "slot_start": slot_start,
        "timing": "on_time",
        "source": "appointment",
        "ready_at": now,
    }
    row = {"seq": seq, "topic": "appointment.checked_in", "at": now, "payload": payload}
    with nation.client() as centre:
        ack = centre.post(UP_PATH, json={"centre": nation.centre, "last_seq": seq, "rows": [row]})
    assert ack.json()["acked_through"] == seq


def test_slots_follow_the_hours_the_holidays_and_the_clock(nation):
    configure(nation.engine)
    monday, saturday, sunday = next_weekday(0), next_weekday(5), next_weekday(6)
    before = datetime.now(UTC)

    def starts(day, *, now=before, ignore=False, service="NID"):
        found = booking.slots(
            nation.engine,
            centre=nation.centre,
            service=service,
            day=day,
            now=now,
            ignore_opening_hours=ignore,
        )
        return found.closed, [
            slot.start.astimezone(NAIROBI).strftime("%H:%M") for slot in found.slots
        ]

    closed, monday_slots = starts(monday)
    assert closed is None and len(monday_slots) == 18
    assert (monday_slots[0], monday_slots[-1]) == ("08:00", "16:30")
    assert starts(saturday, now=before)[1] == [
        f"{h:02d}:{m}" for h in range(9, 13) for m in ("00", "30")
    ]
    assert starts(sunday) == ("closed on Sundays", [])
    # A service with its own hours keeps them: the PCC back office is closed on Saturdays.
    assert starts(saturday, now=before, service="PCC") == ("closed on Saturdays", [])
    assert len(starts(monday, service="PCC")[1]) == 9
    # The clock: a slot is offered until it ends (the one under way too).
    assert starts(monday, now=at(monday, "12:10"))[1][0] == "12:00"
    assert starts(monday, now=at(monday, "12:30"))[1][0] == "12:30"
    # Development: every day open all day.
    assert len(starts(sunday, ignore=True)[1]) == 48
    catalogue.add_holiday(nation.engine, day=monday, name_en="Gazetted Holiday", name_sw="Sikukuu")
    assert starts(monday) == ("Gazetted Holiday", [])
    with channel_client(nation) as web:
        over_http = web.get(
            SLOTS_PATH.format(centre=nation.centre, service="PCC"),
            params={"day": next_weekday(1).isoformat()},
        ).json()
    assert len(over_http["slots"]) == 9
    assert over_http["slots"][0] == {
        "start": at(next_weekday(1), "08:00").isoformat(),
        "capacity": 50,
        "booked": 0,
        "available": 50,
    }


def test_a_booking_reaches_the_centres_feed_once_and_a_repeat_changes_nothing(nation):
    configure(nation.engine)
    monday = next_weekday(0)
    body = book_body(monday, "09:30", phone="0712 345 678", id_number="12345678")
    with channel_client(nation) as web:
        made = web.post(BOOKINGS_PATH, json=body)
        assert made.status_code == 201, made.text
        booked = made.json()
        cursor_after_booking = feed(nation)["cursor"]
        again = web.post(BOOKINGS_PATH, json=body)
        reused = web.post(
            BOOKINGS_PATH, json={**body, "slot_start": at(monday, "10:00").isoformat()}
        )
        slots = web.get(
            SLOTS_PATH.format(centre=nation.centre, service="NID"),
            params={"day": monday.isoformat()},
        ).json()["slots"]
    assert booked["ref"].startswith("HB-") and len(booked["ref"]) == 11
    assert not set(booked["ref"][3:]) & set("01IO")
    assert (booked["status"], booked["version"], booked["channel"]) == ("booked", 1, "web")
    assert (booked["attendance"], booked["follow_up"], booked["agent_id"]) == ("none", False, None)
    assert (again.status_code, again.json()) == (200, booked)
    assert (reused.status_code, error_code(reused)) == (409, "request_id_reused")
    changes = feed(nation)
    # The configuration came first; the booking once, not again for the repeat.
    assert [change["kind"] for change in changes["changes"]] == ["config", "appointment"]
    assert changes["cursor"] == cursor_after_booking == 2
    fact = changes["changes"][1]["appointment"]
    assert fact == {
        "ref": booked["ref"],
        "service_code": "NID",
        "slot_start": at(monday, "09:30").astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "status": "booked",
        "version": 1,
        "channel": "web",
        "phone": "+254712345678",
        "id_number_masked": "****5678",
    }
    nine_thirty = next(s for s in slots if s["start"] == at(monday, "09:30").isoformat())
    assert (nine_thirty["booked"], nine_thirty["available"]) == (1, 1)


def test_one_live_booking_per_person_service_and_day(nation):
    configure(nation.engine, capacity=5)
    monday = next_weekday(0)
    with channel_client(nation) as web:
        first = web.post(BOOKINGS_PATH, json=book_body(monday, "09:00", id_number="11112222"))
        twice = web.post(BOOKINGS_PATH, json=book_body(monday, "10:00", id_number="11112222"))
        other_person = web.post(
            BOOKINGS_PATH, json=book_body(monday, "10:00", id_number="33334444")
        )
        other_service = web.post(
            BOOKINGS_PATH, json=book_body(monday, "10:00", id_number="11112222", service="PCC")
        )
        other_day = web.post(
            BOOKINGS_PATH, json=book_body(next_weekday(1), "10:00", id_number="11112222")
        )
        web.post(CANCEL_PATH.format(ref=first.json()["ref"]), json=change_body())
        after_cancel = web.post(
            BOOKINGS_PATH, json=book_body(monday, "11:00", id_number="11112222")
        )
    assert first.status_code == 201
    assert (twice.status_code, error_code(twice)) == (409, "already_booked")
    assert [r.status_code for r in (other_person, other_service, other_day, after_cancel)] == [
        201
    ] * 4


def test_a_reschedule_moves_the_capacity_and_makes_a_new_version(nation):
    configure(nation.engine)
    monday, tuesday = next_weekday(0), next_weekday(1)
    with channel_client(nation) as web:
        ref = web.post(BOOKINGS_PATH, json=book_body(monday, "09:00")).json()["ref"]
        moved = web.post(
            RESCHEDULE_PATH.format(ref=ref),
            json=change_body(
                "contact_centre", slot_start=at(tuesday, "14:00").isoformat(), agent_id="agent-7"
            ),
        )
        assert moved.status_code == 200, moved.text
        read = web.get(BOOKING_PATH.format(ref=ref)).json()
    assert read == moved.json()
    assert (read["version"], read["channel"], read["agent_id"]) == (2, "contact_centre", "agent-7")
    assert datetime.fromisoformat(read["slot_start"]) == at(tuesday, "14:00")
    assert (usage(nation, monday, "09:00"), usage(nation, tuesday, "14:00")) == (0, 1)
    with transaction(nation.engine) as session:
        assert session.get_one(BookingRow, ref).day == tuesday
    versions = [
        c["appointment"]["version"] for c in feed(nation)["changes"] if c["kind"] == "appointment"
    ]
    assert versions == [1, 2]


def test_a_cancellation_frees_the_slot_and_a_second_one_changes_nothing(nation):
    configure(nation.engine, capacity=2)
    monday = next_weekday(0)
    with channel_client(nation) as web:
        refs = [
            web.post(
                BOOKINGS_PATH, json=book_body(monday, "09:00", id_number=f"2000000{i}")
            ).json()["ref"]
            for i in range(2)
        ]
        full = web.post(BOOKINGS_PATH, json=book_body(monday, "09:00", id_number="20000009"))
        cancelled = web.post(CANCEL_PATH.format(ref=refs[0]), json=change_body())
        cursor = feed(nation)["cursor"]
        again = web.post(CANCEL_PATH.format(ref=refs[0]), json=change_body("ussd"))
        now_room = web.post(BOOKINGS_PATH, json=book_body(monday, "09:00", id_number="20000009"))
        reschedule_cancelled = web.post(
            RESCHEDULE_PATH.format(ref=refs[0]),
            json=change_body(slot_start=at(monday, "10:00").isoformat()),
        )
    assert (full.status_code, error_code(full)) == (409, "slot_full")
    assert (cancelled.json()["status"], cancelled.json()["version"]) == ("cancelled", 2)
    assert (again.status_code, again.json()) == (200, cancelled.json())
    assert feed(nation, cursor)["changes"][0]["kind"] == "appointment"  # only now_room's booking
    assert len(feed(nation, cursor)["changes"]) == 1
    assert now_room.status_code == 201 and usage(nation, monday, "09:00") == 2
    assert error_code(reschedule_cancelled) == "booking_cancelled"


def test_a_cancellation_after_check_in_is_recorded_and_flagged_for_follow_up(nation):
    configure(nation.engine)
    monday = next_weekday(0)
    with channel_client(nation) as web:
        made = web.post(BOOKINGS_PATH, json=book_body(monday, "09:00")).json()
        checked_in(nation, made["ref"], made["slot_start"])
        # The check-in is processed by the sweeper, after its acknowledgement.
        wait_until(
            lambda: (
                web.get(BOOKING_PATH.format(ref=made["ref"])).json()["attendance"] == "checked_in"
            ),
            what="the attendance projected onto the booking",
        )
        moved = web.post(
            RESCHEDULE_PATH.format(ref=made["ref"]),
            json=change_body(slot_start=at(monday, "10:00").isoformat()),
        )
        cancelled = web.post(CANCEL_PATH.format(ref=made["ref"]), json=change_body())
    assert (moved.status_code, error_code(moved)) == (409, "booking_attended")
    answer = cancelled.json()
    assert (answer["status"], answer["version"], answer["follow_up"]) == ("cancelled", 2, True)
    assert answer["attendance"] == "checked_in"
    last = feed(nation)["changes"][-1]["appointment"]
    assert (last["status"], last["version"]) == ("cancelled", 2)


def test_every_error_code_is_reachable_and_changes_nothing(nation):
    configure(nation.engine, capacity=1, daily_cap=2)
    centres.add_centre(nation.engine, code="MSA-01", name="Huduma Centre Mombasa")
    configure(nation.engine, code="MSA-01")
    monday, sunday = next_weekday(0), next_weekday(6)
    catalogue.add_holiday(
        nation.engine,
        day=next_weekday(2),
        name_en="Gazetted",
        name_sw="Sikukuu",
        centre=nation.centre,
    )
    yesterday = datetime.now(NAIROBI).date() - timedelta(days=1)
    with channel_client(nation) as web:
        first = web.post(
            BOOKINGS_PATH, json=book_body(monday, "09:00", id_number="30000001")
        ).json()
        web.post(BOOKINGS_PATH, json=book_body(monday, "10:00", id_number="30000002"))
        cancelled = web.post(BOOKINGS_PATH, json=book_body(monday, "11:00", service="PCC")).json()
        web.post(CANCEL_PATH.format(ref=cancelled["ref"]), json=change_body())
        reused = book_body(next_weekday(1), id_number="30000003")
        web.post(BOOKINGS_PATH, json=reused)
        answers = {
            "centre_not_found": web.post(BOOKINGS_PATH, json=book_body(monday, centre="NOPE-1")),
            "unknown_service": web.post(BOOKINGS_PATH, json=book_body(monday, service="XYZ")),
            "walk_in_only": web.post(BOOKINGS_PATH, json=book_body(monday, service="COL")),
            "misaligned": web.post(BOOKINGS_PATH, json=book_body(monday, "09:10")),
            "after_closing": web.post(BOOKINGS_PATH, json=book_body(monday, "17:00")),
            "sunday": web.post(BOOKINGS_PATH, json=book_body(sunday)),
            "holiday": web.post(BOOKINGS_PATH, json=book_body(next_weekday(2))),
            "past": web.post(BOOKINGS_PATH, json=book_body(yesterday)),
            "slot_full": web.post(
                BOOKINGS_PATH, json=book_body(monday, "09:00", id_number="30000009")
            ),
            "day_full": web.post(
                BOOKINGS_PATH, json=book_body(monday, "12:00", id_number="30000009")
            ),
            "already_booked": web.post(
                BOOKINGS_PATH, json=book_body(monday, "12:00", id_number="30000001")
            ),
            "bad_id": web.post(BOOKINGS_PATH, json=book_body(monday, id_number="12ab5678")),
            "short_id": web.post(BOOKINGS_PATH, json=book_body(monday, id_number="12345")),
            "bad_phone": web.post(BOOKINGS_PATH, json=book_body(monday, phone="0812345678")),
            "reused": web.post(BOOKINGS_PATH, json={**reused, "id_number": "30000004"}),
            "no_booking": web.get(BOOKING_PATH.format(ref="HB-NOTHERE")),
            "cancel_none": web.post(CANCEL_PATH.format(ref="HB-NOTHERE"), json=change_body()),
            "reschedule_cancelled": web.post(
                RESCHEDULE_PATH.format(ref=cancelled["ref"]),
                json=change_body(slot_start=at(monday, "14:00").isoformat()),
            ),
            "reschedule_misaligned": web.post(
                RESCHEDULE_PATH.format(ref=first["ref"]),
                json=change_body(slot_start=at(monday, "14:15").isoformat()),
            ),
            "channel_claims_centre": web.post(
                BOOKINGS_PATH, json=book_body(monday, channel="centre")
            ),
            "bad_body": web.post(BOOKINGS_PATH, json={"centre": nation.centre}),
        }
    with nation.client() as centre:
        answers["centre_books_elsewhere"] = centre.post(
            BOOKINGS_PATH, json=book_body(monday, centre="MSA-01", channel="centre")
        )
        answers["centre_books_as_web"] = centre.post(BOOKINGS_PATH, json=book_body(monday, "13:00"))
    with nation.client(nation.operator_key) as operator:
        answers["operator_books"] = operator.post(BOOKINGS_PATH, json=book_body(monday, "13:00"))
    answers["no_key"] = httpx.post(nation.url + BOOKINGS_PATH, json=book_body(monday, "13:00"))
    codes = {name: (r.status_code, error_code(r)) for name, r in answers.items()}
    assert codes == {
        "centre_not_found": (404, "centre_not_found"),
        "unknown_service": (404, "service_not_bookable"),
        "walk_in_only": (404, "service_not_bookable"),
        "misaligned": (422, "slot_not_offered"),
        "after_closing": (422, "slot_not_offered"),
        "sunday": (422, "slot_not_offered"),
        "holiday": (422, "slot_not_offered"),
        "past": (422, "slot_not_offered"),
        "slot_full": (409, "slot_full"),
        "day_full": (409, "day_full"),
        "already_booked": (409, "already_booked"),
        "bad_id": (422, "invalid_id_number"),
        "short_id": (422, "invalid_id_number"),
        "bad_phone": (422, "invalid_phone"),
        "reused": (409, "request_id_reused"),
        "no_booking": (404, "booking_not_found"),
        "cancel_none": (404, "booking_not_found"),
        "reschedule_cancelled": (409, "booking_cancelled"),
        "reschedule_misaligned": (422, "slot_not_offered"),
        "channel_claims_centre": (403, "forbidden"),
        "bad_body": (422, "invalid_request"),
        "centre_books_elsewhere": (403, "forbidden"),
        "centre_books_as_web": (403, "forbidden"),
        "operator_books": (403, "forbidden"),
        "no_key": (401, "unauthenticated"),
    }
    with transaction(nation.engine) as session:
        live = session.scalars(select(BookingRow.ref).where(BookingRow.status == "booked")).all()
    assert len(live) == 3


def test_channel_and_agent_are_recorded_and_a_centre_books_only_for_itself(nation):
    configure(nation.engine)
    centres.add_centre(nation.engine, code="MSA-01", name="Huduma Centre Mombasa")
    configure(nation.engine, code="MSA-01")
    monday = next_weekday(0)
    with channel_client(nation, "contact-centre") as agent:
        by_agent = agent.post(
            BOOKINGS_PATH,
            json=book_body(
                monday, channel="contact_centre", agent_id="agent-42", phone="+254 110 123 456"
            ),
        ).json()
        elsewhere = agent.post(
            BOOKINGS_PATH, json=book_body(monday, centre="MSA-01", id_number="44445555")
        ).json()
    with nation.client() as centre:
        at_the_desk = centre.post(
            BOOKINGS_PATH, json=book_body(monday, "10:00", channel="centre", id_number="55556666")
        )
        read_own = centre.get(BOOKING_PATH.format(ref=by_agent["ref"]))
        read_other = centre.get(BOOKING_PATH.format(ref=elsewhere["ref"]))
        cancel_other = centre.post(
            CANCEL_PATH.format(ref=elsewhere["ref"]), json=change_body("centre")
        )
    with nation.client(nation.operator_key) as operator:
        operator_reads = operator.get(BOOKING_PATH.format(ref=elsewhere["ref"]))
    assert (by_agent["channel"], by_agent["agent_id"]) == ("contact_centre", "agent-42")
    assert at_the_desk.status_code == 201 and at_the_desk.json()["channel"] == "centre"
    assert read_own.json() == by_agent
    assert (read_other.status_code, error_code(read_other)) == (403, "forbidden")
    assert (cancel_other.status_code, error_code(cancel_other)) == (403, "forbidden")
    assert operator_reads.json() == elsewhere
    with transaction(nation.engine) as session:
        row = session.get_one(BookingRow, by_agent["ref"])
        assert (row.channel, row.agent_id, row.phone) == (
            "contact_centre",
            "agent-42",
            "+254110123456",
        )
        assert row.person_hash != "12345678" and row.id_number_masked == "****5678"


def test_the_example_centre_and_catalogue_configure_every_service(nation):
    config = load_centre_config((EXAMPLES / "huduma-nairobi.toml").read_text(encoding="utf-8"))
    entries = catalogue.load_catalogue(
        (EXAMPLES / "national-services.toml").read_text(encoding="utf-8")
    )
    assert set(entries) == {service.code for service in config.services}
    assert all(entry.requirements for entry in entries.values())
    published = catalogue.configure_centre(
        nation.engine, centre=nation.centre, config=config, catalogue=entries
    )
    by_code = {service.code: service for service in published.services}
    assert by_code["PCC"].fee_kes == 1050 and by_code["NID"].daily_cap == 400
    assert by_code["NID"].requirements[0].sw
    catalogue.sync_holidays(nation.engine, years=[datetime.now(UTC).year + 1])
    notice = catalogue.add_notice(
        nation.engine,
        centre=nation.centre,
        service_code="NID",
        text_en="System down",
        text_sw="Mfumo haupatikani",
        now=datetime.now(UTC),
        hours=2,
    )
    changes = feed(nation)["changes"]
    assert [change["config"]["version"] for change in changes] == [1, 2, 3]
    latest = changes[-1]["config"]
    jamhuri = next(h for h in latest["holidays"] if h["name_en"] == "Jamhuri Day")
    assert jamhuri["name_sw"] == "Siku ya Jamhuri"
    assert [n["id"] for n in latest["notices"]] == [notice]
    catalogue.clear_notice(nation.engine, notice_id=notice, now=datetime.now(UTC))
    assert feed(nation, 3)["changes"][0]["config"]["notices"] == []
