"""Counter commands and the counter's view of its queue (its own staff, and managers)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

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


@dataclass(frozen=True)
class CounterDesk:
    """A request made at one counter: who asks, and the counter in the path."""

    request: Request
    principal: Principal
    counter: str

    def context(self) -> ServerContext:
        """Return the server's context once the caller may act here (its staff, or a manager)."""
        require_counter_access(self.principal, self.counter)
        return server_context(self.request)

    async def run(self, command: Callable[..., BaseModel], **arguments: object) -> Response:
        """Run a counter command here, on a command thread, and answer its result."""
        context = self.context()
        return await answer(
            self.request, lambda: command(context, counter_code=self.counter, **arguments)
        )


async def _desk(
    counter: CounterCode, request: Request, principal: Annotated[Principal, Depends(COUNTER_STAFF)]
) -> CounterDesk:
    # Async: a plain function would cost every command a thread hop before its own.
    return CounterDesk(request, principal, counter)


Desk = Annotated[CounterDesk, Depends(_desk)]


@router.post("/{counter}/call-next", response_model=CounterCommandOut)
async def call_next(body: CounterCommandIn, desk: Desk) -> Response:
    """Call the next ticket chosen by the calling policy."""
    return await desk.run(queue_service.call_next, request_id=body.request_id)


@router.post("/{counter}/call", response_model=CounterCommandOut)
async def call_ticket(body: CallTicketIn, desk: Desk) -> Response:
    """Call (serve) one specific waiting ticket."""
    return await desk.run(
        queue_service.call_ticket, ticket_id=body.ticket_id, request_id=body.request_id
    )


def _held_ticket_route(
    path: str, name: str, doc: str, command: queue_service.HeldTicketCommand
) -> None:
    """Add the route of a command on the held ticket (the same body, guard and answer)."""

    async def endpoint(body: CounterCommandIn, desk: Desk) -> Response:
        return await desk.run(command, ticket_id=body.ticket_id, request_id=body.request_id)

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
async def transfer(body: TransferIn, desk: Desk) -> Response:
    """Send the held ticket to another service, stage or counter."""
    # The body's fields are named as the command's keyword arguments: pass them all.
    return await desk.run(queue_service.transfer, **dict(body))


@router.post("/{counter}/pause", response_model=CounterCommandOut)
async def pause(body: PauseIn, desk: Desk) -> Response:
    """Pause the counter."""
    return await desk.run(queue_service.pause, reason=body.reason, request_id=body.request_id)


@router.post("/{counter}/resume", response_model=CounterCommandOut)
async def resume(body: CounterCommandIn, desk: Desk) -> Response:
    """Resume calling after a pause."""
    return await desk.run(queue_service.resume, request_id=body.request_id)


@router.get("/{counter}/queue", response_model=CounterQueueOut)
def queue(desk: Desk, limit: Annotated[int, Query(ge=1, le=50)] = 5) -> CounterQueueOut:
    """Return the counter's view: state, held ticket, waiting per queue, next in order."""
    return hall_service.counter_queue(desk.context(), counter_code=desk.counter, limit=limit)
