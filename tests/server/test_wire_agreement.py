"""The stream's events and a fresh snapshot agree on every ticket, counter and call.

A client mirror follows a real server's stream (events replayed after its cursor) while the
counters and the kiosk run every kind of command; after each command a fresh snapshot (what a
client that reconnects too late receives) must say exactly what the events said.
"""

from dataclasses import fields
from datetime import timedelta

import pytest

from centre_client.mirror import CounterView, QueueMirror
from centre_core.tickets import TicketStatus
from centre_core.wire import SERVER_MESSAGES, HallSnapshot, SnapshotMessage
from tests.server.conftest import AT
from tests.server.harness import rid


class Follower:
    """A display's mirror fed by the server's stream, one connection per catch-up."""

    def __init__(self, harness) -> None:
        self.harness = harness
        self.mirror = QueueMirror(max_calls=20)
        self.mirror.apply(self.snapshot_message())

    def _connect(self, after: int | None):
        query = f"token={self.harness.tokens['display']}"
        if after is not None:
            query += f"&after={after}"
        return self.harness.client.websocket_connect(f"/api/v1/stream?{query}")

    def snapshot_message(self) -> SnapshotMessage:
        with self._connect(None) as ws:
            message = SERVER_MESSAGES.validate_json(ws.receive_text())
        assert isinstance(message, SnapshotMessage)
        return message

    def catch_up(self) -> None:
        """Apply the events after the mirror's cursor up to the server's newest one."""
        head = self.harness.last_seq()
        with self._connect(self.mirror.last_seq) as ws:
            while (self.mirror.last_seq or 0) < head:
                self.mirror.apply(SERVER_MESSAGES.validate_json(ws.receive_text()))

    def assert_agrees_with_a_fresh_snapshot(self) -> HallSnapshot:
        self.catch_up()
        hall = self.snapshot_message().data
        assert hall.seq == self.mirror.last_seq
        assert self.mirror.tickets == {t.ticket_id: t for t in hall.tickets}
        kept = [f.name for f in fields(CounterView)]
        assert {
            code: {name: getattr(counter, name) for name in kept}
            for code, counter in self.mirror.counters.items()
        } == {c.code: {name: getattr(c, name) for name in kept} for c in hall.counters}
        assert self.mirror.recent_calls() == list(reversed(hall.recent_calls))
        # The mirror's standing calls include tickets being served; the snapshot's only called.
        standing = [
            call
            for call in self.mirror.called_now()
            if self.mirror.tickets[call.ticket_id].status == TicketStatus.called
        ]
        assert [(c.ticket_id, c.number, c.counter, c.queue_key, c.recalls) for c in standing] == [
            (c.ticket_id, c.number, c.counter, c.queue_key, c.recalls) for c in hall.called_now
        ]
        assert [c.called_at for c in hall.called_now] == [
            self.mirror.tickets[c.ticket_id].called_at for c in standing
        ]
        return hall


@pytest.fixture
def follower(harness) -> Follower:
    for counter in ("C01", "C07", "C08"):
        harness.open_counter(counter)
    harness.client.post(
        "/api/v1/appointments/import",
        json={
            "appointments": [
                {
                    "reference": "REF-1",
                    "service_code": "BC",
                    "slot_start": (AT + timedelta(minutes=5)).isoformat(),
                }
            ]
        },
        headers=harness.auth("admin"),
    ).raise_for_status()
    return Follower(harness)


def ok(response) -> dict:
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_snapshot_and_events_agree_after_every_kind_of_command(harness, follower) -> None:
    def step(run) -> dict:
        harness.clock.advance(seconds=40)
        result = ok(run())
        follower.assert_agrees_with_a_fresh_snapshot()
        return result

    def counter(code: str, name: str, **body):
        return lambda: harness.command(code, name, request_id=rid(), **body)

    first = harness.issue("BC")
    second = harness.issue("BC", priority="elderly")
    third = harness.issue("BC")
    fourth = harness.issue("DC")
    staged = harness.issue("NID")
    follower.assert_agrees_with_a_fresh_snapshot()

    # Call, recall, start serving, finish (done).
    assert step(counter("C07", "call", ticket_id=first["ticket_id"]))["ticket"]["number"] == "B-001"
    step(counter("C07", "recall"))
    step(counter("C07", "start"))
    assert step(counter("C07", "finish"))["ticket"]["status"] == "done"

    # Finish a stage: the ticket waits in the next stage's queue.
    step(counter("C01", "call-next"))
    advanced = step(counter("C01", "finish"))["ticket"]
    assert (advanced["ticket_id"], advanced["queue_key"]) == (staged["ticket_id"], "NID.biometrics")

    # No-show.
    step(counter("C07", "call", ticket_id=second["ticket_id"]))
    assert step(counter("C07", "no-show"))["ticket"]["status"] == "no_show"

    # Transfer a waiting ticket to a counter, then a held one to another service.
    moved = step(counter("C07", "transfer", ticket_id=third["ticket_id"], to_counter="C08"))
    assert moved["ticket"]["target_counter"] == "C08"
    step(counter("C08", "call", ticket_id=third["ticket_id"]))
    assert step(counter("C08", "transfer", to_service="DC"))["ticket"]["queue_key"] == "DC"

    # Cancel a waiting ticket.
    step(
        lambda: harness.client.post(
            f"/api/v1/tickets/{fourth['ticket_id']}/cancel",
            json={"reason": "left"},
            headers=harness.auth("kiosk"),
        )
    )

    # Appointment check-in, then a counter's pause and resume.
    checked_in = step(
        lambda: harness.client.post(
            "/api/v1/appointments/check-in",
            json={"reference": "REF-1", "request_id": rid()},
            headers=harness.auth("kiosk"),
        )
    )
    assert checked_in["ticket"]["source"] == "appointment"
    step(counter("C08", "pause", reason="tea"))
    hall = follower.assert_agrees_with_a_fresh_snapshot()
    assert {c.code: c.pause_reason for c in hall.counters}["C08"] == "tea"
    step(counter("C08", "resume"))

    # The comparisons above saw every kind of record: waiting, transferred to a counter,
    # called and recalled tickets, and calls.
    hall = follower.assert_agrees_with_a_fresh_snapshot()
    assert {t.queue_key for t in hall.tickets} >= {"NID.biometrics", "DC", "BC"}
    assert [c.number for c in hall.recent_calls] == [
        "B-001",
        "B-001",
        "A-001",
        "B-002",
        "B-003",
    ]
