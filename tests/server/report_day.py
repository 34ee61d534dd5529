"""A small centre day played through the real API, whose KPIs are worked out by hand.

Nairobi time (UTC+3), Monday 2026-11-23. C07 serves BC and DC, C09 serves PCC.

| ticket | arrives | callable | first call | wait | outcome |
|---|---|---|---|---|---|
| BC 1 | 10:00:01 | 10:00:01 | 10:05:01 C07 | 300 s | done 10:10:01 (300 s from the call) |
| BC 2 | 10:00:02 | 10:00:02 | 10:10:01 C07 | 599 s | no-show 10:11:01 |
| BC 3 | 10:00:03 | 10:00:03 | 10:11:01 C07 | 658 s | served from 10:12:01, done 10:20:01 (480 s) |
| BC 4 | 10:00:04 | 10:00:04 | never | - | still waiting |
| PCC 1 | 10:00:05 | 10:00:05 | 10:40:05 C09 | 2400 s (over its 30 min) | done 10:50:05 (600 s) |
| DC, booked 10:30 | 10:25:00 (on time) | 10:30:00 | 10:35:00 C07 | 300 s | done 10:40:00 (300 s) |
| DC, booked 10:00 | 10:20:30 (late: a walk-in) | 10:20:30 | never | - | still waiting |

A third booking (BC at 10:45) is never checked in. C07 opens at 10:00:00, pauses 10:20:01 to
10:30:01 and closes at 11:00:00: open 3000 s, busy 1080 s, idle 1920 s (64.0%). C09 is open
10:00:00 to 11:00:00: 3600 s, busy 600 s, idle 3000 s (83.3%).
"""

from datetime import UTC, date, datetime, timedelta

from tests.server.harness import Harness

DAY = date(2026, 11, 23)
T0 = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # 10:00 in Nairobi


def at(minutes: int, seconds: int = 0) -> datetime:
    return T0 + timedelta(minutes=minutes, seconds=seconds)


def _ok(response) -> dict:
    assert response.status_code in (200, 201), response.text
    return response.json()


def play(harness: Harness) -> None:
    """Play the day in the docstring's table through the API."""
    clock = harness.clock
    clock.set(T0)
    _ok(
        harness.client.post(
            "/api/v1/appointments/import",
            json={
                "appointments": [
                    {"reference": "A1", "service_code": "DC", "slot_start": at(30).isoformat()},
                    {"reference": "A2", "service_code": "DC", "slot_start": at(0).isoformat()},
                    {"reference": "A3", "service_code": "BC", "slot_start": at(45).isoformat()},
                ]
            },
            headers=harness.auth("admin"),
        )
    )
    harness.open_counter("C07")
    harness.open_counter("C09")
    for service in ("BC", "BC", "BC", "BC", "PCC"):
        harness.issue(service)  # one second apart, from 10:00:01

    def step(when: datetime, counter: str, command: str, **body) -> dict:
        clock.set(when)
        return _ok(harness.command(counter, command, **body))

    assert step(at(5, 1), "C07", "call-next")["ticket"]["number"] == "B-001"
    step(at(10, 1), "C07", "finish")
    assert step(at(10, 1), "C07", "call-next")["ticket"]["number"] == "B-002"
    step(at(11, 1), "C07", "no-show")
    assert step(at(11, 1), "C07", "call-next")["ticket"]["number"] == "B-003"
    step(at(12, 1), "C07", "start")
    step(at(20, 1), "C07", "finish")
    step(at(20, 1), "C07", "pause", reason="tea")
    clock.set(at(20, 30))
    late = _ok(
        harness.client.post(
            "/api/v1/appointments/check-in", json={"reference": "A2"}, headers=harness.auth("kiosk")
        )
    )
    assert late["timing"] == "late"
    clock.set(at(25))
    on_time = _ok(
        harness.client.post(
            "/api/v1/appointments/check-in", json={"reference": "A1"}, headers=harness.auth("kiosk")
        )
    )
    assert on_time["timing"] == "on_time"
    step(at(30, 1), "C07", "resume")
    called = step(at(35), "C07", "call-next")["ticket"]
    assert called["ticket_id"] == on_time["ticket"]["ticket_id"]
    step(at(40), "C07", "finish")
    assert step(at(40, 5), "C09", "call-next")["ticket"]["number"] == "P-001"
    step(at(50, 5), "C09", "finish")
    clock.set(at(60))
    for counter in ("C07", "C09"):
        response = harness.client.post("/api/v1/auth/logout", headers=harness.auth(counter))
        assert response.status_code == 204, response.text


def play_second_day(harness: Harness, *, days_later: int) -> None:
    """Another day: C09 open 10:00-10:10, one PCC ticket waits 120 s and takes 180 s.

    (C07 would call the BC and DC tickets left waiting on the first day.)
    """
    clock = harness.clock
    clock.set(T0 + timedelta(days=days_later))
    harness.login("C09")
    harness.issue("PCC")  # 10:00:01
    clock.advance(seconds=120)
    _ok(harness.command("C09", "call-next"))
    clock.advance(seconds=180)
    _ok(harness.command("C09", "finish"))
    clock.set(T0 + timedelta(days=days_later, minutes=10))
    response = harness.client.post("/api/v1/auth/logout", headers=harness.auth("C09"))
    assert response.status_code == 204, response.text
