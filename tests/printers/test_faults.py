"""Printer faults through the real network path: coded errors, nothing queued, no crash."""

import time
from dataclasses import replace

import pytest

from printers.decode import decode_escpos
from printers.errors import PrinterError, PrinterErrorCode
from printers.escpos_printer import EscposTicketPrinter
from printers.fake_network import FakeNetworkPrinter, FakePrinterState
from printers.paper import slip_format
from printers.slip import TicketSlip
from printers.status import PaperState
from printers.text import CodePage
from printers.transports import NetworkTransport
from tests.printers.helpers import FAST_TIMEOUT, make_slip, network_printer, unused_port


def test_online_printer_reports_ok(fake: FakeNetworkPrinter, printer: EscposTicketPrinter) -> None:
    status = printer.status()

    assert (status.online, status.paper, status.cover_open, status.error) == (
        True,
        PaperState.OK,
        False,
        None,
    )
    assert decode_escpos(fake.received).status_queries == [1, 2, 4]


def test_paper_near_end_still_prints_and_says_low(
    fake: FakeNetworkPrinter, printer: EscposTicketPrinter, slip: TicketSlip
) -> None:
    fake.set_state(FakePrinterState.PAPER_LOW)

    status = printer.print_slip(slip)

    assert status.ok
    assert status.paper is PaperState.LOW
    assert decode_escpos(fake.received).cuts == ["full"]
    assert printer.status().paper is PaperState.LOW


@pytest.mark.parametrize(
    ("state", "code"),
    [
        (FakePrinterState.PAPER_OUT, PrinterErrorCode.PAPER_OUT),
        (FakePrinterState.COVER_OPEN, PrinterErrorCode.COVER_OPEN),
        (FakePrinterState.ERROR, PrinterErrorCode.PRINTER_ERROR),
        (FakePrinterState.OFFLINE_CLOSE, PrinterErrorCode.PRINTER_OFFLINE),
        (FakePrinterState.SILENT, PrinterErrorCode.PRINTER_OFFLINE),
    ],
)
def test_a_faulted_printer_gets_nothing_of_the_slip(
    fake: FakeNetworkPrinter,
    printer: EscposTicketPrinter,
    slip: TicketSlip,
    state: FakePrinterState,
    code: PrinterErrorCode,
) -> None:
    fake.set_state(state)

    with pytest.raises(PrinterError) as raised:
        printer.print_slip(slip)

    assert raised.value.code is code
    printed = decode_escpos(fake.received)
    assert printed.lines == []
    assert printed.cuts == []
    assert printed.qr_codes == []
    assert set(printed.status_queries) <= {1, 2, 4}


@pytest.mark.parametrize(
    ("state", "code", "cover_open", "paper"),
    [
        (FakePrinterState.PAPER_OUT, PrinterErrorCode.PAPER_OUT, False, PaperState.OUT),
        (FakePrinterState.COVER_OPEN, PrinterErrorCode.COVER_OPEN, True, PaperState.OK),
        (FakePrinterState.ERROR, PrinterErrorCode.PRINTER_ERROR, False, PaperState.OK),
        (
            FakePrinterState.OFFLINE_CLOSE,
            PrinterErrorCode.PRINTER_OFFLINE,
            None,
            PaperState.UNKNOWN,
        ),
        (FakePrinterState.SILENT, PrinterErrorCode.PRINTER_OFFLINE, None, PaperState.UNKNOWN),
    ],
)
def test_status_reports_faults_without_raising(
    fake: FakeNetworkPrinter,
    printer: EscposTicketPrinter,
    state: FakePrinterState,
    code: PrinterErrorCode,
    cover_open: bool | None,
    paper: PaperState,
) -> None:
    fake.set_state(state)

    status = printer.status()

    assert (status.online, status.error, status.cover_open, status.paper) == (
        False,
        code,
        cover_open,
        paper,
    )


