"""The kiosk's print station over `printers`: slips from tickets, blocking I/O off the loop."""

from __future__ import annotations

import asyncio
from datetime import tzinfo

from kiosk.models import IssuedTicket
from kiosk.ports import PRINTER_OK, PRINTER_PAPER_LOW, PrintFailed
from printers.errors import PrinterError
from printers.paper import PaperWidth
from printers.preview import render_slip_png
from printers.slip import SLIP_LANGUAGES, TicketSlip
from printers.status import PaperState, PrinterStatus
from printers.ticket_printer import TicketPrinter
from translations import formats
from translations.messages import N_

# TRANSLATORS: printed on the slip of a checked-in appointment; {time} is the slot's start.
APPOINTMENT_NOTICE = N_("Appointment {time}")


def printer_state(status: PrinterStatus) -> str:
    """Say a printer status in one word for the server: `ok`, `paper_low` or the fault code."""
    if status.error is not None:
        return status.error.value
    return PRINTER_PAPER_LOW if status.paper is PaperState.LOW else PRINTER_OK


def slip_for(ticket: IssuedTicket, *, timezone: tzinfo) -> TicketSlip:
    """Lay out what the citizen takes away: the slip is bilingual, times in centre time."""
    notice = None
    if ticket.appointment_slot is not None:
        notice = " / ".join(
            APPOINTMENT_NOTICE.say(
                language,
                time=formats.time_of_day(ticket.appointment_slot, language, timezone=timezone),
            )
            for language in SLIP_LANGUAGES
        )
    return TicketSlip(
        centre_name=ticket.centre_name,
        number=ticket.number,
        service_en=ticket.service_name_en,
        service_sw=ticket.service_name_sw,
        issued_at=ticket.issued_at.astimezone(timezone),
        people_ahead=ticket.people_ahead,
        estimated_wait_minutes=ticket.estimated_wait_minutes,
        status_url=ticket.qr_payload,
        priority=ticket.priority_label,
        notice=notice,
    )


class PrinterStation:
    """Prints through a blocking `TicketPrinter`, each call in a worker thread."""

    def __init__(
        self, printer: TicketPrinter, *, timezone: tzinfo, paper_width_mm: PaperWidth = 80
    ) -> None:
        self._printer = printer
        self._timezone = timezone
        self._paper_width_mm = paper_width_mm

    async def check(self) -> str:
        """Read the printer's state (never raises: a fault is a state)."""
        return printer_state(await asyncio.to_thread(self._printer.status))

    async def print_ticket(self, ticket: IssuedTicket) -> str:
        """Print the slip if the printer is ready, and return its state after the slip."""
        slip = slip_for(ticket, timezone=self._timezone)
        # Ask first: a slip is never queued inside a faulted printer, to come out on refill.
        before = await asyncio.to_thread(self._printer.status)
        if before.error is not None:
            raise PrintFailed(before.error.value)
        try:
            after = await asyncio.to_thread(self._printer.print_slip, slip)
        except PrinterError as error:
            raise PrintFailed(error.code.value) from error
        return printer_state(after)

    async def preview_png(self, ticket: IssuedTicket) -> bytes:
        """Draw the slip, QR code included, as the printer would have printed it."""
        slip = slip_for(ticket, timezone=self._timezone)
        return await asyncio.to_thread(render_slip_png, slip, paper_width_mm=self._paper_width_mm)
