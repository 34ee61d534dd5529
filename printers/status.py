"""Printer status and the decoding of ESC/POS real-time status replies (DLE EOT n)."""

from dataclasses import dataclass
from enum import StrEnum

from printers.errors import PrinterErrorCode

# DLE EOT n: real-time status requests, answered at once even while the printer is busy.
QUERY_PRINTER = b"\x10\x04\x01"
QUERY_OFFLINE_CAUSE = b"\x10\x04\x02"
QUERY_PAPER = b"\x10\x04\x04"

# Every reply byte has bits 1 and 4 set and bits 0 and 7 clear; anything else is not a reply.
_FIXED_MASK = 0x93
_FIXED_BITS = 0x12
_OFFLINE = 0x08  # n=1
_COVER_OPEN = 0x04  # n=2
_STOPPED_BY_PAPER_END = 0x20  # n=2
_ERROR = 0x40  # n=2
_PAPER_NEAR_END = 0x0C  # n=4, bits 2 and 3
_PAPER_END = 0x60  # n=4, bits 5 and 6


class PaperState(StrEnum):
    """What the paper sensors say."""

    OK = "ok"
    LOW = "low"
    OUT = "out"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class PrinterStatus:
    """One reading of the printer: `error` is None exactly when a slip may be printed."""

    online: bool
    paper: PaperState
    cover_open: bool | None = None
    error: PrinterErrorCode | None = None

    @property
    def ok(self) -> bool:
        """Whether the printer can take a slip now."""
        return self.error is None


def offline_status(code: PrinterErrorCode = PrinterErrorCode.PRINTER_OFFLINE) -> PrinterStatus:
    """Return the status of a printer that cannot be reached or used."""
    return PrinterStatus(online=False, paper=PaperState.UNKNOWN, cover_open=None, error=code)


def is_status_reply(byte: int) -> bool:
    """Whether a byte has the fixed bits of a DLE EOT reply."""
    return byte & _FIXED_MASK == _FIXED_BITS


def status_from_replies(*, printer: int, offline_cause: int, paper: int) -> PrinterStatus:
    """Decode the replies to DLE EOT 1, 2 and 4 into a status with at most one error code."""
    for byte in (printer, offline_cause, paper):
        if not is_status_reply(byte):
            return PrinterStatus(
                online=False, paper=PaperState.UNKNOWN, error=PrinterErrorCode.PRINTER_ERROR
            )
    online = not printer & _OFFLINE
    cover_open = bool(offline_cause & _COVER_OPEN)
    if paper & _PAPER_END or offline_cause & _STOPPED_BY_PAPER_END:
        paper_state = PaperState.OUT
    elif paper & _PAPER_NEAR_END:
        paper_state = PaperState.LOW
    else:
        paper_state = PaperState.OK
    # The most actionable cause wins: staff can close a cover or load paper.
    error: PrinterErrorCode | None
    if cover_open:
        error = PrinterErrorCode.COVER_OPEN
    elif paper_state is PaperState.OUT:
        error = PrinterErrorCode.PAPER_OUT
    elif offline_cause & _ERROR:
        error = PrinterErrorCode.PRINTER_ERROR
    elif not online:
        error = PrinterErrorCode.PRINTER_OFFLINE
    else:
        error = None
    return PrinterStatus(online=online, paper=paper_state, cover_open=cover_open, error=error)
