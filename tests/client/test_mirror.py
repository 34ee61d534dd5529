"""The queue mirror, fed with plain lists of stream messages."""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from centre_client.mirror import (
    Called,
    Change,
    CounterChanged,
    CounterView,
    MalformedMessage,
    OtherEvent,
    QueueMirror,
    Reset,
    SequenceGap,
    TicketChanged,
)
from centre_core.wire import SERVER_MESSAGES, CallRecord, EventMessage, ServerMessage
from tests.client.events import counter_data, event, heartbeat, snapshot, ticket_data


def issued(seq: int, ticket_id: str, number: str, **kwargs: Any) -> EventMessage:
    return event(seq, "ticket.issued", ticket_data(ticket_id, number, **kwargs))


def opened(seq: int, counter: str) -> EventMessage:
    return event(seq, "counter.opened", {"counter": counter, "status": "open"})


def fed(messages: Sequence[ServerMessage], mirror: QueueMirror | None = None) -> QueueMirror:
    mirror = mirror or QueueMirror()
    for message in messages:
        mirror.apply(message)
    return mirror


def call_of(change: Change) -> CallRecord:
    assert isinstance(change, Called), change
    return change.call


def test_waiting_tickets_by_service_and_stage_in_arrival_order() -> None:
    mirror = fed(
        [
            issued(1, "t2", "N-002", issued_at="2026-11-23T08:05:00+00:00"),
            issued(2, "t1", "N-001", issued_at="2026-11-23T08:01:00+00:00"),
            issued(3, "t3", "B-001", service_code="BC"),
            issued(
                4,
                "t4",
                "N-003",
                queue_key="NID.biometrics",
                stage_index=1,
                issued_at="2026-11-23T08:10:00+00:00",
            ),
        ]
    )
    assert [t.number for t in mirror.waiting("NID")] == ["N-001", "N-002", "N-003"]
    assert [t.number for t in mirror.waiting("NID.biometrics")] == ["N-003"]
    assert mirror.waiting_count("BC") == 1
    assert mirror.waiting_count() == 4
    assert mirror.waiting_count("DL") == 0
    assert mirror.last_seq == 4
    found = mirror.find_number("B-001")
    assert found is not None
    assert found.ticket_id == "t3"
    assert mirror.find_number("B-002") is None


def test_a_ticket_called_served_and_finished_frees_its_counter() -> None:
    mirror = fed([opened(1, "C1"), issued(2, "t1", "N-001")])
    changes = mirror.apply(
        event(3, "ticket.called", ticket_data("t1", "N-001", status="called", counter="C1"))
    )
    assert [type(c) for c in changes] == [TicketChanged, CounterChanged, Called]
    call = call_of(changes[-1])
    assert (call.seq, call.number, call.counter, call.recalls) == (3, "N-001", "C1", 0)
    assert call.at == datetime(2026, 11, 23, 8, tzinfo=UTC)
    assert mirror.counters["C1"] == CounterView(
        code="C1", status="open", ticket_id="t1", number="N-001"
    )
    assert mirror.waiting_count("NID") == 0
    assert mirror.called_now() == [call]

    mirror.apply(
        event(4, "ticket.serving", ticket_data("t1", "N-001", status="serving", counter="C1"))
    )
    serving = mirror.ticket("t1")
    assert serving is not None
    assert serving.status == "serving"
    changes = mirror.apply(
        event(5, "ticket.done", ticket_data("t1", "N-001", status="done", counter="C1"))
    )
    assert changes == [
        TicketChanged(seq=5, ticket_id="t1", ticket=None),
        CounterChanged(seq=5, counter=CounterView(code="C1", status="open")),
    ]
    assert mirror.ticket("t1") is None
    assert mirror.called_now() == []
    assert mirror.recent_calls() == [call]


