"""The queue commands: issue a ticket and every counter command, one transaction each.

Each function takes the write lock (`Database.write`), loads only what the command needs,
applies the pure rule of `centre_core`, saves, appends the rule's events and returns the
response, which `run_once` stores under the client's `request_id`.
"""

from __future__ import annotations

import functools
import logging
import secrets
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Unpack

from sqlalchemy import insert

from centre_core import counters as counter_rules
from centre_core import policy
from centre_core import tickets as ticket_rules
from centre_core.clock import business_day
from centre_core.counters import CounterState
from centre_core.tickets import CallOutcome, Ticket, TicketSource, TransferTarget
from centre_core.wire import CounterCommandOut, TicketPublic, TicketStaffView
from centre_server.context import ServerContext
from centre_server.db.tables import ServiceTimeRow
from centre_server.db.transactions import WriteTransaction
from centre_server.phones import normalise_phone
from centre_server.repositories import counters as counter_repo
from centre_server.repositories import day_state
from centre_server.repositories import tickets as ticket_repo
from centre_server.services import attendance_service, audit_service, estimates_service, presenters
from centre_server.services.idempotency import run_once

logger = logging.getLogger(__name__)
SERVICE_TIMES = ServiceTimeRow.__table__
TOKEN_BYTES = 16  # 128 bits: the status page cannot be found by guessing


def issue_ticket(
    context: ServerContext,
    *,
    service_code: str,
    priority: str | None = None,
    phone: str | None = None,
    request_id: str | None = None,
) -> TicketPublic:
    """Issue a walk-in ticket with the day's next number of its service."""
    e164 = normalise_phone(phone) if phone is not None else None

    def run(transaction: WriteTransaction) -> TicketPublic:
        ticket = issue_in(
            context,
            transaction,
            service_code=service_code,
            priority=priority,
            phone=e164,
            source=TicketSource.walk_in,
        )
        return public_view(context, transaction, ticket, phone=e164)

    return run_once(
        context,
        command="ticket.issue",
        request_id=request_id,
        args={"service_code": service_code, "priority": priority, "phone": e164},
        model=TicketPublic,
        run=run,
    )


def issue_in(
    context: ServerContext,
    transaction: WriteTransaction,
    *,
    service_code: str,
    priority: str | None,
    phone: str | None,
    source: TicketSource,
    appointment_ref: str | None = None,
    appointment_slot: datetime | None = None,
    ready_at: datetime | None = None,
) -> Ticket:
    """Issue a ticket inside an open write transaction (walk-in or appointment check-in)."""
    now = context.now()
    centre = context.centre
    service = centre.service(service_code)
    day = business_day_of(context, now)
    # Taken before the rules run: if they refuse (daily cap, closed), the rollback returns it.
    sequence = ticket_repo.next_number(
        transaction.session, business_day=day, service_code=service.code
    )
    today = day_state.service_day(transaction.session, business_day=day, service_code=service.code)
    outcome = ticket_rules.issue_ticket(
        centre=centre,
        today=today,
        service_code=service.code,
        sequence=sequence,
        ticket_id=uuid.uuid4().hex,
        token=secrets.token_urlsafe(TOKEN_BYTES),
        now=now,
        issued_today=sequence - 1,
        source=source,
        priority=priority,
        appointment_ref=appointment_ref,
        appointment_slot=appointment_slot,
        ready_at=ready_at,
    )
    ticket_repo.add(transaction.session, outcome.ticket, sequence=sequence, phone=phone)
    transaction.append(outcome.events)
    return outcome.ticket


def cancel_ticket(
    context: ServerContext,
    *,
    ticket_id: str,
    reason: str,
    request_id: str | None = None,
    actor: str | None = None,
) -> TicketPublic:
    """Withdraw a waiting ticket (a called one ends at its counter instead).

    With `actor` (a manager's staff number) the cancellation is on the audit trail.
    """

    def run(transaction: WriteTransaction) -> TicketPublic:
        now = context.now()
        outcome = ticket_rules.cancel_ticket(
            ticket_repo.load(transaction.session, ticket_id), now=now, reason=reason
        )
        ticket_repo.save(transaction.session, outcome.ticket)
        transaction.append(outcome.events)
        if actor is not None:
            audit_service.record(
                transaction,
                at=now,
                actor=actor,
                action="ticket.cancelled",
                target=outcome.ticket.number,
                detail={"ticket_id": ticket_id, "reason": reason},
            )
        return public_view(context, transaction, outcome.ticket, phone=None)

    return run_once(
        context,
        command="ticket.cancel",
        request_id=request_id,
        args={"ticket_id": ticket_id, "reason": reason, "actor": actor},
        model=TicketPublic,
        run=run,
    )


