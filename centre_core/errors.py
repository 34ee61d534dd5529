"""Stable error codes (the domain's and the server's, as the API sends them) and the exceptions."""

from enum import StrEnum

from centre_core.toml_lines import FieldPath, format_path


class ErrorCode(StrEnum):
    """Every code a domain operation may raise; clients and tests rely on these names."""

    no_waiting_tickets = "no_waiting_tickets"
    counter_not_found = "counter_not_found"
    counter_closed = "counter_closed"
    counter_paused = "counter_paused"
    counter_busy = "counter_busy"
    counter_not_serving_service = "counter_not_serving_service"
    ticket_not_found = "ticket_not_found"
    ticket_not_held = "ticket_not_held"
    ticket_taken = "ticket_taken"
    invalid_transition = "invalid_transition"
    service_not_found = "service_not_found"
    service_closed = "service_closed"
    daily_cap_reached = "daily_cap_reached"
    priority_not_allowed = "priority_not_allowed"
    unknown_priority = "unknown_priority"
    appointment_not_found = "appointment_not_found"
    appointment_already_checked_in = "appointment_already_checked_in"
    appointment_not_today = "appointment_not_today"
    appointment_cancelled = "appointment_cancelled"
    transfer_target_invalid = "transfer_target_invalid"
    counter_services_invalid = "counter_services_invalid"
    notice_not_found = "notice_not_found"
    notice_invalid = "notice_invalid"
    invalid_config = "invalid_config"


class ServerErrorCode(StrEnum):
    """Stable snake_case codes of errors that belong to the server, not to the queue domain."""

    unauthenticated = "unauthenticated"
    forbidden = "forbidden"
    csrf_rejected = "csrf_rejected"
    alert_not_found = "alert_not_found"
    invalid_credentials = "invalid_credentials"
    account_locked = "account_locked"
    staff_not_found = "staff_not_found"
    invalid_request = "invalid_request"
    not_found = "not_found"
    method_not_allowed = "method_not_allowed"
    request_id_reused = "request_id_reused"
    invalid_phone = "invalid_phone"
    invalid_id_number = "invalid_id_number"
    device_exists = "device_exists"
    internal_error = "internal_error"


# The HTTP status of every code on the centre API (docs/api.md): the server answers with it,
# `centre_client.testing.FakeCentre` too; a code missing here answers `DEFAULT_STATUS`.
STATUS_BY_CODE: dict[str, int] = {
    ServerErrorCode.unauthenticated: 401,
    ServerErrorCode.invalid_credentials: 401,
    ServerErrorCode.forbidden: 403,
    ServerErrorCode.csrf_rejected: 403,
    ServerErrorCode.alert_not_found: 404,
    ServerErrorCode.account_locked: 403,
    ServerErrorCode.not_found: 404,
    ErrorCode.counter_not_found: 404,
    ErrorCode.ticket_not_found: 404,
    ErrorCode.service_not_found: 404,
    ErrorCode.appointment_not_found: 404,
    ErrorCode.notice_not_found: 404,
    ServerErrorCode.staff_not_found: 404,
    ServerErrorCode.method_not_allowed: 405,
    ErrorCode.no_waiting_tickets: 409,
    ErrorCode.counter_closed: 409,
    ErrorCode.counter_paused: 409,
    ErrorCode.counter_busy: 409,
    ErrorCode.ticket_not_held: 409,
    ErrorCode.ticket_taken: 409,
    ErrorCode.invalid_transition: 409,
    ErrorCode.service_closed: 409,
    ErrorCode.daily_cap_reached: 409,
    ErrorCode.appointment_already_checked_in: 409,
    ErrorCode.appointment_not_today: 409,
    ErrorCode.appointment_cancelled: 409,
    ServerErrorCode.request_id_reused: 409,
    ServerErrorCode.device_exists: 409,
    ServerErrorCode.invalid_request: 422,
    ErrorCode.counter_not_serving_service: 422,
    ErrorCode.priority_not_allowed: 422,
    ErrorCode.unknown_priority: 422,
    ErrorCode.transfer_target_invalid: 422,
    ErrorCode.counter_services_invalid: 422,
    ErrorCode.notice_invalid: 422,
    ErrorCode.invalid_config: 422,
    ServerErrorCode.invalid_phone: 422,
    ServerErrorCode.invalid_id_number: 422,
    ServerErrorCode.internal_error: 500,
}
# A code the table does not know yet (a new domain rule) is still the client's request failing.
DEFAULT_STATUS = 400


def status_for(code: str) -> int:
    """Return the HTTP status of an error code."""
    return STATUS_BY_CODE.get(code, DEFAULT_STATUS)


class QueueError(Exception):
    """A refused domain operation: a stable `code` for machines, a `message` for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = str(code)
        self.message = message


class CentreConfigError(QueueError):
    """An invalid centre configuration; the message names the file, line and field path."""

    def __init__(
        self, *, path: FieldPath, problem: str, source: str = "centre", line: int | None = None
    ) -> None:
        where = f"{source}:{line}" if line is not None else source
        self.field = format_path(path) or "(document)"
        super().__init__(ErrorCode.invalid_config, f"{where}: {self.field}: {problem}")
        self.path = path
        self.problem = problem
        self.source = source
        self.line = line

    def within(self, *prefix: str | int) -> "CentreConfigError":
        """Return the same error with its field path nested under `prefix`."""
        return CentreConfigError(path=(*prefix, *self.path), problem=self.problem)

    def located(self, *, source: str, line: int | None) -> "CentreConfigError":
        """Return the same error placed in a file (and at a line when known)."""
        return CentreConfigError(path=self.path, problem=self.problem, source=source, line=line)
