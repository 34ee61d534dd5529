"""Error codes from the centre, in plain words a member of staff can act on."""

from __future__ import annotations

# Every code the centre can answer a counter with: domain codes of centre_core.errors, the API's
# own codes, and the client's codes for an unreachable or garbled server. A test proves none is
# missing.
MESSAGES: dict[str, str] = {
    # Queue and counter rules.
    "no_waiting_tickets": "Nobody is waiting for your services right now.",
    "ticket_taken": "Another counter has already called this ticket.",
    "ticket_not_held": "This ticket is no longer at your counter.",
    "ticket_not_found": "That ticket no longer exists. The list has been refreshed.",
    "invalid_transition": "That step does not fit this ticket any more. The screen is refreshed.",
    "counter_busy": "Finish, transfer or mark no-show for the current ticket first.",
    "counter_closed": "Your counter is closed. Log in again to open it.",
    "counter_paused": "Your counter is paused. Resume to call citizens.",
    "counter_not_found": "This counter is not known to the centre.",
    "counter_not_serving_service": "Your counter does not serve that service.",
    "service_not_found": "That service is not known to the centre.",
    "service_closed": "That service is closed at this hour.",
    "transfer_target_invalid": "The ticket cannot be sent there: that counter does not serve it.",
    "daily_cap_reached": "That service has reached its ticket limit for today.",
    "priority_not_allowed": "That service takes no priority tickets.",
    "unknown_priority": "That priority category is not known to the centre.",
    "appointment_not_found": "No appointment has that reference.",
    "appointment_already_checked_in": "That appointment is already checked in.",
    "appointment_not_today": "That appointment is for another day.",
    "appointment_cancelled": "That appointment was cancelled.",
    "invalid_config": "The centre's configuration has an error. Call the centre manager.",
    # Logging in and sessions.
    "invalid_credentials": "Staff number or PIN is wrong. Try again.",
    "unauthenticated": "Your session has ended. Log in again.",
    "forbidden": "You are not allowed to do that at this counter.",
    # Requests the centre could not take.
    "invalid_request": "The centre could not read that request. Check what you entered.",
    "invalid_phone": "That phone number is not valid.",
    "invalid_id_number": "That ID number is not valid.",
    "not_found": "The centre does not know that item.",
    "method_not_allowed": "The centre does not accept that request. Call support.",
    "request_id_reused": "That action was already sent once. The screen is refreshed.",
    "device_exists": "That device is already registered.",
    "internal_error": "The centre server had a problem. Try again; call support if it repeats.",
    "invalid_response": "The centre server gave an answer this counter cannot read. Call support.",
    # The client's own code for a server out of reach.
    "server_unreachable": "The centre server cannot be reached. Actions are off until it is back.",
}

UNKNOWN = "The centre refused that ({code}). Try again; call support if it repeats."


def message_for(code: str) -> str:
    """Return the plain words for an error code; an unknown code still reads as a sentence."""
    return MESSAGES.get(code, UNKNOWN.format(code=code))
