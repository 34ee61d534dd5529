"""Coded printer errors: the only exception the printers package lets out."""

from enum import StrEnum


class PrinterErrorCode(StrEnum):
    """Stable codes a caller can act on (screens, manager alerts, logs)."""

    PRINTER_OFFLINE = "printer_offline"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    PRINTER_ERROR = "printer_error"
    NOT_CONFIGURED = "not_configured"


class PrinterError(Exception):
    """A print or status request failed; `code` says why, `message` says it for people."""

    def __init__(self, code: PrinterErrorCode, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
