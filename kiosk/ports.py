"""The two boundaries the kiosk's view-model talks to: the centre server and the printer."""

from __future__ import annotations

from typing import Protocol

from kiosk.models import IssuedTicket, KioskMenu

PRINTER_OK = "ok"
# Still printing, but staff should load paper soon: reported to the server like a fault.
PRINTER_PAPER_LOW = "paper_low"


class PrintFailed(Exception):
    """The printer could not print the slip; `code` is the printer's fault (`paper_out`, ...)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class KioskBackend(Protocol):
    """The centre server as the kiosk uses it; commands carry idempotency keys.

    Every call raises `centre_client.errors.CentreApiError` with the server's code when the
    centre refuses (e.g. `service_closed`), and its subclass `CentreUnavailable` when the
    centre is out of reach or does not answer in time.
    """

    async def fetch_menu(self) -> KioskMenu:
        """Fetch the services with their queues now, and the priority categories."""
        ...

    async def issue_ticket(
        self, *, service_code: str, priority: str | None, phone: str | None, request_id: str
    ) -> IssuedTicket:
        """Issue a walk-in ticket; a repeat with the same `request_id` returns the same one."""
        ...

    async def check_in(
        self, *, reference: str | None, phone: str | None, request_id: str
    ) -> IssuedTicket:
        """Check in an appointment by booking reference or phone and get its ticket."""
        ...

    async def report_printer_status(self, *, state: str) -> None:
        """Tell the server (and so the managers) the printer's state (`ok`, `paper_out`, ...)."""
        ...


class PrintStation(Protocol):
    """The kiosk's printer: blocking work already moved off the event loop."""

    async def check(self) -> str:
        """Return `PRINTER_OK`, `PRINTER_PAPER_LOW` or the printer's fault code; never raise."""
        ...

    async def print_ticket(self, ticket: IssuedTicket) -> str:
        """Print the ticket's slip and return the printer's state after it.

        Checks the printer first and sends nothing to a faulted one; raises `PrintFailed(code)`
        when the citizen may not hold a complete slip.
        """
        ...

    async def preview_png(self, ticket: IssuedTicket) -> bytes:
        """Render the slip as a PNG image (with its QR code) to show on screen."""
        ...
