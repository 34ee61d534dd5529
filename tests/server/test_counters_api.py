"""Counter commands: each produces exactly its events; errors have codes; idempotent retries."""

import pytest

from tests.server.harness import rid


@pytest.fixture
def c07(harness):
    harness.open_counter("C07")  # serves BC (weight 2) and DC
    return harness


def types_after(harness, seq):
    return [event["type"] for event in harness.events_after(seq)]


def test_login_opens_the_counter_with_one_event(harness):
    before = harness.last_seq()
    harness.open_counter("C07")
    assert types_after(harness, before) == ["counter.opened"]


def test_call_start_finish_each_produce_exactly_their_event(c07):
    ticket = c07.issue("BC")
    seq = c07.last_seq()
    called = c07.command("C07", "call-next")
    assert called.status_code == 200, called.text
    body = called.json()
    assert body["ticket"]["ticket_id"] == ticket["ticket_id"]
    assert body["counter"]["ticket_id"] == ticket["ticket_id"]
    assert body["reason"]["code"]
    assert types_after(c07, seq) == ["ticket.called"]
    seq = c07.last_seq()
    assert c07.command("C07", "recall").json()["ticket"]["recalls"] == 1
    assert types_after(c07, seq) == ["ticket.recalled"]
    seq = c07.last_seq()
    assert c07.command("C07", "start").json()["ticket"]["status"] == "serving"
    assert types_after(c07, seq) == ["ticket.serving"]
    seq = c07.last_seq()
    finished = c07.command("C07", "finish").json()
    assert finished["ticket"]["status"] == "done"
    assert finished["counter"]["ticket_id"] is None
    assert types_after(c07, seq) == ["ticket.done"]


def test_no_show_frees_the_counter(c07):
    c07.issue("BC")
    c07.command("C07", "call-next")
    seq = c07.last_seq()
    body = c07.command("C07", "no-show").json()
    assert body["ticket"]["status"] == "no_show"
    assert types_after(c07, seq) == ["ticket.no_show"]


def test_finishing_a_stage_moves_the_ticket_to_the_next_stage_keeping_its_number(harness):
    harness.open_counter("C01")  # NID.verification
    harness.open_counter("C03")  # NID.biometrics
    ticket = harness.issue("NID")
    harness.command("C01", "call-next")
    seq = harness.last_seq()
    moved = harness.command("C01", "finish").json()["ticket"]
    assert moved["status"] == "waiting" and moved["queue_key"] == "NID.biometrics"
    assert types_after(harness, seq) == ["ticket.stage_advanced"]
    called = harness.command("C03", "call-next").json()["ticket"]
    assert called["number"] == ticket["number"] == "A-001"


def test_transfer_to_another_counter(harness):
    harness.open_counter("C07")
    harness.open_counter("C08")
    harness.issue("BC")
    harness.command("C07", "call-next")
    seq = harness.last_seq()
    moved = harness.command("C07", "transfer", to_counter="C08", note="needs MAR too")
    assert moved.status_code == 200, moved.text
    assert moved.json()["ticket"]["target_counter"] == "C08"
    assert types_after(harness, seq) == ["ticket.transferred"]
    assert harness.command("C08", "call-next").json()["reason"]["code"] == "transfer_to_counter"


def test_serve_a_specific_ticket(c07):
    c07.issue("BC")
    second = c07.issue("BC")
    body = c07.command("C07", "call", ticket_id=second["ticket_id"]).json()
    assert body["ticket"]["number"] == "B-002"


def test_pause_and_resume(c07):
    seq = c07.last_seq()
    assert c07.command("C07", "pause", reason="tea").json()["counter"]["status"] == "paused"
    refused = c07.command("C07", "call-next")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "counter_paused"
    assert c07.command("C07", "resume").json()["counter"]["status"] == "open"
    assert types_after(c07, seq) == ["counter.paused", "counter.resumed"]


