"""Personal numbers: Kenyan phone numbers and ID numbers, validated and masked."""

from __future__ import annotations

import re

import phonenumbers

from centre_core.errors import QueueError
from centre_server.error_codes import ServerErrorCode

ID_NUMBER = re.compile(r"^[0-9]{6,10}$")


def normalise_phone(raw: str) -> str:
    """Return a Kenyan mobile or fixed number in E.164, or raise `invalid_phone`."""
    try:
        number = phonenumbers.parse(raw, "KE")
    except phonenumbers.NumberParseException as exc:
        raise QueueError(ServerErrorCode.invalid_phone, "not a phone number") from exc
    if number.country_code != 254 or not phonenumbers.is_valid_number(number):
        raise QueueError(ServerErrorCode.invalid_phone, "not a valid Kenyan phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str | None) -> str | None:
    """Mask an E.164 Kenyan number for display: ``+254 7** *** 678``."""
    if e164 is None:
        return None
    national = e164.removeprefix("+254")
    hidden = "*" * max(len(national) - 4, 0)
    masked = national[0] + hidden + national[-3:]
    return f"+254 {masked[:3]} {masked[3:6]} {masked[6:]}".rstrip()


def mask_id_number(raw: str) -> str:
    """Validate a national ID number and keep only its masked form (``*****678``)."""
    digits = raw.strip()
    if not ID_NUMBER.match(digits):
        raise QueueError(ServerErrorCode.invalid_id_number, "an ID number is 6 to 10 digits")
    return "*" * (len(digits) - 3) + digits[-3:]
