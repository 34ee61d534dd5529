"""Kenyan mobile numbers as typed on the kiosk keypad: validation, E.164 form and masking."""

from __future__ import annotations

import re

# Safaricom, Airtel and Telkom mobile numbers: 07xx xxx xxx and 01xx xxx xxx.
_LOCAL = re.compile(r"0([17]\d{8})")
_INTERNATIONAL = re.compile(r"254([17]\d{8})")
MAX_DIGITS = 12


def to_e164(digits: str) -> str | None:
    """`+2547XXXXXXXX` for a valid Kenyan mobile number typed as digits, else None."""
    for pattern in (_LOCAL, _INTERNATIONAL):
        match = pattern.fullmatch(digits)
        if match:
            return f"+254{match.group(1)}"
    return None


def group_for_display(digits: str) -> str:
    """Digits grouped the way Kenyans read a number: `0712 345 678`."""
    if digits.startswith("254"):
        groups = [digits[:3], digits[3:6], digits[6:9], digits[9:]]
    else:
        groups = [digits[:4], digits[4:7], digits[7:]]
    return " ".join(group for group in groups if group)
