"""Slips printed through the real raw-TCP path into the fake 9100 printer, read back."""

import string
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from printers.decode import decode_escpos
from printers.escpos_job import escpos_job
from printers.escpos_printer import EscposTicketPrinter
from printers.fake_network import FakeNetworkPrinter
from printers.layout import slip_layout
from printers.paper import PaperWidth, profile_code_pages, slip_format
from printers.qr import qr_matrix
from printers.slip import TicketSlip
from tests.printers.helpers import STATUS_URL, make_slip, network_printer, qr_modules_in


def test_the_slip_arrives_with_number_services_qr_and_cut(
    fake: FakeNetworkPrinter, printer: EscposTicketPrinter, slip: TicketSlip
) -> None:
    status = printer.print_slip(slip)

    assert status.ok
    printed = decode_escpos(fake.received)
    number = printed.line_containing("B-014")
    assert number.text == "B-014"
    assert (number.width, number.height, number.bold) == (8, 8, True)
    assert number.align == "center"
    assert printed.line_containing("ID card replacement").bold
    assert printed.line_containing("Kubadilisha kitambulisho").bold
    assert printed.line_containing("Huduma Centre GPO, Nairobi").bold
    assert [qr.payload for qr in printed.qr_codes] == [STATUS_URL]
    assert printed.cuts == ["full"]
    assert printed.status_queries == [1, 2, 4, 1, 2, 4]


def test_wait_people_ahead_time_and_footers_are_printed(
    fake: FakeNetworkPrinter, printer: EscposTicketPrinter, slip: TicketSlip
) -> None:
    printer.print_slip(slip)

    text = decode_escpos(fake.received).text
    assert "People ahead / Watu mbele yako" in text
    assert "~18 min" in text
    assert "23/11/2026 09:42" in text
    assert "Keep this ticket; watch the screen." in text
    assert "Hifadhi tiketi hii; tazama skrini." in text
    assert "PRIORITY" not in text


def test_priority_and_notice_appear_only_when_given(
    fake: FakeNetworkPrinter, printer: EscposTicketPrinter
) -> None:
    printer.print_slip(make_slip(priority="Disability / Ulemavu", notice="Counter 4 is closed"))

    printed = decode_escpos(fake.received)
    assert printed.line_containing("PRIORITY / KIPAUMBELE").bold
    priority = printed.line_containing("Disability / Ulemavu")
    assert (priority.width, priority.height, priority.bold) == (2, 2, True)
    assert printed.line_containing("Counter 4 is closed").bold


def test_unknown_wait_leaves_the_wait_line_out(
    fake: FakeNetworkPrinter, printer: EscposTicketPrinter
) -> None:
    printer.print_slip(make_slip(estimated_wait_minutes=None))

    assert "Estimated wait" not in decode_escpos(fake.received).text


def test_big_text_never_uses_esc_bang_which_drops_bold(
    fake: FakeNetworkPrinter, printer: EscposTicketPrinter, slip: TicketSlip
) -> None:
    printer.print_slip(make_slip(priority="Elderly"))

    printed = decode_escpos(fake.received)
    assert printed.print_mode_commands == 0
    assert all(line.bold for line in printed.lines if line.width > 1 or line.height > 1)


def test_accented_and_typographic_characters_print_in_the_code_page(
    fake: FakeNetworkPrinter, printer: EscposTicketPrinter
) -> None:
    printer.print_slip(
        make_slip(
            centre_name="Huduma Centre – Thika Road Mall",
            service_sw="Usajili wa vizazi na vifo",
            notice="Café O’Brien’s desk moved – see Desk 3",
        )
    )

    printed = decode_escpos(fake.received)
    assert printed.code_pages == [19]  # CP858 in the default profile
    assert "Huduma Centre - Thika Road Mall" in printed.text
    assert "Usajili wa vizazi na vifo" in printed.text
    assert "Café O'Brien's desk moved - see Desk 3" in printed.text
    # The é went out as CP858's single byte, not as UTF-8's two.
    assert "é".encode("cp858") in fake.received
    assert "é".encode() not in fake.received


