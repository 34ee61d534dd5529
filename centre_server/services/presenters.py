"""Present tickets, counters and call reasons as wire models (personal data masked, never raw)."""

from __future__ import annotations

from datetime import timedelta

from centre_core.counters import CounterState
from centre_core.reasons import CallReason
from centre_core.tickets import Ticket
from centre_core.wire import CounterOut, ReasonOut, TicketPublic, TicketStaffView
from centre_server.context import ServerContext
from centre_server.phones import mask_phone
from centre_server.services.estimates_service import minutes


def status_url(context: ServerContext, token: str) -> str:
    """Return the public status page of a ticket (printed as the slip's QR code)."""
    return f"{context.settings.resolved_public_base_url()}/t/{token}"


def ticket_public(
    context: ServerContext,
    ticket: Ticket,
    *,
    people_ahead: int,
    wait: timedelta | None,
    phone: str | None = None,
) -> TicketPublic:
    """Return the citizen's view of a ticket."""
    service = context.centre.service(ticket.service_code)
    return TicketPublic(
        ticket_id=ticket.id,
        number=ticket.number,
        token=ticket.token,
        status=str(ticket.status),
        service_code=ticket.service_code,
        service_name_en=service.name_en,
        service_name_sw=service.name_sw,
        queue_key=ticket.queue_key,
        stage_index=ticket.stage_index,
        priority=ticket.priority,
        source=str(ticket.source),
        business_day=ticket.business_day,
        issued_at=ticket.issued_at,
        appointment_slot=ticket.appointment_slot,
        people_ahead=people_ahead,
        estimated_wait_minutes=minutes(wait),
        counter=ticket.counter if ticket.is_active else None,
        status_url=status_url(context, ticket.token),
        centre_name=context.centre.name,
        phone_masked=mask_phone(phone),
    )


def ticket_staff_view(ticket: Ticket, *, phone: str | None) -> TicketStaffView:
    """Return the counter staff's view of a ticket."""
    return TicketStaffView(
        ticket_id=ticket.id,
        number=ticket.number,
        status=str(ticket.status),
        service_code=ticket.service_code,
        queue_key=ticket.queue_key,
        stage_index=ticket.stage_index,
        priority=ticket.priority,
        source=str(ticket.source),
        issued_at=ticket.issued_at,
        queued_at=ticket.queued_at,
        ready_at=ticket.ready_at,
        called_at=ticket.called_at,
        serving_at=ticket.serving_at,
        finished_at=ticket.finished_at,
        counter=ticket.counter,
        target_counter=ticket.target_counter,
        recalls=ticket.recalls,
        appointment_ref=ticket.appointment_ref,
        appointment_slot=ticket.appointment_slot,
        note=ticket.note,
        phone_masked=mask_phone(phone),
    )


def counter_out(context: ServerContext, state: CounterState, *, number: str | None) -> CounterOut:
    """Return a counter's live state (`number`: that of the ticket it holds)."""
    return CounterOut(
        code=state.code,
        name=context.centre.counter(state.code).name,
        status=str(state.status),
        staff_number=state.staff_number,
        ticket_id=state.current_ticket_id,
        number=number if state.current_ticket_id else None,
        pause_reason=state.pause_reason,
        status_since=state.status_since,
    )


def reason_out(reason: CallReason | None) -> ReasonOut | None:
    """Return why the policy chose a ticket."""
    return None if reason is None else ReasonOut(code=reason.code, explanation=reason.explanation)
