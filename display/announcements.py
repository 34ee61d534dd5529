"""The words of a hall announcement in each language, spelled for a speech engine.

Pure: no I/O, no clock. The sentences are catalog texts (context "announcement"); the letter
spellings and number words are code, because they are tuned to espeak-ng's English and Swahili
voices. A language with a catalog but no spelling rules here keeps letters and digits as they
are and lets its espeak-ng voice say them. Explained, with references, in
docs/announcements.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from translations import catalogs
from translations.messages import pgettext

ENGLISH = "en"
SWAHILI = "sw"

# Letter names respelled so that espeak-ng says the letter, checked against its phoneme output
# (`espeak-ng -v VOICE -q -x`). English: "A" before a digit is read as the article and "I" as the
# unstressed pronoun, so both are respelled; every other capital is read as its name.
ENGLISH_LETTERS = {letter: letter for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"} | {
    "A": "eh",
    "I": "eye",
}
# Swahili: the English letter names Kenyans use for codes (number plates, tickets), written in
# Swahili spelling. Long vowels ("bii", not "bi") keep espeak's sw voice from reading a Swahili
# word ("bi" = Ms., "si" = is not, "yu" = he is) unstressed, and "emu" keeps "M" from becoming a
# syllabic nasal.
SWAHILI_LETTERS = {
    "A": "ei",
    "B": "bii",
    "C": "sii",
    "D": "dii",
    "E": "ii",
    "F": "efu",
    "G": "jii",
    "H": "echi",
    "I": "ai",
    "J": "jei",
    "K": "kei",
    "L": "eli",
    "M": "emu",
    "N": "eni",
    "O": "ou",
    "P": "pii",
    "Q": "kyuu",
    "R": "ar",
    "S": "esi",
    "T": "tii",
    "U": "yuu",
    "V": "vii",
    "W": "dabliyu",
    "X": "eksi",
    "Y": "wai",
    "Z": "zedi",
}
LETTERS = {ENGLISH: ENGLISH_LETTERS, SWAHILI: SWAHILI_LETTERS}

# fmt: off
ENGLISH_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)
ENGLISH_TENS = (
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
)
SWAHILI_ONES = ("sifuri", "moja", "mbili", "tatu", "nne", "tano", "sita", "saba", "nane", "tisa")
SWAHILI_TENS = (
    "", "kumi", "ishirini", "thelathini", "arobaini", "hamsini", "sitini", "sabini", "themanini",
    "tisini",
)
# fmt: on
DIGITS = {ENGLISH: ENGLISH_ONES[:10], SWAHILI: SWAHILI_ONES}

# Counter numbers above this are read digit by digit: no centre has ten thousand counters, and
# Swahili usage above 9,999 varies ("elfu kumi" against "kumi elfu").
LARGEST_SPOKEN_NUMBER = 9999

# "Counter 7", "Dirisha 7", "Window 7": the label's own word is dropped, the phrase says it.
COUNTER_WORD = re.compile(r"^\s*(counter|window|desk|dirisha|kaunta)\b[\s#:.-]*", re.IGNORECASE)
TOKEN = re.compile(r"\d+|[^\W\d_]+")
# Letter runs up to this length are codes ("7A", "B2", "VIP"), spelled out; longer ones are names.
LONGEST_LETTER_CODE = 3

# TRANSLATORS: spoken in the hall; {ticket} is spelt letter by letter, {counter} is a number.
TO_COUNTER = pgettext("announcement", "Ticket {ticket}, please go to counter {counter}.")
# TRANSLATORS: spoken in the hall; {counter} is a counter's name, e.g. "Cashier".
TO_NAMED_COUNTER = pgettext("announcement", "Ticket {ticket}, please go to {counter}.")
# TRANSLATORS: spoken before a call repeated for a citizen who has not come yet.
RECALL = pgettext("announcement", "Calling again. {call}")


class CallLike(Protocol):
    """What the display knows of a call (the client mirror's `Call` fits)."""

    @property
    def seq(self) -> int:
        """The event's sequence number."""

    @property
    def at(self) -> datetime | None:
        """When the ticket was called, if known."""

    @property
    def number(self) -> str:
        """The ticket number, e.g. `B-014`."""

    @property
    def counter(self) -> str:
        """The counter's code, e.g. `7`."""

    @property
    def recalls(self) -> int:
        """How many times the ticket was recalled (0 for the first call)."""


@dataclass(frozen=True)
class Announcement:
    """One call (or recall) of a ticket to a counter, to be announced once."""

    seq: int
    ticket_number: str
    counter: str
    recall: bool = False
    called_at: datetime | None = None

    def __post_init__(self) -> None:
        if not TOKEN.search(self.ticket_number):
            raise ValueError(f"ticket number without letters or digits: {self.ticket_number!r}")
        if not TOKEN.search(self.counter):
            raise ValueError(f"counter without letters or digits: {self.counter!r}")

    @property
    def key(self) -> tuple[int, str]:
        """What makes an announcement unique.

        The event `seq` and the ticket: calls a snapshot reveals share the snapshot's seq.
        """
        return (self.seq, self.ticket_number)

    @property
    def label(self) -> str:
        """A short name for logs and file names, e.g. `seq-12-B-014-recall`."""
        suffix = "-recall" if self.recall else ""
        return f"seq-{self.seq}-{self.ticket_number}{suffix}"

    @classmethod
    def of_call(cls, call: CallLike) -> Announcement:
        """Build the announcement of a call learnt from the centre's event stream."""
        return cls(
            seq=call.seq,
            ticket_number=call.number,
            counter=call.counter,
            recall=call.recalls > 0,
            called_at=call.at,
        )


def check_language(language: str) -> str:
    """Return `language` if it has a catalog (so its announcements are worded); else ValueError."""
    try:
        return catalogs.check_language(language)
    except ValueError as error:
        raise ValueError(f"no announcement wording: {error}") from error


def english_number(n: int) -> str:
    """Say a number from 0 to 9999 in (British) English words: 121 -> one hundred and twenty-one."""
    _check_range(n)
    if n < 20:
        return ENGLISH_ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ENGLISH_TENS[tens] + (f"-{ENGLISH_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = f"{ENGLISH_ONES[hundreds]} hundred"
        return head + (f" and {english_number(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    head = f"{ENGLISH_ONES[thousands]} thousand"
    if not rest:
        return head
    return head + (" and " if rest < 100 else " ") + english_number(rest)


def swahili_number(n: int) -> str:
    """Say a number from 0 to 9999 in Swahili words: 121 -> mia moja ishirini na moja.

    Thousands and hundreds come first ("elfu moja", "mia tatu"); "na" stands only before the
    last place in use, the units or else the tens (Kamusi grammar notes: 335 is "mia tatu
    thelathini na tano", 250 "mia mbili na hamsini", 1,300 "elfu moja mia tatu").
    """
    _check_range(n)
    if n == 0:
        return SWAHILI_ONES[0]
    thousands, rest = divmod(n, 1000)
    hundreds, rest = divmod(rest, 100)
    tens, ones = divmod(rest, 10)
    words: list[str] = []
    if thousands:
        words.append(f"elfu {SWAHILI_ONES[thousands]}")
    if hundreds:
        words.append(f"mia {SWAHILI_ONES[hundreds]}")
    if tens:
        joiner = "na " if words and not ones else ""
        words.append(joiner + SWAHILI_TENS[tens])
    if ones:
        joiner = "na " if words else ""
        words.append(joiner + SWAHILI_ONES[ones])
    return " ".join(words)


NUMBER_WORDS = {ENGLISH: english_number, SWAHILI: swahili_number}


def spoken_ticket(number: str, language: str) -> str:
    """Spell a ticket number letter by letter and digit by digit: B-014 -> B zero one four."""
    letters = LETTERS.get(check_language(language), {})
    words = []
    for char in number:
        if char.isdigit():
            words.append(_spoken_digit(char, language))
        elif char.isalpha():
            words.append(letters.get(char.upper(), char))
    return " ".join(words)


def spoken_counter(counter: str, language: str) -> tuple[str, bool]:
    """Say a counter's code; also tell whether it is a code ("7", "12B") rather than a name.

    Numbers are said as numbers ("twelve", "kumi na mbili"), short letter runs are spelled and
    longer words are kept as they are ("Cashier").
    """
    check_language(language)
    label = COUNTER_WORD.sub("", counter).strip() or counter.strip()
    words: list[str] = []
    is_code = False
    for token in TOKEN.findall(label):
        if token.isdigit():
            is_code = True
            words.append(_spoken_number(int(token), token, language))
        elif len(token) <= LONGEST_LETTER_CODE and (token.isupper() or len(token) == 1):
            is_code = True
            words.append(spoken_ticket(token, language))
        else:
            words.append(token)
    return " ".join(words), is_code


def phrase(announcement: Announcement, language: str) -> str:
    """Return the sentence that announces this call in `language` (any with a catalog)."""
    counter, is_code = spoken_counter(announcement.counter, language)
    # A named counter ("Cashier") reads badly after "counter" or "dirisha namba".
    sentence = (TO_COUNTER if is_code else TO_NAMED_COUNTER).say(
        language, ticket=spoken_ticket(announcement.ticket_number, language), counter=counter
    )
    return RECALL.say(language, call=sentence) if announcement.recall else sentence


def _spoken_digit(digit: str, language: str) -> str:
    """One digit in words where the language has them, else the digit for espeak-ng to say."""
    return DIGITS[language][int(digit)] if language in DIGITS else digit


def _spoken_number(value: int, digits: str, language: str) -> str:
    if value > LARGEST_SPOKEN_NUMBER:
        return " ".join(_spoken_digit(d, language) for d in digits)
    return NUMBER_WORDS[language](value) if language in NUMBER_WORDS else str(value)


def _check_range(n: int) -> None:
    if not 0 <= n <= LARGEST_SPOKEN_NUMBER:
        raise ValueError(f"number out of the spoken range 0..{LARGEST_SPOKEN_NUMBER}: {n}")
