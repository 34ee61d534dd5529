"""How times, sources, statuses and pause reasons read on the counter screen."""

from __future__ import annotations

SOURCES = {
    "walk_in": "Walk-in",
    "appointment": "Appointment",
    "transfer": "Transfer",
    "collection": "Document collection",
}
TICKET_STATUSES = {"called": "Called", "serving": "Serving"}
PAUSE_REASONS = {"break": "Break", "back_office": "Back office"}
COUNTER_STATUSES = {"open": "Open", "paused": "Paused", "closed": "Closed"}


def clock_time(seconds: float) -> str:
    """Format a running timer: ``04:07`` under an hour, ``1:02:07`` beyond."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def minutes(seconds: float) -> str:
    """Format a wait in whole minutes: ``0 min``, ``42 min``, ``1 h 05 min``."""
    whole = max(0, int(seconds)) // 60
    hours, mins = divmod(whole, 60)
    return f"{hours} h {mins:02d} min" if hours else f"{mins} min"


def handling(seconds: float | None) -> str:
    """Format a handling time: ``6 min 40 s``, or a dash when there is none yet."""
    if seconds is None:
        return "–"
    whole = max(0, round(seconds))
    mins, secs = divmod(whole, 60)
    return f"{mins} min {secs:02d} s" if mins else f"{secs} s"


def source(code: str) -> str:
    """Return a ticket source in words."""
    return SOURCES.get(code, code.replace("_", " ").capitalize())


def pause_reason(code: str | None) -> str:
    """Return a pause reason in words (free text is shown as given)."""
    if not code:
        return ""
    return PAUSE_REASONS.get(code, code)
