"""A printer that keeps slips in memory, for tests and the demo; it can be told to fail."""

import threading

from printers.errors import PrinterError, PrinterErrorCode
from printers.slip import TicketSlip
from printers.status import PaperState, PrinterStatus, offline_status


class RecordingPrinter:
    """Keeps every printed slip in `slips`; `fail_with` makes it fail like a real printer."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._slips: list[TicketSlip] = []
        self._fault: PrinterErrorCode | None = None
        self._paper = PaperState.OK

    @property
    def slips(self) -> list[TicketSlip]:
        """The slips printed so far, oldest first."""
        with self._lock:
            return list(self._slips)

    def fail_with(self, code: PrinterErrorCode) -> None:
        """Fail every call from now on with this code, until `recover()`."""
        with self._lock:
            self._fault = code

    def recover(self) -> None:
        """Clear the fault and the low-paper warning."""
        with self._lock:
            self._fault = None
            self._paper = PaperState.OK

    def set_paper_low(self) -> None:
        """Report paper near its end (still printing), until `recover()`."""
        with self._lock:
            self._paper = PaperState.LOW

    def _status(self) -> PrinterStatus:
        if self._fault is PrinterErrorCode.PAPER_OUT:
            return PrinterStatus(
                online=False, paper=PaperState.OUT, cover_open=False, error=self._fault
            )
        if self._fault is PrinterErrorCode.COVER_OPEN:
            return PrinterStatus(
                online=False, paper=self._paper, cover_open=True, error=self._fault
            )
        if self._fault is not None:
            return offline_status(self._fault)
        return PrinterStatus(online=True, paper=self._paper, cover_open=False)

    def status(self) -> PrinterStatus:
        """Report the state it was told to have."""
        with self._lock:
            return self._status()

    def print_slip(self, slip: TicketSlip) -> PrinterStatus:
        """Keep the slip, or raise PrinterError while a fault is set."""
        with self._lock:
            if self._fault is not None:
                raise PrinterError(self._fault, "recording printer told to fail")
            self._slips.append(slip)
            return self._status()
