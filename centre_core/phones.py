"""Phone numbers as people may see them: a Kenyan number masked (checking one is the server's)."""

from __future__ import annotations


def mask_phone(e164: str | None) -> str | None:
    """Mask an E.164 Kenyan number for display: ``+254 7** *** 678``."""
    if e164 is None:
        return None
    national = e164.removeprefix("+254")
    hidden = "*" * max(len(national) - 4, 0)
    masked = national[0] + hidden + national[-3:]
    return f"+254 {masked[:3]} {masked[3:6]} {masked[6:]}".rstrip()
