"""Numbers, dates and times written the way each language's locale writes them (CLDR via Babel).

Foleni's centres are in Kenya, so a language formats as its Kenyan locale (`sw` as `sw_KE`,
`en` as `en_KE`: day before month, 24-hour clock) where CLDR has one, else as the language.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from functools import cache
from typing import Final, Literal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, format_time
from babel.numbers import format_decimal

REGION: Final = "KE"


@cache
def locale_of(language: str) -> Locale:
    """Return the Babel locale that formats for `language` in the centre's country."""
    try:
        return Locale.parse(f"{language}_{REGION}")
    except UnknownLocaleError:
        return Locale.parse(language)


def number(value: int | float, language: str) -> str:
    """Write a number as the locale does (`1,234` in English and Swahili)."""
    return format_decimal(value, locale=locale_of(language))


def time_of_day(moment: datetime, language: str, *, timezone: tzinfo | None = None) -> str:
    """Write the clock time of `moment` (`09:42`), in `timezone` or else in its own zone."""
    local = _local(moment, timezone)
    return format_time(local, "short", tzinfo=local.tzinfo, locale=locale_of(language))


def date_and_time(moment: datetime, language: str, *, timezone: tzinfo | None = None) -> str:
    """Write the day and clock time of `moment` (`23/11/2026 09:42`)."""
    local = _local(moment, timezone)
    day = format_date(local, "short", locale=locale_of(language))
    return f"{day} {time_of_day(local, language)}"


def weekday_and_date(moment: datetime, language: str, *, timezone: tzinfo | None = None) -> str:
    """Write the weekday, day and month of `moment` (`Thu, 3 Dec`, `Alhamisi, 3 Des`)."""
    local = _local(moment, timezone)
    # A CLDR skeleton, not a pattern: each locale puts the parts in its own order.
    return format_skeleton("MMMEd", local, tzinfo=local.tzinfo, locale=locale_of(language))


def direction(language: str) -> Literal["ltr", "rtl"]:
    """Which way the language is written: `rtl` for Arabic, for a page's `dir` attribute."""
    return "rtl" if locale_of(language).character_order == "right-to-left" else "ltr"


def _local(moment: datetime, timezone: tzinfo | None) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a moment to write must be timezone-aware")
    return moment if timezone is None else moment.astimezone(timezone)


def language_name(language: str) -> str:
    """Name a language in itself, as a citizen looks for it: `Kiswahili`, `English`, `العربية`."""
    return locale_of(language).get_language_name(language) or language
