"""What the kiosk's screens show, decided by the view-model: screens.kv only binds to it."""

import asyncio

from kiosk.i18n import Language, translate
from kiosk.view_model import KioskScreen, KioskTimings
from tests.kiosk.fakes import FakeBackend, menu, service, settle
from tests.kiosk.test_view_model import Kiosk, async_test


def check_in_shown(kiosk):
    vm = kiosk.vm
    return (
        vm.checking_in_by_reference,
        vm.checking_in_by_phone,
        vm.check_in_keypad,
        vm.check_in_hint,
        vm.check_in_typed,
    )


def test_the_check_in_screen_follows_the_mode_in_force():
    kiosk = Kiosk()
    kiosk.vm.choose_language("sw")
    kiosk.vm.open_check_in()
    for key in "AB12":
        kiosk.vm.keypad_key(key)
    hint = translate("check_in_hint_reference", Language.SW)
    assert check_in_shown(kiosk) == (True, False, "letters", hint, "AB12")

    kiosk.vm.set_check_in_mode("phone")
    for key in "0712":
        kiosk.vm.keypad_key(key)
    hint = translate("check_in_hint_phone", Language.SW)
    assert check_in_shown(kiosk) == (False, True, "digits", hint, "0712")

    kiosk.vm.toggle_language()
    assert kiosk.vm.check_in_hint == translate("check_in_hint_phone", Language.EN)
    kiosk.vm.set_check_in_mode("reference")
    assert kiosk.vm.check_in_typed == "AB12"


def test_page_buttons_are_offered_only_where_there_is_a_page_to_turn_to():
    services = [service(f"S{i}") for i in range(10)]
    kiosk = Kiosk(backend=FakeBackend(menu=menu(*services)), per_page=4)
    kiosk.vm.choose_language("en")
    assert (kiosk.vm.has_previous_page, kiosk.vm.has_next_page) == (False, True)
    kiosk.vm.next_page()
    assert (kiosk.vm.has_previous_page, kiosk.vm.has_next_page) == (True, True)
    kiosk.vm.next_page()
    assert (kiosk.vm.has_previous_page, kiosk.vm.has_next_page) == (True, False)
    assert kiosk.vm.page_text == "Page 3 of 3"


def test_one_page_of_services_shows_no_page_number_and_no_page_buttons():
    kiosk = Kiosk()
    kiosk.vm.choose_language("en")
    assert kiosk.vm.page_text == ""
    assert (kiosk.vm.has_previous_page, kiosk.vm.has_next_page) == (False, False)


def test_no_thank_you_is_the_one_priority_answer_that_declines():
    kiosk = Kiosk()
    declines = {tile["code"]: tile["declines"] for tile in kiosk.vm.priority_tiles}
    assert declines == {"elderly": False, "disability": False, "pregnant": False, "": True}


@async_test
async def test_the_ticket_screen_says_what_happens_until_the_number_is_there():
    kiosk = Kiosk(ask_phone=False, backend=FakeBackend(gate=asyncio.Event()))
    kiosk.vm.choose_language("en")
    kiosk.vm.choose_service("BC")
    await asyncio.sleep(0)
    assert kiosk.screen is KioskScreen.TICKET
    assert not kiosk.vm.has_ticket
    assert kiosk.vm.ticket_headline == translate("issuing", Language.EN)
    assert (kiosk.vm.ticket_title, kiosk.vm.slip_band) == ("", "")
    assert not kiosk.vm.can_finish

    kiosk.backend.gate.set()
    await settle()
    assert kiosk.vm.has_ticket
    assert kiosk.vm.ticket_headline == "B-001"
    assert kiosk.vm.ticket_title == translate("ticket_title", Language.EN)
    assert kiosk.vm.slip_band == translate("printed", Language.EN)
    assert kiosk.vm.slip_tone == "ok"
    assert kiosk.vm.can_finish
    assert kiosk.vm.can_press_reprint


@async_test
async def test_a_slip_that_did_not_print_is_said_in_the_alert_tone():
    kiosk = Kiosk(ask_phone=False)
    kiosk.station.state = "paper_out"
    await kiosk.walk_in("BC")
    assert kiosk.vm.slip_band == translate("print_failed", Language.EN)
    assert kiosk.vm.slip_tone == "alert"

    kiosk.station.state = "ok"
    kiosk.vm.reprint()
    await settle()
    assert kiosk.vm.slip_tone == "ok"


@async_test
async def test_print_again_cannot_be_pressed_while_a_slip_is_printing():
    kiosk = Kiosk(ask_phone=False)
    await kiosk.walk_in("BC")
    assert kiosk.vm.can_press_reprint
    kiosk.vm.printing = True  # as during a print job: a second press would print twice
    assert not kiosk.vm.can_press_reprint
    kiosk.vm.printing = False
    await kiosk.clock.advance(KioskTimings().reprint_window)
    assert not kiosk.vm.can_press_reprint
