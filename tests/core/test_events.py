"""Domain events: read-only, JSON-native, no personal data, and their wire envelope."""

import json
from datetime import datetime

import pytest

from centre_core import tickets
from centre_core.events import DomainEvent, EventType
from centre_core.wire import EventMessage, TicketRecord, TicketStaffView
from tests.core.factory import MONDAY_9AM, issue, small_centre


def test_ticket_events_are_json_native_and_carry_no_token() -> None:
    centre = small_centre()
    ticket = issue(centre, "BC", MONDAY_9AM, priority="elderly")
    cancelled = tickets.cancel_ticket(ticket, now=MONDAY_9AM, reason="left")
    [event] = cancelled.events
    text = json.dumps(dict(event.data))
    assert ticket.token not in text
    assert event.data["priority"] == "elderly"
    assert datetime.fromisoformat(event.data["issued_at"]) == MONDAY_9AM
    with pytest.raises(TypeError):
        event.data["number"] = "X"  # type: ignore[index]


def test_wire_envelope() -> None:
    event = DomainEvent(type=EventType.counter_opened, at=MONDAY_9AM, data={"counter": "C1"})
    message = EventMessage.from_event(event, seq=42)
    wire = json.loads(message.model_dump_json())
    assert wire == {
        "seq": 42,
        "type": "counter.opened",
        "at": "2026-11-23T06:00:00Z",
        "data": {"counter": "C1"},
    }
    assert EventMessage.model_validate(wire) == message


def test_a_ticket_view_takes_its_id_the_fields_of_the_same_names_and_the_values_given() -> None:
    ticket = issue(small_centre(), "BC", MONDAY_9AM, priority="elderly")
    view = TicketStaffView.of(ticket, phone_masked="+254 7** *** 678")
    assert view.ticket_id == ticket.id
    assert (view.number, view.queue_key, view.priority) == (ticket.number, "BC", "elderly")
    assert view.status == "waiting" and type(view.status) is str
    assert view.phone_masked == "+254 7** *** 678"
    assert TicketRecord.of(ticket, counter="C07").counter == "C07"
