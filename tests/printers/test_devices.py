"""File, serial and USB devices, chosen by settings."""

import os
import select
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from printers.decode import decode_escpos
from printers.errors import PrinterError, PrinterErrorCode
from printers.escpos_printer import EscposTicketPrinter
from printers.factory import printer_from_settings
from printers.fake_network import FakeNetworkPrinter, FakePrinterState
from printers.recording import RecordingPrinter
from printers.settings import PrinterSettings
from printers.slip import TicketSlip
from printers.status import PaperState
from tests.printers.helpers import FAST_TIMEOUT, STATUS_URL


def test_file_device_gets_the_whole_slip(tmp_path: Path, slip: TicketSlip) -> None:
    target = tmp_path / "lp0"
    printer = printer_from_settings(
        PrinterSettings(kind="file", file_path=str(target), paper_width_mm=58)
    )

    status = printer.print_slip(slip)

    assert (status.ok, status.paper, status.cover_open) == (True, PaperState.UNKNOWN, None)
    printed = decode_escpos(target.read_bytes())
    assert printed.line_containing("B-014").width == 6
    assert [qr.payload for qr in printed.qr_codes] == [STATUS_URL]
    assert printed.status_queries == []  # a file cannot answer, so nothing is asked
    assert printed.cuts == ["full"]


def test_missing_device_file_is_printer_offline(tmp_path: Path, slip: TicketSlip) -> None:
    printer = printer_from_settings(
        PrinterSettings(kind="file", file_path=str(tmp_path / "unplugged" / "lp0"))
    )

    assert printer.status().error is PrinterErrorCode.PRINTER_OFFLINE
    with pytest.raises(PrinterError) as raised:
        printer.print_slip(slip)
    assert raised.value.code is PrinterErrorCode.PRINTER_OFFLINE


def test_network_settings_print_to_the_fake(fake: FakeNetworkPrinter, slip: TicketSlip) -> None:
    printer = printer_from_settings(
        PrinterSettings(
            kind="network", host=fake.host, port=fake.port, timeout_seconds=FAST_TIMEOUT
        )
    )

    assert printer.print_slip(slip).ok
    assert "B-014" in decode_escpos(fake.received).text
    fake.set_state(FakePrinterState.COVER_OPEN)
    assert printer.status().error is PrinterErrorCode.COVER_OPEN


class _SerialPrinter:
    """The far end of a pseudo-terminal, answering DLE EOT like an idle printer."""

    def __init__(self, master: int, reply: int) -> None:
        self.master = master
        self.reply = reply
        self.received = bytearray()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.02)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                return
            self.received.extend(chunk)
            # Queries arrive alone (the printer waits for each answer), so a tail check works.
            if self.received.endswith((b"\x10\x04\x01", b"\x10\x04\x02", b"\x10\x04\x04")):
                os.write(self.master, bytes((self.reply,)))


@pytest.fixture
def serial_line() -> Iterator[tuple[str, int]]:
    master, slave = os.openpty()
    try:
        yield os.ttyname(slave), master
    finally:
        os.close(slave)
        os.close(master)


@pytest.mark.parametrize(
    ("reply", "code"), [(0x12, None), (0x12 | 0x08 | 0x04 | 0x60, PrinterErrorCode.COVER_OPEN)]
)
def test_serial_device_prints_and_reads_status(
    serial_line: tuple[str, int], slip: TicketSlip, reply: int, code: PrinterErrorCode | None
) -> None:
    path, master = serial_line
    far_end = _SerialPrinter(master, reply)
    far_end.thread.start()
    printer = printer_from_settings(
        PrinterSettings(kind="serial", serial_device=path, timeout_seconds=FAST_TIMEOUT)
    )
    try:
        status = printer.status()
        if code is None:
            assert printer.print_slip(slip).ok
        else:
            with pytest.raises(PrinterError):
                printer.print_slip(slip)
    finally:
        far_end.stop.set()
        far_end.thread.join()

    assert status.error is code
    printed = decode_escpos(bytes(far_end.received))
    assert ("B-014" in printed.text) is (code is None)


def test_absent_usb_printer_is_offline(slip: TicketSlip) -> None:
    printer = printer_from_settings(
        PrinterSettings(
            kind="usb", usb_vendor_id=0xFFFF, usb_product_id=0xFFFE, timeout_seconds=0.2
        )
    )

    assert printer.status().error is PrinterErrorCode.PRINTER_OFFLINE
    with pytest.raises(PrinterError) as raised:
        printer.print_slip(slip)
    assert raised.value.code is PrinterErrorCode.PRINTER_OFFLINE


def test_recording_kind_builds_a_recording_printer() -> None:
    assert isinstance(printer_from_settings(PrinterSettings(kind="recording")), RecordingPrinter)


def test_settings_choose_format_and_qr() -> None:
    printer = printer_from_settings(
        PrinterSettings(kind="network", host="127.0.0.1", paper_width_mm=58, native_qr=False)
    )

    assert isinstance(printer, EscposTicketPrinter)
    assert (printer.slip_format.columns, printer.slip_format.native_qr) == (32, False)


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "network"},
        {"kind": "usb", "usb_vendor_id": 0x04B8},
        {"kind": "serial"},
        {"kind": "file"},
        {"kind": "network", "host": "10.0.0.9", "profile": "no-such-printer"},
        {"kind": "network", "host": "10.0.0.9", "paper_width_mm": 72},
        {"kind": "network", "host": "10.0.0.9", "timeout_seconds": 0},
        {"kind": "network", "host": "10.0.0.9", "port": 70000},
        {"kind": "bluetooth"},
        {"kind": "recording", "colour": "red"},
    ],
)
def test_settings_refuse_incomplete_or_invalid_devices(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        PrinterSettings.model_validate(fields)


def test_usb_ids_are_read_as_written_on_the_label() -> None:
    settings = PrinterSettings.model_validate(
        {"kind": "usb", "usb_vendor_id": "0x04b8", "usb_product_id": "0x0e15"}
    )

    assert (settings.usb_vendor_id, settings.usb_product_id) == (0x04B8, 0x0E15)
