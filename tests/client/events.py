"""Builders of stream messages for the client tests, made of the wire types the server sends."""

from datetime import date, datetime
from typing import Any

from centre_core.wire import (
    CallRecord,
    EventMessage,
    HallCounterOut,
    HallSnapshot,
    HallTotalsOut,
    HeartbeatMessage,
    SnapshotMessage,
    TicketRecord,
)

AT = "2026-11-23T08:00:00+00:00"


def ticket_data(
    ticket_id: str,
    number: str,
    *,
    status: str = "waiting",
    service_code: str = "NID",
    queue_key: str | None = None,
    stage_index: int = 0,
    counter: str | None = None,
    target_counter: str | None = None,
    priority: str | None = None,
    recalls: int = 0,
    issued_at: str = AT,
    called_at: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A ticket event's data: the ticket's record and the event's `extra` keys."""
    record = TicketRecord.model_validate(
        {
            "ticket_id": ticket_id,
            "number": number,
            "service_code": service_code,
            "stage_index": stage_index,
            "queue_key": queue_key or service_code,
            "status": status,
            "counter": counter,
            "target_counter": target_counter,
            "priority": priority,
            "source": "walk_in",
            "recalls": recalls,
            "issued_at": issued_at,
            "called_at": called_at,
        }
    )
    return {**record.model_dump(mode="json"), **extra}


def counter_data(
    code: str,
    status: str = "open",
    *,
    ticket_id: str | None = None,
    number: str | None = None,
    pause_reason: str | None = None,
) -> dict[str, Any]:
    """A counter as the hall snapshot lists it."""
    counter = HallCounterOut(
        code=code,
        name=f"Counter {code}",
        status=status,
        staff_number=None,
        ticket_id=ticket_id,
        number=number,
        pause_reason=pause_reason,
        status_since=None,
        services=[],
    )
    return counter.model_dump(mode="json")


def event(seq: int, type_: str, data: dict[str, Any], *, at: str = AT) -> EventMessage:
    return EventMessage.model_validate({"seq": seq, "type": type_, "at": at, "data": data})


def snapshot(
    seq: int,
    *,
    tickets: list[dict[str, Any]] | None = None,
    counters: list[dict[str, Any]] | None = None,
    recent_calls: list[dict[str, Any]] | None = None,
) -> SnapshotMessage:
    hall = HallSnapshot(
        seq=seq,
        at=datetime.fromisoformat(AT),
        business_day=date(2026, 11, 23),
        centre_code="TEST",
        centre_name="Test centre",
        services=[],
        counters=[HallCounterOut.model_validate(c) for c in counters or []],
        totals=HallTotalsOut(
            waiting=0,
            longest_wait_minutes=0,
            counters_open=0,
            counters_serving=0,
            counters_paused=0,
            counters_closed=0,
        ),
        called_now=[],
        recent_calls=[CallRecord.model_validate(c) for c in recent_calls or []],
        tickets=[TicketRecord.model_validate(t) for t in tickets or []],
    )
    return SnapshotMessage(seq=seq, data=hall)


def heartbeat(seq: int) -> HeartbeatMessage:
    return HeartbeatMessage(seq=seq)