def move_ticket(
    context: ServerContext,
    *,
    actor: str,
    ticket_id: str,
    request_id: str | None = None,
    **target: Unpack[TransferTarget],
) -> TicketStaffView:
    """Move a waiting ticket to another service, stage or counter (a manager, from the hall)."""

    def run(transaction: WriteTransaction) -> TicketStaffView:
        session = transaction.session
        now = context.now()
        ticket = ticket_repo.load(session, ticket_id)
        outcome = ticket_rules.move_waiting_ticket(ticket, centre=context.centre, now=now, **target)
        ticket_repo.save(session, outcome.ticket)
        transaction.append(outcome.events)
        audit_service.record(
            transaction,
            at=now,
            actor=actor,
            action="ticket.moved",
            target=outcome.ticket.number,
            detail={"ticket_id": ticket_id, "from_queue": ticket.queue_key, **target},
        )
        return presenters.ticket_staff_view(
            outcome.ticket, phone=ticket_repo.stored(session, ticket_id).phone
        )

    return run_once(
        context,
        command="ticket.move",
        request_id=request_id,
        args={"actor": actor, "ticket_id": ticket_id, **target},
        model=TicketStaffView,
        run=run,
    )


def business_day_of(context: ServerContext, now: datetime) -> date:
    """Return the centre-local day of `now` (numbers restart with it)."""
    return business_day(now, timezone=context.centre.timezone)


def waiting_tickets(
    context: ServerContext, transaction: WriteTransaction, queue_keys: Iterable[str]
) -> list[Ticket]:
    """Return the waiting tickets of some queues from the writer's in-memory index."""
    index = context.db.waiting
    if not index.loaded:
        session = transaction.session
        index.load(session, ticket_repo.waiting_in(session, context.centre.queue_keys))
    return index.waiting_in(queue_keys)


def public_view(
    context: ServerContext, transaction: WriteTransaction, ticket: Ticket, *, phone: str | None
) -> TicketPublic:
    """Return the citizen's view of a ticket with its place and estimated wait."""
    ahead, wait = estimates_service.ticket_wait(
        transaction.session,
        context,
        ticket,
        now=context.now(),
        waiting_in=lambda keys: waiting_tickets(context, transaction, keys),
    )
    return presenters.ticket_public(context, ticket, people_ahead=ahead, wait=wait, phone=phone)


# Counter commands ----------------------------------------------------------------------------


def _counter_command(
    context: ServerContext,
    *,
    command: str,
    counter_code: str,
    request_id: str | None,
    args: dict[str, object],
    step: Callable[[WriteTransaction, CounterState], CallOutcome | counter_rules.CounterOutcome],
) -> CounterCommandOut:
    """Run one counter command: load the counter, apply `step`, save ticket and counter."""
    counter_config = context.centre.counter(counter_code)

    def run(transaction: WriteTransaction) -> CounterCommandOut:
        session = transaction.session
        state = counter_repo.load(session, counter_config.code)
        outcome = step(transaction, state)
        ticket = outcome.ticket if isinstance(outcome, CallOutcome) else None
        new_state = outcome.counter if outcome.counter is not None else state
        if ticket is not None:
            ticket_repo.save(session, ticket)
            if ticket.appointment_ref is not None:
                attendance_service.record_attendance(session, ticket)
        counter_repo.save(session, new_state)
        messages = transaction.append(outcome.events)
        phone = ticket_repo.stored(session, ticket.id).phone if ticket is not None else None
        held = ticket if ticket is not None and ticket.id == new_state.current_ticket_id else None
        return CounterCommandOut(
            counter=presenters.counter_out(
                context, new_state, number=held.number if held is not None else None
            ),
            ticket=presenters.ticket_staff_view(ticket, phone=phone)
            if ticket is not None
            else None,
            reason=presenters.reason_out(
                outcome.reason if isinstance(outcome, CallOutcome) else None
            ),
            seq=messages[-1].seq if messages else transaction.last_seq,
        )

    return run_once(
        context,
        command=command,
        request_id=request_id,
        args={"counter": counter_code, **args},
        model=CounterCommandOut,
        run=run,
    )


