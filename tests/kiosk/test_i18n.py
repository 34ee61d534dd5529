"""Every text in both languages, and none written into the layout."""

import re
import string
from pathlib import Path

import pytest

from kiosk.i18n import (
    CATALOGUE,
    CLOSED_REASON_KEYS,
    ERROR_KEYS,
    Language,
    Translator,
    closed_reason_key,
    duration_text,
    error_key,
    texts_in,
    waiting_text,
)

KV = Path(__file__).resolve().parents[2] / "kiosk" / "screens.kv"
CATALOGUE_USE = re.compile(r"\btr\.(?:texts|en|sw)\[\"(\w+)\"\]")
STRING_LITERAL = re.compile(r"\"([^\"]*)\"")


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_text_has_english_and_swahili_with_the_same_fields(key):
    english, swahili = texts_in(Language.EN)[key], texts_in(Language.SW)[key]
    assert english.strip() and swahili.strip()
    assert fields(english) == fields(swahili)


def test_swahili_is_not_english_left_untranslated():
    english, swahili = texts_in(Language.EN), texts_in(Language.SW)
    same = {key for key in english if english[key] == swahili[key]}
    assert same == {"language_name_en", "language_name_sw"}


def test_each_language_is_named_in_itself_and_the_switch_names_the_other():
    english, swahili = texts_in(Language.EN), texts_in(Language.SW)
    assert english["language_name_sw"] == swahili["language_name_sw"] == "Kiswahili"
    assert english["language_name_en"] == "English"
    assert (english["other_language"], swahili["other_language"]) == ("Kiswahili", "English")


def test_every_error_and_closed_reason_has_a_text():
    assert set(ERROR_KEYS.values()) <= set(CATALOGUE)
    assert set(CATALOGUE) >= CLOSED_REASON_KEYS
    assert error_key("appointment_not_found") == "error_appointment_not_found"
    assert error_key("no_such_code") == "error_generic"
    assert closed_reason_key(None) == closed_reason_key("strike") == "closed_other"


def test_the_layout_uses_only_catalogue_keys_and_writes_no_words_itself():
    kv = KV.read_text(encoding="utf-8")
    used = set(CATALOGUE_USE.findall(kv))
    assert used and used <= set(texts_in(Language.EN))
    for line in kv.splitlines():
        if not re.match(r"\s*text:", line):
            continue
        # Left out: catalogue look-ups, escapes, and states compared against (`mode == "phone"`).
        shown = re.sub(r"\\.|[!=]=\s*\"[^\"]*\"", "", CATALOGUE_USE.sub("", line))
        literals = STRING_LITERAL.findall(shown)
        assert not [text for text in literals if any(ch.isalpha() for ch in text)], line


def test_the_translator_swaps_every_text_with_the_language():
    tr = Translator()
    assert tr.texts["choose_service"] == "Choose a service"
    tr.language = Language.SW.value
    assert tr.texts["choose_service"] == "Chagua huduma"
    assert tr.texts["reprint"] == "Chapisha tena"
    assert tr.current is Language.SW


@pytest.mark.parametrize(
    ("say", "value", "english", "swahili"),
    [
        (duration_text, None, "not known yet", "bado haijulikani"),
        (duration_text, 4, "less than 5 min", "chini ya dakika 5"),
        (duration_text, 25, "about 25 min", "takriban dakika 25"),
        (duration_text, 60, "about 1 h 0 min", "takriban saa 1 na dakika 0"),
        # Waiting counts take each language's plural form.
        (waiting_text, 0, "No one waiting", "Hakuna anayesubiri"),
        (waiting_text, 1, "1 person waiting", "Mtu 1 anasubiri"),
        (waiting_text, 12, "12 people waiting", "Watu 12 wanasubiri"),
        (waiting_text, 1500, "1,500 people waiting", "Watu 1,500 wanasubiri"),
    ],
)
def test_waits_and_counts_are_said_the_way_people_say_them(say, value, english, swahili):
    assert say(value, Language.EN) == english
    assert say(value, Language.SW) == swahili
