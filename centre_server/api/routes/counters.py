"""Counter commands and the counter's view of its queue (its own staff, and managers)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Protocol

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel

from centre_core.wire import CounterCommandOut, CounterQueueOut
from centre_server.api.context import server_context
from centre_server.api.deps import COUNTER_STAFF, ERROR_RESPONSES, require_counter_access
from centre_server.api.offload import answer
from centre_server.auth import Principal
from centre_server.context import ServerContext
from centre_server.schemas import CallTicketIn, CounterCommandIn, PauseIn, TransferIn
from centre_server.services import hall_service, queue_service

router = APIRouter(prefix="/api/v1/counters", tags=["counter"], responses=ERROR_RESPONSES)

CounterCode = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9._-]+$")]
Staff = Annotated[Principal, Depends(COUNTER_STAFF)]


def _allowed(principal: Principal, counter: str) -> None:
    require_counter_access(principal, counter)


async def _command(
    request: Request,
    principal: Principal,
    counter: str,
    command: Callable[..., BaseModel],
    **arguments: object,
) -> Response:
    """Check the staff member may act at `counter`, then run the command on a command thread."""
    _allowed(principal, counter)
    context = server_context(request)
    return await answer(request, lambda: command(context, counter_code=counter, **arguments))


@router.post("/{counter}/call-next", response_model=CounterCommandOut)
async def call_next(
    counter: CounterCode, body: CounterCommandIn, request: Request, principal: Staff
) -> Response:
    """Call the next ticket chosen by the calling policy."""
    return await _command(
        request, principal, counter, queue_service.call_next, request_id=body.request_id
    )


@router.post("/{counter}/call", response_model=CounterCommandOut)
async def call_ticket(
    counter: CounterCode, body: CallTicketIn, request: Request, principal: Staff
) -> Response:
    """Call (serve) one specific waiting ticket."""
    return await _command(
        request,
        principal,
        counter,
        queue_service.call_ticket,
        ticket_id=body.ticket_id,
        request_id=body.request_id,
    )


class HeldTicketCommand(Protocol):
    """A service function acting on the ticket a counter holds."""

    def __call__(
        self,
        context: ServerContext,
        *,
        counter_code: str,
        ticket_id: str | None = None,
        request_id: str | None = None,
    ) -> CounterCommandOut:
        """Run the command at `counter_code` (e.g. `queue_service.finish`)."""
        ...


def _held_ticket_route(path: str, name: str, doc: str, command: HeldTicketCommand) -> None:
    """Add the route of a command on the held ticket (the same body, guard and answer)."""

    async def endpoint(
        counter: CounterCode, body: CounterCommandIn, request: Request, principal: Staff
    ) -> Response:
        return await _command(
            request,
            principal,
            counter,
            command,
            ticket_id=body.ticket_id,
            request_id=body.request_id,
        )

    # The name and docstring give the OpenAPI operation its id, summary and description.
    endpoint.__name__ = endpoint.__qualname__ = name
    endpoint.__doc__ = doc
    router.post(f"/{{counter}}/{path}", response_model=CounterCommandOut)(endpoint)


_held_ticket_route("recall", "recall", "Announce the held ticket again.", queue_service.recall)
_held_ticket_route("start", "start", "Start serving the held ticket.", queue_service.start_serving)
_held_ticket_route(
    "finish",
    "finish",
    "Finish the held ticket (done, or on to the next stage).",
    queue_service.finish,
)
_held_ticket_route(
    "no-show", "no_show", "Mark the held ticket as a no-show.", queue_service.mark_no_show
)


@router.post("/{counter}/transfer", response_model=CounterCommandOut)
async def transfer(
    counter: CounterCode, body: TransferIn, request: Request, principal: Staff
) -> Response:
    """Send the held ticket to another service, stage or counter."""
    return await _command(
        request,
        principal,
        counter,
        queue_service.transfer,
        ticket_id=body.ticket_id,
        to_service=body.to_service,
        to_stage=body.to_stage,
        to_counter=body.to_counter,
        note=body.note,
        request_id=body.request_id,
    )


@router.post("/{counter}/pause", response_model=CounterCommandOut)
async def pause(
    counter: CounterCode, body: PauseIn, request: Request, principal: Staff
) -> Response:
    """Pause the counter."""
    return await _command(
        request,
        principal,
        counter,
        queue_service.pause,
        reason=body.reason,
        request_id=body.request_id,
    )


@router.post("/{counter}/resume", response_model=CounterCommandOut)
async def resume(
    counter: CounterCode, body: CounterCommandIn, request: Request, principal: Staff
) -> Response:
    """Resume calling after a pause."""
    return await _command(
        request, principal, counter, queue_service.resume, request_id=body.request_id
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
