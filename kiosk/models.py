"""What the kiosk knows of the centre: services to offer, priority categories, issued tickets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiosk.i18n import Language


@dataclass(frozen=True, slots=True)
class ServiceOption:
    """One service on the menu, with its queue as the server sees it now."""

    code: str
    name_en: str
    name_sw: str
    waiting: int
    estimated_wait_minutes: int | None
    is_open: bool = True
    closed_reason: str | None = None
    priority_allowed: bool = True
    # A manager's reason for closing it today, in the manager's words.
    closed_note: str | None = None
    # The newest notice a manager posted for it (a Swahili text is optional).
    notice_en: str | None = None
    notice_sw: str | None = None

    def name(self, language: Language) -> str:
        """Return the service's name in one language."""
        return self.name_en if language is Language.EN else self.name_sw

    def notice(self, language: Language) -> str | None:
        """Return the service's notice in one language (English when it has no Swahili)."""
        if language is Language.SW and self.notice_sw:
            return self.notice_sw
        return self.notice_en


@dataclass(frozen=True, slots=True)
class PriorityOption:
    """A priority category a citizen may claim (elderly, disability, ...)."""

    code: str
    name_en: str
    name_sw: str

    def name(self, language: Language) -> str:
        """Return the category's name in one language."""
        return self.name_en if language is Language.EN else self.name_sw


@dataclass(frozen=True, slots=True)
class KioskMenu:
    """Everything the service menu shows, fetched from the server in one go."""

    centre_name: str
    services: tuple[ServiceOption, ...]
    priorities: tuple[PriorityOption, ...] = ()

    def service(self, code: str) -> ServiceOption | None:
        """Return the service with this code, if the menu has it."""
        return next((service for service in self.services if service.code == code), None)


@dataclass(frozen=True, slots=True)
class IssuedTicket:
    """A ticket the server has issued to the citizen at this kiosk."""

    ticket_id: str
    number: str
    service_code: str
    service_name_en: str
    service_name_sw: str
    people_ahead: int
    estimated_wait_minutes: int | None
    issued_at: datetime
    qr_payload: str
    centre_name: str = ""
    # The priority category as printed, both languages (e.g. "Elderly / Wazee").
    priority_label: str | None = None
    appointment_slot: datetime | None = None

    def service_name(self, language: Language) -> str:
        """Return the ticket's service name in one language."""
        return self.service_name_en if language is Language.EN else self.service_name_sw
