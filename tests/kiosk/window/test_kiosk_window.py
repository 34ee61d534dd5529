"""The kiosk in a real window: touches in, tickets on the real server and the 9100 printer."""

import os
import subprocess
import time

import pytest

from kiosk.view_model import SlipProgress
from printers.decode import decode_escpos
from printers.fake_network import FakeNetworkPrinter, FakePrinterState
from tests.kiosk.window.centre import FOLENI

pytestmark = pytest.mark.window


def hall_ticket(centre, number):
    with centre.http("manager") as http:
        hall = http.get("/api/v1/hall").raise_for_status().json()
    return next(ticket for ticket in hall["tickets"] if ticket["number"] == number), hall


def someone_else_takes_a_ticket(centre, service_code):
    with centre.http("kiosk") as http:
        http.post("/api/v1/tickets", json={"service_code": service_code}).raise_for_status()


async def start_over(kiosk):
    kiosk.vm.start_again()
    await kiosk.wait_for_screen("welcome")


def test_a_walk_in_touches_a_service_and_takes_a_printed_ticket(kiosk, centre, printer):
    async def citizen():
        await kiosk.wait_until(lambda: kiosk.vm.service_tiles)
        await kiosk.screenshot("kiosk-welcome")
        await kiosk.tap(kiosk.by_id("choose_en"))
        await kiosk.wait_for_screen("services")
        nid = kiosk.find(lambda w: getattr(w, "code", None) == "NID")
        assert nid.detail == "No one waiting"
        someone_else_takes_a_ticket(centre, "NID")
        await kiosk.wait_until(lambda: nid.detail == "1 person waiting")
        assert kiosk.find(lambda w: getattr(w, "code", None) == "NID") is nid
        await kiosk.screenshot("kiosk-services")
        await kiosk.tap(kiosk.find(lambda w: getattr(w, "code", None) == "BC"))
        await kiosk.wait_for_screen("priority")
        await kiosk.screenshot("kiosk-priority")
        await kiosk.tap(kiosk.find(lambda w: getattr(w, "code", None) == "elderly"))
        await kiosk.wait_for_screen("phone")
        for digit in "0712345678":
            await kiosk.tap(kiosk.find(lambda w, d=digit: getattr(w, "key", None) == d))
        await kiosk.screenshot("kiosk-phone")
        await kiosk.double_tap(kiosk.by_id("submit_phone"))  # still one ticket
        await kiosk.wait_until(lambda: kiosk.vm.slip_progress == SlipProgress.PRINTED)
        await kiosk.screenshot("kiosk-ticket")
        number = kiosk.vm.ticket_number
        await kiosk.finish()
        return number

    printer.clear()
    number = kiosk.run(citizen())
    ticket, hall = hall_ticket(centre, number)
    assert (ticket["service_code"], ticket["priority"], ticket["status"]) == (
        "BC",
        "elderly",
        "waiting",
    )
    # One ticket from the double tap: the demo's example ticket and ours.
    assert len([t for t in hall["tickets"] if t["service_code"] == "BC"]) == 2
    slip = decode_escpos(printer.received)
    assert slip.line_containing(number).bold
    assert "Cheti cha Kuzaliwa" in slip.text


def test_an_appointment_is_checked_in_by_typed_reference_and_by_scanner(kiosk, centre, printer):
    # Booked at the demo's national service; they reached the centre through the change feed.
    nid_booking, bc_booking = (b["reference"] for b in centre.credentials["appointments"][:2])

    async def citizen():
        await kiosk.tap(kiosk.by_id("choose_sw"))
        await kiosk.wait_for_screen("services")
        await kiosk.tap(kiosk.by_id("have_appointment"))
        await kiosk.wait_for_screen("check_in")
        for key in nid_booking:
            await kiosk.tap(kiosk.find(lambda w, k=key: getattr(w, "key", None) == k))
        await kiosk.screenshot("kiosk-check-in")
        await kiosk.tap(kiosk.by_id("submit_check_in"))
        await kiosk.wait_until(lambda: kiosk.vm.slip_progress == SlipProgress.PRINTED)
        typed = kiosk.vm.ticket_number
        await start_over(kiosk)
        await kiosk.type_on_scanner(bc_booking)
        await kiosk.wait_until(lambda: kiosk.vm.slip_progress == SlipProgress.PRINTED)
        scanned = kiosk.vm.ticket_number
        await start_over(kiosk)
        return typed, scanned

    printer.clear()
    typed, scanned = kiosk.run(citizen())
    nid, _ = hall_ticket(centre, typed)
    bc, _ = hall_ticket(centre, scanned)
    assert (nid["service_code"], nid["source"]) == ("NID", "appointment")
    assert bc["service_code"] == "BC"
    printed = decode_escpos(printer.received).text
    assert typed in printed and scanned in printed


