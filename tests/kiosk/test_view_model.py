"""The kiosk flow without a window: fake clock, scripted server and printer."""

import asyncio
import functools

from centre_client.errors import CentreUnavailable
from kiosk.i18n import Language, translate
from kiosk.view_model import KioskScreen, KioskTimings, KioskViewModel, SlipProgress
from tests.kiosk.fakes import (
    NAIROBI,
    FakeBackend,
    FakeScheduler,
    FakeStation,
    menu,
    refused,
    service,
    settle,
)


def async_test(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        asyncio.run(fn(*args, **kwargs))

    return wrapper


class Kiosk:
    """A view-model wired to fakes, as the app wires it to the real server and printer."""

    def __init__(self, *, ask_phone=True, backend=None, per_page=8):
        self.backend = backend or FakeBackend()
        self.station = FakeStation()
        self.clock = FakeScheduler()
        self.vm = KioskViewModel(
            backend=self.backend,
            station=self.station,
            scheduler=self.clock,
            timezone=NAIROBI,
            ask_phone=ask_phone,
            services_per_page=per_page,
            timings=KioskTimings(),
        )
        self.vm.apply_menu(self.backend.menu)

    @property
    def screen(self):
        return KioskScreen(self.vm.screen)

    async def walk_in(self, code="NID", *, language="en"):
        self.vm.choose_language(language)
        self.vm.choose_service(code)
        await settle()


@async_test
async def test_a_walk_in_gets_a_printed_ticket_in_kiswahili_then_the_kiosk_starts_over():
    kiosk = Kiosk()
    assert kiosk.screen is KioskScreen.WELCOME
    kiosk.vm.choose_language("sw")
    assert kiosk.screen is KioskScreen.SERVICES
    nid = kiosk.vm.service_tiles[0]
    assert (nid["title"], nid["detail"]) == ("Kitambulisho cha Taifa", "Watu 3 wanasubiri")
    assert nid["wait"] == "Kusubiri: takriban dakika 12"

    kiosk.vm.choose_service("NID")
    assert kiosk.screen is KioskScreen.PRIORITY
    assert [tile["code"] for tile in kiosk.vm.priority_tiles] == [
        "elderly",
        "disability",
        "pregnant",
        "",
    ]
    kiosk.vm.choose_priority("elderly")
    assert kiosk.screen is KioskScreen.PHONE
    for digit in "0712345678":
        kiosk.vm.press_digit(digit)
    assert kiosk.vm.phone_display == "0712 345 678"
    kiosk.vm.submit_phone()
    await settle()

    assert kiosk.backend.calls == [
        {
            "kind": "issue",
            "service_code": "NID",
            "priority": "elderly",
            "phone": "+254712345678",
            "request_id": kiosk.backend.calls[0]["request_id"],
        }
    ]
    assert kiosk.screen is KioskScreen.TICKET
    assert kiosk.vm.slip_progress == SlipProgress.PRINTED
    assert kiosk.station.printed == ["N-001"]
    assert kiosk.vm.ticket_number == "N-001"
    assert kiosk.vm.ticket_ahead == "Watu mbele yako: 3"
    assert kiosk.vm.ticket_wait == "Muda wa kusubiri: takriban dakika 12"
    assert kiosk.vm.can_reprint

    await kiosk.clock.advance(KioskTimings().ticket_shown)
    assert kiosk.screen is KioskScreen.WELCOME
    assert kiosk.vm.language is Language.EN
    assert kiosk.vm.ticket_number == ""


@async_test
async def test_a_service_without_priority_skips_the_question_and_phone_can_be_skipped():
    kiosk = Kiosk()
    await kiosk.walk_in("BC")
    assert kiosk.screen is KioskScreen.PHONE
    kiosk.vm.skip_phone()
    await settle()
    assert [(c["service_code"], c["priority"], c["phone"]) for c in kiosk.backend.calls] == [
        ("BC", None, None)
    ]


@async_test
async def test_a_double_tap_issues_one_ticket():
    backend = FakeBackend(gate=asyncio.Event())
    kiosk = Kiosk(ask_phone=False, backend=backend)
    kiosk.vm.choose_language("en")
    kiosk.vm.choose_service("BC")
    kiosk.vm.choose_service("BC")
    await settle()
    assert kiosk.vm.busy
    kiosk.vm.choose_service("BC")
    backend.gate.set()
    await settle()
    assert len(backend.calls) == 1
    assert not kiosk.vm.busy
    assert kiosk.station.printed == ["B-001"]


@async_test
async def test_a_double_tap_on_the_last_step_issues_one_ticket():
    kiosk = Kiosk()
    await kiosk.walk_in("BC")
    kiosk.vm.skip_phone()
    kiosk.vm.skip_phone()
    kiosk.vm.submit_phone()
    await settle()
    assert len(kiosk.backend.calls) == 1


@async_test
async def test_a_resend_after_a_network_blip_reuses_the_request_id():
    backend = FakeBackend(outcomes=[CentreUnavailable("blip"), CentreUnavailable("blip")])
    kiosk = Kiosk(ask_phone=False, backend=backend)
    await kiosk.walk_in("BC")
    assert len(backend.calls) == 1
    await kiosk.clock.advance(0.5)
    await kiosk.clock.advance(1.0)
    assert len(backend.calls) == 3
    assert len({call["request_id"] for call in backend.calls}) == 1
    assert kiosk.vm.slip_progress == SlipProgress.PRINTED
    assert kiosk.vm.ticket_number == "B-001"


@async_test
async def test_an_outage_during_issue_shows_out_of_service_then_resends_the_same_attempt():
    backend = FakeBackend()
    kiosk = Kiosk(ask_phone=False, backend=backend)
    backend.reachable = False
    await kiosk.walk_in("BC")
    await kiosk.clock.advance(sum(KioskTimings().retry_delays))
    assert kiosk.screen is KioskScreen.OUT_OF_SERVICE
    assert not kiosk.vm.busy
    assert len(backend.calls) == 4

    backend.reachable = True
    kiosk.vm.set_online(True)
    await settle()
    assert kiosk.screen is KioskScreen.TICKET
    assert kiosk.vm.ticket_number == "B-001"
    assert len({call["request_id"] for call in backend.calls}) == 1


@async_test
async def test_an_old_attempt_is_not_resent_after_a_long_outage():
    backend = FakeBackend()
    kiosk = Kiosk(ask_phone=False, backend=backend)
    backend.reachable = False
    await kiosk.walk_in("BC")
    await kiosk.clock.advance(KioskTimings().resume_window + 10)
    backend.reachable = True
    kiosk.vm.set_online(True)
    await settle()
    assert kiosk.screen is KioskScreen.WELCOME
    assert len(backend.calls) == 4


@async_test
async def test_losing_the_server_while_choosing_shows_out_of_service_and_recovers():
    kiosk = Kiosk()
    kiosk.vm.choose_language("sw")
    kiosk.vm.set_online(False)
    assert kiosk.screen is KioskScreen.OUT_OF_SERVICE
    kiosk.vm.start_again()
    assert kiosk.screen is KioskScreen.OUT_OF_SERVICE
    kiosk.vm.set_online(True)
    assert kiosk.screen is KioskScreen.WELCOME
    assert kiosk.vm.language is Language.EN


@async_test
async def test_the_watch_takes_the_kiosk_out_of_service_and_back():
    backend, station, clock = FakeBackend(), FakeStation(), FakeScheduler()
    vm = KioskViewModel(
        backend=backend,
        station=station,
        scheduler=clock,
        timezone=NAIROBI,
        timings=KioskTimings(poll=5, offline_poll=1, printer_check=30),
    )
    task = asyncio.get_running_loop().create_task(vm.watch())
    await settle()
    assert [tile["code"] for tile in vm.service_tiles] == ["NID", "BC"]
    assert backend.printer_reports == ["ok"]
    backend.reachable = False
    await clock.advance(5)
    assert vm.screen == KioskScreen.OUT_OF_SERVICE
    backend.reachable = True
    await clock.advance(1)
    assert vm.screen == KioskScreen.WELCOME
    station.state = "paper_out"
    await clock.advance(30)
    assert backend.printer_reports == ["ok", "paper_out"]
    task.cancel()


@async_test
async def test_a_ticket_on_screen_stays_when_the_server_goes_away():
    kiosk = Kiosk(ask_phone=False)
    await kiosk.walk_in("BC")
    kiosk.vm.set_online(False)
    assert kiosk.screen is KioskScreen.TICKET
    await kiosk.clock.advance(KioskTimings().ticket_shown)
    assert kiosk.screen is KioskScreen.OUT_OF_SERVICE


@async_test
async def test_a_printer_fault_shows_the_ticket_on_screen_and_tells_the_server():
    kiosk = Kiosk(ask_phone=False)
    kiosk.station.state = "paper_out"
    await kiosk.walk_in("BC")
    assert kiosk.screen is KioskScreen.TICKET
    assert kiosk.vm.slip_progress == SlipProgress.NOT_PRINTED
    assert kiosk.vm.ticket_number == "B-001"
    assert kiosk.vm.ticket_preview.startswith(b"\x89PNG")
    assert kiosk.vm.ticket_status == translate("print_failed", Language.EN)
    assert kiosk.backend.printer_reports == ["paper_out"]
    assert kiosk.station.printed == []

    kiosk.station.state = "ok"
    kiosk.vm.reprint()
    await settle()
    assert kiosk.vm.slip_progress == SlipProgress.PRINTED
    assert kiosk.station.printed == ["B-001"]
    assert kiosk.backend.printer_reports == ["paper_out", "ok"]


@async_test
async def test_an_unprinted_ticket_stays_longer_on_screen():
    kiosk = Kiosk(ask_phone=False)
    kiosk.station.state = "printer_offline"
    await kiosk.walk_in("BC")
    await kiosk.clock.advance(KioskTimings().ticket_shown)
    assert kiosk.screen is KioskScreen.TICKET
    await kiosk.clock.advance(KioskTimings().unprinted_ticket_shown)
    assert kiosk.screen is KioskScreen.WELCOME


@async_test
async def test_reprint_is_offered_only_for_a_short_time():
    kiosk = Kiosk(ask_phone=False)
    await kiosk.walk_in("BC")
    await kiosk.clock.advance(KioskTimings().reprint_window - 1)
    kiosk.vm.reprint()
    await settle()
    assert len(kiosk.station.printed) == 2
    await kiosk.clock.advance(1)
    assert not kiosk.vm.can_reprint
    kiosk.vm.reprint()
    await settle()
    assert len(kiosk.station.printed) == 2


@async_test
async def test_the_printer_state_is_reported_when_it_changes_and_unchanged_now_and_then():
    kiosk = Kiosk()
    await kiosk.vm.report_printer("ok")
    await kiosk.vm.report_printer("ok")
    kiosk.backend.reachable = False
    await kiosk.vm.report_printer("paper_out")
    kiosk.backend.reachable = True
    await kiosk.vm.report_printer("paper_out")
    assert kiosk.backend.printer_reports == ["ok", "paper_out"]
    # Silence would raise a "kiosk not reporting" alert: the same state goes again in time.
    await kiosk.clock.advance(KioskTimings().status_report - 1)
    await kiosk.vm.report_printer("paper_out")
    assert kiosk.backend.printer_reports == ["ok", "paper_out"]
    await kiosk.clock.advance(1)
    await kiosk.vm.report_printer("paper_out")
    assert kiosk.backend.printer_reports == ["ok", "paper_out", "paper_out"]


@async_test
async def test_a_refused_ticket_returns_to_the_menu_with_the_reason_in_the_citizens_language():
    backend = FakeBackend(outcomes=[refused("service_closed")])
    kiosk = Kiosk(ask_phone=False, backend=backend)
    await kiosk.walk_in("BC", language="sw")
    assert kiosk.screen is KioskScreen.SERVICES
    assert kiosk.vm.message == translate("error_service_closed", Language.SW)
    kiosk.vm.toggle_language()
    assert kiosk.vm.message == translate("error_service_closed", Language.EN)
    assert not kiosk.vm.busy


@async_test
async def test_an_unknown_error_code_reads_as_a_generic_apology():
    backend = FakeBackend(outcomes=[refused("something_new")])
    kiosk = Kiosk(ask_phone=False, backend=backend)
    await kiosk.walk_in("BC")
    assert kiosk.vm.message == translate("error_generic", Language.EN)


@async_test
async def test_a_closed_service_is_greyed_with_its_reason_and_cannot_be_chosen():
    closed = service("GC", is_open=False, closed_reason="closed_for_the_day")
    kiosk = Kiosk(backend=FakeBackend(menu=menu(closed, service("NID"))))
    kiosk.vm.choose_language("en")
    tiles = {tile["code"]: tile for tile in kiosk.vm.service_tiles}
    assert not tiles["GC"]["is_open"]
    assert tiles["GC"]["detail"] == "Closed for today"
    assert [tile["code"] for tile in kiosk.vm.service_tiles] == ["NID", "GC"]
    kiosk.vm.choose_service("GC")
    assert kiosk.screen is KioskScreen.SERVICES
    assert kiosk.vm.message == "Closed for today"


@async_test
async def test_a_service_a_manager_closed_says_so_with_the_reason_and_a_notice_shows_on_its_tile():
    closed = service("GC", is_open=False, closed_reason="closed_today", closed_note="no forms")
    noticed = service(
        "NID", notice_en="System slow: expect delays", notice_sw="Mfumo ni wa polepole"
    )
    kiosk = Kiosk(backend=FakeBackend(menu=menu(closed, noticed)))
    kiosk.vm.choose_language("en")
    tiles = {tile["code"]: tile for tile in kiosk.vm.service_tiles}
    assert (tiles["GC"]["detail"], tiles["GC"]["wait"]) == ("Closed today", "no forms")
    assert tiles["NID"]["detail"] == "System slow: expect delays"
    kiosk.vm.choose_service("GC")
    assert kiosk.vm.message == "Closed today: no forms"
    kiosk.vm.choose_language("sw")
    tiles = {tile["code"]: tile for tile in kiosk.vm.service_tiles}
    assert tiles["NID"]["detail"] == "Mfumo ni wa polepole"
    assert kiosk.vm.message == f"{translate('closed_today', Language.SW)}: no forms"


@async_test
async def test_many_services_are_shown_page_by_page():
    services = [service(f"S{i}", waiting=i) for i in range(10)]
    kiosk = Kiosk(backend=FakeBackend(menu=menu(*services)), per_page=8)
    kiosk.vm.choose_language("en")
    assert (kiosk.vm.page_count, len(kiosk.vm.service_tiles)) == (2, 8)
    assert kiosk.vm.page_text == "Page 1 of 2"
    kiosk.vm.next_page()
    kiosk.vm.next_page()
    assert [tile["code"] for tile in kiosk.vm.service_tiles] == ["S8", "S9"]
    kiosk.vm.previous_page()
    assert kiosk.vm.page == 0


@async_test
async def test_waits_and_queues_read_naturally():
    services = [
        service("A", waiting=0, minutes=2),
        service("B", waiting=1, minutes=75),
        service("C", waiting=9, minutes=None),
    ]
    kiosk = Kiosk(backend=FakeBackend(menu=menu(*services)))
    kiosk.vm.choose_language("sw")
    shown = [(tile["detail"], tile["wait"]) for tile in kiosk.vm.service_tiles]
    assert shown == [
        ("Hakuna anayesubiri", "Kusubiri: chini ya dakika 5"),
        ("Mtu 1 anasubiri", "Kusubiri: takriban saa 1 na dakika 15"),
        ("Watu 9 wanasubiri", "Kusubiri: bado haijulikani"),
    ]


@async_test
async def test_an_invalid_phone_number_is_refused_on_screen():
    kiosk = Kiosk()
    await kiosk.walk_in("BC")
    for digit in "07123":
        kiosk.vm.press_digit(digit)
    kiosk.vm.submit_phone()
    assert kiosk.vm.message == translate("phone_invalid", Language.EN)
    assert kiosk.backend.calls == []
    kiosk.vm.press_digit("4")
    assert kiosk.vm.message == ""


@async_test
async def test_leaving_the_kiosk_alone_returns_to_the_start():
    kiosk = Kiosk()
    kiosk.vm.choose_language("sw")
    await kiosk.clock.advance(40)
    kiosk.vm.note_activity()
    await kiosk.clock.advance(40)
    assert kiosk.screen is KioskScreen.SERVICES
    await kiosk.clock.advance(5)
    assert kiosk.screen is KioskScreen.WELCOME
    assert kiosk.vm.language is Language.EN


@async_test
async def test_back_goes_one_step_back():
    kiosk = Kiosk()
    await kiosk.walk_in("NID")
    kiosk.vm.choose_priority("")
    assert kiosk.screen is KioskScreen.PHONE
    kiosk.vm.go_back()
    assert kiosk.screen is KioskScreen.PRIORITY
    kiosk.vm.go_back()
    assert kiosk.screen is KioskScreen.SERVICES
    kiosk.vm.go_back()
    assert kiosk.screen is KioskScreen.WELCOME


@async_test
async def test_an_appointment_is_checked_in_by_typed_reference():
    kiosk = Kiosk()
    kiosk.vm.choose_language("en")
    kiosk.vm.open_check_in()
    for key in "hc-7k2q":
        kiosk.vm.press_key(key)
    kiosk.vm.delete_key()
    kiosk.vm.press_key("9")
    kiosk.vm.submit_check_in()
    await settle()
    assert [(c["kind"], c["reference"], c["phone"]) for c in kiosk.backend.calls] == [
        ("check_in", "HC-7K29", None)
    ]
    assert kiosk.screen is KioskScreen.TICKET
    assert kiosk.vm.ticket_note == "Appointment at 10:30"
    assert kiosk.vm.slip_progress == SlipProgress.PRINTED


@async_test
async def test_an_appointment_is_checked_in_by_phone():
    kiosk = Kiosk()
    kiosk.vm.open_check_in()
    kiosk.vm.set_check_in_mode("phone")
    for digit in "254112345678":
        kiosk.vm.press_digit(digit)
    kiosk.vm.submit_check_in()
    await settle()
    assert [(c["reference"], c["phone"]) for c in kiosk.backend.calls] == [(None, "+254112345678")]


@async_test
async def test_a_scanned_qr_code_checks_in_from_the_start_screen():
    kiosk = Kiosk()
    kiosk.vm.receive_scan("https://huduma.example/appointments?ref=ab12cd")
    await settle()
    assert [c["reference"] for c in kiosk.backend.calls] == ["AB12CD"]
    assert kiosk.screen is KioskScreen.TICKET


@async_test
async def test_an_unknown_booking_stays_on_check_in_with_the_reason():
    backend = FakeBackend(outcomes=[refused("appointment_not_found")])
    kiosk = Kiosk(backend=backend)
    kiosk.vm.open_check_in()
    for key in "ZZ99ZZ":
        kiosk.vm.press_key(key)
    kiosk.vm.submit_check_in()
    await settle()
    assert kiosk.screen is KioskScreen.CHECK_IN
    assert kiosk.vm.reference_text == "ZZ99ZZ"
    assert kiosk.vm.message == translate("error_appointment_not_found", Language.EN)


@async_test
async def test_a_short_reference_is_refused_before_asking_the_server():
    kiosk = Kiosk()
    kiosk.vm.open_check_in()
    kiosk.vm.press_key("A")
    kiosk.vm.submit_check_in()
    kiosk.vm.receive_scan("x")
    assert kiosk.vm.message == translate("reference_invalid", Language.EN)
    assert kiosk.backend.calls == []


@async_test
async def test_a_double_tap_on_the_last_step_does_not_take_the_ticket_off_the_screen():
    kiosk = Kiosk(ask_phone=False)
    await kiosk.walk_in("BC")
    kiosk.vm.finish()
    assert kiosk.screen is KioskScreen.TICKET
    await kiosk.clock.advance(KioskTimings().finish_guard)
    kiosk.vm.finish()
    assert kiosk.screen is KioskScreen.WELCOME


@async_test
async def test_touches_just_after_a_new_screen_appears_are_not_for_it():
    kiosk = Kiosk()
    assert kiosk.vm.accepts_touch()
    kiosk.vm.choose_language("en")
    assert not kiosk.vm.accepts_touch()
    await kiosk.clock.advance(KioskTimings().touch_settle + 0.01)
    assert kiosk.vm.accepts_touch()
    kiosk.vm.toggle_language()
    assert kiosk.vm.accepts_touch()
