"""Present tickets, counters and call reasons as wire models (personal data masked, never raw)."""

from __future__ import annotations

from datetime import timedelta

from centre_core.counters import CounterState
from centre_core.estimates import wait_minutes
from centre_core.phones import mask_phone
from centre_core.reasons import CallReason
from centre_core.tickets import Ticket
from centre_core.wire import CounterOut, ReasonOut, TicketPublic, TicketStaffView
from centre_server.context import ServerContext


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
    return TicketPublic.for_citizen(
        ticket,
        centre=context.centre,
        people_ahead=people_ahead,
        estimated_wait_minutes=wait_minutes(wait),
        status_url=status_url(context, ticket.token),
        phone_masked=mask_phone(phone),
    )


def ticket_staff_view(ticket: Ticket, *, phone: str | None) -> TicketStaffView:
    """Return the counter staff's view of a ticket."""
    return TicketStaffView.of(ticket, phone_masked=mask_phone(phone))


def counter_out(context: ServerContext, state: CounterState, *, number: str | None) -> CounterOut:
    """Return a counter's live state (`number`: that of the ticket it holds)."""
    return CounterOut.of(state, centre=context.centre, number=number)


def reason_out(reason: CallReason | None) -> ReasonOut | None:
    """Return why the policy chose a ticket."""
    return None if reason is None else ReasonOut.of(reason)
