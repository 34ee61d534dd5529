"""Every text the kiosk shows, looked up in the catalogs, and the language switch."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from kivy.event import EventDispatcher
from kivy.properties import DictProperty, StringProperty

from translations import catalogs, formats, messages
from translations.messages import N_, Message, ngettext, pgettext

if TYPE_CHECKING:
    # What the kiosk's code names; at run time there is one member per catalog present.
    class Language(StrEnum):
        """The languages a citizen can choose at the kiosk."""

        EN = "en"
        SW = "sw"

else:
    # One member per catalog, so that adding `locale/ar/` offers Arabic with no code.
    Language = StrEnum("Language", {code.upper(): code for code in catalogs.languages()})

# The kiosk's texts by the key kv and the view-model use (`tr.texts["welcome_title"]`). The
# Swahili (the everyday Swahili of a Huduma Centre hall) and any other language are in the
# catalogs under translations/locale; each language's own name comes from CLDR.
CATALOGUE: Final[dict[str, Message]] = {
    # Start screen (both languages are shown at once: nobody has chosen yet).
    "welcome_title": N_("Welcome"),
    "welcome_prompt": N_("Touch your language to begin"),
    # TRANSLATORS: the switch to the other language, named in itself ("English" in Swahili).
    "other_language": pgettext("language switch", "Kiswahili"),
    # Service menu.
    "choose_service": N_("Choose a service"),
    "choose_service_hint": N_("Touch the service you need"),
    "waiting_none": N_("No one waiting"),
    "tile_wait": N_("Wait: {wait}"),
    "duration_under_5": N_("less than 5 min"),
    "duration_minutes": N_("about {minutes} min"),
    "duration_hours": N_("about {hours} h {minutes} min"),
    "duration_unknown": N_("not known yet"),
    "closed_today": N_("Closed today"),
    "not_yet_open": N_("Not open yet"),
    "closed_for_the_day": N_("Closed for today"),
    "daily_cap_reached": N_("No more tickets today"),
    "closed_other": N_("Not available now"),
    "more_services": N_("More services"),
    "previous_services": N_("Previous services"),
    "page_of": N_("Page {page} of {pages}"),
    "have_appointment": N_("I have an appointment"),
    "back": N_("Back"),
    "start_again": N_("Start again"),
    # Priority question.
    "priority_title": N_("Do you need priority service?"),
    "priority_hint": N_("Choose one if it applies to you"),
    "priority_none": N_("No, thank you"),
    # Optional phone number for an SMS.
    "phone_title": N_("Get an SMS when your turn is near?"),
    "phone_hint": N_("Type your phone number. This is optional."),
    "phone_privacy": N_("We use your number only for this SMS."),
    "phone_invalid": N_("This phone number is not complete or not correct. Example: 0712 345 678"),
    "phone_skip": N_("No SMS"),
    "phone_continue": N_("Send me an SMS"),
    "key_delete": N_("Delete"),
    "key_clear": N_("Clear"),
    "key_space": N_("Space"),
    # Ticket.
    "issuing": N_("Getting your ticket…"),
    "ticket_title": N_("Your ticket number"),
    "people_ahead": N_("People ahead of you: {count}"),
    "estimated_wait": N_("Estimated wait: {wait}"),
    "appointment_at": N_("Appointment at {time}"),
    "printing": N_("Printing your ticket…"),
    "printed": N_("Please take your ticket from the printer"),
    "print_failed": N_(
        "The printer is not working. Remember your number or take a photo of this screen."
    ),
    "print_failed_hint": N_(
        "Your place in the queue is kept. The printer fault shows on the manager's screen."
    ),
    "wait_for_call": N_("Please sit and wait for your number to be called"),
    "reprint": N_("Print again"),
    "done": N_("Finish"),
    # Appointment check-in.
    "check_in_title": N_("Check in for your appointment"),
    "check_in_by_reference": N_("Booking reference"),
    "check_in_by_phone": N_("Phone number"),
    "check_in_hint_reference": N_(
        "Type the reference from your SMS, or hold its QR code to the scanner"
    ),
    "check_in_hint_phone": N_("Type the phone number you used to book"),
    "check_in_submit": N_("Check in"),
    "reference_invalid": N_("Please type the whole booking reference"),
    # Errors the server can answer with, in the citizen's words.
    "error_service_closed": N_("Sorry, this service has just closed."),
    "error_daily_cap_reached": N_("Sorry, there are no more tickets for this service today."),
    "error_priority_not_allowed": N_(
        "Priority service is not offered for this service. Please choose again."
    ),
    "error_appointment_not_found": N_(
        "We could not find this booking. Please check it and try again."
    ),
    "error_appointment_already_checked_in": N_("This booking has already been checked in."),
    "error_appointment_not_today": N_("This booking is for another day."),
    "error_appointment_cancelled": N_("This booking was cancelled."),
    "error_generic": N_("Sorry, something went wrong. Please ask a member of staff."),
    # Out of service.
    "out_of_service_title": N_("Sorry, this kiosk is not working right now"),
    "out_of_service_hint": N_(
        "It will start again by itself. Please wait or ask a member of staff."
    ),
}

# Server error codes the citizen can act on; any other code reads as `error_generic`.
ERROR_KEYS: Final[dict[str, str]] = {
    code: f"error_{code}"
    for code in (
        "service_closed",
        "daily_cap_reached",
        "priority_not_allowed",
        "appointment_not_found",
        "appointment_already_checked_in",
        "appointment_not_today",
        "appointment_cancelled",
    )
}
ERROR_KEYS["unknown_priority"] = "error_priority_not_allowed"

# Why a service cannot be chosen now (codes from the server); others read as `closed_other`.
CLOSED_REASON_KEYS: Final[frozenset[str]] = frozenset(
    {"closed_today", "not_yet_open", "closed_for_the_day", "daily_cap_reached"}
)


# Said only through `waiting_text`: the number chooses the form.
PEOPLE_WAITING: Final = ngettext("{count} person waiting", "{count} people waiting")


def translate(key: str, language: Language, **params: Any) -> str:
    """Return the text for `key` in `language`, with `{name}` fields filled from `params`."""
    return CATALOGUE[key].say(language, **params)


def texts_in(language: Language) -> dict[str, str]:
    """Every catalogue text in one language (parameters left unfilled), and language names."""
    texts = messages.texts_in(CATALOGUE, language)
    for code in catalogs.languages():
        texts[f"language_name_{code}"] = formats.language_name(code)
    return texts


def error_key(code: str) -> str:
    """Return the catalogue key that explains a server error code to a citizen."""
    return ERROR_KEYS.get(code, "error_generic")


def closed_reason_key(reason: str | None) -> str:
    """Return the catalogue key that says why a service is closed."""
    return reason if reason in CLOSED_REASON_KEYS else "closed_other"


def duration_text(minutes: int | None, language: Language) -> str:
    """Say a wait in whole minutes as a citizen would ("about 25 min")."""
    if minutes is None:
        return translate("duration_unknown", language)
    if minutes < 5:
        return translate("duration_under_5", language)
    if minutes < 60:
        return translate("duration_minutes", language, minutes=minutes)
    return translate("duration_hours", language, hours=minutes // 60, minutes=minutes % 60)


def waiting_text(count: int, language: Language) -> str:
    """How many people wait for a service."""
    if count == 0:
        return translate("waiting_none", language)
    return PEOPLE_WAITING.say(language, count=count)


class Translator(EventDispatcher):
    """The language in force and its texts, for kv to bind to (`tr.texts["key"]`)."""

    language = StringProperty(Language.EN.value)
    texts = DictProperty(texts_in(Language.EN))
    # Both languages at once, for the screens shown before anyone has chosen.
    en = DictProperty(texts_in(Language.EN))
    sw = DictProperty(texts_in(Language.SW))

    def on_language(self, _instance: Translator, value: str) -> None:
        """Swap every text when the language changes."""
        self.texts = texts_in(Language(value))

    @property
    def current(self) -> Language:
        """The language in force as an enum."""
        return Language(self.language)
