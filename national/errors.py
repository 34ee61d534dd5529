"""The HTTP status of every code the national service answers (the envelope: `service_kit`)."""

from __future__ import annotations

from centre_core.booking_wire import BOOKING_STATUS_BY_CODE
from centre_core.errors import DEFAULT_STATUS, STATUS_BY_CODE
from centre_core.sync_wire import SYNC_STATUS_BY_CODE

STATUS = {**STATUS_BY_CODE, **SYNC_STATUS_BY_CODE, **BOOKING_STATUS_BY_CODE}


def status_for(code: str) -> int:
    """Return the HTTP status of a national error code."""
    return STATUS.get(code, DEFAULT_STATUS)
