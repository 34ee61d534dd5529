"""The HTTP status of every code the national service answers (the envelope: `service_kit`)."""

from __future__ import annotations

from enum import StrEnum

from centre_core.booking_wire import BOOKING_STATUS_BY_CODE
from centre_core.errors import DEFAULT_STATUS, STATUS_BY_CODE
from centre_core.sync_wire import SYNC_STATUS_BY_CODE


class OverviewErrorCode(StrEnum):
    """Codes of the national overview's own refusals."""

    invalid_period = "invalid_period"
    report_font_missing = "report_font_missing"


OVERVIEW_STATUS_BY_CODE: dict[str, int] = {
    OverviewErrorCode.invalid_period: 422,
    OverviewErrorCode.report_font_missing: 503,
}
STATUS = {
    **STATUS_BY_CODE,
    **SYNC_STATUS_BY_CODE,
    **BOOKING_STATUS_BY_CODE,
    **OVERVIEW_STATUS_BY_CODE,
}


def status_for(code: str) -> int:
    """Return the HTTP status of a national error code."""
    return STATUS.get(code, DEFAULT_STATUS)
