"""Shared route pieces: guards per audience, the counter-access rule, error documentation."""

from __future__ import annotations

from typing import Any

from centre_core.errors import QueueError, ServerErrorCode
from centre_core.wire import ErrorOut
from centre_server.api.roles import requires
from centre_server.auth import Principal, Role

EVERY_ROLE = (Role.kiosk, Role.display, Role.counter, Role.manager, Role.admin)
HALL_AUDIENCE = requires(*EVERY_ROLE)
ISSUERS = requires(Role.kiosk, Role.counter, Role.manager)
# A kiosk voids the ticket it could not print; a manager any waiting ticket.
VOIDERS = requires(Role.kiosk, Role.manager)
COUNTER_STAFF = requires(Role.counter, Role.manager)
# Only a staff session at a counter: its principal is the member of staff, not a device.
COUNTER_SESSION = requires(Role.counter)
MANAGERS = requires(Role.manager, Role.admin)
# The manager's actions: a manager's session (or manager device) only, each on the audit trail.
ACTING_MANAGER = requires(Role.manager)
ADMINS = requires(Role.admin)
DEVICES = requires(Role.kiosk, Role.display)

_ERROR = {"model": ErrorOut}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {**_ERROR, "description": "unauthenticated / invalid_credentials"},
    403: {**_ERROR, "description": "forbidden"},
    404: {**_ERROR, "description": "not found (ticket_not_found, counter_not_found, ...)"},
    409: {**_ERROR, "description": "the queue's state refuses it (counter_busy, ...)"},
    422: {**_ERROR, "description": "invalid_request and invalid input codes"},
}


def require_counter_access(principal: Principal, counter_code: str) -> None:
    """Let managers act on any counter and counter staff on the counter they logged in at."""
    if Role.manager in principal.roles or Role.admin in principal.roles:
        return
    if principal.counter != counter_code:
        raise QueueError(ServerErrorCode.forbidden, "you are logged in at another counter")
