"""Read models: the kiosk's service menu, the hall snapshot, a counter's queue, ticket status."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from centre_core import policy
from centre_core.clock import business_day
from centre_core.errors import ErrorCode, QueueError
from centre_core.hall import CALL_TYPES, RECENT_CALLS, HallFigures
from centre_core.wire import (
    CallRecord,
    CounterQueueOut,
    DeviceOut,
    HallSnapshot,
    NextTicketOut,
    QueueCountOut,
    ReasonOut,
    ServicesOut,
    TicketPublic,
    TicketRecord,
)
from centre_server.context import ServerContext
from centre_server.db.tables import DeviceRow, TicketRow
from centre_server.repositories import counters as counter_repo
from centre_server.repositories import day_state, events
from centre_server.repositories import notices as notice_repo
from centre_server.repositories import tickets as ticket_repo
from centre_server.services import estimates_service, presenters, sync_service


def _figures(session: Session, context: ServerContext, now: datetime) -> HallFigures:
    """Read the queue's figures at one instant, from one read transaction."""
    day = business_day(now, timezone=context.centre.timezone)
    return HallFigures(
        centre=context.centre,
        tickets=[ticket_repo.to_ticket(row) for row in ticket_repo.active(session)],
        counters=counter_repo.load_all(session, codes=context.counter_queues),
        means=estimates_service.mean_seconds(session, context, context.centre.queue_keys),
        now=now,
        days=day_state.service_days(session, business_day=day),
        issued_today=day_state.issued_today(session, business_day=day),
        notices=notice_repo.current(session, now),
    )


def services_menu(context: ServerContext) -> ServicesOut:
    """Return the kiosk's menu: services with waiting counts, estimates and opening state."""
    with context.db.read() as session:
        figures = _figures(session, context, context.now())
    return figures.services_menu()


def hall_snapshot(context: ServerContext, *, include_devices: bool = False) -> HallSnapshot:
    """Return the whole hall at one seq (a consistent read): the stream's first message."""
    with context.db.read() as session:
        seq = events.last_seq(session)
        figures = _figures(session, context, context.now())
        recent = events.newest_of_types(session, CALL_TYPES, limit=RECENT_CALLS)
        devices = (
            [
                DeviceOut(
                    device_id=row.id,
                    name=row.name,
                    role=row.role,
                    status=row.status,
                    status_at=row.status_at,
                )
                for row in session.scalars(
                    select(DeviceRow).where(DeviceRow.revoked_at.is_(None)).order_by(DeviceRow.name)
                )
            ]
            if include_devices
            else None
        )
        # For managers: the national link, read at the same point in time.
        link = sync_service.link_status_in(session, context) if include_devices else None
    snapshot = figures.hall_snapshot(
        seq=seq,
        recent_calls=[
            CallRecord.of(TicketRecord.model_validate(event.data), seq=event.seq, at=event.at)
            for event in recent
        ],
        devices=devices,
    )
    return snapshot if link is None else snapshot.model_copy(update={"national_link": link})


def counter_queue(context: ServerContext, *, counter_code: str, limit: int = 5) -> CounterQueueOut:
    """Return a counter's view: its state, held ticket, waiting per queue, next in order."""
    now = context.now()
    config = context.centre.counter(counter_code)
    queues = context.counter_queues[config.code]
    with context.db.read() as session:
        state = counter_repo.load(session, config.code)
        waiting = ticket_repo.waiting_in(session, queues)
        current_row = (
            session.get(TicketRow, state.current_ticket_id) if state.current_ticket_id else None
        )
        order = policy.preview_order(
            centre=context.centre,
            counter=config,
            state=state,
            waiting=waiting,
            now=now,
            limit=limit,
        )
        phones = {
            row.id: row.phone
            for row in session.scalars(
                select(TicketRow).where(TicketRow.id.in_([c.ticket.id for c in order]))
            )
        }
    counts: defaultdict[str, int] = defaultdict(int)
    for ticket in waiting:
        counts[ticket.queue_key] += 1
    current = ticket_repo.to_ticket(current_row) if current_row is not None else None
    return CounterQueueOut(
        counter=presenters.counter_out(
            context, state, number=current.number if current is not None else None
        ),
        current=(
            presenters.ticket_staff_view(current, phone=current_row.phone)
            if current is not None and current_row is not None
            else None
        ),
        queues=[QueueCountOut(queue_key=key, waiting=counts[key]) for key in queues],
        next=[
            NextTicketOut(
                ticket=presenters.ticket_staff_view(
                    choice.ticket, phone=phones.get(choice.ticket.id)
                ),
                reason=ReasonOut.of(choice.reason),
            )
            for choice in order
        ],
        waiting_total=len(waiting),
    )


def ticket_status(context: ServerContext, *, token: str) -> TicketPublic:
    """Return a ticket's public status by its QR token (no personal data at all)."""
    with context.db.read() as session:
        row = ticket_repo.by_token(session, token)
        if row is None:
            raise QueueError(ErrorCode.ticket_not_found, "no ticket with this code")
        ticket = ticket_repo.to_ticket(row)
        ahead, wait = estimates_service.ticket_wait(session, context, ticket, now=context.now())
    return presenters.ticket_public(context, ticket, people_ahead=ahead, wait=wait, phone=None)
