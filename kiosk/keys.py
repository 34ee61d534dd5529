"""The on-screen keypads' keys: characters, plus two that are actions."""

from __future__ import annotations

DELETE_KEY = "<delete>"
CLEAR_KEY = "<clear>"
DIGIT_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", CLEAR_KEY, "0", DELETE_KEY)
# Digits first: booking references are mostly digits and capitals (QR codes carry the same).
REFERENCE_KEYS = (
    *"1234567890",
    *"QWERTYUIOP",
    *"ASDFGHJKL-",
    *"ZXCVBNM",
    DELETE_KEY,
)
