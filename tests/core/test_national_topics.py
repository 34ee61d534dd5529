"""National topics: one payload model per topic, built from real events, without personal data."""

import json

import pytest

from centre_core import appointments, tickets
from centre_core.appointments import Appointment
from centre_core.counters import CounterState
from centre_core.events import DomainEvent, EventType
from centre_core.national_topics import (
    NATIONAL_TOPICS,
    PAYLOADS,
    HallSummary,
    NationalPayload,
    SummaryAlert,
    TicketIssued,
    TicketTransferred,
    payload_for,
)
from tests.core.factory import (
    MONDAY_9AM,
    issue,
    issue_outcome,
    minutes,
    open_state,
    small_centre,
)

PHONE = "+254712345678"
CANCEL_REASON = "left with Wanjiru Kamau"


def _held(outcome: tickets.CallOutcome) -> CounterState:
    assert outcome.counter is not None
    return outcome.counter


def _scenario() -> list[DomainEvent]:
    """Every kind of ticket and appointment event, from the core's own operations."""
    centre = small_centre(recall_limit=0)
    now = MONDAY_9AM
    events: list[DomainEvent] = []
    c1, c2 = open_state("C1"), open_state("C2")

    called = tickets.call_ticket(issue(centre, "BC", now), counter=c1, now=now)
    serving = tickets.start_serving(called.ticket, counter=_held(called), now=now)
    finished = tickets.finish_ticket(serving.ticket, counter=_held(serving), centre=centre, now=now)
    events += [*called.events, *serving.events, *finished.events]

    staged = tickets.call_ticket(issue(centre, "NID", now), counter=c2, now=now)
    advanced = tickets.finish_ticket(staged.ticket, counter=_held(staged), centre=centre, now=now)
    events += [*staged.events, *advanced.events]

    absent = tickets.call_ticket(issue(centre, "BC", now), counter=c1, now=now)
    marked = tickets.mark_no_show(absent.ticket, counter=_held(absent), now=now)
    again = tickets.call_ticket(issue(centre, "BC", now), counter=c1, now=now)
    recalled = tickets.recall_ticket(again.ticket, counter=_held(again), centre=centre, now=now)
    events += [*marked.events, *recalled.events]

    events += tickets.cancel_ticket(issue(centre, "BC", now), now=now, reason=CANCEL_REASON).events
    moved = tickets.transfer_ticket(
        issue(centre, "BC", now), counter=None, centre=centre, now=now, to_service="PCC"
    )
    events += moved.events

    booking = Appointment("APT-1", "BC", slot_start=now + minutes(10), phone=PHONE)
    events += appointments.check_in(booking, centre=centre, now=now).events
    events += issue_outcome(centre, "BC", now, priority="elderly").events
    events.append(_summary(now).event())
    return events


def _summary(now) -> HallSummary:
    return HallSummary(
        at=now,
        business_day=now.date(),
        waiting=3,
        longest_wait_minutes=12,
        counters_open=2,
        arrived=9,
        served=4,
        no_show=1,
        never_called=1,
        wait_count=6,
        wait_sum_seconds=1800.0,
        wait_max_seconds=720.0,
        with_target=6,
        within_target=5,
        alerts=(SummaryAlert(kind="printer_fault", subject="kiosk-1"),),
    )


EVENTS = _scenario()


def _declared(model: type[NationalPayload]) -> list[type[NationalPayload]]:
    found = [model] if "topic" in vars(model) else []
    for subclass in model.__subclasses__():
        found += _declared(subclass)
    return found


def test_every_national_topic_has_exactly_one_payload_model() -> None:
    declared = _declared(NationalPayload)
    topics = [model.topic for model in declared]
    assert len(topics) == len(set(topics)), "a topic with two payload models"
    assert {model.topic: model for model in declared} == dict(PAYLOADS)
    assert set(PAYLOADS) == NATIONAL_TOPICS


@pytest.mark.parametrize("topic", sorted(NATIONAL_TOPICS))
def test_each_topics_payload_validates_and_carries_no_personal_data(topic: EventType) -> None:
    events = [event for event in EVENTS if event.type == topic]
    assert events, f"the scenario produces no {topic} event"
    for event in events:
        payload = payload_for(event)
        assert type(payload) is PAYLOADS[topic]
        wire = payload.model_dump(mode="json")
        assert PAYLOADS[topic].model_validate(wire) == payload
        text = json.dumps(wire)
        for secret in ("token", PHONE, CANCEL_REASON, "note"):
            assert secret not in text


def test_events_of_the_hall_only_have_no_payload() -> None:
    hall_only = [event for event in EVENTS if event.type not in NATIONAL_TOPICS]
    assert {event.type for event in hall_only} == {
        EventType.ticket_called,
        EventType.ticket_serving,
    }
    assert all(payload_for(event) is None for event in hall_only)


def test_a_payload_holds_the_ticket_facts_of_its_event() -> None:
    [issued] = [event for event in EVENTS if event.type == EventType.ticket_issued]
    payload = payload_for(issued)
    assert isinstance(payload, TicketIssued)
    assert payload.model_dump(mode="json") == {
        "at": "2026-11-23T06:00:00Z",
        "ticket_id": issued.data["ticket_id"],
        "number": issued.data["number"],
        "service_code": "BC",
        "queue_key": "BC",
        "stage_index": 0,
        "status": "waiting",
        "source": "walk_in",
        "priority": "elderly",
        "counter": None,
        "recalls": 0,
        "issued_at": "2026-11-23T06:00:00Z",
    }
    [transfer] = [event for event in EVENTS if event.type == EventType.ticket_transferred]
    moved = payload_for(transfer)
    assert isinstance(moved, TicketTransferred)
    assert (moved.from_queue, moved.to_queue, moved.to_counter) == ("BC", "PCC", None)


def test_a_hall_summary_goes_up_whole_through_its_event() -> None:
    summary = _summary(MONDAY_9AM)
    assert payload_for(summary.event()) == summary
