"""Personal numbers: Kenyan phone numbers validated, ID numbers validated and masked.

A phone number is masked by the core (`centre_core.phones.mask_phone`), which the client's
`FakeCentre` shares.
"""

from __future__ import annotations

import re

import phonenumbers

from centre_core.errors import QueueError, ServerErrorCode

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


def mask_id_number(raw: str) -> str:
    """Validate a national ID number and keep only its masked form (``*****678``)."""
    digits = raw.strip()
    if not ID_NUMBER.match(digits):
        raise QueueError(ServerErrorCode.invalid_id_number, "an ID number is 6 to 10 digits")
    return "*" * (len(digits) - 3) + digits[-3:]
