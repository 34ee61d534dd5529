"""The recording printer: keeps slips, fails when told, like a real one would."""

import pytest

from printers.errors import PrinterError, PrinterErrorCode
from printers.recording import RecordingPrinter
from printers.status import PaperState
from tests.printers.helpers import make_slip


def test_keeps_slips_in_order() -> None:
    printer = RecordingPrinter()

    for number in ("A-001", "A-002"):
        assert printer.print_slip(make_slip(number=number)).ok

    assert [slip.number for slip in printer.slips] == ["A-001", "A-002"]


@pytest.mark.parametrize("code", list(PrinterErrorCode))
def test_fails_with_the_code_it_was_given_and_keeps_nothing(code: PrinterErrorCode) -> None:
    printer = RecordingPrinter()
    printer.fail_with(code)

    with pytest.raises(PrinterError) as raised:
        printer.print_slip(make_slip())

    assert raised.value.code is code
    assert printer.status().error is code
    assert not printer.status().online
    assert printer.slips == []


def test_fault_details_match_a_real_printer() -> None:
    printer = RecordingPrinter()

    printer.fail_with(PrinterErrorCode.PAPER_OUT)
    assert printer.status().paper is PaperState.OUT
    printer.fail_with(PrinterErrorCode.COVER_OPEN)
    assert printer.status().cover_open is True


def test_recovers() -> None:
    printer = RecordingPrinter()
    printer.fail_with(PrinterErrorCode.PRINTER_OFFLINE)

    printer.recover()

    assert printer.print_slip(make_slip()).ok
    assert len(printer.slips) == 1


def test_paper_low_still_prints_and_says_so() -> None:
    printer = RecordingPrinter()
    printer.set_paper_low()

    status = printer.print_slip(make_slip())

    assert (status.ok, status.paper) == (True, PaperState.LOW)
    printer.recover()
    assert printer.status().paper is PaperState.OK
