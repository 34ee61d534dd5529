"""Phone numbers and booking references as citizens type or scan them."""

import pytest

from kiosk.phone import group_for_display, to_e164
from kiosk.scanner import WedgeBuffer, normalise_reference, reference_from_scan


@pytest.mark.parametrize(
    ("digits", "e164"),
    [
        ("0712345678", "+254712345678"),
        ("0110345678", "+254110345678"),
        ("254712345678", "+254712345678"),
        ("071234567", None),
        ("07123456789", None),
        ("0612345678", None),
        ("", None),
    ],
)
def test_kenyan_mobile_numbers(digits, e164):
    assert to_e164(digits) == e164


def test_numbers_are_grouped_as_read_aloud():
    assert group_for_display("0712345678") == "0712 345 678"
    assert group_for_display("254712345678") == "254 712 345 678"
    assert group_for_display("07") == "07"


@pytest.mark.parametrize(
    ("scanned", "reference"),
    [
        ("HC-7K29", "HC-7K29"),
        ("  hc-7k29\n", "HC-7K29"),
        ("https://huduma.example/a?ref=hc-7k29&x=1", "HC-7K29"),
        ("https://huduma.example/appointments/HC-7K29/", "HC-7K29"),
        ("FOLENI:APT:HC-7K29", "HC-7K29"),
        ("abc", None),
        ("https://huduma.example/", None),
        ("HC 7K29", "HC7K29"),
    ],
)
def test_references_from_what_a_scanner_types(scanned, reference):
    assert reference_from_scan(scanned) == reference


def test_a_reference_must_look_like_one():
    assert normalise_reference("ab12") == "AB12"
    assert normalise_reference("-AB12") is None
    assert normalise_reference("A" * 25) is None


def test_a_scanner_burst_is_kept_apart_from_an_old_keystroke():
    wedge = WedgeBuffer()
    wedge.add("x", at=0.0)
    for offset, char in enumerate("HC-7K29"):
        wedge.add(char, at=5.0 + offset * 0.01)
    assert wedge.finish() == "HC-7K29"
    assert wedge.finish() == ""