def _held_ticket(
    transaction: WriteTransaction, state: CounterState, ticket_id: str | None
) -> Ticket:
    """Return the ticket the counter holds (checked against `ticket_id` when given)."""
    return ticket_rules.held_ticket(
        state, ticket_id, load=functools.partial(ticket_repo.load, transaction.session)
    )


def call_next(
    context: ServerContext, *, counter_code: str, request_id: str | None = None
) -> CounterCommandOut:
    """Call the next ticket by the calling policy."""

    def step(transaction: WriteTransaction, state: CounterState) -> CallOutcome:
        # Checked before looking at the queue: a closed or busy counter costs one row read.
        counter_rules.require_ready_to_call(state)
        # One reading of the clock: which tickets can be chosen depends on it.
        now = context.now()
        outcome = _choose(context, transaction, state, now)
        chosen = ticket_repo.load(transaction.session, outcome.ticket.id)
        if chosen != outcome.previous:
            # The index disagrees with the database (it never should): rebuild it and decide
            # again from the rows themselves.
            logger.warning("waiting index out of date at ticket %s: rebuilt", chosen.id)
            context.db.waiting.invalidate()
            outcome = _choose(context, transaction, state, now)
        return outcome.call

    return _counter_command(
        context,
        command="counter.call_next",
        counter_code=counter_code,
        request_id=request_id,
        args={},
        step=step,
    )


@dataclass(frozen=True)
class _Choice:
    """A call-next decision and the ticket as it was before the call."""

    call: CallOutcome
    previous: Ticket

    @property
    def ticket(self) -> Ticket:
        return self.call.ticket


def _choose(
    context: ServerContext, transaction: WriteTransaction, state: CounterState, now: datetime
) -> _Choice:
    waiting_tickets(context, transaction, ())  # loads the index on first use
    # Only the tickets the policy could call at this counter now (exactly as among all).
    waiting = context.db.waiting.candidates(context.counter_queues[state.code], state.code, now)
    call = policy.call_next(
        centre=context.centre,
        counter=context.centre.counter(state.code),
        state=state,
        waiting=waiting,
        now=now,
    )
    previous = next(ticket for ticket in waiting if ticket.id == call.ticket.id)
    return _Choice(call=call, previous=previous)


def call_ticket(
    context: ServerContext, *, counter_code: str, ticket_id: str, request_id: str | None = None
) -> CounterCommandOut:
    """Call one specific waiting ticket (the counter must serve its queue or be its target)."""

    def step(transaction: WriteTransaction, state: CounterState) -> CallOutcome:
        return ticket_rules.call_chosen_ticket(
            ticket_repo.load(transaction.session, ticket_id),
            counter=state,
            config=context.centre.counter(state.code),
            now=context.now(),
        )

    return _counter_command(
        context,
        command="counter.call",
        counter_code=counter_code,
        request_id=request_id,
        args={"ticket_id": ticket_id},
        step=step,
    )


HeldTicketRule = Callable[[ServerContext, WriteTransaction, CounterState, Ticket], CallOutcome]


class HeldTicketCommand:
    """A counter command on the ticket the counter holds: recall, start serving, finish, no-show.

    They differ only in their rule, so they share one signature: `ticket_id`, when given, must
    be the held ticket (a guard against acting on the wrong citizen).
    """

    def __init__(self, command: str, rule: HeldTicketRule) -> None:
        self.command = command
        self.rule = rule

    def __call__(
        self,
        context: ServerContext,
        *,
        counter_code: str,
        ticket_id: str | None = None,
        request_id: str | None = None,
    ) -> CounterCommandOut:
        """Apply the rule to the ticket held at `counter_code`."""

        def step(transaction: WriteTransaction, state: CounterState) -> CallOutcome:
            held = _held_ticket(transaction, state, ticket_id)
            return self.rule(context, transaction, state, held)

        return _counter_command(
            context,
            command=self.command,
            counter_code=counter_code,
            request_id=request_id,
            args={"ticket_id": ticket_id},
            step=step,
        )