def test_a_recall_is_announced_again_and_replaces_the_standing_call() -> None:
    mirror = fed(
        [
            opened(1, "C1"),
            issued(2, "t1", "N-001"),
            event(3, "ticket.called", ticket_data("t1", "N-001", status="called", counter="C1")),
        ]
    )
    changes = mirror.apply(
        event(
            4,
            "ticket.recalled",
            ticket_data("t1", "N-001", status="called", counter="C1", recalls=1),
        )
    )
    assert [type(c) for c in changes] == [TicketChanged, Called]
    assert [(c.seq, c.recalls) for c in mirror.called_now()] == [(4, 1)]
    assert [c.seq for c in mirror.recent_calls()] == [4, 3]
    assert [c.seq for c in mirror.recent_calls(1)] == [4]


def test_no_show_and_cancel_remove_the_ticket() -> None:
    mirror = fed(
        [
            opened(1, "C1"),
            issued(2, "t1", "N-001"),
            issued(3, "t2", "N-002"),
            event(4, "ticket.called", ticket_data("t1", "N-001", status="called", counter="C1")),
            event(5, "ticket.no_show", ticket_data("t1", "N-001", status="no_show", counter="C1")),
            event(6, "ticket.cancelled", ticket_data("t2", "N-002", status="cancelled")),
        ]
    )
    assert mirror.tickets == {}
    assert mirror.counters["C1"].ticket_id is None


def test_stage_advance_and_transfer_move_the_ticket_keeping_its_number() -> None:
    mirror = fed(
        [
            opened(1, "C1"),
            issued(2, "t1", "N-001"),
            event(3, "ticket.called", ticket_data("t1", "N-001", status="called", counter="C1")),
            event(
                4,
                "ticket.stage_advanced",
                ticket_data("t1", "N-001", queue_key="NID.biometrics", stage_index=1),
            ),
        ]
    )
    assert mirror.counters["C1"].ticket_id is None
    assert [t.number for t in mirror.waiting("NID.biometrics")] == ["N-001"]
    mirror.apply(
        event(
            5,
            "ticket.transferred",
            ticket_data(
                "t1",
                "N-001",
                service_code="BC",
                target_counter="C7",
                from_queue="NID.biometrics",
                to_queue="BC",
                to_counter="C7",
            ),
        )
    )
    moved = mirror.ticket("t1")
    assert moved is not None
    assert (moved.queue_key, moved.target_counter, moved.number) == ("BC", "C7", "N-001")
    assert mirror.waiting_count("NID") == 0


def test_counter_pause_resume_and_close() -> None:
    mirror = fed([opened(1, "C1")])
    changes = mirror.apply(
        event(2, "counter.paused", {"counter": "C1", "status": "paused", "reason": "tea"})
    )
    assert changes == [
        CounterChanged(seq=2, counter=CounterView(code="C1", status="paused", pause_reason="tea"))
    ]
    mirror.apply(event(3, "counter.resumed", {"counter": "C1", "status": "open"}))
    assert mirror.counters["C1"] == CounterView(code="C1", status="open")
    mirror.apply(event(4, "counter.closed", {"counter": "C1", "status": "closed"}))
    assert mirror.counters["C1"].status == "closed"


def test_events_the_mirror_keeps_no_state_for_still_advance_the_cursor() -> None:
    mirror = QueueMirror()
    changes = mirror.apply(event(1, "device.status", {"device": "kiosk-1", "printer": "paper_out"}))
    assert changes == [
        OtherEvent(seq=1, type="device.status", data={"device": "kiosk-1", "printer": "paper_out"})
    ]
    assert mirror.last_seq == 1


def test_duplicates_change_nothing() -> None:
    log = [opened(1, "C1"), issued(2, "t1", "N-001")]
    mirror = fed(log)
    before = (mirror.tickets, mirror.counters, mirror.last_seq)
    assert mirror.apply(log[0]) == []
    assert mirror.apply(issued(2, "t1", "N-001", status="called", counter="C1")) == []
    assert (mirror.tickets, mirror.counters, mirror.last_seq) == before