def test_paper_out_shows_the_ticket_on_screen_and_tells_the_managers(kiosk, centre, printer):
    async def citizen():
        await kiosk.tap(kiosk.by_id("choose_en"))
        await kiosk.wait_for_screen("services")
        await kiosk.tap(kiosk.find(lambda w: getattr(w, "code", None) == "NID"))
        await kiosk.wait_for_screen("priority")
        await kiosk.tap(kiosk.find(lambda w: getattr(w, "code", "x") == ""))
        await kiosk.tap(kiosk.by_id("skip_phone"))
        await kiosk.wait_until(lambda: kiosk.vm.slip_progress == SlipProgress.NOT_PRINTED)
        await kiosk.wait_until(lambda: kiosk.by_id("preview").texture is not None)
        await kiosk.screenshot("kiosk-ticket-not-printed")
        return kiosk.vm.ticket_number

    printer.clear()
    printer.set_state(FakePrinterState.PAPER_OUT)
    number = kiosk.run(citizen())
    ticket, hall = hall_ticket(centre, number)
    assert ticket["status"] == "waiting"
    assert decode_escpos(printer.received).lines == []
    device = next(d for d in hall["devices"] if d["role"] == "kiosk")
    assert device["status"]["printer"]["error"] == "paper_out"

    async def staff_load_paper_and_citizen_reprints():
        await kiosk.tap(kiosk.by_id("reprint"))
        await kiosk.wait_until(lambda: kiosk.vm.slip_progress == SlipProgress.PRINTED)
        await start_over(kiosk)

    printer.set_state(FakePrinterState.ONLINE)
    kiosk.run(staff_load_paper_and_citizen_reprints())
    assert decode_escpos(printer.received).line_containing(number)
    _, hall = hall_ticket(centre, number)
    device = next(d for d in hall["devices"] if d["role"] == "kiosk")
    assert device["status"]["printer"].get("error") is None


def test_the_kiosk_goes_out_of_service_with_the_server_and_recovers_by_itself(kiosk, centre):
    centre.stop()
    kiosk.run(kiosk.wait_for_screen("out_of_service"))
    kiosk.run(kiosk.screenshot("kiosk-out-of-service"))
    centre.start()
    kiosk.run(kiosk.wait_for_screen("welcome"))
    kiosk.run(kiosk.wait_until(lambda: kiosk.vm.online))


def test_foleni_kiosk_starts_a_kiosk_that_reports_to_its_centre(centre, tmp_path):
    with FakeNetworkPrinter() as own_printer:
        own_printer.set_state(FakePrinterState.PAPER_LOW)
        command = [str(FOLENI), "kiosk", "--server", centre.url, "--windowed"]
        command += ["--printer", f"network:{own_printer.host}:{own_printer.port}"]
        env = {**os.environ, "FOLENI_KIOSK_TOKEN": centre.token("kiosk")}
        with (tmp_path / "kiosk.log").open("wb") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
            try:
                # A kiosk reports its printer on start: managers see the low paper.
                deadline = time.monotonic() + 30
                while kiosk_printer_paper(centre) != "low":
                    assert process.poll() is None, (tmp_path / "kiosk.log").read_text()
                    assert time.monotonic() < deadline
                    time.sleep(0.2)
            finally:
                process.terminate()
                process.wait(timeout=10)


def kiosk_printer_paper(centre):
    with centre.http("manager") as http:
        hall = http.get("/api/v1/hall").raise_for_status().json()
    device = next(d for d in hall["devices"] if d["role"] == "kiosk")
    return ((device["status"] or {}).get("printer") or {}).get("paper")
