"""How times, sources, statuses and pause reasons read on the counter screen."""

from __future__ import annotations

from translations.catalogs import SOURCE_LANGUAGE
from translations.messages import N_, Message, pgettext

SOURCES = {
    "walk_in": pgettext("ticket source", "Walk-in"),
    "appointment": pgettext("ticket source", "Appointment"),
    "transfer": pgettext("ticket source", "Transfer"),
    "collection": pgettext("ticket source", "Document collection"),
}
TICKET_STATUSES = {
    "called": pgettext("ticket status", "Called"),
    "serving": pgettext("ticket status", "Serving"),
}
PAUSE_REASONS = {
    "break": pgettext("pause reason", "Break"),
    "back_office": pgettext("pause reason", "Back office"),
}
COUNTER_STATUSES = {
    "open": pgettext("counter status", "Open"),
    "paused": pgettext("counter status", "Paused"),
    "closed": pgettext("counter status", "Closed"),
}
MINUTES = N_("{minutes} min")
HOURS_AND_MINUTES = N_("{hours} h {minutes} min")
MINUTES_AND_SECONDS = N_("{minutes} min {seconds} s")
SECONDS = N_("{seconds} s")


def clock_time(seconds: float) -> str:
    """Format a running timer: ``04:07`` under an hour, ``1:02:07`` beyond."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def minutes(seconds: float, language: str = SOURCE_LANGUAGE) -> str:
    """Format a wait in whole minutes: ``0 min``, ``42 min``, ``1 h 05 min``."""
    whole = max(0, int(seconds)) // 60
    hours, mins = divmod(whole, 60)
    if hours:
        return HOURS_AND_MINUTES.say(language, hours=hours, minutes=f"{mins:02d}")
    return MINUTES.say(language, minutes=mins)


def handling(seconds: float | None, language: str = SOURCE_LANGUAGE) -> str:
    """Format a handling time: ``6 min 40 s``, or a dash when there is none yet."""
    if seconds is None:
        return "–"
    whole = max(0, round(seconds))
    mins, secs = divmod(whole, 60)
    if mins:
        return MINUTES_AND_SECONDS.say(language, minutes=mins, seconds=f"{secs:02d}")
    return SECONDS.say(language, seconds=secs)


def source(code: str, language: str = SOURCE_LANGUAGE) -> str:
    """Return a ticket source in words."""
    return _said(SOURCES, code, language, code.replace("_", " ").capitalize())


def ticket_status(code: str, language: str = SOURCE_LANGUAGE) -> str:
    """Return a held ticket's status in words (an unknown one as its code)."""
    return _said(TICKET_STATUSES, code, language, code)


def counter_status(code: str, language: str = SOURCE_LANGUAGE) -> str:
    """Return a counter's status in words (an unknown one as its code)."""
    return _said(COUNTER_STATUSES, code, language, code)


def pause_reason(code: str | None, language: str = SOURCE_LANGUAGE) -> str:
    """Return a pause reason in words (free text is shown as given)."""
    if not code:
        return ""
    return _said(PAUSE_REASONS, code, language, code)


def _said(words: dict[str, Message], code: str, language: str, otherwise: str) -> str:
    message = words.get(code)
    return otherwise if message is None else message.say(language)
