"""Texts marked for translation where they are written, and said in a language chosen later.

The markers build a `Message` at import time; `message.say(language, **fields)` looks it up in
that language's catalog when the text is shown. They carry gettext's own names (`N_`,
`pgettext`, `ngettext`) so that `pybabel extract` finds them with its default keywords.
Fields are `{name}` placeholders; numbers put in them are written the locale's way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from translations.catalogs import translations
from translations.formats import number


@dataclass(frozen=True, slots=True)
class Message:
    """One source text (English), with its plural and its context when it has them."""

    msgid: str
    plural: str | None = None
    context: str | None = None

    def in_language(self, language: str, count: int = 1) -> str:
        """Return the text in `language`, fields unfilled (the plural form for `count`)."""
        catalog = translations(language)
        if self.plural is None:
            if self.context is None:
                return catalog.gettext(self.msgid)
            return catalog.pgettext(self.context, self.msgid)
        if self.context is None:
            return catalog.ngettext(self.msgid, self.plural, count)
        return catalog.npgettext(self.context, self.msgid, self.plural, count)

    def say(self, language: str, /, **fields: object) -> str:
        """Return the text in `language`, fields filled; a plural picks its form by `count`."""
        count = fields.get("count", 1)
        if not isinstance(count, int):
            raise TypeError(f"count must be an int, not {count!r}")
        text = self.in_language(language, count)
        return text.format(**{name: _written(value, language) for name, value in fields.items()})

    def in_each(self, languages: Iterable[str], /, **fields: object) -> tuple[str, ...]:
        """Return the text said in each of `languages`, for surfaces that show them side by side."""
        return tuple(self.say(language, **fields) for language in languages)


def texts_in(messages: Mapping[str, Message], language: str) -> dict[str, str]:
    """Return each of `messages` in `language` by its key, fields unfilled (what kv binds to)."""
    return {key: message.in_language(language) for key, message in messages.items()}


def N_(msgid: str) -> Message:
    """Mark a text for translation."""
    return Message(msgid)


def pgettext(context: str, msgid: str) -> Message:
    """Mark a text whose English is shared with a text meant otherwise (`context` tells which)."""
    return Message(msgid, context=context)


def ngettext(singular: str, plural: str) -> Message:
    """Mark a text with plural forms; `say(..., count=n)` picks the one for `n`."""
    return Message(singular, plural=plural)


def _written(value: object, language: str) -> object:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number(value, language)
    return value
