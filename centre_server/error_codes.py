"""Error codes the server adds to the core's (authentication, requests, idempotency)."""

from enum import StrEnum


class ServerErrorCode(StrEnum):
    """Stable snake_case codes of errors that belong to the server, not to the queue domain."""

    unauthenticated = "unauthenticated"
    forbidden = "forbidden"
    invalid_credentials = "invalid_credentials"
    invalid_request = "invalid_request"
    not_found = "not_found"
    method_not_allowed = "method_not_allowed"
    request_id_reused = "request_id_reused"
    invalid_phone = "invalid_phone"
    invalid_id_number = "invalid_id_number"
    device_exists = "device_exists"
    internal_error = "internal_error"
