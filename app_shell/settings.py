"""Settings errors and the options that tell a device app where its centre server is."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit


class SettingsError(ValueError):
    """A setting that cannot be used; `code` names the rule it broke."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class CentreOptions:
    """`--server` and `--token` of one kind of device, each also from `FOLENI_<DEVICE>_...`."""

    device: str

    @property
    def server_env(self) -> str:
        """The environment variable that may hold the server's URL."""
        return f"FOLENI_{self.device.upper()}_SERVER"

    @property
    def token_env(self) -> str:
        """The environment variable that may hold the device token (kept out of `ps`)."""
        return f"FOLENI_{self.device.upper()}_TOKEN"

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        """Add the two options to a command line."""
        parser.add_argument("--server", help=f"centre server URL (or {self.server_env})")
        parser.add_argument("--token", help=f"{self.device} device token (or {self.token_env})")

    def read(self, args: argparse.Namespace, env: Mapping[str, str]) -> tuple[str, str]:
        """Return the server URL (no trailing slash) and the token, options before variables."""
        server_url = (args.server or env.get(self.server_env, "")).rstrip("/")
        return server_url, args.token or env.get(self.token_env, "")

    def check(self, server_url: str, token: str) -> None:
        """Refuse a server URL that is not http(s) and a missing device token."""
        parts = urlsplit(server_url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise SettingsError("invalid_server_url", f"not an http(s) URL: {server_url!r}")
        if not token:
            raise SettingsError(
                "missing_token", f"a device token is needed (--token or {self.token_env})"
            )
