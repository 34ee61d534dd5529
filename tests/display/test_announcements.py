"""The words of an announcement: ticket spelled, counter said as a number, EN and SW."""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from display.announcements import (
    ENGLISH,
    SWAHILI,
    Announcement,
    english_number,
    phrase,
    spoken_counter,
    spoken_ticket,
    swahili_number,
)
from tests.translations.catalog_files import ARABIC_CALL, one_more_catalog


def call(number: str = "B-014", counter: str = "7", *, recall: bool = False) -> Announcement:
    return Announcement(seq=1, ticket_number=number, counter=counter, recall=recall)


def test_the_issue_example_in_english_and_swahili():
    assert phrase(call(), ENGLISH) == "Ticket B zero one four, please go to counter seven."
    assert phrase(call(), SWAHILI) == (
        "Tiketi namba bii sifuri moja nne, tafadhali nenda dirisha namba saba."
    )


def test_a_recall_is_worded_as_a_second_call():
    assert phrase(call(recall=True), ENGLISH) == (
        "Calling again. Ticket B zero one four, please go to counter seven."
    )
    assert phrase(call(recall=True), SWAHILI) == (
        "Tunaita tena. Tiketi namba bii sifuri moja nne, tafadhali nenda dirisha namba saba."
    )


@pytest.mark.parametrize(
    ("n", "english", "swahili"),
    [
        (0, "zero", "sifuri"),
        (1, "one", "moja"),
        (7, "seven", "saba"),
        (10, "ten", "kumi"),
        (11, "eleven", "kumi na moja"),
        (19, "nineteen", "kumi na tisa"),
        (20, "twenty", "ishirini"),
        (21, "twenty-one", "ishirini na moja"),
        (40, "forty", "arobaini"),
        (99, "ninety-nine", "tisini na tisa"),
        (100, "one hundred", "mia moja"),
        (101, "one hundred and one", "mia moja na moja"),
        (110, "one hundred and ten", "mia moja na kumi"),
        (115, "one hundred and fifteen", "mia moja kumi na tano"),
        (250, "two hundred and fifty", "mia mbili na hamsini"),
        (335, "three hundred and thirty-five", "mia tatu thelathini na tano"),
        (1000, "one thousand", "elfu moja"),
        (1028, "one thousand and twenty-eight", "elfu moja ishirini na nane"),
        (1300, "one thousand three hundred", "elfu moja mia tatu"),
        (3009, "three thousand and nine", "elfu tatu na tisa"),
        (9999, "nine thousand nine hundred and ninety-nine", "elfu tisa mia tisa tisini na tisa"),
    ],
)
def test_numbers_in_words(n, english, swahili):
    assert english_number(n) == english
    assert swahili_number(n) == swahili


@pytest.mark.parametrize("n", [-1, 10_000])
def test_numbers_outside_the_spoken_range_are_refused(n):
    with pytest.raises(ValueError):
        english_number(n)
    with pytest.raises(ValueError):
        swahili_number(n)


@pytest.mark.parametrize(
    ("counter", "english", "swahili"),
    [
        ("1", "counter one", "dirisha namba moja"),
        ("07", "counter seven", "dirisha namba saba"),
        ("10", "counter ten", "dirisha namba kumi"),
        ("11", "counter eleven", "dirisha namba kumi na moja"),
        ("12", "counter twelve", "dirisha namba kumi na mbili"),
        ("20", "counter twenty", "dirisha namba ishirini"),
        ("21", "counter twenty-one", "dirisha namba ishirini na moja"),
        ("99", "counter ninety-nine", "dirisha namba tisini na tisa"),
        ("100", "counter one hundred", "dirisha namba mia moja"),
        ("123", "counter one hundred and twenty-three", "dirisha namba mia moja ishirini na tatu"),
        ("Counter 7", "counter seven", "dirisha namba saba"),
        ("dirisha 12", "counter twelve", "dirisha namba kumi na mbili"),
        ("7A", "counter seven eh", "dirisha namba saba ei"),
        ("B2", "counter B two", "dirisha namba bii mbili"),
        (
            "123456",
            "counter one two three four five six",
            "dirisha namba moja mbili tatu nne tano sita",
        ),
    ],
)
def test_counters_are_said_as_numbers(counter, english, swahili):
    assert phrase(call(counter=counter), ENGLISH).endswith(f"please go to {english}.")
    assert phrase(call(counter=counter), SWAHILI).endswith(f"tafadhali nenda {swahili}.")


def test_a_named_counter_is_said_by_its_name():
    assert phrase(call(counter="Cashier"), ENGLISH) == (
        "Ticket B zero one four, please go to Cashier."
    )
    assert phrase(call(counter="Cashier"), SWAHILI) == (
        "Tiketi namba bii sifuri moja nne, tafadhali nenda Cashier."
    )
    assert spoken_counter("Cashier", ENGLISH) == ("Cashier", False)


@pytest.mark.parametrize(
    ("number", "english", "swahili"),
    [
        ("A-000", "eh zero zero zero", "ei sifuri sifuri sifuri"),
        ("B-014", "B zero one four", "bii sifuri moja nne"),
        ("I-100", "eye one zero zero", "ai moja sifuri sifuri"),
        ("M-999", "M nine nine nine", "emu tisa tisa tisa"),
        ("U-010", "U zero one zero", "yuu sifuri moja sifuri"),
        ("AB-0123", "eh B zero one two three", "ei bii sifuri moja mbili tatu"),
        ("NID-5678", "N eye D five six seven eight", "eni ai dii tano sita saba nane"),
        ("kb-021", "K B zero two one", "kei bii sifuri mbili moja"),
    ],
)
def test_tickets_are_spelled_letter_by_letter_and_digit_by_digit(number, english, swahili):
    assert spoken_ticket(number, ENGLISH) == english
    assert spoken_ticket(number, SWAHILI) == swahili


def test_unknown_languages_and_empty_labels_are_refused():
    with pytest.raises(ValueError):
        phrase(call(), "fr")
    with pytest.raises(ValueError):
        Announcement(seq=1, ticket_number="-", counter="7")
    with pytest.raises(ValueError):
        Announcement(seq=1, ticket_number="B-001", counter=" ")


@dataclass(frozen=True)
class MirrorCall:
    seq: int
    at: datetime | None
    number: str
    counter: str
    recalls: int


def test_a_call_from_the_stream_becomes_an_announcement():
    at = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
    first = Announcement.of_call(MirrorCall(seq=41, at=at, number="B-014", counter="7", recalls=0))
    again = Announcement.of_call(MirrorCall(seq=57, at=at, number="B-014", counter="7", recalls=1))
    assert first == Announcement(
        seq=41, ticket_number="B-014", counter="7", recall=False, called_at=at
    )
    assert again.recall
    assert first.key != again.key
    assert again.label == "seq-57-B-014-recall"


def test_a_language_without_spelling_rules_leaves_letters_and_digits_to_its_voice(tmp_path):
    with one_more_catalog(tmp_path, "ar", ARABIC_CALL):
        assert phrase(call(counter="12"), "ar") == "التذكرة B 0 1 4، يرجى التوجه إلى الشباك 12."
        assert phrase(call(counter="123456"), "ar").endswith("الشباك 1 2 3 4 5 6.")
    with pytest.raises(ValueError, match="no announcement wording"):
        phrase(call(), "ar")
