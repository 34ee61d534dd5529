"""Builders shared by the printer tests."""

import socket
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import TypedDict, Unpack

from printers.decode import RasterImage
from printers.escpos_printer import EscposTicketPrinter
from printers.paper import PaperWidth, slip_format
from printers.slip import TicketSlip
from printers.transports import NetworkTransport

NAIROBI = timezone(timedelta(hours=3))
STATUS_URL = "https://gpo.huduma.example/t/7Kq2xW9pLmN4vR8s"
FAST_TIMEOUT = 0.3


class SlipChanges(TypedDict, total=False):
    """The slip fields a printer test varies."""

    centre_name: str
    number: str
    service_sw: str
    estimated_wait_minutes: int | None
    status_url: str
    priority: str | None
    notice: str | None


def make_slip(**changes: Unpack[SlipChanges]) -> TicketSlip:
    slip = TicketSlip(
        centre_name="Huduma Centre GPO, Nairobi",
        number="B-014",
        service_en="ID card replacement",
        service_sw="Kubadilisha kitambulisho",
        issued_at=datetime(2026, 11, 23, 9, 42, tzinfo=NAIROBI),
        people_ahead=7,
        estimated_wait_minutes=18,
        status_url=STATUS_URL,
    )
    return replace(slip, **changes)


def network_printer(
    port: int,
    *,
    paper_width_mm: PaperWidth = 80,
    native_qr: bool | None = None,
    profile: str = "default",
    timeout: float = FAST_TIMEOUT,
) -> EscposTicketPrinter:
    fmt = slip_format(paper_width_mm=paper_width_mm, profile=profile, native_qr=native_qr)
    return EscposTicketPrinter(
        lambda: NetworkTransport("127.0.0.1", port, timeout), slip_format=fmt, profile=profile
    )


def unused_port() -> int:
    """A loopback port with nobody listening (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def qr_modules_in(image: RasterImage, module_dots: int) -> list[list[bool]]:
    """Read the QR module grid back out of a printed raster image."""
    dark = [(x, y) for y, row in enumerate(image.rows) for x, bit in enumerate(row) if bit]
    left = min(x for x, _ in dark)
    top = min(y for _, y in dark)
    right = max(x for x, _ in dark)
    size = (right - left + 1) // module_dots
    half = module_dots // 2
    return [
        [
            image.rows[top + row * module_dots + half][left + col * module_dots + half]
            for col in range(size)
        ]
        for row in range(size)
    ]