def test_connection_refused_is_printer_offline(slip: TicketSlip) -> None:
    printer = network_printer(unused_port())

    assert printer.status().error is PrinterErrorCode.PRINTER_OFFLINE
    with pytest.raises(PrinterError) as raised:
        printer.print_slip(slip)
    assert raised.value.code is PrinterErrorCode.PRINTER_OFFLINE


def test_a_silent_printer_times_out_quickly(
    fake: FakeNetworkPrinter, printer: EscposTicketPrinter
) -> None:
    fake.set_state(FakePrinterState.SILENT)

    started = time.monotonic()
    status = printer.status()

    assert status.error is PrinterErrorCode.PRINTER_OFFLINE
    assert time.monotonic() - started < FAST_TIMEOUT * 3


def test_paper_running_out_during_the_slip_is_not_success(
    fake: FakeNetworkPrinter, printer: EscposTicketPrinter, slip: TicketSlip
) -> None:
    fake.run_out_of_paper_after(200)

    with pytest.raises(PrinterError) as raised:
        printer.print_slip(slip)

    assert raised.value.code is PrinterErrorCode.PAPER_OUT
    assert printer.status().error is PrinterErrorCode.PAPER_OUT


def test_after_a_fault_nothing_is_queued_and_the_next_slip_prints_once(
    fake: FakeNetworkPrinter, printer: EscposTicketPrinter
) -> None:
    fake.set_state(FakePrinterState.PAPER_OUT)
    for number in ("A-001", "A-002", "A-003"):
        with pytest.raises(PrinterError):
            printer.print_slip(make_slip(number=number))
    fake.set_state(FakePrinterState.ONLINE)

    printer.print_slip(make_slip(number="A-004"))

    printed = decode_escpos(fake.received)
    big = [line.text for line in printed.lines if line.width == 8]
    assert big == ["A-004"]
    assert printed.cuts == ["full"]


def test_printer_recovers_after_being_offline(slip: TicketSlip) -> None:
    with FakeNetworkPrinter(FakePrinterState.OFFLINE_CLOSE) as fake:
        printer = network_printer(fake.port)
        assert printer.status().error is PrinterErrorCode.PRINTER_OFFLINE
        fake.set_state(FakePrinterState.ONLINE)

        assert printer.print_slip(slip).ok
        assert decode_escpos(fake.received).cuts == ["full"]


def test_printer_switched_off_mid_session_is_offline_not_a_crash(slip: TicketSlip) -> None:
    fake = FakeNetworkPrinter().start()
    printer = network_printer(fake.port)
    assert printer.print_slip(slip).ok
    fake.stop()

    with pytest.raises(PrinterError) as raised:
        printer.print_slip(slip)

    assert raised.value.code is PrinterErrorCode.PRINTER_OFFLINE
    assert printer.status().error is PrinterErrorCode.PRINTER_OFFLINE


def test_a_slip_that_cannot_be_encoded_is_a_printer_error_and_sends_nothing(
    fake: FakeNetworkPrinter, printer: EscposTicketPrinter, slip: TicketSlip
) -> None:
    broken = replace(printer.slip_format, code_page=CodePage(number=99, name="no-such-codec"))
    printer = EscposTicketPrinter(
        lambda: NetworkTransport(fake.host, fake.port, FAST_TIMEOUT), slip_format=broken
    )

    with pytest.raises(PrinterError) as raised:
        printer.print_slip(slip)

    assert raised.value.code is PrinterErrorCode.PRINTER_ERROR
    assert fake.received == b""


def test_a_device_that_cannot_be_set_up_is_not_configured(slip: TicketSlip) -> None:
    def no_driver() -> NetworkTransport:
        raise RuntimeError("USB printers need pyusb")

    printer = EscposTicketPrinter(no_driver, slip_format=slip_format())

    assert printer.status().error is PrinterErrorCode.NOT_CONFIGURED
    with pytest.raises(PrinterError) as raised:
        printer.print_slip(slip)
    assert raised.value.code is PrinterErrorCode.NOT_CONFIGURED
