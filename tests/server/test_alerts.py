"""Alerts kept by the server: raised once, cleared by themselves, acknowledged on the record."""

from centre_server.services import alert_service

PAPER_OUT = {"printer": {"online": True, "paper": "out", "error": "paper_out"}}
PRINTER_OK = {"printer": {"online": True, "paper": "ok"}}
SOUND_OK = {"sound": {"state": "ok"}, "message": "board up; sound ok"}


def _report(harness, role, status):
    response = harness.client.post(
        "/api/v1/devices/status", json=status, headers=harness.auth(role)
    )
    assert response.status_code == 200, response.text


def _open(harness):
    response = harness.client.get("/api/v1/alerts", headers=harness.auth("manager"))
    assert response.status_code == 200, response.text
    return {(a["kind"], a["subject"]): a for a in response.json()["alerts"]}


def _alert_events(harness, after=0):
    return [e for e in harness.events_after(after) if e["type"].startswith("alert.")]


def test_devices_that_never_reported_and_a_printer_fault_raise_alerts_once(harness):
    alert_service.evaluate(harness.context)
    assert {kind for kind, _ in _open(harness)} == {"device_silent"}
    _report(harness, "kiosk", PAPER_OUT)
    _report(harness, "display", SOUND_OK)
    alert_service.evaluate(harness.context)
    assert alert_service.evaluate(harness.context) == 0  # seen again: the same alert
    opened = _open(harness)
    assert [kind for kind, _ in opened] == ["printer_fault"]
    (fault,) = opened.values()
    assert fault["detail"]["state"] == "paper_out" and fault["cleared_at"] is None
    kinds = [(e["type"], e["data"]["kind"]) for e in _alert_events(harness)]
    assert kinds.count(("alert.raised", "printer_fault")) == 1
    assert kinds.count(("alert.cleared", "device_silent")) == 2

    seq = harness.last_seq()
    _report(harness, "kiosk", PRINTER_OK)
    assert alert_service.evaluate(harness.context) == 1
    assert _open(harness) == {}
    (cleared,) = _alert_events(harness, seq)
    assert (cleared["type"], cleared["data"]["alert_id"]) == ("alert.cleared", fault["alert_id"])


def test_a_wait_over_target_is_raised_from_when_it_crossed_the_target(harness):
    _report(harness, "kiosk", PRINTER_OK)
    _report(harness, "display", SOUND_OK)
    harness.open_counter("C07")  # BC has a counter: only the wait is late
    harness.issue("BC")
    target = harness.context.centre.service("BC").target_wait_minutes
    harness.clock.advance(minutes=target - 1)
    # Devices keep reporting, as they do every two minutes.
    _report(harness, "kiosk", PRINTER_OK)
    _report(harness, "display", SOUND_OK)
    alert_service.evaluate(harness.context)
    # C07 has let the ticket wait for more than 10 minutes without calling anyone.
    assert set(_open(harness)) == {("counter_idle", "C07")}
    harness.clock.advance(minutes=3)
    _report(harness, "kiosk", PRINTER_OK)
    _report(harness, "display", SOUND_OK)
    alert_service.evaluate(harness.context)
    alert = _open(harness)[("wait_over_target", "BC")]
    assert alert["detail"]["target_minutes"] == target
    assert alert["detail"]["longest_wait_minutes"] == target + 2


def test_a_manager_acknowledges_an_alert_on_the_record_and_it_stays_until_its_cause_goes(harness):
    _report(harness, "kiosk", PAPER_OUT)
    _report(harness, "display", SOUND_OK)
    alert_service.evaluate(harness.context)
    (fault,) = _open(harness).values()
    for role in ("kiosk", "display", "C07"):
        if role == "C07":
            harness.open_counter("C07")
        refused = harness.client.post(
            f"/api/v1/alerts/{fault['alert_id']}/acknowledge", headers=harness.auth(role)
        )
        assert refused.status_code == 403, role
    seen = harness.client.post(
        f"/api/v1/alerts/{fault['alert_id']}/acknowledge", headers=harness.auth("manager")
    )
    assert seen.status_code == 200 and seen.json()["acknowledged_by"].startswith("device:")
    assert _open(harness)[("printer_fault", fault["subject"])]["acknowledged_at"] is not None
    audit = harness.client.get("/api/v1/audit", headers=harness.auth("manager")).json()
    assert audit["records"][0]["action"] == "alert.acknowledge"
    unknown = harness.client.post(
        f"/api/v1/alerts/{'ab' * 16}/acknowledge", headers=harness.auth("manager")
    )
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "alert_not_found"
    # Acknowledging twice changes nothing.
    again = harness.client.post(
        f"/api/v1/alerts/{fault['alert_id']}/acknowledge", headers=harness.auth("manager")
    )
    assert again.json()["acknowledged_at"] == seen.json()["acknowledged_at"]
