"""The hall board's fixed headings, in the hall's languages side by side (`Counter · Dirisha`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from translations.catalogs import HALL_LANGUAGES
from translations.messages import Message, pgettext

BETWEEN_LANGUAGES: Final = " · "


def in_hall_languages(said_in: Callable[[str], str]) -> str:
    """Write one text in each hall language, side by side: `said_in(language)` words it."""
    return BETWEEN_LANGUAGES.join(said_in(language) for language in HALL_LANGUAGES)


def _both(message: Message) -> str:
    return in_hall_languages(message.say)


# kv reads these as `LABELS["counter"]` (board.kv imports the dict).
LABELS: Final[dict[str, str]] = {
    "live": _both(pgettext("board", "Live")),
    "offline": _both(pgettext("board", "Offline")),
    "now_calling": _both(pgettext("board", "Now calling")),
    "calling_again": _both(pgettext("board", "Calling again")),
    "counter": _both(pgettext("board", "Counter")),
    "ticket": _both(pgettext("board", "Ticket")),
    "recent_calls": _both(pgettext("board", "Recent calls")),
    "waiting_now": "   —   ".join(
        (_both(pgettext("board", "Waiting now")), _both(pgettext("board", "estimated wait")))
    ),
}
