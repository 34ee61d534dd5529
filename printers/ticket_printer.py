"""The interface the kiosk prints through."""

from typing import Protocol

from printers.slip import TicketSlip
from printers.status import PrinterStatus


class TicketPrinter(Protocol):
    """A ticket printer. Both calls block (the kiosk runs them in `asyncio.to_thread`)."""

    def status(self) -> PrinterStatus:
        """Read the printer's state now; never raises, a fault is a status with `error` set."""
        ...

    def print_slip(self, slip: TicketSlip) -> PrinterStatus:
        """Print one slip and return the status after it; raises only `PrinterError`.

        Returning means the printer took the whole slip and reported no fault afterwards.
        Any `PrinterError` means the citizen may not hold a complete slip.
        """
        ...
