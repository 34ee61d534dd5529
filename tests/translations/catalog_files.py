"""Small `.po` files written for the tests, in the shape pybabel writes them."""

from pathlib import Path

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


def write_catalog(locale_dir: Path, language: str, entries: str) -> Path:
    """Write `locale/<language>/LC_MESSAGES/foleni.po` with a header and `entries`."""
    path = locale_dir / language / "LC_MESSAGES" / "foleni.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    header = HEADER.format(language=language, plural_forms=PLURAL_FORMS[language])
    path.write_text(header + entries, encoding="utf-8")
    return path