def test_a_gap_raises_and_leaves_the_state_untouched() -> None:
    mirror = fed([opened(1, "C1"), issued(2, "t1", "N-001")])
    with pytest.raises(SequenceGap) as raised:
        mirror.apply(issued(4, "t3", "N-003"))
    assert (raised.value.expected, raised.value.received) == (3, 4)
    assert mirror.last_seq == 2
    assert mirror.ticket("t3") is None


def test_out_of_order_events_apply_once_their_predecessor_arrives() -> None:
    mirror = fed([issued(1, "t1", "N-001")])
    late = issued(3, "t3", "N-003")
    with pytest.raises(SequenceGap):
        mirror.apply(late)
    mirror.apply(issued(2, "t2", "N-002"))
    mirror.apply(late)
    assert [t.number for t in mirror.waiting()] == ["N-001", "N-002", "N-003"]


def test_a_fresh_mirror_accepts_the_centres_first_event_but_not_a_later_one() -> None:
    assert fed([issued(1, "t1", "N-001")]).last_seq == 1
    with pytest.raises(SequenceGap):
        QueueMirror().apply(issued(5, "t5", "N-005"))


def test_heartbeats_change_nothing() -> None:
    mirror = fed([issued(1, "t1", "N-001")])
    assert mirror.apply(heartbeat(7)) == []
    assert mirror.last_seq == 1


@pytest.mark.parametrize(
    "message",
    [
        {"seq": 1, "data": {}},
        {"type": "ticket.issued", "seq": "1", "at": "x", "data": {}},
        {"type": "ticket.issued", "seq": 1, "at": "2026-11-23T08:00:00+00:00"},
        {"type": "ticket.issued", "seq": 1, "data": ticket_data("t1", "N-001")},
        {"type": "ticket.issued", "seq": 1, "at": "yesterday", "data": ticket_data("t1", "N-1")},
        {"type": "snapshot", "seq": 3, "data": {"tickets": "all"}},
        {"type": "heartbeat"},
        ["ticket.issued", 1],
    ],
)
def test_malformed_envelopes_are_not_stream_messages(message: object) -> None:
    with pytest.raises(ValidationError):
        SERVER_MESSAGES.validate_python(message)


@pytest.mark.parametrize(
    "message",
    [
        event(1, "ticket.issued", {"number": "N-001"}),
        event(1, "ticket.called", {**ticket_data("t1", "N-001"), "status": "lost"}),
        event(
            1,
            "ticket.issued",
            {k: v for k, v in ticket_data("t1", "N-1").items() if k != "target_counter"},
        ),
        event(1, "counter.opened", {"counter": "C1"}),
    ],
)
def test_events_whose_data_is_not_their_record_are_refused_without_changing_state(
    message: EventMessage,
) -> None:
    mirror = QueueMirror()
    with pytest.raises(MalformedMessage):
        mirror.apply(message)
    assert mirror.last_seq is None
    assert mirror.tickets == {}
    assert mirror.counters == {}


def test_a_snapshot_replaces_the_state_and_events_continue_after_it() -> None:
    mirror = fed([opened(1, "C1"), issued(2, "stale", "N-001")])
    changes = mirror.apply(
        snapshot(
            40,
            tickets=[ticket_data("t9", "N-009"), ticket_data("t8", "B-003", service_code="BC")],
            counters=[counter_data("C2", "paused", pause_reason="lunch")],
        )
    )
    assert changes == [Reset(seq=40)]
    assert mirror.last_seq == 40
    assert set(mirror.tickets) == {"t9", "t8"}
    assert set(mirror.counters) == {"C2"}
    assert mirror.apply(issued(40, "t1", "N-999")) == []
    mirror.apply(issued(41, "t10", "N-010"))
    assert mirror.waiting_count("NID") == 2
    with pytest.raises(SequenceGap):
        mirror.apply(issued(43, "t12", "N-012"))


