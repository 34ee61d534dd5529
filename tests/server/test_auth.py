"""Staff login, lockout, sessions, device tokens, and the route-role walk."""

from datetime import timedelta

import pytest

from centre_server.api.roles import route_table
from centre_server.auth import Role
from centre_server.security import LOCKOUT_AFTER_FAILURES, hash_token, lockout_after
from centre_server.services import device_service, staff_service
from centre_server.web.session import PageGuard
from tests.server.harness import PIN

# The only routes anyone may call without a token.
PUBLIC_ROUTES = {
    "/healthz",
    "/t/{token}",
    "/api/v1/tickets/status/{token}",
    "/api/v1/auth/staff",
    "/openapi.json",
    "/docs",
    "/static",
    # The manager page's login form and its post (the page itself needs a session).
    "/manage",
    "/manage/login",
}
# The API's documentation and the vendored files it and the pages load.
DOCS = {"/openapi.json", "/docs", "/static"}
SAMPLE_PATH_PARAMS = {
    "counter": "C07",
    "token": "abcdefghijklmnop",
    "ticket_id": "0" * 32,
    "notice_id": "0" * 32,
    "service_code": "BC",
    "staff_number": "NOBODY",
    "alert_id": "ab" * 16,
    "code": "BC",
    "number": "NOBODY",
}


def login(harness, staff_number="SC07", pin=PIN, counter="C07"):
    return harness.client.post(
        "/api/v1/auth/staff",
        json={"staff_number": staff_number, "pin": pin, "counter": counter},
    )


def test_login_gives_a_counter_session_token_stored_only_hashed(harness):
    harness.add_staff("SC07")
    response = login(harness)
    assert response.status_code == 200
    body = response.json()
    assert body["roles"] == ["counter"] and body["counter"] == "C07"
    from centre_server.db.tables import StaffSessionRow

    with harness.context.db.read() as session:
        row = session.get(StaffSessionRow, hash_token(body["token"]))
        assert row is not None and row.counter == "C07"
    me = harness.client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.json()["counter"] == "C07"


@pytest.mark.parametrize(
    ("staff_number", "pin"), [("SC07", "000000"), ("NOBODY", PIN), ("SC07", "abc")]
)
def test_wrong_pin_or_unknown_staff_answer_the_same(harness, staff_number, pin):
    harness.add_staff("SC07")
    response = login(harness, staff_number=staff_number, pin=pin)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"


def test_lockout_escalates_and_a_locked_account_is_told_so_whatever_the_pin(harness, clock):
    harness.add_staff("SC07")
    for _ in range(LOCKOUT_AFTER_FAILURES):
        assert login(harness, pin="000000").status_code == 401
    right, wrong = login(harness), login(harness, pin="000000")  # locked: the same answer
    for locked in (right, wrong):
        assert locked.status_code == 403
        assert locked.json()["error"]["code"] == "account_locked"
        # Until 10:01 centre-local (the fifth failure at 10:00 locks for a minute).
        assert "until 10:01" in locked.json()["error"]["message"]
        assert "manager can unlock" in locked.json()["error"]["message"]
    assert right.json() == wrong.json()
    clock.advance(minutes=1, seconds=1)
    assert login(harness, pin="000000").status_code == 401  # sixth failure: two minutes now
    clock.advance(minutes=1, seconds=1)
    assert login(harness).json()["error"]["code"] == "account_locked"
    clock.advance(minutes=1)
    assert login(harness).status_code == 200


def test_lockout_durations_double():
    assert lockout_after(4) is None
    assert lockout_after(5) == timedelta(minutes=1)
    assert lockout_after(6) == timedelta(minutes=2)
    assert lockout_after(8) == timedelta(minutes=8)
    assert lockout_after(60) == timedelta(hours=24)


def test_counter_staff_must_log_in_at_a_counter_and_managers_need_not(harness):
    harness.add_staff("SC07")
    harness.add_staff("M1", role=Role.manager)
    assert login(harness, counter=None).json()["error"]["code"] == "invalid_request"
    manager = login(harness, staff_number="M1", counter=None)
    assert manager.status_code == 200
    assert manager.json()["roles"] == ["manager"]


def test_login_at_an_unknown_counter(harness):
    harness.add_staff("SC07")
    response = login(harness, counter="C99")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "counter_not_found"


def test_logout_closes_the_counter_and_ends_the_session(harness):
    harness.open_counter("C07")
    seq = harness.last_seq()
    response = harness.client.post("/api/v1/auth/logout", headers=harness.auth("C07"))
    assert response.status_code == 204
    assert [e["type"] for e in harness.events_after(seq)] == ["counter.closed"]
    again = harness.client.get("/api/v1/auth/me", headers=harness.auth("C07"))
    assert again.status_code == 401


