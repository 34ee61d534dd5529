"""Stable error codes and the exceptions the queue domain raises."""

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
    invalid_config = "invalid_config"


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
