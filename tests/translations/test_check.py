"""The catalog check fails on every way a catalog falls behind the source, and on nothing else."""

from pathlib import Path

import pytest

from tests.translations.catalog_files import write_catalog
from translations import check

SOURCE = """
from translations.messages import N_, ngettext, pgettext

GREETING = N_("Hello {name}")
HEADING = pgettext("board", "Counter")
WAITING = ngettext("{count} person waiting", "{count} people waiting")
THANKS = N_("Thank you")
# TRANSLATORS: shown while the printer works.
PRINTING = N_("Printing")
"""
TEMPLATE = '<p>{{ _("Please wait") }}</p>\n'
GOOD = """msgid "Hello {name}"
msgstr "Habari {name}"

msgctxt "board"
msgid "Counter"
msgstr "Dirisha"

msgid "{count} person waiting"
msgid_plural "{count} people waiting"
msgstr[0] "Mtu {count} anasubiri"
msgstr[1] "Watu {count} wanasubiri"

msgid "Thank you"
msgstr "Asante"

msgid "Printing"
msgstr "Inachapisha"

msgid "Please wait"
msgstr "Tafadhali subiri"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app" / "templates").mkdir(parents=True)
    (tmp_path / "app" / "texts.py").write_text(SOURCE, encoding="utf-8")
    (tmp_path / "app" / "templates" / "page.html").write_text(TEMPLATE, encoding="utf-8")
    (tmp_path / "babel.cfg").write_text(
        "[python: app/**.py]\n[jinja2: app/templates/**.html]\n", encoding="utf-8"
    )
    return tmp_path


def template_of(project: Path):
    return check.extract(project, project / "babel.cfg")


def test_extraction_finds_python_markers_plurals_contexts_notes_and_templates(project):
    template = template_of(project)
    ids = {(message.id, message.context) for message in template if message.id}
    assert ids == {
        ("Hello {name}", None),
        ("Counter", "board"),
        (("{count} person waiting", "{count} people waiting"), None),
        ("Thank you", None),
        ("Printing", None),
        ("Please wait", None),
    }
    assert template.get("Printing").auto_comments == ["TRANSLATORS: shown while the printer works."]


def test_a_complete_catalog_passes(project):
    write_catalog(project / "locale", "sw", GOOD)
    assert check.check(template_of(project), project / "locale") == []


@pytest.mark.parametrize(
    ("broken", "problem"),
    [
        (GOOD.replace('msgstr "Asante"', 'msgstr ""'), "'Thank you': empty translation"),
        (GOOD.replace('msgstr "Habari {name}"', 'msgstr "Habari {jina}"'), "fields ['jina']"),
        (GOOD.replace('msgstr "Habari {name}"', 'msgstr "Habari {name"'), "braces do not parse"),
        (GOOD.replace('msgid "Thank you"', '#, fuzzy\nmsgid "Thank you"'), "'Thank you': fuzzy"),
        (GOOD.replace('msgstr[1] "Watu {count} wanasubiri"', 'msgstr[1] ""'), "empty"),
        (GOOD.replace('msgstr[1] "Watu {count} wanasubiri"\n', ""), "empty translation"),
        (GOOD + '\nmsgid "Gone"\nmsgstr "Imeondoka"\n', "'Gone': no longer in the source"),
        (GOOD + '\n#~ msgid "Old"\n#~ msgstr "Zamani"\n', "'Old': obsolete entry"),
    ],
)
def test_each_way_a_catalog_falls_behind_is_reported(project, broken, problem):
    write_catalog(project / "locale", "sw", broken)
    found = check.check(template_of(project), project / "locale")
    assert len(found) == 1 and found[0].startswith("sw: ") and problem in found[0], found


def test_a_text_translated_without_its_context_is_missing_and_stale(project):
    write_catalog(project / "locale", "sw", GOOD.replace('msgctxt "board"\n', ""))
    assert check.check(template_of(project), project / "locale") == [
        "sw: 'Counter' (board): no translation",
        "sw: 'Counter': no longer in the source; remove it",
    ]


def test_a_plural_form_may_leave_the_number_out_but_not_add_a_field(project):
    one_without_number = GOOD.replace('"Mtu {count} anasubiri"', '"Mtu mmoja anasubiri"')
    write_catalog(project / "locale", "sw", one_without_number)
    assert check.check(template_of(project), project / "locale") == []
    extra = GOOD.replace('"Mtu {count} anasubiri"', '"Mtu {count} {name} anasubiri"')
    write_catalog(project / "locale", "sw", extra)
    assert check.check(template_of(project), project / "locale") != []


def test_a_new_language_starts_empty_and_update_brings_in_new_texts(project):
    locale_dir = project / "locale"
    write_catalog(locale_dir, "sw", GOOD)
    check.init(template_of(project), "ar", locale_dir)
    found = check.check(template_of(project), locale_dir)
    assert found and all(line.startswith("ar: ") for line in found)
    with pytest.raises(ValueError, match="already"):
        check.init(template_of(project), "sw", locale_dir)

    (project / "app" / "more.py").write_text(
        'from translations.messages import N_\nNEW = N_("Welcome")\n', encoding="utf-8"
    )
    check.update(template_of(project), locale_dir)
    found = check.check(template_of(project), locale_dir)
    assert "sw: 'Welcome': empty translation" in found
    assert not [line for line in found if line.startswith("sw: ") and "Welcome" not in line]


def test_the_project_mapping_reaches_every_package_that_shows_texts():
    files = {path for message in check.extract() for path, _ in message.locations}
    folders = {path.split("/")[0] for path in files}
    assert {"kiosk", "counter", "display", "printers", "centre_server"} <= folders
    assert "centre_server/templates/status.html" in files


def test_the_command_exits_non_zero_when_a_catalog_has_problems(monkeypatch, capsys):
    monkeypatch.setattr(check, "check", lambda template: ["sw: 'Welcome': no translation"])
    assert check.main([]) == 1
    assert "'Welcome': no translation" in capsys.readouterr().err
