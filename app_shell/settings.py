"""Settings errors and the checks every app makes of where its centre server is."""

from __future__ import annotations

from urllib.parse import urlsplit


class SettingsError(ValueError):
    """A setting that cannot be used; `code` names the rule it broke."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def check_server(server_url: str, token: str, *, token_env: str) -> None:
    """Refuse a server URL that is not http(s) and a missing device token."""
    parts = urlsplit(server_url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise SettingsError("invalid_server_url", f"not an http(s) URL: {server_url!r}")
    if not token:
        raise SettingsError("missing_token", f"a device token is needed (--token or {token_env})")
