"""The manager's actions: each a command with its event and audit record, managers only."""

from datetime import timedelta

import pytest

from centre_server.auth import Role
from tests.server.harness import PIN, rid

MANAGER = "M01"


@pytest.fixture
def manager(harness):
    """The headers of a manager's staff session."""
    harness.add_staff(MANAGER, Role.manager)
    response = harness.client.post("/api/v1/auth/staff", json={"staff_number": MANAGER, "pin": PIN})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def post(harness, path, headers, **body):
    return harness.client.post(f"/api/v1{path}", json=body, headers=headers)


def audit(harness, headers):
    response = harness.client.get("/api/v1/audit", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["records"]


def error_code(response):
    return response.json()["error"]["code"]


def issue(harness, service_code="BC"):
    harness.clock.advance(seconds=1)
    return harness.client.post(
        "/api/v1/tickets", json={"service_code": service_code}, headers=harness.auth("kiosk")
    )


def service(harness, code):
    menu = harness.client.get("/api/v1/services", headers=harness.auth("kiosk")).json()
    return next(s for s in menu["services"] if s["code"] == code), menu


def hall_service(harness, code):
    hall = harness.client.get("/api/v1/hall", headers=harness.auth("display")).json()
    return next(s for s in hall["services"] if s["code"] == code), hall


def test_a_notice_shows_on_the_kiosk_and_the_board_until_cleared_or_ended(harness, manager):
    seq = harness.last_seq()
    posted = post(
        harness,
        "/notices",
        manager,
        text_en="Printer down",
        text_sw="Printa imeharibika",
        service_code="BC",
        request_id=(key := rid()),
    )
    assert posted.status_code == 201, posted.text
    again = post(
        harness,
        "/notices",
        manager,
        text_en="Printer down",
        text_sw="Printa imeharibika",
        service_code="BC",
        request_id=key,
    )
    assert again.json() == posted.json()  # a retry posts nothing more
    ending = post(
        harness,
        "/notices",
        manager,
        text_en="Network slow",
        ends_at=(harness.clock.now() + timedelta(minutes=30)).isoformat(),
    )
    assert ending.status_code == 201
    tile, menu = service(harness, "BC")
    assert [n["text_sw"] for n in tile["notices"]] == ["Printa imeharibika"]
    assert [n["text_en"] for n in menu["notices"]] == ["Network slow"]
    board, hall = hall_service(harness, "BC")
    assert [n["text_en"] for n in board["notices"]] == ["Printer down"]
    assert [n["text_en"] for n in hall["notices"]] == ["Network slow"]
    types = [e["type"] for e in harness.events_after(seq)]
    assert types == ["service.notice_posted", "service.notice_posted"]

    notice_id = posted.json()["notice_id"]
    cleared = post(harness, f"/notices/{notice_id}/clear", manager)
    assert cleared.status_code == 200
    assert error_code(post(harness, f"/notices/{notice_id}/clear", manager)) == (
        "invalid_transition"
    )
    assert harness.events_after(seq)[-1]["type"] == "service.notice_cleared"
    harness.clock.advance(minutes=31)
    tile, menu = service(harness, "BC")
    assert tile["notices"] == [] and menu["notices"] == []
    actions = [(r["actor"], r["action"]) for r in audit(harness, manager)]
    assert actions == [
        (MANAGER, "service.notice_cleared"),
        (MANAGER, "service.notice_posted"),
        (MANAGER, "service.notice_posted"),
    ]


def test_a_notice_is_refused_for_an_unknown_service_or_an_end_already_past(harness, manager):
    unknown = post(harness, "/notices", manager, text_en="x", service_code="NOPE")
    assert (unknown.status_code, error_code(unknown)) == (404, "service_not_found")
    past = post(
        harness,
        "/notices",
        manager,
        text_en="x",
        ends_at=(harness.clock.now() - timedelta(minutes=1)).isoformat(),
    )
    assert (past.status_code, error_code(past)) == (422, "notice_invalid")
    missing = post(harness, "/notices/" + "0" * 32 + "/clear", manager)
    assert (missing.status_code, error_code(missing)) == (404, "notice_not_found")


def test_a_service_closed_for_today_refuses_walk_ins_honestly_and_opens_next_day(harness, manager):
    seq = harness.last_seq()
    closed = post(harness, "/services/BC/close-today", manager, reason="system down")
    assert closed.status_code == 200, closed.text
    refused = issue(harness)
    assert (refused.status_code, error_code(refused)) == (409, "service_closed")
    assert refused.json()["error"]["message"] == "closed today by the centre: system down"
    tile, _ = service(harness, "BC")
    assert not tile["is_open"] and tile["closed_today"]
    assert (tile["closed_reason"], tile["closed_note"]) == ("closed_today", "system down")
    board, _ = hall_service(harness, "BC")
    assert not board["is_open"] and board["closed_today"]

    assert post(harness, "/services/BC/reopen", manager).status_code == 200
    assert issue(harness).status_code == 201
    assert error_code(post(harness, "/services/BC/reopen", manager)) == "invalid_transition"
    assert post(harness, "/services/BC/close-today", manager, reason="no staff").status_code == 200
    types = [e["type"] for e in harness.events_after(seq) if e["type"].startswith("service.")]
    assert types == ["service.closed_today", "service.reopened", "service.closed_today"]
    assert [r["action"] for r in audit(harness, manager)] == [
        "service.closed_today",
        "service.reopened",
        "service.closed_today",
    ]
    harness.clock.advance(minutes=24 * 60)  # Tuesday, 10:00
    assert issue(harness).status_code == 201
    assert service(harness, "BC")[0]["closed_today"] is False


def test_a_daily_cap_refuses_walk_ins_once_given_out_and_resets_next_day(harness, manager):
    assert issue(harness).status_code == 201
    capped = post(harness, "/services/BC/daily-cap", manager, cap=2, request_id=rid())
    assert capped.status_code == 200 and capped.json()["daily_cap"] == 2
    assert service(harness, "BC")[0]["tickets_left"] == 1
    assert issue(harness).status_code == 201
    refused = issue(harness)
    assert (refused.status_code, error_code(refused)) == (409, "daily_cap_reached")
    assert "all given out" in refused.json()["error"]["message"]
    tile, _ = service(harness, "BC")
    assert (tile["is_open"], tile["tickets_left"], tile["daily_cap"]) == (False, 0, 2)
    assert post(harness, "/services/BC/daily-cap", manager, cap=None).status_code == 200
    assert issue(harness).status_code == 201  # BC has no cap in the centre file
    bad = post(harness, "/services/BC/daily-cap", manager, cap=0)
    assert (bad.status_code, error_code(bad)) == (422, "invalid_request")
    post(harness, "/services/BC/daily-cap", manager, cap=1)
    harness.clock.advance(minutes=24 * 60)
    assert issue(harness).status_code == 201
    nid, _ = service(harness, "NID")
    assert nid["daily_cap"] == 400  # a new day: the centre file's cap
    events = harness.events_after(0)
    assert [e["type"] for e in events].count("service.cap_set") == 3


def test_a_manager_opens_and_closes_counters_but_not_one_holding_a_ticket(harness, manager):
    opened = post(harness, "/counters/C08/open", manager)
    assert opened.status_code == 200 and opened.json()["counter"]["status"] == "open"
    assert harness.events_after(0)[-1]["type"] == "counter.opened"
    assert issue(harness).status_code == 201
    called = post(harness, "/counters/C08/call-next", manager)
    assert called.status_code == 200, called.text
    busy = post(harness, "/counters/C08/close", manager)
    assert (busy.status_code, error_code(busy)) == (409, "counter_busy")
    post(harness, "/counters/C08/no-show", manager)
    closed = post(harness, "/counters/C08/close", manager)
    assert closed.status_code == 200 and closed.json()["counter"]["status"] == "closed"
    assert error_code(post(harness, "/counters/C08/open", manager, request_id="x")) == (
        "invalid_request"
    )
    again = post(harness, "/counters/C08/close", manager)
    assert error_code(again) == "invalid_transition"
    assert [r["action"] for r in audit(harness, manager)] == ["counter.closed", "counter.opened"]


def test_changing_a_counters_services_changes_who_it_calls_at_once_for_today(harness, manager):
    harness.open_counter("C11")  # serves DL only
    ticket = issue(harness, "BC").json()
    assert error_code(harness.command("C11", "call-next")) == "no_waiting_tickets"
    changed = post(harness, "/counters/C11/services", manager, services={"BC": 1})
    assert changed.status_code == 200, changed.text
    assert changed.json()["queue_keys"] == ["BC"]
    counters = harness.client.get("/api/v1/hall", headers=harness.auth("display")).json()
    assert next(c for c in counters["counters"] if c["code"] == "C11")["services"] == ["BC"]
    called = harness.command("C11", "call-next")
    assert called.status_code == 200 and called.json()["ticket"]["ticket_id"] == ticket["ticket_id"]
    assert harness.events_after(0)[-2]["type"] == "counter.services_changed"
    assert audit(harness, manager)[0]["detail"] == {"services": {"BC": 1}}
    harness.command("C11", "finish")
    harness.clock.advance(minutes=24 * 60)  # a new day: the centre file's services again
    harness.login("C11")
    issue(harness, "BC")
    assert error_code(harness.command("C11", "call-next")) == "no_waiting_tickets"


def test_counter_services_are_checked_against_the_centre_file(harness, manager):
    unknown = post(harness, "/counters/C11/services", manager, services={"XYZ": 1})
    assert (unknown.status_code, error_code(unknown)) == (422, "counter_services_invalid")
    assert post(harness, "/counters/C09/services", manager, services={"BC": 1}).status_code == 200
    unserved = post(harness, "/counters/C10/services", manager, services={"BC": 1})
    assert (unserved.status_code, error_code(unserved)) == (422, "counter_services_invalid")
    assert "PCC" in unserved.json()["error"]["message"]
    missing = post(harness, "/counters/C99/services", manager, services={"BC": 1})
    assert (missing.status_code, error_code(missing)) == (404, "counter_not_found")


def test_counter_services_survive_a_restart_of_the_server(harness, manager):
    from centre_server.context import prepare_state

    post(harness, "/counters/C11/services", manager, services={"BC": 1})
    harness.context._day = None  # as a freshly started process holds it
    assert harness.context.counter_queues["C11"] == ("DL",)
    prepare_state(harness.context)
    assert harness.context.counter_queues["C11"] == ("BC",)


def test_a_manager_moves_and_cancels_waiting_tickets_with_an_audit_record(harness, manager):
    first, second = issue(harness).json(), issue(harness).json()
    moved = post(
        harness, f"/tickets/{first['ticket_id']}/move", manager, to_service="DC", request_id=rid()
    )
    assert moved.status_code == 200, moved.text
    assert (moved.json()["queue_key"], moved.json()["number"]) == ("DC", first["number"])
    assert harness.events_after(0)[-1]["type"] == "ticket.transferred"
    nowhere = post(harness, f"/tickets/{second['ticket_id']}/move", manager)
    assert (nowhere.status_code, error_code(nowhere)) == (422, "transfer_target_invalid")
    cancelled = post(harness, f"/tickets/{second['ticket_id']}/cancel", manager, reason="left")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    again = post(harness, f"/tickets/{second['ticket_id']}/move", manager, to_service="DC")
    assert (again.status_code, error_code(again)) == (409, "invalid_transition")
    harness.open_counter("C07")
    harness.command("C07", "call-next")
    held = post(harness, f"/tickets/{first['ticket_id']}/move", manager, to_service="BC")
    assert (held.status_code, error_code(held)) == (409, "ticket_not_held")
    records = audit(harness, manager)
    assert [(r["action"], r["target"]) for r in records] == [
        ("ticket.cancelled", second["number"]),
        ("ticket.moved", first["number"]),
    ]
    # A kiosk voiding its unprinted slip is no manager's action: no audit record.
    third = issue(harness).json()
    kiosk = post(harness, f"/tickets/{third['ticket_id']}/cancel", harness.auth("kiosk"))
    assert kiosk.status_code == 200 and len(audit(harness, manager)) == 2


def test_unlock_lets_a_locked_account_log_in(harness, manager):
    harness.add_staff("SC07")
    for _ in range(5):
        harness.client.post(
            "/api/v1/auth/staff", json={"staff_number": "SC07", "pin": "000000", "counter": "C07"}
        )
    staff = harness.client.get("/api/v1/staff", headers=manager).json()["staff"]
    locked = next(s for s in staff if s["staff_number"] == "SC07")
    assert locked["failed_attempts"] == 5 and locked["locked_until"] is not None
    unlocked = post(harness, "/staff/SC07/unlock", manager)
    assert unlocked.status_code == 200 and unlocked.json()["locked_until"] is None
    harness.login("C07", "SC07")
    assert audit(harness, manager)[0]["action"] == "staff.unlocked"
    missing = post(harness, "/staff/NOBODY/unlock", manager)
    assert (missing.status_code, error_code(missing)) == (404, "staff_not_found")


def test_reset_pin_ends_the_sessions_and_the_new_pin_works(harness, manager):
    harness.open_counter("C07")
    assert harness.client.get("/api/v1/counters/C07/queue", headers=harness.auth("C07")).is_success
    reset = post(harness, "/staff/SC07/reset-pin", manager)
    assert reset.status_code == 200, reset.text
    new_pin = reset.json()["pin"]
    assert len(new_pin) == 6 and reset.json()["sessions_revoked"] == 1
    ended = harness.client.get("/api/v1/counters/C07/queue", headers=harness.auth("C07"))
    assert (ended.status_code, error_code(ended)) == (401, "unauthenticated")
    login = {"staff_number": "SC07", "counter": "C07"}
    assert harness.client.post("/api/v1/auth/staff", json={**login, "pin": PIN}).status_code == 401
    assert harness.client.post("/api/v1/auth/staff", json={**login, "pin": new_pin}).is_success
    chosen = post(harness, "/staff/SC07/reset-pin", manager, pin="7654")
    assert chosen.json()["pin"] is None
    assert harness.client.post("/api/v1/auth/staff", json={**login, "pin": "7654"}).is_success
    record = audit(harness, manager)[0]
    assert record["action"] == "staff.pin_reset" and "7654" not in str(record)


MANAGER_ROUTES = [
    ("GET", "/audit"),
    ("GET", "/notices"),
    ("POST", "/notices"),
    ("POST", "/services/BC/close-today"),
    ("POST", "/services/BC/reopen"),
    ("POST", "/services/BC/daily-cap"),
    ("POST", "/counters/C07/open"),
    ("POST", "/counters/C07/close"),
    ("POST", "/counters/C07/services"),
    ("POST", "/tickets/" + "0" * 32 + "/move"),
    ("GET", "/staff"),
    ("POST", "/staff/SC07/unlock"),
    ("POST", "/staff/SC07/reset-pin"),
]


@pytest.mark.parametrize(("method", "path"), MANAGER_ROUTES)
def test_manager_routes_refuse_counter_staff_kiosks_and_no_session(sqlite_harness, method, path):
    harness = sqlite_harness
    harness.open_counter("C07")
    for headers, status in (
        ({}, 401),
        (harness.auth("C07"), 403),
        (harness.auth("kiosk"), 403),
        (harness.auth("display"), 403),
    ):
        response = harness.client.request(method, f"/api/v1{path}", json={}, headers=headers)
        assert response.status_code == status, (path, headers)
    assert harness.client.get("/api/v1/counters/C07/queue", headers=harness.auth("C07")).is_success
