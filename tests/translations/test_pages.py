"""A page gets each text in all its languages, and its numbers in its first language's way."""

import pytest

from translations.pages import page_texts


def test_a_page_gets_each_text_in_each_of_its_languages_in_order():
    names = page_texts(("en", "sw"))
    assert names["_"]("Go to counter {counter}", counter="7") == [
        ("en", "Go to counter 7"),
        ("sw", "Nenda dirisha 7"),
    ]
    assert names["languages"] == ("en", "sw")
    assert names["number"](1500) == "1,500"
    assert names["direction"]("sw") == "ltr"


def test_a_page_in_a_language_without_a_catalog_is_refused():
    with pytest.raises(ValueError):
        page_texts(("en", "xx"))
    with pytest.raises(ValueError):
        page_texts(())
