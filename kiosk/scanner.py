"""Booking references typed or scanned: a keyboard-wedge QR scanner types them, then Enter."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

_REFERENCE = re.compile(r"[A-Z0-9][A-Z0-9-]{3,23}")
# A scanner types a whole code in well under a second; a longer gap starts a new code.
WEDGE_GAP_SECONDS = 1.0


def normalise_reference(text: str) -> str | None:
    """Return the booking reference in `text` (upper case, no spaces), or None."""
    candidate = "".join(text.split()).upper()
    return candidate if _REFERENCE.fullmatch(candidate) else None


def reference_from_scan(text: str) -> str | None:
    """Find the booking reference in a scanned QR code: bare, or in a link carrying it.

    Links are read from their `ref` query parameter or, failing that, their last path part.
    """
    text = text.strip()
    if "://" in text:
        parts = urlsplit(text)
        refs = parse_qs(parts.query).get("ref")
        if refs:
            return normalise_reference(refs[0])
        return normalise_reference(parts.path.rstrip("/").rsplit("/", 1)[-1])
    if ":" in text:
        return normalise_reference(text.rsplit(":", 1)[-1])
    return normalise_reference(text)


class WedgeBuffer:
    """Collects the characters a keyboard-wedge scanner types until it sends Enter."""

    def __init__(self) -> None:
        self._chars: list[str] = []
        self._last_at: float | None = None

    def add(self, text: str, *, at: float) -> None:
        """Record typed text at monotonic time `at` (seconds)."""
        if self._last_at is not None and at - self._last_at > WEDGE_GAP_SECONDS:
            self._chars.clear()
        self._chars.append(text)
        self._last_at = at

    def finish(self) -> str:
        """Return the text typed since the last Enter (Enter was just pressed)."""
        text = "".join(self._chars)
        self._chars.clear()
        self._last_at = None
        return text
