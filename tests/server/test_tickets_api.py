"""Walk-in tickets, services menu, public status, idempotency, phones."""

import pytest

from tests.server.harness import rid


def test_services_menu_lists_services_with_waiting_counts_and_estimates(harness):
    harness.issue("BC")
    harness.issue("BC")
    response = harness.client.get("/api/v1/services", headers=harness.auth("kiosk"))
    assert response.status_code == 200
    body = response.json()
    services = {s["code"]: s for s in body["services"]}
    assert services["BC"]["waiting"] == 2
    assert services["BC"]["is_open"] is True
    assert services["BC"]["estimated_wait_minutes"] > 0
    assert {p["code"] for p in body["priorities"]} >= {"elderly"}


def test_issue_numbers_tickets_per_service_and_returns_the_public_ticket(harness):
    first = harness.issue("BC")
    second = harness.issue("BC")
    other = harness.issue("PCC")
    assert (first["number"], second["number"], other["number"]) == ("B-001", "B-002", "P-001")
    assert second["people_ahead"] == 1
    assert second["status_url"] == f"http://centre.test/t/{second['token']}"
    assert second["service_name_sw"] == "Cheti cha Kuzaliwa"
    assert "phone" not in second and second["phone_masked"] is None


def test_issue_produces_exactly_one_ticket_issued_event(harness):
    before = harness.last_seq()
    ticket = harness.issue("BC")
    events = harness.events_after(before)
    assert [e["type"] for e in events] == ["ticket.issued"]
    assert events[0]["data"]["ticket_id"] == ticket["ticket_id"]


def test_same_request_id_three_times_gives_one_ticket_and_identical_responses(harness):
    request_id = rid()
    before = harness.last_seq()
    responses = [
        harness.client.post(
            "/api/v1/tickets",
            json={"service_code": "BC", "request_id": request_id},
            headers=harness.auth("kiosk"),
        )
        for _ in range(3)
    ]
    assert {r.status_code for r in responses} == {201}
    assert responses[0].json() == responses[1].json() == responses[2].json()
    assert len(harness.events_after(before)) == 1


def test_a_request_id_reused_for_another_request_is_refused(harness):
    request_id = rid()
    harness.issue("BC", request_id=request_id)
    response = harness.client.post(
        "/api/v1/tickets",
        json={"service_code": "PCC", "request_id": request_id},
        headers=harness.auth("kiosk"),
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "request_id_reused"


def test_a_phone_is_validated_stored_and_only_ever_shown_masked(harness):
    ticket = harness.issue("BC", phone="0712 345 678")
    assert ticket["phone_masked"] == "+254 7** *** 678"
    with harness.context.db.read() as session:
        from centre_server.db.tables import TicketRow

        assert session.get(TicketRow, ticket["ticket_id"]).phone == "+254712345678"
    assert all("712345678" not in str(e) for e in harness.events_after(0))


@pytest.mark.parametrize("phone", ["12345", "+1 202 555 0143", "07123"])
def test_an_invalid_or_foreign_phone_is_refused(harness, phone):
    response = harness.client.post(
        "/api/v1/tickets",
        json={"service_code": "BC", "phone": phone},
        headers=harness.auth("kiosk"),
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_phone"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"service_code": "NOPE"}, 404, "service_not_found"),
        ({"service_code": "BC", "priority": "vip"}, 422, "unknown_priority"),
        ({"service_code": "BC", "extra": 1}, 422, "invalid_request"),
        ({}, 422, "invalid_request"),
    ],
)
def test_issue_errors_have_codes(harness, body, status, code):
    response = harness.client.post("/api/v1/tickets", json=body, headers=harness.auth("kiosk"))
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_a_closed_service_issues_nothing(harness, clock):
    clock.advance(minutes=12 * 60)  # 22:00 in Nairobi
    response = harness.client.post(
        "/api/v1/tickets", json={"service_code": "BC"}, headers=harness.auth("kiosk")
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "service_closed"


def test_status_page_as_json_and_html_without_personal_data(harness):
    ticket = harness.issue("BC", phone="0712345678")
    token = ticket["token"]
    as_json = harness.client.get(f"/t/{token}", headers={"Accept": "application/json"})
    assert as_json.status_code == 200
    assert as_json.json()["number"] == "B-001"
    assert as_json.json()["phone_masked"] is None
    api = harness.client.get(f"/api/v1/tickets/status/{token}")
    assert api.json()["status"] == "waiting"
    page = harness.client.get(f"/t/{token}", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "B-001" in page.text and "Tafadhali subiri" in page.text
    assert "678" not in page.text


def test_the_status_page_names_the_counter_only_while_the_ticket_is_in_the_hall(harness):
    harness.open_counter("C07")
    status = f"/api/v1/tickets/status/{harness.issue('BC')['token']}"
    assert harness.command("C07", "call-next").status_code == 200
    assert harness.client.get(status).json()["counter"] == "C07"
    assert harness.command("C07", "finish").status_code == 200
    done = harness.client.get(status).json()
    assert done["status"] == "done" and done["counter"] is None


def test_unknown_status_token_is_a_404_envelope(harness):
    response = harness.client.get("/t/abcdefghijklmnop")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "ticket_not_found"


def test_unknown_route_and_method(harness):
    assert harness.client.get("/nope").json()["error"]["code"] == "not_found"
    response = harness.client.delete("/healthz")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_healthz(harness):
    assert harness.client.get("/healthz").json()["status"] == "ok"


def test_a_waiting_ticket_can_be_voided_once_with_its_event(harness):
    ticket = harness.issue("BC")
    seq = harness.last_seq()
    path = f"/api/v1/tickets/{ticket['ticket_id']}/cancel"
    response = harness.client.post(
        path, json={"reason": "not_printed"}, headers=harness.auth("kiosk")
    )
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert [e["type"] for e in harness.events_after(seq)] == ["ticket.cancelled"]
    again = harness.client.post(path, json={}, headers=harness.auth("manager"))
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "invalid_transition"
    unknown = harness.client.post(
        "/api/v1/tickets/nope/cancel", json={}, headers=harness.auth("manager")
    )
    assert unknown.json()["error"]["code"] == "ticket_not_found"
