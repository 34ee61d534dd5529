"""Counter commands and the counter's view of its queue (its own staff, and managers)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from centre_server.api.context import server_context
from centre_server.api.deps import COUNTER_STAFF, ERROR_RESPONSES, require_counter_access
from centre_server.auth import Principal
from centre_server.schemas import (
    CallTicketIn,
    CounterCommandIn,
    CounterCommandOut,
    CounterQueueOut,
    PauseIn,
    TransferIn,
)
from centre_server.services import hall_service, queue_service

router = APIRouter(prefix="/api/v1/counters", tags=["counter"], responses=ERROR_RESPONSES)

CounterCode = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$")]
Staff = Annotated[Principal, Depends(COUNTER_STAFF)]


def _allowed(principal: Principal, counter: str) -> None:
    require_counter_access(principal, counter)


@router.post("/{counter}/call-next", response_model=CounterCommandOut)
def call_next(
    counter: CounterCode, body: CounterCommandIn, request: Request, principal: Staff
) -> CounterCommandOut:
    """Call the next ticket chosen by the calling policy."""
    _allowed(principal, counter)
    return queue_service.call_next(
        server_context(request), counter_code=counter, request_id=body.request_id
    )


@router.post("/{counter}/call", response_model=CounterCommandOut)
def call_ticket(
    counter: CounterCode, body: CallTicketIn, request: Request, principal: Staff
) -> CounterCommandOut:
    """Call (serve) one specific waiting ticket."""
    _allowed(principal, counter)
    return queue_service.call_ticket(
        server_context(request),
        counter_code=counter,
        ticket_id=body.ticket_id,
        request_id=body.request_id,
    )


@router.post("/{counter}/recall", response_model=CounterCommandOut)
def recall(
    counter: CounterCode, body: CounterCommandIn, request: Request, principal: Staff
) -> CounterCommandOut:
    """Announce the held ticket again."""
    _allowed(principal, counter)
    return queue_service.recall(
        server_context(request),
        counter_code=counter,
        ticket_id=body.ticket_id,
        request_id=body.request_id,
    )


@router.post("/{counter}/start", response_model=CounterCommandOut)
def start(
    counter: CounterCode, body: CounterCommandIn, request: Request, principal: Staff
) -> CounterCommandOut:
    """Start serving the held ticket."""
    _allowed(principal, counter)
    return queue_service.start_serving(
        server_context(request),
        counter_code=counter,
        ticket_id=body.ticket_id,
        request_id=body.request_id,
    )


@router.post("/{counter}/finish", response_model=CounterCommandOut)
def finish(
    counter: CounterCode, body: CounterCommandIn, request: Request, principal: Staff
) -> CounterCommandOut:
    """Finish the held ticket (done, or on to the next stage)."""
    _allowed(principal, counter)
    return queue_service.finish(
        server_context(request),
        counter_code=counter,
        ticket_id=body.ticket_id,
        request_id=body.request_id,
    )


@router.post("/{counter}/no-show", response_model=CounterCommandOut)
def no_show(
    counter: CounterCode, body: CounterCommandIn, request: Request, principal: Staff
) -> CounterCommandOut:
    """Mark the held ticket as a no-show."""
    _allowed(principal, counter)
    return queue_service.mark_no_show(
        server_context(request),
        counter_code=counter,
        ticket_id=body.ticket_id,
        request_id=body.request_id,
    )


@router.post("/{counter}/transfer", response_model=CounterCommandOut)
def transfer(
    counter: CounterCode, body: TransferIn, request: Request, principal: Staff
) -> CounterCommandOut:
    """Send the held ticket to another service, stage or counter."""
    _allowed(principal, counter)
    return queue_service.transfer(
        server_context(request),
        counter_code=counter,
        ticket_id=body.ticket_id,
        to_service=body.to_service,
        to_stage=body.to_stage,
        to_counter=body.to_counter,
        note=body.note,
        request_id=body.request_id,
    )


@router.post("/{counter}/pause", response_model=CounterCommandOut)
def pause(
    counter: CounterCode, body: PauseIn, request: Request, principal: Staff
) -> CounterCommandOut:
    """Pause the counter."""
    _allowed(principal, counter)
    return queue_service.pause(
        server_context(request),
        counter_code=counter,
        reason=body.reason,
        request_id=body.request_id,
    )


@router.post("/{counter}/resume", response_model=CounterCommandOut)
def resume(
    counter: CounterCode, body: CounterCommandIn, request: Request, principal: Staff
) -> CounterCommandOut:
    """Resume calling after a pause."""
    _allowed(principal, counter)
    return queue_service.resume(
        server_context(request), counter_code=counter, request_id=body.request_id
    )


@router.get("/{counter}/queue", response_model=CounterQueueOut)
def queue(
    counter: CounterCode,
    request: Request,
    principal: Staff,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> CounterQueueOut:
    """Return the counter's view: state, held ticket, waiting per queue, next in order."""
    _allowed(principal, counter)
    return hall_service.counter_queue(server_context(request), counter_code=counter, limit=limit)
