"""Builders of stream messages for the client tests (shapes as the server sends them)."""

from typing import Any

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
    priority: str | None = None,
    recalls: int = 0,
    issued_at: str = AT,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "ticket_id": ticket_id,
        "number": number,
        "service_code": service_code,
        "stage_index": stage_index,
        "queue_key": queue_key or service_code,
        "status": status,
        "counter": counter,
        "priority": priority,
        "source": "walk_in",
        "recalls": recalls,
        "issued_at": issued_at,
        **extra,
    }


def event(seq: int, type_: str, data: dict[str, Any], *, at: str = AT) -> dict[str, Any]:
    return {"seq": seq, "type": type_, "at": at, "data": data}


def snapshot(
    seq: int,
    *,
    tickets: list[dict[str, Any]] | None = None,
    counters: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    data = {"tickets": tickets or [], "counters": counters or []}
    return {"type": "snapshot", "seq": seq, "data": data}


def heartbeat(seq: int) -> dict[str, Any]:
    return {"type": "heartbeat", "seq": seq}
