"""What must never reach a hall display or a kiosk: phone numbers, ID numbers, staff identities."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers

# Anything shaped like a Kenyan phone number or an ID number standing alone (the display test's
# rule): `0712345678`, `+254712345678`, `712345678`, `12345678`.
PHONE_OR_ID_SHAPE = re.compile(
    r"(?<![\w-])(\+?254|0)?[17]\d{8}(?![\w-])|(?<![\w-])\d{7,8}(?![\w-])"
)
SEPARATOR = r"[\s.-]?"


def _digits(value: str) -> re.Pattern[str]:
    """The digits in order, with or without a space, dot or dash between any two."""
    return re.compile(SEPARATOR.join(re.escape(digit) for digit in value))


def national_number(phone: str) -> str:
    """The digits every written form of a Kenyan number shares (`722334455`)."""
    return str(phonenumbers.parse(phone, "KE").national_number)


@dataclass(frozen=True)
class Forbidden:
    """One piece of personal data and every way it could be written."""

    label: str
    pattern: re.Pattern[str]


def phone(label: str, number: str) -> Forbidden:
    """A phone number in any form: 07.., +2547.., 2547.., grouped or not."""
    return Forbidden(label, _digits(national_number(number)))


def id_number(label: str, number: str) -> Forbidden:
    """An ID number, grouped or not."""
    return Forbidden(label, _digits(number))


def word(label: str, text: str) -> Forbidden:
    """A name or a staff number, standing alone, in any case."""
    return Forbidden(label, re.compile(rf"(?<![\w-]){re.escape(text)}(?![\w-])", re.IGNORECASE))


def found(texts: Iterable[tuple[str, str]], forbidden: Iterable[Forbidden]) -> list[str]:
    """Every (where, what) hit of forbidden data in the (where, text) pairs given."""
    rules = list(forbidden)
    hits = []
    for where, text in texts:
        for rule in rules:
            for match in rule.pattern.finditer(text):
                hits.append(f"{rule.label} in {where}: ...{_around(text, match)}...")
    return hits


def shaped_like_phone_or_id(texts: Iterable[tuple[str, str]]) -> list[str]:
    """Every number standing alone that is shaped like a phone or an ID number."""
    return [
        f"{where}: ...{_around(text, match)}..."
        for where, text in texts
        for match in PHONE_OR_ID_SHAPE.finditer(text)
    ]


def _around(text: str, match: re.Match[str]) -> str:
    return text[max(0, match.start() - 60) : match.end() + 60]
