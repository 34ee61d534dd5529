"""A manager closes a service for today, opens it again, or caps today's tickets."""

from __future__ import annotations

from collections.abc import Callable

from centre_core import service_days as day_rules
from centre_core.service_days import ServiceDay, ServiceDayOutcome
from centre_core.wire import ServiceDayOut
from centre_server.context import ServerContext
from centre_server.db.transactions import WriteTransaction
from centre_server.repositories import day_state
from centre_server.services import audit_service
from centre_server.services.idempotency import run_once
from centre_server.services.queue_service import business_day_of


def _service_day_command(
    context: ServerContext,
    *,
    action: str,
    actor: str,
    service_code: str,
    request_id: str | None,
    args: dict[str, object],
    step: Callable[[ServiceDay], ServiceDayOutcome],
) -> ServiceDayOut:
    """Run one change of a service's day: load today's state, apply `step`, save, audit."""
    service = context.centre.service(service_code)  # service_not_found before anything else

    def run(transaction: WriteTransaction) -> ServiceDayOut:
        now = context.now()
        day = day_state.service_day(
            transaction.session,
            business_day=business_day_of(context, now),
            service_code=service.code,
        )
        outcome = step(day)
        day_state.save_service_day(transaction.session, outcome.day)
        messages = transaction.append(outcome.events)
        audit_service.record(
            transaction, at=now, actor=actor, action=action, target=service.code, detail=args
        )
        return ServiceDayOut(
            service_code=service.code,
            business_day=outcome.day.business_day,
            closed_reason=outcome.day.closed_reason,
            daily_cap=outcome.day.daily_cap,
            seq=messages[-1].seq,
        )

    return run_once(
        context,
        command=action,
        request_id=request_id,
        args={"actor": actor, "service_code": service_code, **args},
        model=ServiceDayOut,
        run=run,
    )


def close_for_today(
    context: ServerContext,
    *,
    actor: str,
    service_code: str,
    reason: str,
    request_id: str | None = None,
) -> ServiceDayOut:
    """Close a service for the rest of today: walk-ins are refused with `service_closed`."""
    return _service_day_command(
        context,
        action="service.closed_today",
        actor=actor,
        service_code=service_code,
        request_id=request_id,
        args={"reason": reason},
        step=lambda day: day_rules.close_for_today(day, reason=reason, now=context.now()),
    )


def reopen(
    context: ServerContext, *, actor: str, service_code: str, request_id: str | None = None
) -> ServiceDayOut:
    """Open again a service closed for today."""
    return _service_day_command(
        context,
        action="service.reopened",
        actor=actor,
        service_code=service_code,
        request_id=request_id,
        args={},
        step=lambda day: day_rules.reopen(day, now=context.now()),
    )


def set_daily_cap(
    context: ServerContext,
    *,
    actor: str,
    service_code: str,
    cap: int | None,
    request_id: str | None = None,
) -> ServiceDayOut:
    """Cap today's tickets of a service (None: back to the centre file's cap, if any)."""
    return _service_day_command(
        context,
        action="service.cap_set",
        actor=actor,
        service_code=service_code,
        request_id=request_id,
        args={"cap": cap},
        step=lambda day: day_rules.set_cap(day, cap=cap, now=context.now()),
    )
