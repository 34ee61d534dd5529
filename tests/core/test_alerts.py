"""The alert rules: what needs a manager's attention in the hall, its devices and its link."""

from datetime import datetime

from centre_core import tickets
from centre_core.alerts import AlertKind, conditions
from centre_core.centre import AlertThresholds
from centre_core.counters import CounterState, pause_counter
from centre_core.hall import HallFigures
from centre_core.wire import DeviceOut, LinkStatus
from tests.core.factory import MONDAY_9AM, issue, minutes, open_state, small_centre

CENTRE = small_centre()
THRESHOLDS = AlertThresholds()


def _hall(now, *, waiting=(), counters=None, devices=(), link=None):
    figures = HallFigures(
        centre=CENTRE,
        tickets=list(waiting),
        counters=counters or [CounterState(c.code) for c in CENTRE.counters],
        means={},
        now=now,
    )
    snapshot = figures.hall_snapshot(seq=1, recent_calls=[], devices=list(devices))
    return snapshot if link is None else snapshot.model_copy(update={"national_link": link})


def _kinds(snapshot, *, idle_since=None, linked=False, thresholds=THRESHOLDS):
    found = conditions(
        snapshot,
        centre=CENTRE,
        thresholds=thresholds,
        idle_since=idle_since or {},
        linked=linked,
    )
    return {(c.kind, c.subject): c for c in found}


def _device(role, status, at, device_id="d1"):
    return DeviceOut(device_id=device_id, name="Kiosk 1", role=role, status=status, status_at=at)


def test_a_wait_over_its_target_raises_an_alert_and_a_shorter_one_does_not():
    target = CENTRE.service("BC").target_wait_minutes
    ticket = issue(CENTRE, "BC", MONDAY_9AM)
    assert _kinds(_hall(MONDAY_9AM + minutes(target), waiting=[ticket])) == {}
    over = _kinds(_hall(MONDAY_9AM + minutes(target + 2), waiting=[ticket]))
    alert = over[(AlertKind.wait_over_target, "BC")]
    assert alert.detail == {"longest_wait_minutes": target + 2, "target_minutes": target}
    assert alert.since == MONDAY_9AM + minutes(target)
    # A centre that allows 150 % of the target.
    lenient = AlertThresholds(wait_over_target_percent=150)
    assert (
        _kinds(_hall(MONDAY_9AM + minutes(target + 2), waiting=[ticket]), thresholds=lenient) == {}
    )


def test_a_printer_fault_or_a_silent_kiosk_is_an_alert_and_a_low_roll_is_not():
    now = MONDAY_9AM
    paper_out = {"printer": {"online": True, "paper": "out", "error": "paper_out"}}
    low = {"printer": {"online": True, "paper": "low"}}
    offline = {"printer": {"online": False, "paper": "unknown"}}
    found = _kinds(_hall(now, devices=[_device("kiosk", paper_out, now - minutes(1))]))
    assert found[(AlertKind.printer_fault, "d1")].detail["state"] == "paper_out"
    assert _kinds(_hall(now, devices=[_device("kiosk", low, now - minutes(1))])) == {}
    found = _kinds(_hall(now, devices=[_device("kiosk", offline, now)]))
    assert found[(AlertKind.printer_fault, "d1")].detail["state"] == "printer_offline"
    silent = _kinds(_hall(now, devices=[_device("kiosk", low, now - minutes(6))]))
    assert set(silent) == {(AlertKind.device_silent, "d1")}
    assert silent[(AlertKind.device_silent, "d1")].since == now - minutes(1)
    never = _kinds(_hall(now, devices=[_device("display", None, None)]))
    assert set(never) == {(AlertKind.device_silent, "d1")}
    # Counters and managers' devices are not expected to report.
    assert _kinds(_hall(now, devices=[_device("manager", None, None)])) == {}


def test_a_board_without_sound_is_an_alert():
    now = MONDAY_9AM
    fault = {"sound": {"state": "fault", "error": "speech_engine_missing"}, "message": "board up"}
    found = _kinds(_hall(now, devices=[_device("display", fault, now)]))
    assert found[(AlertKind.board_sound, "d1")].detail["error"] == "speech_engine_missing"
    muted = {"sound": {"state": "off"}}
    assert (AlertKind.board_sound, "d1") in _kinds(
        _hall(now, devices=[_device("display", muted, now)])
    )
    fine = {"sound": {"state": "ok"}}
    assert _kinds(_hall(now, devices=[_device("display", fine, now)])) == {}


def test_a_counter_paused_too_long_or_idle_while_people_wait_is_an_alert():
    opened = open_state("C2", at=MONDAY_9AM)
    paused = pause_counter(opened, reason="tea", now=MONDAY_9AM).counter
    counters = [CounterState("C1"), paused, CounterState("C3"), CounterState("C4")]
    assert _kinds(_hall(MONDAY_9AM + minutes(19), counters=counters)) == {}
    found = _kinds(_hall(MONDAY_9AM + minutes(21), counters=counters))
    assert found[(AlertKind.counter_paused_long, "C2")].detail["reason"] == "tea"

    waiting = issue(CENTRE, "BC", MONDAY_9AM)
    counters = [CounterState("C1"), opened, CounterState("C3"), CounterState("C4")]
    idle = {"C2": MONDAY_9AM}
    quiet = _hall(MONDAY_9AM + minutes(11), waiting=[waiting], counters=counters)
    assert (AlertKind.counter_idle, "C2") in _kinds(quiet, idle_since=idle)
    # Nobody waiting for its services: an idle counter is no problem.
    empty = _hall(MONDAY_9AM + minutes(11), counters=counters)
    assert _kinds(empty, idle_since=idle) == {}
    # Holding a ticket is not idle.
    call = tickets.call_ticket(waiting, counter=opened, now=MONDAY_9AM + minutes(1))
    busy = [CounterState("C1"), call.counter, CounterState("C3"), CounterState("C4")]
    assert (
        _kinds(
            _hall(MONDAY_9AM + minutes(11), waiting=[call.ticket], counters=busy), idle_since=idle
        )
        == {}
    )


def _link(link, contact: datetime | None, lag=0.0):
    return LinkStatus(
        link=link,
        last_seq=10,
        acked_through=4,
        pending=6,
        lag_seconds=lag,
        cursor=3,
        last_error=None,
        last_contact=contact,
    )


def test_the_national_link_down_or_lagging_is_an_alert_only_where_there_is_one():
    now = MONDAY_9AM
    short = _hall(now, link=_link("down", now - minutes(5)))
    assert _kinds(short, linked=True) == {}
    down = _hall(now, link=_link("down", now - minutes(11)))
    assert _kinds(down, linked=True)[(AlertKind.link_down, "national")].detail["pending"] == 6
    assert _kinds(down, linked=False) == {}
    lagging = _hall(now, link=_link("up", now, lag=31 * 60))
    assert (AlertKind.link_lagging, "national") in _kinds(lagging, linked=True)
