"""What a server-rendered page needs to show its texts in one or more languages.

The page marks each text with `_("...")` (Babel's Jinja2 extractor finds it) and gets back the
text in every language of the page as `(language, text)` pairs, to lay side by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from translations import catalogs, formats
from translations.messages import Message


def page_texts(languages: Sequence[str]) -> dict[str, Any]:
    """Return the template names for a page in `languages` (the first is the page's own)."""
    codes = tuple(catalogs.check_language(language) for language in languages)
    if not codes:
        raise ValueError("a page needs at least one language")

    def said(msgid: str, /, **fields: object) -> list[tuple[str, str]]:
        return list(zip(codes, Message(msgid).in_each(codes, **fields), strict=True))

    def number(value: int | float) -> str:
        return formats.number(value, codes[0])

    return {"_": said, "languages": codes, "direction": formats.direction, "number": number}