@pytest.mark.parametrize(("paper", "columns", "number_size"), [(58, 32, 6), (80, 48, 8)])
def test_paper_width_sets_columns_and_number_size(
    fake: FakeNetworkPrinter, paper: PaperWidth, columns: int, number_size: int
) -> None:
    printer = network_printer(fake.port, paper_width_mm=paper)

    printer.print_slip(make_slip())

    printed = decode_escpos(fake.received)
    assert all(len(line.text) * line.width <= columns for line in printed.lines)
    assert "-" * columns in printed.text
    assert printed.line_containing("B-014").width == number_size


def test_profile_with_narrower_print_area_narrows_the_slip(fake: FakeNetworkPrinter) -> None:
    printer = network_printer(fake.port, profile="TM-T88III")

    printer.print_slip(make_slip())

    printed = decode_escpos(fake.received)
    assert max(len(line.text) * line.width for line in printed.lines) == 42


def test_long_ticket_number_shrinks_to_fit(fake: FakeNetworkPrinter) -> None:
    printer = network_printer(fake.port, paper_width_mm=58)

    printer.print_slip(make_slip(number="BIO-1234"))

    number = decode_escpos(fake.received).line_containing("BIO-1234")
    assert number.width == 4
    assert len(number.text) * number.width <= 32


@pytest.mark.parametrize("paper", [58, 80])
def test_image_qr_when_the_profile_has_no_native_qr(
    fake: FakeNetworkPrinter, paper: PaperWidth
) -> None:
    printer = network_printer(fake.port, paper_width_mm=paper, profile="POS-5890")

    printer.print_slip(make_slip())

    printed = decode_escpos(fake.received, code_pages=profile_code_pages("POS-5890"))
    assert printed.qr_codes == []
    [image] = printed.images
    assert image.width == printer.slip_format.dots
    module = printer.slip_format.qr_module_dots
    assert qr_modules_in(image, module) == qr_matrix(STATUS_URL)
    assert printed.cuts == []  # the POS-5890 has no cutter: the citizen tears the slip off


def test_native_qr_can_be_switched_off(fake: FakeNetworkPrinter) -> None:
    printer = network_printer(fake.port, native_qr=False)

    printer.print_slip(make_slip())

    printed = decode_escpos(fake.received)
    assert printed.qr_codes == []
    [image] = printed.images
    assert qr_modules_in(image, printer.slip_format.qr_module_dots) == qr_matrix(STATUS_URL)
    assert printed.cuts == ["full"]


def test_native_qr_module_size_follows_the_paper(fake: FakeNetworkPrinter) -> None:
    network_printer(fake.port, paper_width_mm=58).print_slip(make_slip())

    [qr] = decode_escpos(fake.received).qr_codes
    assert (qr.module_dots, qr.error_correction) == (6, "M")


def test_concurrent_prints_do_not_interleave(fake: FakeNetworkPrinter) -> None:
    printer = network_printer(fake.port)
    slips = [make_slip(number=f"A-{n:03d}") for n in range(6)]
    threads = [threading.Thread(target=printer.print_slip, args=(s,)) for s in slips]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    numbers = set()
    for connection in fake.connections:
        printed = decode_escpos(connection)
        assert printed.cuts == ["full"]
        [number] = [line.text for line in printed.lines if line.width == 8]
        numbers.add(number)
    assert numbers == {s.number for s in slips}


@settings(max_examples=60, deadline=None)
@given(
    token=st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=300),
    paper=st.sampled_from([58, 80]),
    native=st.booleans(),
)
def test_no_job_contains_a_status_query_by_accident(
    token: str, paper: PaperWidth, native: bool
) -> None:
    # A printer answers DLE EOT 1..4 wherever it appears, even inside image data.
    fmt = slip_format(paper_width_mm=paper, native_qr=native)
    slip = make_slip(status_url=f"https://gpo.huduma.example/t/{token}")

    job = escpos_job(slip_layout(slip, fmt), fmt)

    assert not any(f"\x10\x04{chr(n)}".encode("latin-1") in job for n in (1, 2, 3, 4))
