"""Code pages and printable text: what goes on paper is what the printer's code page can show."""

import unicodedata
from dataclasses import dataclass

# Code pages that hold the Latin letters Swahili and English names use, best first. Every
# profile in python-escpos has at least CP437; é, ü and ñ are in all four.
PREFERRED_CODE_PAGES = ("CP858", "CP850", "CP1252", "CP437")

# Typographic characters that names and notices pick up from word processors, and letters
# without a decomposition, with their plain forms: used only when the code page in force
# cannot print the original.
_PLAIN_FORMS = {
    "‘": "'",
    "’": "'",
    "‚": "'",
    "‛": "'",
    "′": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "″": '"',
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "–": "-",
    "—": "-",
    "―": "-",
    "−": "-",
    "…": "...",
    "•": "*",
    "€": "EUR",
    "™": "TM",
    "Ł": "L",
    "ł": "l",
    "Ø": "O",
    "ø": "o",
    "Đ": "D",
    "đ": "d",
    "ß": "ss",
    "Æ": "AE",
    "æ": "ae",
    "Œ": "OE",
    "œ": "oe",
}


@dataclass(frozen=True)
class CodePage:
    """A printer code page: its number for ESC t and the Python codec that encodes it."""

    number: int
    name: str

    @property
    def codec(self) -> str:
        """The Python codec name, e.g. 'cp858'."""
        return self.name.lower()


DEFAULT_CODE_PAGE = CodePage(number=0, name="CP437")


def choose_code_page(profile_code_pages: dict[str, str]) -> CodePage:
    """Pick the best Latin code page a profile offers ({"19": "CP858", ...} as in escpos)."""
    by_name: dict[str, int] = {}
    for number, name in sorted(profile_code_pages.items(), key=lambda page: int(page[0])):
        by_name.setdefault(name.upper(), int(number))  # the lowest number is the common one
    for name in PREFERRED_CODE_PAGES:
        if name in by_name:
            return CodePage(number=by_name[name], name=name)
    return DEFAULT_CODE_PAGE


def _encodable(char: str, codec: str) -> bool:
    try:
        char.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def printable(text: str, codec: str) -> str:
    """Rewrite text so that it encodes losslessly in `codec` and holds no control bytes.

    Characters the code page has stay as they are (é stays é); typographic punctuation
    falls back to its plain form; accented letters the page lacks lose the accent; anything
    else becomes '?'. Control characters become spaces, so a notice cannot smuggle printer
    commands onto the wire.
    """
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        if unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp", "Zs"}:
            out.append(" ")
        elif _encodable(char, codec):
            out.append(char)
        elif char in _PLAIN_FORMS and _encodable(_PLAIN_FORMS[char], codec):
            out.append(_PLAIN_FORMS[char])
        else:
            stripped = "".join(
                part
                for part in unicodedata.normalize("NFKD", char)
                if not unicodedata.combining(part)
            )
            out.append(stripped if stripped and _encodable(stripped, codec) else "?")
    return "".join(out)
