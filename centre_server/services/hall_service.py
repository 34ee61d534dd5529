"""Read models: the kiosk's service menu, the hall snapshot, a counter's queue, ticket status."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from centre_core import estimates, policy
from centre_core.clock import business_day
from centre_core.counters import CounterState, CounterStatus
from centre_core.errors import ErrorCode, QueueError
from centre_core.events import EventType
from centre_core.tickets import Ticket, TicketStatus
from centre_core.wire import (
    CallRecord,
    CounterQueueOut,
    DeviceOut,
    HallCounterOut,
    HallServiceOut,
    HallSnapshot,
    HallTotalsOut,
    NextTicketOut,
    PriorityOut,
    QueueCountOut,
    ReasonOut,
    ServiceOut,
    ServicesOut,
    StandingCall,
    TicketPublic,
    TicketRecord,
)
from centre_server.context import ServerContext
from centre_server.db.tables import CENTRE_ROW_ID, CentreStateRow, DeviceRow, EventRow, TicketRow
from centre_server.repositories import counters as counter_repo
from centre_server.repositories import tickets as ticket_repo
from centre_server.services import estimates_service, presenters

RECENT_CALLS = 20
CALL_TYPES = (str(EventType.ticket_called), str(EventType.ticket_recalled))


def _whole_minutes(seconds: float) -> int:
    return max(0, int(seconds // 60))


class _Figures:
    """Queue figures of the whole centre at one instant, from one read transaction."""

    def __init__(self, session: Session, context: ServerContext, now: datetime) -> None:
        self.context = context
        self.now = now
        self.rows = ticket_repo.active(session)
        self.tickets = [ticket_repo.to_ticket(row) for row in self.rows]
        self.waiting = [t for t in self.tickets if t.status == TicketStatus.waiting]
        self.counters = counter_repo.load_all(session, codes=context.counter_queues)
        self.means = estimates_service.mean_seconds(session, context, context.centre.queue_keys)

    def waiting_for(self, service_code: str) -> list[Ticket]:
        return [t for t in self.waiting if t.service_code == service_code]

    def counters_open_for(self, service_code: str) -> int:
        return sum(
            1
            for state in self.counters
            if state.status == CounterStatus.open
            and _serves(self.context, state.code, service_code)
        )

    def new_ticket_wait(self, service_code: str) -> int | None:
        service = self.context.centre.service(service_code)
        wait = estimates.queue_estimate(
            centre=self.context.centre,
            queue_key=service.queue_key(0),
            waiting=self.waiting,
            counters=self.counters,
            means=self.means,
        )
        return estimates.wait_minutes(wait)

    def longest_wait_minutes(self, tickets: list[Ticket]) -> int:
        if not tickets:
            return 0
        return _whole_minutes(max((self.now - t.issued_at).total_seconds() for t in tickets))


def services_menu(context: ServerContext) -> ServicesOut:
    """Return the kiosk's menu: services with waiting counts, estimates and opening state."""
    now = context.now()
    centre = context.centre
    with context.db.read() as session:
        figures = _Figures(session, context, now)
        services = []
        for service in centre.services:
            closed = centre.closed_reason(service.code, now)
            services.append(
                ServiceOut(
                    code=service.code,
                    name_en=service.name_en,
                    name_sw=service.name_sw,
                    prefix=service.prefix,
                    waiting=len(figures.waiting_for(service.code)),
                    estimated_wait_minutes=figures.new_ticket_wait(service.code),
                    is_open=closed is None,
                    closed_reason=closed,
                    priority_allowed=service.priority_allowed,
                    collection=service.collection,
                    counters_open=figures.counters_open_for(service.code),
                )
            )
    return ServicesOut(
        centre_code=centre.code,
        centre_name=centre.name,
        services=services,
        priorities=[
            PriorityOut(code=p.code, name_en=p.name_en, name_sw=p.name_sw)
            for p in centre.priority_categories
        ],
    )


def _serves(context: ServerContext, counter_code: str, service_code: str) -> bool:
    """Whether a counter serves any stage of a service."""
    service = context.centre.service(service_code)
    return any(key in context.counter_queues[counter_code] for key in service.queue_keys)


def _hall_counter(
    context: ServerContext, state: CounterState, number: str | None
) -> HallCounterOut:
    # Displays get the snapshot too: no staff number on it.
    out = presenters.counter_out(context, state, number=number)
    return HallCounterOut(
        **out.model_dump(exclude={"staff_number"}),
        staff_number=None,
        services=[
            service.code
            for service in context.centre.services
            if _serves(context, state.code, service.code)
        ],
    )


def hall_snapshot(context: ServerContext, *, include_devices: bool = False) -> HallSnapshot:
    """Return the whole hall at one seq (a consistent read): the stream's first message."""
    now = context.now()
    centre = context.centre
    with context.db.read() as session:
        seq = session.execute(
            select(CentreStateRow.last_seq).where(CentreStateRow.id == CENTRE_ROW_ID)
        ).scalar_one()
        figures = _Figures(session, context, now)
        numbers = {row.id: row.number for row in figures.rows}
        recent = list(
            session.scalars(
                select(EventRow)
                .where(EventRow.type.in_(CALL_TYPES))
                .order_by(EventRow.seq.desc())
                .limit(RECENT_CALLS)
            )
        )
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
    records = [TicketRecord.of(ticket) for ticket in figures.tickets]
    counters = [
        _hall_counter(context, state, numbers.get(state.current_ticket_id or ""))
        for state in figures.counters
    ]
    by_status = defaultdict(int)
    for state in figures.counters:
        serving = state.status == CounterStatus.open and state.current_ticket_id is not None
        by_status["serving" if serving else str(state.status)] += 1
    return HallSnapshot(
        seq=seq,
        at=now,
        business_day=business_day(now, timezone=centre.timezone),
        centre_code=centre.code,
        centre_name=centre.name,
        services=[
            HallServiceOut(
                code=service.code,
                name_en=service.name_en,
                name_sw=service.name_sw,
                waiting=len(figures.waiting_for(service.code)),
                longest_wait_minutes=figures.longest_wait_minutes(
                    figures.waiting_for(service.code)
                ),
                estimated_wait_minutes=figures.new_ticket_wait(service.code),
                counters_open=figures.counters_open_for(service.code),
            )
            for service in centre.services
        ],
        counters=counters,
        totals=HallTotalsOut(
            waiting=len(figures.waiting),
            longest_wait_minutes=figures.longest_wait_minutes(figures.waiting),
            counters_open=by_status["open"] + by_status["serving"],
            counters_serving=by_status["serving"],
            counters_paused=by_status["paused"],
            counters_closed=by_status["closed"],
        ),
        called_now=[
            StandingCall.model_validate(record, from_attributes=True)
            for record in sorted(
                (r for r in records if r.status == TicketStatus.called),
                key=lambda r: r.called_at or now,
                reverse=True,
            )
        ],
        recent_calls=[
            CallRecord.of(TicketRecord.model_validate(event.data), seq=event.seq, at=event.at)
            for event in reversed(recent)
        ],
        tickets=records,
        devices=devices,
    )


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
    counts = defaultdict(int)
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
                reason=ReasonOut(code=choice.reason.code, explanation=choice.reason.explanation),
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
