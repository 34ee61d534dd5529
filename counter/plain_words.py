"""Error codes from the centre, in plain words a member of staff can act on."""

from __future__ import annotations

import re

from translations.catalogs import SOURCE_LANGUAGE
from translations.messages import N_, Message

# Every code the centre can answer a counter with: domain codes of centre_core.errors, the API's
# own codes, and the client's codes for an unreachable or garbled server. A test proves none is
# missing.
MESSAGES: dict[str, Message] = {
    # Queue and counter rules.
    "no_waiting_tickets": N_("Nobody is waiting for your services right now."),
    "ticket_taken": N_("Another counter has already called this ticket."),
    "ticket_not_held": N_("This ticket is no longer at your counter."),
    "ticket_not_found": N_("That ticket no longer exists. The list has been refreshed."),
    "invalid_transition": N_(
        "That step does not fit this ticket any more. The screen is refreshed."
    ),
    "counter_busy": N_("Finish, transfer or mark no-show for the current ticket first."),
    "counter_closed": N_("Your counter is closed. Log in again to open it."),
    "counter_paused": N_("Your counter is paused. Resume to call citizens."),
    "counter_not_found": N_("This counter is not known to the centre."),
    "counter_not_serving_service": N_("Your counter does not serve that service."),
    "service_not_found": N_("That service is not known to the centre."),
    "service_closed": N_("That service is closed at this hour."),
    "transfer_target_invalid": N_(
        "The ticket cannot be sent there: that counter does not serve it."
    ),
    "daily_cap_reached": N_("That service has reached its ticket limit for today."),
    "priority_not_allowed": N_("That service takes no priority tickets."),
    "unknown_priority": N_("That priority category is not known to the centre."),
    "appointment_not_found": N_("No appointment has that reference."),
    "appointment_already_checked_in": N_("That appointment is already checked in."),
    "appointment_not_today": N_("That appointment is for another day."),
    "appointment_cancelled": N_("That appointment was cancelled."),
    "counter_services_invalid": N_("A counter cannot serve that. Call the centre manager."),
    "notice_not_found": N_("That notice no longer exists."),
    "notice_invalid": N_("That notice cannot be posted. Check its text and end time."),
    "staff_not_found": N_("No member of staff has that number."),
    "invalid_config": N_("The centre's configuration has an error. Call the centre manager."),
    # Logging in and sessions.
    "invalid_credentials": N_("Staff number or PIN is wrong. Try again."),
    "account_locked": N_(
        "This account is locked after too many wrong PINs. A manager can unlock it."
    ),
    "unauthenticated": N_("Your session has ended. Log in again."),
    "forbidden": N_("You are not allowed to do that at this counter."),
    # The manager page's forms only; a counter never sends one.
    "csrf_rejected": N_("That form was out of date. Reload the page and try again."),
    "alert_not_found": N_("That alert is not known here."),
    # Requests the centre could not take.
    "invalid_request": N_("The centre could not read that request. Check what you entered."),
    "invalid_phone": N_("That phone number is not valid."),
    "invalid_id_number": N_("That ID number is not valid."),
    "not_found": N_("The centre does not know that item."),
    "method_not_allowed": N_("The centre does not accept that request. Call support."),
    "request_id_reused": N_("That action was already sent once. The screen is refreshed."),
    "device_exists": N_("That device is already registered."),
    "internal_error": N_("The centre server had a problem. Try again; call support if it repeats."),
    "invalid_response": N_(
        "The centre server gave an answer this counter cannot read. Call support."
    ),
    # The client's own code for a server out of reach.
    "server_unreachable": N_(
        "The centre server cannot be reached. Actions are off until it is back."
    ),
}

ACCOUNT_LOCKED_UNTIL = N_(
    "This account is locked until {until} after too many wrong PINs. A manager can unlock it."
)
# The centre says until when in its message ("... locked until 10:45 ..."), centre-local.
_LOCKED_UNTIL = re.compile(r"until ([0-9]{1,2}:[0-9]{2})")

UNKNOWN = N_("The centre refused that ({code}). Try again; call support if it repeats.")


def message_for(code: str, language: str = SOURCE_LANGUAGE, *, server_message: str = "") -> str:
    """Return the plain words for an error code; an unknown code still reads as a sentence.

    A locked account is told until when, taken from the centre's own message when it says.
    """
    until = _LOCKED_UNTIL.search(server_message) if code == "account_locked" else None
    if until is not None:
        return ACCOUNT_LOCKED_UNTIL.say(language, until=until.group(1))
    message = MESSAGES.get(code)
    return UNKNOWN.say(language, code=code) if message is None else message.say(language)
