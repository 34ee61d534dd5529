"""The ticket slip: everything printed on one ticket, and nothing of the queue."""

from dataclasses import dataclass
from datetime import datetime

from translations.catalogs import HALL_LANGUAGES
from translations.messages import N_

# The slip is in the hall's languages (English and Swahili, like the centre's service names).
SLIP_LANGUAGES = HALL_LANGUAGES
FOOTER = N_("Keep this ticket; watch the screen.")
DEFAULT_FOOTER_EN, DEFAULT_FOOTER_SW = FOOTER.in_each(SLIP_LANGUAGES)


@dataclass(frozen=True)
class TicketSlip:
    """What a citizen takes away from the kiosk."""

    centre_name: str
    number: str
    service_en: str
    service_sw: str
    issued_at: datetime
    people_ahead: int
    estimated_wait_minutes: int | None
    status_url: str
    priority: str | None = None
    notice: str | None = None
    footer_en: str = DEFAULT_FOOTER_EN
    footer_sw: str = DEFAULT_FOOTER_SW

    def __post_init__(self) -> None:
        if not self.number.strip():
            raise ValueError("a slip needs a ticket number")
        if self.issued_at.tzinfo is None or self.issued_at.utcoffset() is None:
            raise ValueError("issued_at must be timezone-aware (printed as given)")
        if self.people_ahead < 0:
            raise ValueError("people_ahead cannot be negative")
        if self.estimated_wait_minutes is not None and self.estimated_wait_minutes < 0:
            raise ValueError("estimated_wait_minutes cannot be negative")
        if not self.status_url:
            raise ValueError("a slip needs the ticket's status URL for its QR code")