def test_a_snapshot_announces_standing_calls_that_were_missed_and_only_those() -> None:
    mirror = fed(
        [
            opened(1, "C1"),
            issued(2, "t1", "N-001"),
            event(3, "ticket.called", ticket_data("t1", "N-001", status="called", counter="C1")),
        ]
    )
    changes = mirror.apply(
        snapshot(
            9,
            tickets=[
                ticket_data("t1", "N-001", status="called", counter="C1"),
                ticket_data(
                    "t2",
                    "N-002",
                    status="called",
                    counter="C2",
                    called_at="2026-11-23T08:03:00+00:00",
                ),
                ticket_data("t3", "N-003", status="serving", counter="C3"),
            ],
            counters=[
                counter_data("C1", ticket_id="t1", number="N-001"),
                counter_data("C2", ticket_id="t2", number="N-002"),
                counter_data("C3", ticket_id="t3", number="N-003"),
            ],
            recent_calls=[
                {
                    "seq": 3,
                    "at": "2026-11-23T08:00:00+00:00",
                    "ticket_id": "t1",
                    "number": "N-001",
                    "counter": "C1",
                    "queue_key": "NID",
                    "recalls": 0,
                }
            ],
        )
    )
    assert [type(c) for c in changes] == [Reset, Called]
    missed = call_of(changes[1])
    assert (missed.number, missed.counter, missed.seq) == ("N-002", "C2", 9)
    assert missed.at == datetime(2026, 11, 23, 8, 3, tzinfo=UTC)
    assert [c.number for c in mirror.called_now()] == ["N-002", "N-001"]


def test_a_first_snapshot_announces_nothing_already_standing() -> None:
    mirror = QueueMirror()
    changes = mirror.apply(
        snapshot(9, tickets=[ticket_data("t2", "N-002", status="called", counter="C2")])
    )
    assert changes == [Reset(seq=9)]
    assert [c.number for c in mirror.called_now()] == []


def test_a_missed_call_listed_in_the_snapshots_history_keeps_its_seq_and_time() -> None:
    mirror = fed([issued(1, "t1", "N-001")])
    message = snapshot(
        6,
        tickets=[ticket_data("t1", "N-001", status="called", counter="C2", recalls=1)],
        recent_calls=[
            {
                "seq": 5,
                "at": "2026-11-23T08:05:00+00:00",
                "ticket_id": "t1",
                "number": "N-001",
                "counter": "C2",
                "queue_key": "NID",
                "recalls": 1,
            },
            {
                "seq": 3,
                "at": "2026-11-23T08:02:00+00:00",
                "ticket_id": "t1",
                "number": "N-001",
                "counter": "C2",
                "queue_key": "NID",
                "recalls": 0,
            },
        ],
    )
    changes = mirror.apply(message)
    assert [type(c) for c in changes] == [Reset, Called]
    assert (call_of(changes[1]).seq, call_of(changes[1]).recalls) == (5, 1)
    assert [c.seq for c in mirror.recent_calls()] == [5, 3]
    assert [c.seq for c in mirror.called_now()] == [5]


def test_a_snapshot_drops_finished_tickets_it_lists() -> None:
    mirror = fed([snapshot(5, tickets=[ticket_data("t1", "N-001", status="done")])])
    assert mirror.tickets == {}


def test_call_history_is_bounded() -> None:
    mirror = QueueMirror(max_calls=3)
    mirror.apply(opened(1, "C1"))
    seq = 1
    for index in range(5):
        ticket_id, number = f"t{index}", f"N-00{index}"
        for type_, status in [
            ("ticket.issued", "waiting"),
            ("ticket.called", "called"),
            ("ticket.done", "done"),
        ]:
            seq += 1
            counter = None if status == "waiting" else "C1"
            mirror.apply(
                event(seq, type_, ticket_data(ticket_id, number, status=status, counter=counter))
            )
    assert [c.number for c in mirror.recent_calls()] == ["N-004", "N-003", "N-002"]
