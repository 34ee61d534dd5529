"""Errors of the centre client: the server's error codes, and the server being out of reach."""

from __future__ import annotations

SERVER_UNREACHABLE = "server_unreachable"
INVALID_RESPONSE = "invalid_response"


class CentreApiError(Exception):
    """The centre answered with an error body `{"error": {"code", "message"}}`, or none at all.

    `code` is the server's stable snake_case code (e.g. `no_waiting_tickets`); branch on it,
    never on `message`. `status` is the HTTP status, None when no answer came.
    """

    def __init__(self, code: str, message: str, status: int | None = None) -> None:
        super().__init__(f"{code}: {message}" if status is None else f"{status} {code}: {message}")
        self.code = code
        self.message = message
        self.status = status


class CentreUnavailable(CentreApiError):
    """The centre server was out of reach (refused, timed out, dropped): `server_unreachable`."""

    def __init__(self, message: str) -> None:
        super().__init__(SERVER_UNREACHABLE, message, None)
