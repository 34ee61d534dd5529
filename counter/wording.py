"""The counter's words: its screens' fixed texts, and how times, sources and statuses read."""

from __future__ import annotations

from typing import Final

from translations.catalogs import SOURCE_LANGUAGE
from translations.messages import N_, Message, pgettext, texts_in

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
# The fixed texts of the counter's screens and dialogs, by the key kv reads them with
# (`root.vm.texts["log_out"]`). Texts with fields are filled by the view-models.
SCREEN: Final[dict[str, Message]] = {
    # The login form.
    "app_title": N_("Foleni · Counter"),
    "log_in_prompt": N_("Log in with your staff number and PIN."),
    "staff_number": N_("Staff number"),
    "pin": N_("PIN"),
    # The counter screen.
    "log_out": N_("Log out"),
    "at_your_counter": N_("AT YOUR COUNTER"),
    "service": N_("Service"),
    "source": N_("Source"),
    "priority": N_("Priority"),
    "phone": N_("Phone"),
    "recalls": N_("Recalls"),
    "note": N_("Note"),
    "call_next": N_("Call next"),
    "recall": N_("Recall"),
    "start_serving": N_("Start"),
    "finish": N_("Finish"),
    "no_show": N_("No-show"),
    "transfer": N_("Transfer"),
    "waiting_for_you": N_("WAITING FOR YOUR SERVICES"),
    "longest_wait": N_("Longest wait"),
    "calling_order": N_("Next, in calling order (press the number to call one now)"),
    "your_day": N_("YOUR DAY"),
    "served": N_("Served"),
    "average_handling": N_("Average handling"),
    "longest_handling": N_("Longest handling"),
    # The pause dialog (the reasons' names are PAUSE_REASONS below).
    "pause_title": N_("Pause the counter"),
    "pause_hint": N_("No citizen is called to this counter until you resume."),
    "cancel": N_("Cancel"),
    # The transfer dialog.
    "transfer_hint": N_(
        "Send the citizen to another service's queue or to a particular counter. "
        "They keep their number and place by arrival."
    ),
    "to_a_service": N_("To a service"),
    "to_a_counter": N_("Or to a counter"),
    "transfer_note": N_("Note for the next counter (optional)"),
    # TRANSLATORS: an example of a transfer note; a police abstract is a police report.
    "transfer_note_example": N_("e.g. needs the police abstract first"),
    "send": N_("Send"),
}
MINUTES = N_("{minutes} min")
HOURS_AND_MINUTES = N_("{hours} h {minutes} min")
MINUTES_AND_SECONDS = N_("{minutes} min {seconds} s")
SECONDS = N_("{seconds} s")


def screen_texts(language: str) -> dict[str, str]:
    """Every fixed text of the counter's screens in `language`, with the pause reasons'."""
    texts = texts_in(SCREEN, language)
    texts |= {f"pause_{code}": reason.say(language) for code, reason in PAUSE_REASONS.items()}
    return texts


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