@pytest.mark.parametrize(
    ("prepare", "command", "body", "status", "code"),
    [
        (False, "call-next", {}, 409, "no_waiting_tickets"),
        (False, "finish", {}, 409, "ticket_not_held"),
        (True, "call-next", {}, 409, "counter_busy"),
        (True, "pause", {}, 409, "counter_busy"),
        (True, "no-show", {"ticket_id": "0" * 32}, 404, "ticket_not_found"),
        (True, "transfer", {"to_service": "NOPE"}, 404, "service_not_found"),
        (True, "transfer", {"to_counter": "C01"}, 422, "transfer_target_invalid"),
        (False, "resume", {}, 409, "invalid_transition"),
        (False, "call", {"ticket_id": "0" * 32}, 404, "ticket_not_found"),
    ],
)
def test_counter_command_errors_have_codes(c07, prepare, command, body, status, code):
    if prepare:
        c07.issue("BC")
        c07.issue("BC")
        c07.command("C07", "call-next")
    seq = c07.last_seq()
    response = c07.command("C07", command, **body)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert c07.last_seq() == seq  # a refused command changes nothing


def test_a_counter_cannot_call_a_ticket_of_a_queue_it_does_not_serve(c07):
    pcc = c07.issue("PCC")
    response = c07.command("C07", "call", ticket_id=pcc["ticket_id"])
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "counter_not_serving_service"


def test_a_retried_call_next_returns_the_first_result_and_calls_nothing_else(c07):
    c07.issue("BC")
    c07.issue("BC")
    request_id = rid()
    first = c07.command("C07", "call-next", request_id=request_id)
    seq = c07.last_seq()
    again = c07.command("C07", "call-next", request_id=request_id)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert c07.last_seq() == seq


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "call-next", {}),
        ("POST", "call", {"ticket_id": "0" * 32}),
        ("POST", "recall", {}),
        ("POST", "start", {}),
        ("POST", "finish", {}),
        ("POST", "no-show", {}),
        ("POST", "transfer", {"to_service": "DC"}),
        ("POST", "pause", {}),
        ("POST", "resume", {}),
        ("GET", "queue", None),
    ],
)
def test_counter_staff_may_only_command_their_own_counter(harness, method, path, body):
    harness.open_counter("C07")
    harness.open_counter("C08")
    seq = harness.last_seq()
    response = harness.client.request(
        method, f"/api/v1/counters/C08/{path}", json=body, headers=harness.auth("C07")
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert harness.last_seq() == seq


def test_unknown_counter(harness):
    response = harness.client.post(
        "/api/v1/counters/C99/call-next", json={}, headers=harness.auth("manager")
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "counter_not_found"


def test_counter_queue_view_lists_next_tickets_with_reasons_and_masks_phones(c07):
    c07.issue("BC", phone="0712345678")
    c07.issue("DC")
    response = c07.client.get("/api/v1/counters/C07/queue", headers=c07.auth("C07"))
    assert response.status_code == 200
    body = response.json()
    assert body["waiting_total"] == 2
    assert {q["queue_key"]: q["waiting"] for q in body["queues"]} == {"BC": 1, "DC": 1}
    assert [n["ticket"]["number"] for n in body["next"]] == ["B-001", "C-001"]
    assert body["next"][0]["ticket"]["phone_masked"] == "+254 7** *** 678"
    assert all(n["reason"]["explanation"] for n in body["next"])
    # The figures a counter words the reason with in its language.
    assert body["next"][0]["reason"]["figures"] == {
        "minutes": 0,
        "target": 25,
        "weight": 2,
    }


def test_estimates_use_the_last_twenty_service_times_of_each_queue(harness, clock):
    from datetime import timedelta

    from centre_core import estimates
    from centre_server.db.tables import ServiceTimeRow
    from centre_server.services import estimates_service

    with harness.context.db.write() as transaction:
        for index in range(25):
            seconds = 2000.0 if index < 5 else 60.0 + index  # the five oldest are left out
            transaction.session.add(
                ServiceTimeRow(
                    queue_key="BC",
                    counter="C07",
                    finished_at=clock.now() + timedelta(minutes=index),
                    seconds=seconds,
                )
            )
    with harness.context.db.read() as session:
        means = estimates_service.mean_seconds(session, harness.context, ["BC", "DC"])
    prior = harness.context.centre.service("BC").prior_service_minutes * 60
    expected = estimates.mean_service_seconds(
        [60.0 + index for index in range(5, 25)], prior_seconds=prior
    )
    assert means["BC"] == pytest.approx(expected)
    assert means["DC"] == harness.context.centre.service("DC").prior_service_minutes * 60
