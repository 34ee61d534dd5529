"""The gettext catalogs: which languages exist, and each one compiled in memory at first use.

A language exists when `locale/<code>/LC_MESSAGES/foleni.po` does (English, the language of
the source texts, needs none). Nothing generated is committed: the `.po` is compiled when a
language is first asked for.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path
from typing import Final

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN: Final = "foleni"
# The language the source texts are written in: its "catalog" is the msgids themselves.
SOURCE_LANGUAGE: Final = "en"
LOCALE_DIR: Final = Path(__file__).resolve().parent / "locale"
# The languages a Kenyan centre writes side by side where nobody has chosen one: the board,
# the slip, the kiosk's start screen and the ticket status page.
HALL_LANGUAGES: Final = ("en", "sw")


def catalog_path(language: str, locale_dir: Path | None = None) -> Path:
    """Where the catalog of one language lives (whether or not it exists yet)."""
    return _folder(locale_dir) / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalog_paths(locale_dir: Path | None = None) -> dict[str, Path]:
    """Every catalog present, by language code."""
    return {
        path.parent.parent.name: path
        for path in sorted(_folder(locale_dir).glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    }


@cache
def languages(locale_dir: Path | None = None) -> tuple[str, ...]:
    """Return the languages Foleni can speak: the source language, then one per catalog."""
    found = catalog_paths(locale_dir)
    return (SOURCE_LANGUAGE, *(code for code in found if code != SOURCE_LANGUAGE))


def check_language(language: str) -> str:
    """Return `language` if it has a catalog; raise ValueError otherwise."""
    if language not in languages():
        raise ValueError(f"no catalog for language {language!r}; there are {languages()}")
    return language


@cache
def translations(language: str) -> gettext.NullTranslations:
    """Return one language's translations (untranslated or fuzzy texts read as English)."""
    if check_language(language) == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    return compile_po(catalog_path(language))


def compile_po(path: Path) -> gettext.GNUTranslations:
    """Read a `.po` file and compile it in memory, as `msgfmt` would (fuzzy entries left out)."""
    with path.open("rb") as po:
        catalog = read_po(po)
    mo = io.BytesIO()
    write_mo(mo, catalog)
    mo.seek(0)
    return gettext.GNUTranslations(mo)


def _folder(locale_dir: Path | None) -> Path:
    # Looked up at each call, not bound as a default: a test can put a catalog beside the real
    # ones by pointing LOCALE_DIR elsewhere (and clearing the caches).
    return LOCALE_DIR if locale_dir is None else locale_dir
