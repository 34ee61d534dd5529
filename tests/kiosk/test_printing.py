"""The kiosk's print station through the real ESC/POS path to a loopback 9100 printer."""

import asyncio
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from kiosk.models import IssuedTicket
from kiosk.ports import PrintFailed
from kiosk.printing import PrinterStation, slip_for
from printers.decode import decode_escpos
from printers.escpos_printer import EscposTicketPrinter
from printers.factory import printer_from_settings
from printers.fake_network import FakeNetworkPrinter, FakePrinterState
from printers.settings import PrinterSettings

NAIROBI = ZoneInfo("Africa/Nairobi")
TICKET = IssuedTicket(
    ticket_id="t1",
    number="B-014",
    service_code="BC",
    service_name_en="Birth certificate",
    service_name_sw="Cheti cha kuzaliwa",
    people_ahead=7,
    estimated_wait_minutes=18,
    issued_at=datetime(2026, 11, 23, 6, 42, tzinfo=UTC),
    qr_payload="http://127.0.0.1:8000/t/7Kq2xW9pLmN4vR8s",
    centre_name="Huduma Centre GPO",
    priority_label="Elderly / Wazee",
    appointment_slot=datetime(2026, 11, 23, 7, 30, tzinfo=UTC),
)


@pytest.fixture
def fake_printer():
    with FakeNetworkPrinter() as printer:
        yield printer


def station_for(fake: FakeNetworkPrinter) -> PrinterStation:
    settings = PrinterSettings(kind="network", host=fake.host, port=fake.port, timeout_seconds=1)
    printer = printer_from_settings(settings)
    assert isinstance(printer, EscposTicketPrinter)
    return PrinterStation(printer, timezone=NAIROBI)


def test_a_slip_is_bilingual_in_centre_time():
    slip = slip_for(TICKET, timezone=NAIROBI)
    assert (slip.number, slip.service_sw, slip.priority) == (
        "B-014",
        "Cheti cha kuzaliwa",
        "Elderly / Wazee",
    )
    assert slip.issued_at.hour == 9
    assert slip.notice == "Appointment 10:30 / Miadi saa 10:30"


def test_a_ticket_reaches_the_network_printer(fake_printer):
    state = asyncio.run(station_for(fake_printer).print_ticket(TICKET))
    printed = decode_escpos(fake_printer.received)
    assert state == "ok"
    assert printed.line_containing("B-014").bold
    assert "Cheti cha kuzaliwa" in printed.text
    assert printed.cuts


def test_paper_out_sends_no_slip_and_says_why(fake_printer):
    fake_printer.set_state(FakePrinterState.PAPER_OUT)
    station = station_for(fake_printer)
    with pytest.raises(PrintFailed) as failed:
        asyncio.run(station.print_ticket(TICKET))
    assert failed.value.code == "paper_out"
    assert decode_escpos(fake_printer.received).lines == []
    assert asyncio.run(station.check()) == "paper_out"


def test_low_paper_still_prints_and_is_reported(fake_printer):
    fake_printer.set_state(FakePrinterState.PAPER_LOW)
    station = station_for(fake_printer)
    assert asyncio.run(station.print_ticket(TICKET)) == "paper_low"
    assert "B-014" in decode_escpos(fake_printer.received).text


def test_a_printer_that_is_not_there_is_offline():
    with FakeNetworkPrinter() as gone:
        station = station_for(gone)
    with pytest.raises(PrintFailed) as failed:
        asyncio.run(station.print_ticket(TICKET))
    assert failed.value.code == "printer_offline"


def test_the_preview_is_a_png_image():
    png = asyncio.run(station_for_recording().preview_png(TICKET))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def station_for_recording() -> PrinterStation:
    return PrinterStation(
        printer_from_settings(PrinterSettings(kind="recording")), timezone=NAIROBI
    )