def _held_ticket_command(command: str) -> Callable[[HeldTicketRule], HeldTicketCommand]:
    """Make the decorated rule the held-ticket command recorded as `command`."""
    return lambda rule: HeldTicketCommand(command, rule)


@_held_ticket_command("counter.recall")
def recall(
    context: ServerContext, _transaction: WriteTransaction, state: CounterState, ticket: Ticket
) -> CallOutcome:
    """Announce the held ticket again (past the recall limit it becomes a no-show)."""
    return ticket_rules.recall_ticket(
        ticket, counter=state, centre=context.centre, now=context.now()
    )


@_held_ticket_command("counter.start")
def start_serving(
    context: ServerContext, _transaction: WriteTransaction, state: CounterState, ticket: Ticket
) -> CallOutcome:
    """Start serving the held ticket: the citizen reached the counter."""
    return ticket_rules.start_serving(ticket, counter=state, now=context.now())


@_held_ticket_command("counter.finish")
def finish(
    context: ServerContext, transaction: WriteTransaction, state: CounterState, ticket: Ticket
) -> CallOutcome:
    """Finish the held ticket (done, or on to its service's next stage); record the time."""
    now = context.now()
    outcome = ticket_rules.finish_ticket(ticket, counter=state, centre=context.centre, now=now)
    seconds = ticket_rules.handling_seconds(ticket, now=now)
    if seconds is not None:
        transaction.connection.execute(
            insert(SERVICE_TIMES).values(
                queue_key=ticket.queue_key,
                counter=state.code,
                finished_at=now,
                seconds=seconds,
                staff_number=state.staff_number,
            )
        )
    return outcome


@_held_ticket_command("counter.no_show")
def mark_no_show(
    context: ServerContext, _transaction: WriteTransaction, state: CounterState, ticket: Ticket
) -> CallOutcome:
    """End the held ticket as a no-show: the called citizen did not come."""
    return ticket_rules.mark_no_show(ticket, counter=state, now=context.now())


def transfer(
    context: ServerContext,
    *,
    counter_code: str,
    ticket_id: str | None = None,
    request_id: str | None = None,
    **target: Unpack[TransferTarget],
) -> CounterCommandOut:
    """Send the held ticket (or a waiting one by id) to another queue or counter."""

    def step(transaction: WriteTransaction, state: CounterState) -> CallOutcome:
        if ticket_id is not None and ticket_id != state.current_ticket_id:
            ticket = ticket_repo.load(transaction.session, ticket_id)
        else:
            ticket = _held_ticket(transaction, state, None)
        return ticket_rules.transfer_by_counter(
            ticket, counter=state, centre=context.centre, now=context.now(), **target
        )

    return _counter_command(
        context,
        command="counter.transfer",
        counter_code=counter_code,
        request_id=request_id,
        args={"ticket_id": ticket_id, **target},
        step=step,
    )


def pause(
    context: ServerContext, *, counter_code: str, reason: str, request_id: str | None = None
) -> CounterCommandOut:
    """Pause the counter (it must hold no ticket)."""
    return _counter_command(
        context,
        command="counter.pause",
        counter_code=counter_code,
        request_id=request_id,
        args={"reason": reason},
        step=lambda _t, state: counter_rules.pause_counter(state, reason=reason, now=context.now()),
    )


def resume(
    context: ServerContext, *, counter_code: str, request_id: str | None = None
) -> CounterCommandOut:
    """Resume calling after a pause."""
    return _counter_command(
        context,
        command="counter.resume",
        counter_code=counter_code,
        request_id=request_id,
        args={},
        step=lambda _t, state: counter_rules.resume_counter(state, now=context.now()),
    )
