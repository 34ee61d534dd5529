"""Every DLE EOT status bit, decoded directly and through the fake 9100 printer."""

import pytest

from printers.errors import PrinterErrorCode
from printers.escpos_printer import EscposTicketPrinter
from printers.fake_network import FakeNetworkPrinter, StatusBytes
from printers.status import PaperState, PrinterStatus, status_from_replies

OK = 0x12  # fixed bits only

# (printer, offline cause, paper) -> what the kiosk must be told
CASES = [
    ((OK, OK, OK), PrinterStatus(True, PaperState.OK, False, None)),
    (
        (OK | 0x08, OK, OK),
        PrinterStatus(False, PaperState.OK, False, PrinterErrorCode.PRINTER_OFFLINE),
    ),
    ((OK | 0x04, OK, OK), PrinterStatus(True, PaperState.OK, False, None)),  # drawer pin
    ((OK | 0x20, OK, OK), PrinterStatus(True, PaperState.OK, False, None)),  # awaiting recovery
    ((OK | 0x40, OK, OK), PrinterStatus(True, PaperState.OK, False, None)),  # feed button
    (
        (OK | 0x08, OK | 0x04, OK),
        PrinterStatus(False, PaperState.OK, True, PrinterErrorCode.COVER_OPEN),
    ),
    (
        (OK | 0x08, OK | 0x08, OK),
        PrinterStatus(False, PaperState.OK, False, PrinterErrorCode.PRINTER_OFFLINE),
    ),  # feeding by button
    (
        (OK | 0x08, OK | 0x20, OK),
        PrinterStatus(False, PaperState.OUT, False, PrinterErrorCode.PAPER_OUT),
    ),
    (
        (OK | 0x08, OK | 0x40, OK),
        PrinterStatus(False, PaperState.OK, False, PrinterErrorCode.PRINTER_ERROR),
    ),
    ((OK, OK, OK | 0x0C), PrinterStatus(True, PaperState.LOW, False, None)),
    ((OK, OK, OK | 0x04), PrinterStatus(True, PaperState.LOW, False, None)),
    (
        (OK | 0x08, OK, OK | 0x60),
        PrinterStatus(False, PaperState.OUT, False, PrinterErrorCode.PAPER_OUT),
    ),
    ((OK, OK, OK | 0x20), PrinterStatus(True, PaperState.OUT, False, PrinterErrorCode.PAPER_OUT)),
    (
        (OK | 0x08, OK | 0x24, OK | 0x6C),
        PrinterStatus(False, PaperState.OUT, True, PrinterErrorCode.COVER_OPEN),
    ),
    (
        (0x00, OK, OK),
        PrinterStatus(False, PaperState.UNKNOWN, None, PrinterErrorCode.PRINTER_ERROR),
    ),
    (
        (OK, 0xFF, OK),
        PrinterStatus(False, PaperState.UNKNOWN, None, PrinterErrorCode.PRINTER_ERROR),
    ),
    (
        (OK, OK, 0x13),
        PrinterStatus(False, PaperState.UNKNOWN, None, PrinterErrorCode.PRINTER_ERROR),
    ),
]


@pytest.mark.parametrize(("replies", "expected"), CASES)
def test_status_bytes_decode(replies: tuple[int, int, int], expected: PrinterStatus) -> None:
    printer, cause, paper = replies
    assert status_from_replies(printer=printer, offline_cause=cause, paper=paper) == expected


@pytest.mark.parametrize(("replies", "expected"), CASES)
def test_status_bytes_through_the_fake_printer(
    fake: FakeNetworkPrinter,
    printer: EscposTicketPrinter,
    replies: tuple[int, int, int],
    expected: PrinterStatus,
) -> None:
    fake.set_status_bytes(StatusBytes(*replies))

    assert printer.status() == expected
