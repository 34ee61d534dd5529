"""Small `.po` files written for the tests, in the shape pybabel writes them."""

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from translations import catalogs

HEADER = """msgid ""
msgstr ""
"Language: {language}\\n"
"Plural-Forms: {plural_forms}\\n"
"Content-Type: text/plain; charset=utf-8\\n"

"""
PLURAL_FORMS = {
    "sw": "nplurals=2; plural=(n != 1);",
    "ar": (
        "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 "
        ": n%100>=11 ? 4 : 5);"
    ),
}

# An Arabic catalog holding the one announcement sentence a test speaks (others read as English).
ARABIC_CALL = (
    'msgctxt "announcement"\n'
    'msgid "Ticket {ticket}, please go to counter {counter}."\n'
    'msgstr "التذكرة {ticket}، يرجى التوجه إلى الشباك {counter}."\n'
)


def write_catalog(locale_dir: Path, language: str, entries: str) -> Path:
    """Write `locale/<language>/LC_MESSAGES/foleni.po` with a header and `entries`."""
    path = locale_dir / language / "LC_MESSAGES" / "foleni.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    header = HEADER.format(language=language, plural_forms=PLURAL_FORMS[language])
    path.write_text(header + entries, encoding="utf-8")
    return path


@contextmanager
def one_more_catalog(tmp_path: Path, language: str, entries: str) -> Iterator[Path]:
    """Inside the block the project has the catalogs it ships and one more, for `language`.

    What a maintainer does to add a language, without touching the project's own folder: the
    caches are cleared on the way in and out, so the catalog is found as at start-up.
    """
    locale_dir = tmp_path / "locale"
    shutil.copytree(catalogs.LOCALE_DIR, locale_dir)
    path = write_catalog(locale_dir, language, entries)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(catalogs, "LOCALE_DIR", locale_dir)
            _forget_catalogs()
            yield path
    finally:
        _forget_catalogs()


def _forget_catalogs() -> None:
    catalogs.languages.cache_clear()
    catalogs.translations.cache_clear()
