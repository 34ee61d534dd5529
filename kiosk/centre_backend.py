"""The centre server as the kiosk's backend: `CentreClient` calls answered in kiosk types."""

from __future__ import annotations

from centre_client.api import CentreClient
from centre_client.records import from_wire
from centre_core.wire import PrinterStatus, ServiceOut, ServicesOut, TicketPublic
from kiosk.models import IssuedTicket, KioskMenu, PriorityOption, ServiceOption
from kiosk.ports import PRINTER_OK, PRINTER_PAPER_LOW

# A kiosk gives up on a request sooner than a counter: a citizen is standing there, and the
# view-model resends with the same request id anyway.
KIOSK_TIMEOUT_SECONDS = 5.0
KIOSK_RETRIES = 1
# What the server learns from a printer state word (the wire's `PrinterStatus`).
_PRINTER_REPORTS = {
    PRINTER_OK: PrinterStatus(online=True, paper="ok"),
    PRINTER_PAPER_LOW: PrinterStatus(online=True, paper="low"),
    "paper_out": PrinterStatus(online=False, paper="out", error="paper_out"),
    "cover_open": PrinterStatus(online=False, paper="unknown", cover_open=True, error="cover_open"),
}


def printer_report(state: str) -> PrinterStatus:
    """Turn a printer state word (`ok`, `paper_low`, a fault code) into the server's report."""
    return _PRINTER_REPORTS.get(state) or PrinterStatus.model_validate(
        {"online": False, "paper": "unknown", "error": state}
    )


class CentreBackend:
    """The kiosk's side of the centre API, over one `CentreClient` with the kiosk's token."""

    def __init__(self, client: CentreClient) -> None:
        self._client = client
        self._priority_labels: dict[str, str] = {}

    @classmethod
    def connect(cls, server_url: str, token: str) -> CentreBackend:
        """Create a backend talking to `server_url` with the kiosk's device token."""
        client = CentreClient(
            server_url, token, timeout=KIOSK_TIMEOUT_SECONDS, retries=KIOSK_RETRIES
        )
        return cls(client)

    async def aclose(self) -> None:
        """Close the client's connections."""
        await self._client.aclose()

    async def fetch_menu(self) -> KioskMenu:
        """Fetch the service menu with queues, waits and priority categories."""
        menu = await self._client.list_services()
        self._priority_labels = {p.code: f"{p.name_en} / {p.name_sw}" for p in menu.priorities}
        return _menu(menu)

    async def issue_ticket(
        self, *, service_code: str, priority: str | None, phone: str | None, request_id: str
    ) -> IssuedTicket:
        """Issue a walk-in ticket, idempotent by `request_id`."""
        ticket = await self._client.issue_ticket(
            service_code=service_code, priority=priority, phone=phone, request_id=request_id
        )
        return self._ticket(ticket)

    async def check_in(
        self, *, reference: str | None, phone: str | None, request_id: str
    ) -> IssuedTicket:
        """Check an appointment in and return its ticket, idempotent by `request_id`."""
        checked_in = await self._client.check_in(
            reference=reference, phone=phone, request_id=request_id
        )
        return self._ticket(checked_in.ticket)

    async def report_printer_status(self, *, state: str) -> None:
        """Report the printer's state as a `device.status` (managers see it)."""
        await self._client.report_device_status(printer=printer_report(state))

    def _ticket(self, ticket: TicketPublic) -> IssuedTicket:
        return from_wire(
            IssuedTicket,
            ticket,
            qr_payload=ticket.status_url,
            priority_label=(
                self._priority_labels.get(ticket.priority, ticket.priority)
                if ticket.priority
                else None
            ),
        )


def _service(service: ServiceOut) -> ServiceOption:
    newest = max(service.notices, key=lambda notice: notice.posted_at, default=None)
    return from_wire(
        ServiceOption,
        service,
        notice_en=None if newest is None else newest.text_en,
        notice_sw=None if newest is None else newest.text_sw,
    )


def _menu(menu: ServicesOut) -> KioskMenu:
    return KioskMenu(
        centre_name=menu.centre_name,
        services=tuple(_service(service) for service in menu.services),
        priorities=tuple(from_wire(PriorityOption, p) for p in menu.priorities),
    )
