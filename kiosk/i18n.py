"""Every text the kiosk shows, in English and Kiswahili, and the language switch."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from kivy.event import EventDispatcher
from kivy.properties import DictProperty, StringProperty


class Language(StrEnum):
    """The languages a citizen can choose at the kiosk."""

    EN = "en"
    SW = "sw"


@dataclass(frozen=True, slots=True)
class Phrase:
    """One text in both languages; `{name}` fields are filled by `translate`."""

    en: str
    sw: str

    def in_language(self, language: Language) -> str:
        """Return the text in one language."""
        return self.en if language is Language.EN else self.sw


# Swahili here is the everyday Swahili of a Huduma Centre hall, not a word-for-word rendering.
CATALOGUE: Final[dict[str, Phrase]] = {
    # Start screen (both languages are shown at once: nobody has chosen yet).
    "welcome_title": Phrase("Welcome", "Karibu"),
    "welcome_prompt": Phrase("Touch your language to begin", "Gusa lugha yako kuanza"),
    "language_name_en": Phrase("English", "English"),
    "language_name_sw": Phrase("Kiswahili", "Kiswahili"),
    "other_language": Phrase("Kiswahili", "English"),
    # Service menu.
    "choose_service": Phrase("Choose a service", "Chagua huduma"),
    "choose_service_hint": Phrase("Touch the service you need", "Gusa huduma unayohitaji"),
    "waiting_none": Phrase("No one waiting", "Hakuna anayesubiri"),
    "waiting_one": Phrase("1 person waiting", "Mtu 1 anasubiri"),
    "waiting_many": Phrase("{count} people waiting", "Watu {count} wanasubiri"),
    "tile_wait": Phrase("Wait: {wait}", "Kusubiri: {wait}"),
    "duration_under_5": Phrase("less than 5 min", "chini ya dakika 5"),
    "duration_minutes": Phrase("about {minutes} min", "takriban dakika {minutes}"),
    "duration_hours": Phrase(
        "about {hours} h {minutes} min", "takriban saa {hours} na dakika {minutes}"
    ),
    "duration_unknown": Phrase("not known yet", "bado haijulikani"),
    "closed_today": Phrase("Closed today", "Imefungwa leo"),
    "not_yet_open": Phrase("Not open yet", "Bado haijafunguliwa"),
    "closed_for_the_day": Phrase("Closed for today", "Imefungwa kwa leo"),
    "daily_cap_reached": Phrase("No more tickets today", "Tiketi za leo zimekwisha"),
    "closed_other": Phrase("Not available now", "Haipatikani kwa sasa"),
    "more_services": Phrase("More services", "Huduma zaidi"),
    "previous_services": Phrase("Previous services", "Huduma zilizotangulia"),
    "page_of": Phrase("Page {page} of {pages}", "Ukurasa {page} kati ya {pages}"),
    "have_appointment": Phrase("I have an appointment", "Nina miadi"),
    "back": Phrase("Back", "Rudi"),
    "start_again": Phrase("Start again", "Anza upya"),
    # Priority question.
    "priority_title": Phrase(
        "Do you need priority service?", "Je, unahitaji kuhudumiwa kwa kipaumbele?"
    ),
    "priority_hint": Phrase("Choose one if it applies to you", "Chagua moja kama inakuhusu"),
    "priority_none": Phrase("No, thank you", "Hapana, asante"),
    # Optional phone number for an SMS.
    "phone_title": Phrase("Get an SMS when your turn is near?", "Upate SMS zamu yako ikikaribia?"),
    "phone_hint": Phrase(
        "Type your phone number. This is optional.",
        "Andika namba yako ya simu. Si lazima.",
    ),
    "phone_privacy": Phrase(
        "We use your number only for this SMS.",
        "Tutatumia namba yako kwa SMS hii tu.",
    ),
    "phone_invalid": Phrase(
        "This phone number is not complete or not correct. Example: 0712 345 678",
        "Namba hii ya simu haijakamilika au si sahihi. Mfano: 0712 345 678",
    ),
    "phone_skip": Phrase("No SMS", "Sitaki SMS"),
    "phone_continue": Phrase("Send me an SMS", "Nitumie SMS"),
    "key_delete": Phrase("Delete", "Futa"),
    "key_clear": Phrase("Clear", "Futa yote"),
    "key_space": Phrase("Space", "Nafasi"),
    # Ticket.
    "issuing": Phrase("Getting your ticket…", "Tunatoa tiketi yako…"),
    "ticket_title": Phrase("Your ticket number", "Namba ya tiketi yako"),
    "people_ahead": Phrase("People ahead of you: {count}", "Watu mbele yako: {count}"),
    "estimated_wait": Phrase("Estimated wait: {wait}", "Muda wa kusubiri: {wait}"),
    "appointment_at": Phrase("Appointment at {time}", "Miadi ya saa {time}"),
    "printing": Phrase("Printing your ticket…", "Tiketi yako inachapishwa…"),
    "printed": Phrase(
        "Please take your ticket from the printer",
        "Tafadhali chukua tiketi yako kutoka kwenye printa",
    ),
    "print_failed": Phrase(
        "The printer is not working. Remember your number or take a photo of this screen.",
        "Printa haifanyi kazi. Kumbuka namba yako au piga picha skrini hii.",
    ),
    "print_failed_hint": Phrase(
        "Your place in the queue is kept. Staff have been told about the printer.",
        "Nafasi yako kwenye foleni imehifadhiwa. Wahudumu wamearifiwa kuhusu printa.",
    ),
    "wait_for_call": Phrase(
        "Please sit and wait for your number to be called",
        "Tafadhali keti usubiri namba yako iitwe",
    ),
    "reprint": Phrase("Print again", "Chapisha tena"),
    "done": Phrase("Finish", "Maliza"),
    # Appointment check-in.
    "check_in_title": Phrase("Check in for your appointment", "Thibitisha miadi yako"),
    "check_in_by_reference": Phrase("Booking reference", "Namba ya miadi"),
    "check_in_by_phone": Phrase("Phone number", "Namba ya simu"),
    "check_in_hint_reference": Phrase(
        "Type the reference from your SMS, or hold its QR code to the scanner",
        "Andika namba ya miadi iliyo kwenye SMS yako, au onyesha msimbo wa QR kwa skana",
    ),
    "check_in_hint_phone": Phrase(
        "Type the phone number you used to book",
        "Andika namba ya simu uliyotumia kuweka miadi",
    ),
    "check_in_submit": Phrase("Check in", "Thibitisha"),
    "reference_invalid": Phrase(
        "Please type the whole booking reference", "Tafadhali andika namba yote ya miadi"
    ),
    # Errors the server can answer with, in the citizen's words.
    "error_service_closed": Phrase(
        "Sorry, this service has just closed.", "Samahani, huduma hii imefungwa sasa hivi."
    ),
    "error_daily_cap_reached": Phrase(
        "Sorry, there are no more tickets for this service today.",
        "Samahani, tiketi za huduma hii zimekwisha kwa leo.",
    ),
    "error_priority_not_allowed": Phrase(
        "Priority service is not offered for this service. Please choose again.",
        "Huduma hii haina kipaumbele. Tafadhali chagua tena.",
    ),
    "error_appointment_not_found": Phrase(
        "We could not find this booking. Please check it and try again.",
        "Hatukupata miadi hii. Tafadhali hakikisha na ujaribu tena.",
    ),
    "error_appointment_already_checked_in": Phrase(
        "This booking has already been checked in.", "Miadi hii tayari imethibitishwa."
    ),
    "error_appointment_not_today": Phrase(
        "This booking is for another day.", "Miadi hii ni ya siku nyingine."
    ),
    "error_appointment_cancelled": Phrase("This booking was cancelled.", "Miadi hii ilighairiwa."),
    "error_generic": Phrase(
        "Sorry, something went wrong. Please ask a member of staff.",
        "Samahani, kuna hitilafu. Tafadhali muulize mhudumu.",
    ),
    # Out of service.
    "out_of_service_title": Phrase(
        "Sorry, this kiosk is not working right now",
        "Samahani, mashine hii haifanyi kazi kwa sasa",
    ),
    "out_of_service_hint": Phrase(
        "It will start again by itself. Please wait or ask a member of staff.",
        "Itaanza tena yenyewe. Tafadhali subiri au muulize mhudumu.",
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


def translate(key: str, language: Language, **params: Any) -> str:
    """Return the text for `key` in `language`, with `{name}` fields filled from `params`."""
    return CATALOGUE[key].in_language(language).format(**params)


def texts_in(language: Language) -> dict[str, str]:
    """Every catalogue text in one language (parameters left unfilled)."""
    return {key: phrase.in_language(language) for key, phrase in CATALOGUE.items()}


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
    if count == 1:
        return translate("waiting_one", language)
    return translate("waiting_many", language, count=count)


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
