"""Text goes out in the printer's code page, deliberately, and carries no control bytes."""

import pytest

from printers.paper import slip_format
from printers.text import CodePage, choose_code_page, printable


@pytest.mark.parametrize(
    ("codec", "text", "expected"),
    [
        ("cp858", "Café – O’Brien", "Café - O'Brien"),
        ("cp1252", "Café – O’Brien", "Café – O’Brien"),  # CP1252 has the typographic forms
        ("cp437", "Ngong’ Road — Kileleshwa…", "Ngong' Road - Kileleshwa..."),
        ("cp858", "Łódź", "Lódz"),  # ź decomposes; Ł has a plain form
        ("cp850", "Price €5", "Price EUR5"),
        ("cp858", "Price €5", "Price €5"),
        ("cp858", "Mji wa Kale 北", "Mji wa Kale ?"),
        ("cp858", "Usajili wa watu", "Usajili wa watu"),
    ],
)
def test_printable_text_per_code_page(codec: str, text: str, expected: str) -> None:
    assert printable(text, codec) == expected
    printable(text, codec).encode(codec)  # never raises


def test_control_characters_cannot_smuggle_commands() -> None:
    assert printable("Desk\x1b@3\n\x1dV\x00", "cp858") == "Desk @3  V "


def test_code_page_preference_takes_the_lowest_number_of_the_best_page() -> None:
    pages = {"0": "CP437", "2": "CP850", "53": "CP858", "19": "CP858"}

    assert choose_code_page(pages) == CodePage(number=19, name="CP858")
    assert choose_code_page({"0": "CP437", "2": "CP850"}) == CodePage(number=2, name="CP850")
    assert choose_code_page({"0": "CP437"}) == CodePage(number=0, name="CP437")
    assert choose_code_page({"1": "KATAKANA"}) == CodePage(number=0, name="CP437")


def test_simple_profile_falls_back_to_cp437() -> None:
    assert slip_format(profile="simple").code_page == CodePage(number=0, name="CP437")
