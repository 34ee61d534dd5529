"""The masked phone number that tickets and counters show."""

from centre_core.phones import mask_phone


def test_a_mobile_number_shows_its_first_and_last_three_digits_only() -> None:
    assert mask_phone("+254712345678") == "+254 7** *** 678"


def test_no_number_masks_to_none() -> None:
    assert mask_phone(None) is None