def test_a_new_login_at_a_counter_ends_the_previous_session(harness):
    harness.open_counter("C07")
    old = harness.counter_tokens["C07"]
    harness.add_staff("OTHER")
    harness.login("C07", staff_number="OTHER")
    response = harness.client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {old}"})
    assert response.status_code == 401


def test_a_session_expires(harness, clock):
    harness.open_counter("C07")
    clock.advance(minutes=harness.context.settings.staff_session_hours * 60 + 1)
    response = harness.client.get("/api/v1/auth/me", headers=harness.auth("C07"))
    assert response.json()["error"]["code"] == "unauthenticated"


def test_add_staff_hashes_the_pin_with_argon2_and_validates(harness):
    staff_service.add_staff(
        harness.context.db,
        staff_number="REAL1",
        name="Real",
        pin="2468",
        role=Role.counter,
        now=harness.clock.now(),
    )
    from centre_server.db.tables import StaffRow

    with harness.context.db.read() as session:
        assert session.get(StaffRow, "REAL1").pin_hash.startswith("$argon2id$")
    with pytest.raises(Exception, match="PIN"):
        staff_service.add_staff(
            harness.context.db,
            staff_number="REAL2",
            name="Real",
            pin="12",
            role=Role.counter,
            now=harness.clock.now(),
        )


def test_device_tokens_are_stored_hashed_and_a_counter_role_cannot_be_a_device(harness):
    device = device_service.add_device(
        harness.context.db, name="kiosk-2", role=Role.kiosk, now=harness.clock.now()
    )
    from centre_server.db.tables import DeviceRow

    with harness.context.db.read() as session:
        row = session.get(DeviceRow, device.id)
        assert row.token_hash == hash_token(device.token) and device.token not in row.token_hash
    with pytest.raises(Exception, match="device role"):
        device_service.add_device(
            harness.context.db, name="x", role=Role.counter, now=harness.clock.now()
        )


def _call(harness, entry, headers):
    path = entry.path.format(**SAMPLE_PATH_PARAMS)
    method = sorted(entry.methods - {"HEAD"})[0]
    return harness.client.request(method, path, json={}, headers=headers)


def test_every_route_declares_its_roles_and_nothing_is_open_by_accident(harness):
    harness.open_counter("C07")
    # Logging out ends the counter session the other calls use: walk it last.
    entries = sorted(route_table(harness.client.app), key=lambda e: e.path == "/api/v1/auth/logout")
    assert {e.path for e in entries} >= PUBLIC_ROUTES
    for entry in entries:
        if entry.path in DOCS:
            assert entry.guard is None
            continue
        assert entry.guard is not None, f"{entry.path} declares no roles"
        if isinstance(entry.guard, PageGuard):
            _check_page_route(harness, entry)
            continue
        assert entry.guard.public == (entry.path in PUBLIC_ROUTES), entry.path
        if entry.websocket or entry.guard.public:
            continue
        anonymous = _call(harness, entry, {})
        assert anonymous.status_code == 401, entry.path
        assert anonymous.json()["error"]["code"] == "unauthenticated"
        bad = _call(harness, entry, {"Authorization": "Bearer not-a-token"})
        assert bad.status_code == 401, entry.path
        for role in ("kiosk", "display", "manager", "admin", "C07"):
            principal_roles = {Role.counter} if role == "C07" else {Role(role)}
            response = _call(harness, entry, harness.auth(role))
            if principal_roles.isdisjoint(entry.guard.roles):
                assert response.status_code == 403, (entry.path, role)
                assert response.json()["error"]["code"] == "forbidden"
            else:
                assert response.status_code not in (401, 403), (entry.path, role, response.text)


def _check_page_route(harness, entry):
    # Manager pages take a browser session only: no cookie is 401, and a bearer token of any
    # role grants nothing (tests/web walks them with sessions).
    assert entry.guard.login == (entry.path in PUBLIC_ROUTES), entry.path
    if entry.guard.login:
        return
    for headers in ({}, harness.auth("manager"), harness.auth("admin")):
        response = _call(harness, entry, headers)
        assert response.status_code == 401, (entry.path, headers)
        assert response.json()["error"]["code"] == "unauthenticated"


def test_the_websocket_refuses_a_missing_token(harness):
    with harness.client.websocket_connect("/api/v1/stream") as ws:
        message = ws.receive_json()
        assert message["error"]["code"] == "unauthenticated"
