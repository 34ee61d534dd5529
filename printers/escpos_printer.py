"""The ESC/POS ticket printer: status checked before and after every slip, coded faults only."""

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from printers.errors import PrinterError, PrinterErrorCode
from printers.escpos_job import escpos_job
from printers.layout import slip_layout
from printers.paper import SlipFormat
from printers.slip import TicketSlip
from printers.status import (
    QUERY_OFFLINE_CAUSE,
    QUERY_PAPER,
    QUERY_PRINTER,
    PaperState,
    PrinterStatus,
    offline_status,
    status_from_replies,
)
from printers.transports import Transport

logger = logging.getLogger(__name__)

# A write-only device can only say that it opened.
_UNKNOWN_BUT_OPEN = PrinterStatus(online=True, paper=PaperState.UNKNOWN, cover_open=None)


class EscposTicketPrinter:
    """Prints slips on one ESC/POS printer reached through a transport.

    Each call opens the transport, reads DLE EOT 1, 2 and 4, and closes it again, so a
    printer that was switched off and on needs no reconnect logic. A slip is sent only to a
    printer that reported no fault, as one buffer, and the status is read again after it:
    a printer that ran out of paper on the way fails the call instead of claiming success.
    """

    def __init__(
        self,
        transport_factory: Callable[[], Transport],
        *,
        slip_format: SlipFormat,
        profile: str = "default",
    ) -> None:
        self._transport_factory = transport_factory
        self.slip_format = slip_format
        self._profile = profile
        # One job at a time: two kiosk threads must not interleave bytes on one printer.
        self._lock = threading.Lock()

    def status(self) -> PrinterStatus:
        """Read the printer's state now; never raises."""
        try:
            with self._lock, self._connected() as transport:
                return self._read_status(transport)
        except PrinterError as error:
            return offline_status(error.code)

    def print_slip(self, slip: TicketSlip) -> PrinterStatus:
        """Print one slip; raises PrinterError if it may not have printed completely."""
        try:
            layout = slip_layout(slip, self.slip_format)
            job = escpos_job(layout, self.slip_format, profile=self._profile)
        except Exception as error:
            raise PrinterError(
                PrinterErrorCode.PRINTER_ERROR, f"could not build the print job: {error}"
            ) from error
        with self._lock, self._connected() as transport:
            before = self._read_status(transport)
            if before.error is not None:
                raise PrinterError(before.error, "printer not ready; nothing was sent")
            self._send(transport, job)
            after = self._read_status(transport, discard_first=True)
            if after.error is not None:
                raise PrinterError(after.error, "printer reported a fault after the slip was sent")
            return after

    @contextmanager
    def _connected(self) -> Iterator[Transport]:
        try:
            transport = self._transport_factory()
        except Exception as error:
            raise PrinterError(
                PrinterErrorCode.NOT_CONFIGURED, f"printer device unusable: {error}"
            ) from error
        try:
            transport.open()
        except Exception as error:
            transport.close()
            raise PrinterError(
                PrinterErrorCode.PRINTER_OFFLINE, f"cannot reach the printer: {error}"
            ) from error
        try:
            yield transport
        finally:
            transport.close()

    def _send(self, transport: Transport, job: bytes) -> None:
        try:
            transport.write(job)
        except Exception as error:
            raise PrinterError(
                PrinterErrorCode.PRINTER_OFFLINE, f"connection lost while printing: {error}"
            ) from error

    def _read_status(self, transport: Transport, *, discard_first: bool = False) -> PrinterStatus:
        if not transport.readable:
            return _UNKNOWN_BUT_OPEN
        try:
            if discard_first:
                transport.discard_input()
            replies = []
            for query in (QUERY_PRINTER, QUERY_OFFLINE_CAUSE, QUERY_PAPER):
                transport.write(query)
                replies.append(transport.read_reply())
        except Exception as error:
            logger.warning("printer status query failed: %s", error)
            raise PrinterError(
                PrinterErrorCode.PRINTER_OFFLINE, f"printer did not answer a status query: {error}"
            ) from error
        return status_from_replies(printer=replies[0], offline_cause=replies[1], paper=replies[2])
