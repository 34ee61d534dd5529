"""Build the configured ticket printer."""

from collections.abc import Callable

from printers.escpos_printer import EscposTicketPrinter
from printers.paper import slip_format
from printers.recording import RecordingPrinter
from printers.settings import PrinterSettings
from printers.ticket_printer import TicketPrinter
from printers.transports import (
    FileTransport,
    NetworkTransport,
    SerialTransport,
    Transport,
    UsbTransport,
)


def _transport_factory(settings: PrinterSettings) -> Callable[[], Transport]:
    timeout = settings.timeout_seconds
    if settings.kind == "network":
        host = settings.host or ""
        return lambda: NetworkTransport(host, settings.port, timeout)
    if settings.kind == "usb":
        vendor, product = settings.usb_vendor_id or 0, settings.usb_product_id or 0
        return lambda: UsbTransport(vendor, product, timeout)
    if settings.kind == "serial":
        device = settings.serial_device or ""
        return lambda: SerialTransport(device, settings.serial_baudrate, timeout)
    path = settings.file_path or ""
    return lambda: FileTransport(path)


def printer_from_settings(settings: PrinterSettings) -> TicketPrinter:
    """Return the printer the settings describe; devices are opened only when used."""
    if settings.kind == "recording":
        return RecordingPrinter()
    fmt = slip_format(
        paper_width_mm=settings.paper_width_mm,
        profile=settings.profile,
        native_qr=settings.native_qr,
    )
    return EscposTicketPrinter(
        _transport_factory(settings), slip_format=fmt, profile=settings.profile
    )
