"""The counter's words: its screens' fixed texts, and how times, sources and statuses read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from centre_core.reasons import Figures, ReasonCode
from translations.catalogs import SOURCE_LANGUAGE
from translations.messages import N_, Message, ngettext, pgettext, texts_in

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
# The calling policy's reasons beside each ticket in calling order, by `ReasonCode`, with the
# figures `centre_core.reasons.CallReason` names; in English they read as its explanation.
REASONS: Final[dict[str, Message]] = {
    # TRANSLATORS: why the ticket is called next; {since} is a time, e.g. 09:42.
    ReasonCode.first_in_line: N_("first in line, waiting since {since}"),
    # TRANSLATORS: why the ticket is called next: it used 42 min of its service's 30 min target.
    ReasonCode.most_urgent: N_("waited {minutes} min of a {target} min target"),
    # TRANSLATORS: why the ticket is called next; {at} is a time, e.g. 10:05.
    ReasonCode.transfer_to_counter: N_("transferred to this counter at {at}"),
    # TRANSLATORS: why the ticket is called next; {slot} is the appointment's time, e.g. 10:30.
    ReasonCode.appointment_due: N_("appointment {slot}"),
    # TRANSLATORS: why the ticket is called next; {priority} is the centre's name, e.g. Elderly.
    ReasonCode.priority_turn: N_("priority ({priority})"),
    # TRANSLATORS: why the ticket is called next: the oldest, passed over {count} times since.
    ReasonCode.passed_over_bound: ngettext(
        "in line since {since}, passed over {count} time",
        "in line since {since}, passed over {count} times",
    ),
}
# TRANSLATORS: as "waited ... target"; the counter serves this queue {weight} times as much.
WEIGHTED_URGENCY = N_("waited {minutes} min of a {target} min target (queue weight {weight})")
# TRANSLATORS: as "priority (...)", when only priority tickets are waiting.
ONLY_PRIORITY = N_("priority ({priority}), no other ticket waiting")
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


def reason(
    code: str,
    figures: Figures,
    explanation: str,
    language: str,
    priority_name: Callable[[str], str],
) -> str:
    """Word the policy's reason in `language` from its code and figures.

    A code this counter does not know (a newer server's), or one without its figures (an older
    server's), reads as the server's English `explanation`.
    """
    message = _reason_message(code, figures)
    if message is None:
        return explanation
    fields = dict(figures)
    if "priority" in fields:
        fields["priority"] = priority_name(str(fields["priority"]))
    try:
        return message.say(language, **fields)
    except (KeyError, TypeError):
        return explanation


def _reason_message(code: str, figures: Figures) -> Message | None:
    weight = figures.get("weight", 1)
    if code == ReasonCode.most_urgent and isinstance(weight, int) and weight > 1:
        return WEIGHTED_URGENCY
    if code == ReasonCode.priority_turn and figures.get("only_priority"):
        return ONLY_PRIORITY
    return REASONS.get(code)


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
