"""A manager opens or closes a counter, or changes the queues it serves for the rest of today."""

from __future__ import annotations

from collections.abc import Mapping

from centre_core import counters as counter_rules
from centre_core.events import DomainEvent, EventType
from centre_core.wire import CounterCommandOut, CounterServicesOut
from centre_server.context import ServerContext, load_counter_services
from centre_server.db.transactions import WriteTransaction
from centre_server.repositories import counters as counter_repo
from centre_server.repositories import day_state
from centre_server.services import audit_service, presenters
from centre_server.services.idempotency import run_once
from centre_server.services.queue_service import business_day_of


def open_counter(
    context: ServerContext, *, actor: str, counter_code: str, request_id: str | None = None
) -> CounterCommandOut:
    """Open a closed counter (no staff at it until someone logs in there)."""
    config = context.centre.counter(counter_code)

    def run(transaction: WriteTransaction) -> CounterCommandOut:
        now = context.now()
        state = counter_repo.load(transaction.session, config.code)
        outcome = counter_rules.open_counter(state, staff_number=None, now=now)
        return _saved(context, transaction, outcome, actor=actor, action="counter.opened")

    return run_once(
        context,
        command="counter.open",
        request_id=request_id,
        args={"actor": actor, "counter": counter_code},
        model=CounterCommandOut,
        run=run,
    )


def close_counter(
    context: ServerContext, *, actor: str, counter_code: str, request_id: str | None = None
) -> CounterCommandOut:
    """Close a counter; one holding a called or serving ticket is refused (`counter_busy`).

    Its staff session stays: their next command is told the counter is closed.
    """
    config = context.centre.counter(counter_code)

    def run(transaction: WriteTransaction) -> CounterCommandOut:
        now = context.now()
        state = counter_repo.load(transaction.session, config.code)
        outcome = counter_rules.close_counter(state, now=now)
        return _saved(context, transaction, outcome, actor=actor, action="counter.closed")

    return run_once(
        context,
        command="counter.close",
        request_id=request_id,
        args={"actor": actor, "counter": counter_code},
        model=CounterCommandOut,
        run=run,
    )


def _saved(
    context: ServerContext,
    transaction: WriteTransaction,
    outcome: counter_rules.CounterOutcome,
    *,
    actor: str,
    action: str,
) -> CounterCommandOut:
    counter_repo.save(transaction.session, outcome.counter)
    messages = transaction.append(outcome.events)
    audit_service.record(
        transaction, at=context.now(), actor=actor, action=action, target=outcome.counter.code
    )
    return CounterCommandOut(
        counter=presenters.counter_out(context, outcome.counter, number=None),
        ticket=None,
        seq=messages[-1].seq,
    )


def set_counter_services(
    context: ServerContext,
    *,
    actor: str,
    counter_code: str,
    services: Mapping[str, int],
    request_id: str | None = None,
) -> CounterServicesOut:
    """Make a counter serve other queues ({service or stage key: weight}) for the rest of today.

    Checked against the centre file (`counter_services_invalid`: an unknown service, a bad
    weight, a queue left with no counter). The calling policy uses the new set from the next
    call; a ticket the counter holds stays with it.
    """
    config = context.centre.counter(counter_code)
    wanted = dict(services)

    def run(transaction: WriteTransaction) -> CounterServicesOut:
        now = context.now()
        day = business_day_of(context, now)
        changed = day_state.counter_services(transaction.session, day)
        changed[config.code] = wanted
        centre = context.file_centre.with_counter_services(changed)
        day_state.save_counter_services(
            transaction.session, business_day=day, counter_code=config.code, services=wanted
        )
        queue_keys = centre.queues_by_counter()[config.code]
        event = DomainEvent(
            type=EventType.counter_services_changed,
            at=now,
            data={"counter": config.code, "services": wanted, "queue_keys": list(queue_keys)},
        )
        messages = transaction.append([event])
        audit_service.record(
            transaction,
            at=now,
            actor=actor,
            action="counter.services_changed",
            target=config.code,
            detail={"services": wanted},
        )
        return CounterServicesOut(
            counter=config.code, services=wanted, queue_keys=list(queue_keys), seq=messages[-1].seq
        )

    result = run_once(
        context,
        command="counter.set_services",
        request_id=request_id,
        args={"actor": actor, "counter": counter_code, "services": wanted},
        model=CounterServicesOut,
        run=run,
    )
    # After the commit: the next call, at any counter, chooses from the new set.
    load_counter_services(context)
    return result
