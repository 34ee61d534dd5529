"""Appointment import and check-in, the hall snapshot, device status."""

from datetime import timedelta

import pytest

from tests.server.conftest import AT
from tests.server.harness import rid


def import_(harness, *appointments, role="admin"):
    return harness.client.post(
        "/api/v1/appointments/import",
        json={"appointments": list(appointments)},
        headers=harness.auth(role),
    )


def booking(reference="REF-1", minutes=5, service="BC", phone="0712000001", **extra):
    slot = (AT + timedelta(minutes=minutes)).isoformat()
    return {
        "reference": reference,
        "service_code": service,
        "slot_start": slot,
        "phone": phone,
        **extra,
    }


def check_in(harness, **body):
    return harness.client.post(
        "/api/v1/appointments/check-in", json=body, headers=harness.auth("kiosk")
    )


def test_import_then_check_in_by_reference_issues_an_appointment_ticket(harness):
    imported = import_(harness, booking(), booking("REF-2", minutes=60))
    assert imported.json() == {"created": 2, "updated": 0}
    seq = harness.last_seq()
    response = check_in(harness, reference="REF-1")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["timing"] == "on_time"
    assert body["ticket"]["source"] == "appointment"
    assert body["ticket"]["number"] == "B-001"
    assert body["ticket"]["phone_masked"] == "+254 7** *** 001"
    assert [e["type"] for e in harness.events_after(seq)] == [
        "appointment.checked_in",
        "ticket.issued",
    ]
    assert all("712000001" not in str(e) for e in harness.events_after(0))


def test_check_in_by_phone(harness):
    import_(harness, booking(phone="+254712000009"))
    response = check_in(harness, phone="0712 000 009")
    assert response.status_code == 201
    assert response.json()["reference"] == "REF-1"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"reference": "NOPE"}, 404, "appointment_not_found"),
        ({"phone": "0799999999"}, 404, "appointment_not_found"),
        ({}, 422, "invalid_request"),
        ({"reference": "REF-1", "phone": "0712000001"}, 422, "invalid_request"),
        ({"reference": "TOMORROW"}, 409, "appointment_not_today"),
        ({"reference": "GONE"}, 409, "appointment_cancelled"),
    ],
)
def test_check_in_errors(harness, body, status, code):
    import_(
        harness,
        booking(),
        booking("TOMORROW", minutes=24 * 60),
        booking("GONE", status="cancelled"),
    )
    response = check_in(harness, **body)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


def test_a_second_check_in_is_refused_but_a_retry_is_the_same_answer(harness):
    import_(harness, booking())
    request_id = rid()
    first = check_in(harness, reference="REF-1", request_id=request_id)
    assert check_in(harness, reference="REF-1", request_id=request_id).json() == first.json()
    again = check_in(harness, reference="REF-1")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "appointment_already_checked_in"


def test_import_validates_phones_and_id_numbers_and_lists_them_masked(harness):
    bad = import_(harness, booking(phone="12345"))
    assert bad.json()["error"]["code"] == "invalid_phone"
    bad_id = import_(harness, booking(id_number="12ab"))
    assert bad_id.json()["error"]["code"] == "invalid_id_number"
    assert import_(harness, booking(id_number="12345678")).status_code == 200
    listed = harness.client.get("/api/v1/appointments", headers=harness.auth("manager")).json()
    (appointment,) = listed["appointments"]
    assert appointment["phone_masked"] == "+254 7** *** 001"
    assert appointment["id_number_masked"] == "*****678"


def test_only_admins_import(harness):
    response = import_(harness, booking(), role="manager")
    assert response.status_code == 403


def test_hall_snapshot_counts_waiting_counters_and_calls(harness, clock):
    harness.open_counter("C07")
    harness.open_counter("C09")
    harness.client.post(
        "/api/v1/counters/C09/pause", json={"reason": "tea"}, headers=harness.auth("C09")
    )
    harness.issue("BC", phone="0712345678")
    harness.issue("BC")
    harness.issue("PCC")
    clock.advance(minutes=10)
    harness.command("C07", "call-next")
    hall = harness.client.get("/api/v1/hall", headers=harness.auth("display"))
    assert hall.status_code == 200
    body = hall.json()
    services = {s["code"]: s for s in body["services"]}
    assert services["BC"]["waiting"] == 1 and services["PCC"]["waiting"] == 1
    assert services["BC"]["longest_wait_minutes"] == 10
    assert body["totals"]["counters_serving"] == 1
    assert body["totals"]["counters_paused"] == 1
    assert body["called_now"][0]["number"] == "B-001"
    assert body["called_now"][0]["counter"] == "C07"
    assert body["recent_calls"][-1]["number"] == "B-001"
    assert body["seq"] == harness.last_seq()
    assert body["devices"] is None
    assert "712345678" not in hall.text and "SC07" not in hall.text


def test_each_hall_counter_names_the_services_it_serves(harness):
    hall = harness.client.get("/api/v1/hall", headers=harness.auth("display")).json()
    served = {counter["code"]: counter["services"] for counter in hall["counters"]}
    assert served["C01"] == ["NID"]  # one stage of NID is enough to serve NID
    assert served["C03"] == ["NID"]
    assert served["C02"] == ["NID", "BC"]  # in the centre file's order
    assert served["C08"] == ["BC", "DC", "MAR"]


def test_device_status_is_an_event_and_managers_see_it(harness):
    seq = harness.last_seq()
    response = harness.client.post(
        "/api/v1/devices/status",
        json={"printer": {"online": True, "paper": "out", "error": "paper_out"}},
        headers=harness.auth("kiosk"),
    )
    assert response.status_code == 200
    (event,) = harness.events_after(seq)
    assert event["type"] == "device.status"
    assert event["data"]["printer"]["error"] == "paper_out"
    hall = harness.client.get("/api/v1/hall", headers=harness.auth("manager")).json()
    kiosks = [d for d in hall["devices"] if d["role"] == "kiosk"]
    assert kiosks[0]["status"]["printer"]["paper"] == "out"


def test_a_counter_removed_from_the_centre_file_is_ignored(harness):
    from centre_server.db.tables import CounterRow

    with harness.context.db.write() as transaction:
        transaction.session.add(CounterRow(code="OLD", status="open", normal_streak=0))
    harness.issue("BC")
    hall = harness.client.get("/api/v1/hall", headers=harness.auth("display"))
    assert hall.status_code == 200
    assert "OLD" not in {c["code"] for c in hall.json()["counters"]}
    assert harness.client.get("/api/v1/services", headers=harness.auth("kiosk")).status_code == 200
