"""Keep every catalog in step with the texts marked in the source.

    python -m translations.check            # fail if a catalog misses, stales or garbles a text
    python -m translations.check update     # merge new and changed source texts into catalogs
    python -m translations.check init ar    # start the catalog of a new language

The source texts are extracted as `pybabel extract -F babel.cfg` does (Babel's default
keywords; Jinja2 templates through Jinja2's extractor), so these commands and pybabel's agree.
"""

from __future__ import annotations

import argparse
import io
import string
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from translations.catalogs import DOMAIN, LOCALE_DIR, SOURCE_LANGUAGE, catalog_path, catalog_paths

ROOT: Final = Path(__file__).resolve().parent.parent
MAPPING: Final = ROOT / "babel.cfg"
# `# TRANSLATORS: ...` just above a marked text reaches the translator as a note.
COMMENT_TAGS: Final = ("TRANSLATORS:",)
# Babel fills in PROJECT and YEAR, and names the language in place of "Translations template".
HEADER_COMMENT: Final = (
    "# Translations template for PROJECT.\n"
    "# Kept in step with the source by `python -m translations.check update`: see\n"
    "# docs/translations.md. Distributed under the same licence as PROJECT (MIT).\n#"
)


def extract(root: Path = ROOT, mapping: Path = MAPPING) -> Catalog:
    """Collect every marked text under `root` that the mapping file points at."""
    with mapping.open(encoding="utf-8") as cfg:
        # Babel leaves this one function unannotated.
        method_map, options_map = parse_mapping_cfg(cfg, str(mapping))  # type: ignore[no-untyped-call]
    template = Catalog(
        domain=DOMAIN,
        header_comment=HEADER_COMMENT,
        project="Foleni",
        copyright_holder="the Foleni contributors",
        charset="utf-8",
        fuzzy=False,
    )
    for filename, lineno, msgid, comments, context in extract_from_dir(
        root, method_map, options_map, comment_tags=COMMENT_TAGS
    ):
        template.add(msgid, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def fields(text: str) -> set[str]:
    """Return the `{name}` fields of a text; ValueError if its braces do not parse."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def problems(template: Catalog, catalog: Catalog, language: str) -> list[str]:
    """Say what is wrong with one language's catalog against the source texts."""
    found: list[str] = []
    for message in _entries(template):
        translated = catalog.get(message.id, message.context)
        label = f"{language}: {_name(message)}"
        if translated is None:
            found.append(f"{label}: no translation")
        else:
            found += [f"{label}: {issue}" for issue in _issues(message, translated)]
    for message in _entries(catalog):
        if template.get(message.id, message.context) is None:
            found.append(f"{language}: {_name(message)}: no longer in the source; remove it")
    for message in catalog.obsolete.values():
        found.append(f"{language}: {_name(message)}: obsolete entry (#~); remove it")
    return found


def check(template: Catalog, locale_dir: Path = LOCALE_DIR) -> list[str]:
    """Check every catalog under `locale_dir`; return the problems, none when all is well."""
    found: list[str] = []
    for language, path in catalog_paths(locale_dir).items():
        found += problems(template, _read(path, language), language)
    return found


def update(template: Catalog, locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Merge the source texts into every catalog (new ones empty, changed ones fuzzy)."""
    paths = catalog_paths(locale_dir)
    for language, path in paths.items():
        catalog = _read(path, language)
        catalog.update(template, update_creation_date=False)
        _write(path, catalog)
    return list(paths.values())


def init(template: Catalog, language: str, locale_dir: Path = LOCALE_DIR) -> Path:
    """Start the catalog of a new language, every text still to translate."""
    path = catalog_path(language, locale_dir)
    if path.exists() or language == SOURCE_LANGUAGE:
        raise ValueError(f"{language!r} already has its texts ({path})")
    po = io.BytesIO()
    write_po(po, template)
    po.seek(0)
    catalog = read_po(po, locale=language, domain=DOMAIN)
    catalog.fuzzy = False
    path.parent.mkdir(parents=True, exist_ok=True)
    _write(path, catalog)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; exit 1 when the check finds problems."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("command", nargs="?", default="check", choices=("check", "update", "init"))
    parser.add_argument("language", nargs="?", help="the new language's code, for init")
    args = parser.parse_args(argv)
    template = extract()
    if args.command == "update":
        for path in update(template):
            print(f"updated {path.relative_to(ROOT)}")
        return 0
    if args.command == "init":
        if not args.language:
            parser.error("init needs the new language's code, e.g. `init ar`")
        print(f"created {init(template, args.language).relative_to(ROOT)}")
        return 0
    found = check(template)
    for line in found:
        print(line, file=sys.stderr)
    languages = ", ".join(catalog_paths()) or "none"
    print(f"{len(template)} source texts; catalogs: {languages}; problems: {len(found)}")
    return 1 if found else 0


def _entries(catalog: Catalog) -> Iterable[Message]:
    return (message for message in catalog if message.id)


def _name(message: Message) -> str:
    return f"{_texts(message.id)[0]!r}" + (f" ({message.context})" if message.context else "")


def _issues(source: Message, translated: Message) -> list[str]:
    if translated.fuzzy:
        return ["fuzzy (check the translation, then drop the fuzzy flag)"]
    if source.pluralizable != translated.pluralizable:
        return ["plural forms do not match the source's"]
    forms = _texts(translated.string)
    if not all(form.strip() for form in forms):
        return ["empty translation"]
    try:
        wanted = set().union(*(fields(text) for text in _texts(source.id)))
        used = [fields(form) for form in forms]
    except ValueError as error:
        return [f"braces do not parse: {error}"]
    # A plural form may leave the number out ("One person" for 1); a single text may not.
    if source.pluralizable:
        fits = all(form <= wanted for form in used) and set().union(*used) == wanted
    else:
        fits = used[0] == wanted
    return [] if fits else [f"fields {sorted(set().union(*used))} differ from {sorted(wanted)}"]


def _texts(value: object) -> tuple[str, ...]:
    """Return a message's id or translation as its forms (one, or one per plural)."""
    if isinstance(value, tuple | list):
        return tuple(str(form) for form in value)
    return (value if isinstance(value, str) else "",)


def _read(path: Path, language: str) -> Catalog:
    with path.open("rb") as po:
        return read_po(po, locale=language, domain=DOMAIN)


def _write(path: Path, catalog: Catalog) -> None:
    with path.open("wb") as po:
        write_po(po, catalog, ignore_obsolete=True)


if __name__ == "__main__":
    sys.exit(main())
