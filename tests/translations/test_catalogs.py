"""Languages come from the catalogs present; a catalog is compiled in memory as msgfmt would."""

import pytest

from tests.translations.catalog_files import write_catalog
from translations import catalogs
from translations.messages import Message, ngettext


def test_the_languages_are_english_and_one_per_catalog_present(tmp_path):
    assert catalogs.languages(tmp_path / "none") == ("en",)
    write_catalog(tmp_path, "sw", "")
    write_catalog(tmp_path, "ar", "")
    assert catalogs.languages(tmp_path) == ("en", "ar", "sw")


def test_the_project_speaks_english_and_swahili():
    assert catalogs.languages()[:1] == ("en",)
    assert "sw" in catalogs.languages()
    assert set(catalogs.HALL_LANGUAGES) <= set(catalogs.languages())


def test_a_language_without_a_catalog_is_refused():
    with pytest.raises(ValueError, match="no catalog"):
        catalogs.translations("xx")


def test_a_catalog_is_compiled_with_its_plural_rule_and_without_fuzzy_entries(tmp_path):
    path = write_catalog(
        tmp_path,
        "ar",
        """msgid "Welcome"
msgstr "أهلاً وسهلاً"

#, fuzzy
msgid "Back"
msgstr "خطأ"

msgid "{count} person waiting"
msgid_plural "{count} people waiting"
msgstr[0] "لا أحد"
msgstr[1] "شخص واحد"
msgstr[2] "شخصان"
msgstr[3] "{count} أشخاص"
msgstr[4] "{count} شخصًا"
msgstr[5] "{count} شخص"
""",
    )
    compiled = catalogs.compile_po(path)
    assert compiled.gettext("Welcome") == "أهلاً وسهلاً"
    assert compiled.gettext("Back") == "Back"  # a fuzzy guess is never shown
    plural = ("{count} person waiting", "{count} people waiting")
    forms = [compiled.ngettext(*plural, n) for n in (0, 1, 2, 5, 11, 100)]
    assert forms == ["لا أحد", "شخص واحد", "شخصان", "{count} أشخاص", "{count} شخصًا", "{count} شخص"]


def test_swahili_texts_come_from_its_catalog_and_english_from_the_source():
    assert Message("Welcome").say("sw") == "Karibu"
    assert Message("Welcome").say("en") == "Welcome"
    people = ngettext("{count} person waiting", "{count} people waiting")
    assert [people.say("sw", count=n) for n in (1, 2)] == ["Mtu 1 anasubiri", "Watu 2 wanasubiri"]
    assert Message("Counter", context="board").say("sw") == "Dirisha"
