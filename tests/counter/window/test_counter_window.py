"""The real counter window against a real demo centre (run under Xvfb, marker `window`).

One window serves the module (Kivy holds one per process); each test logs in at its own counter
through the login form and logs out at the end. The second counter of the race is a second
`CounterViewModel` with its own staff session and link on the same asyncio loop as the window:
the exact code behind a counter window, and both calls leave at the same instant over two HTTP
connections, a real race at the server (a second app in a subprocess would add process start-up
and IPC delays that make the "race" sequential and the test slow).
"""

import asyncio
import os
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.window
DOCS_IMG = Path(__file__).resolve().parents[3] / "docs" / "img"


@pytest.fixture(scope="module")
def h():
    # Configured and imported here, not at collection: importing Kivy's window opens one, which
    # the headless run (`-m "not window"`) must not do. A fixed-size window, never full screen.
    from counter.window_setup import configure

    configure(windowed=True)
    from tests.counter.window import harness

    return harness


@pytest.fixture(scope="module")
def window(centre, h):
    session = h.WindowSession(centre.url)
    yield session
    session.close()


async def log_in(h, window, centre, counter):
    staff = centre.staff_at(counter)
    return await h.log_in_window(
        window.app, staff_number=staff["staff_number"], pin=staff["pin"], counter=counter
    )


def test_a_wrong_pin_is_refused_in_plain_words(centre, artifacts, window, h):
    async def scenario():
        app = window.app
        login = app.root.get_screen("login")
        await h.type_text(login.ids.staff_number, centre.staff_at("C03")["staff_number"])
        await h.type_text(login.ids.pin, "000000")
        await h.type_text(login.ids.counter, "C03")
        await h.press("enter")
        await h.wait_for(lambda: app.login_vm.error_code)
        assert app.login_vm.error_code == "invalid_credentials"
        assert login.ids.error.text == app.login_vm.error
        assert app.root.current == "login" and login.ids.pin.text == ""
        await h.screenshot(artifacts, "counter-login-refused")

    window.run(scenario)


def test_two_counters_race_for_the_last_ticket(centre, artifacts, window, h):
    async def scenario():
        mine = await log_in(h, window, centre, "C01")  # serves NID verification
        other, other_link = await h.second_counter(centre.url, centre.staff_at("C02"))
        try:
            # C02 serves NID verification and birth certificates: emptied, it leaves nobody
            # waiting for C01 either.
            await h.drain(other_link)
            await h.wait_for(lambda: mine.waiting_count == 0 and other.waiting_count == 0)
            number = await h.issue(centre.url, centre.kiosk_token, "NID")
            # Both lists learn of it from the event stream: nobody polls.
            await h.wait_for(lambda: mine.waiting_count == 1 and other.waiting_count == 1)
            assert mine.upcoming[0]["number"] == number

            h.key_down("f1")  # F1 on the window ...
            other_won = await other.call_next()  # ... while Counter 2 calls at the same time.
            await mine.settle()
            holders = [vm for vm in (mine, other) if vm.ticket_number == number]
            assert len(holders) == 1
            loser = other if holders[0] is mine else mine
            assert other_won is (holders[0] is other)
            assert loser.message_code in {"no_waiting_tickets", "ticket_taken"}
            assert loser.message and loser.message_is_error and not loser.has_ticket
            await h.screenshot(artifacts, "counter-race")

            # The window on the losing side, every time: Counter 2 takes the next ticket first
            # while the window still lists it.
            await holders[0].finish()
            await h.issue(centre.url, centre.kiosk_token, "NID")
            await h.wait_for(lambda: mine.waiting_count == 1 and other.waiting_count == 1)
            stale = mine.upcoming[0]["ticket_id"]
            assert await other.serve_ticket(stale)
            assert await mine.serve_ticket(stale) is False
            assert mine.message_code == "ticket_taken"
            await h.wait_for(lambda: mine.waiting_count == 0)
            await h.screenshot(artifacts, "counter-ticket-taken")
            await h.press("f1")
            await h.wait_for(lambda: mine.message_code == "no_waiting_tickets")
            await other.finish()
        finally:
            await other.stop()
            await other_link.aclose()

    window.run(scenario)


def test_transfer_lands_in_the_other_services_queue(centre, artifacts, window, h):
    async def scenario():
        app = window.app
        mine = await log_in(h, window, centre, "C07")  # birth and death certificates
        pcc, pcc_link = await h.second_counter(centre.url, centre.staff_at("C09"))  # good conduct
        try:
            await h.issue(centre.url, centre.kiosk_token, "DC", phone="+254712345678")
            await h.wait_for(lambda: mine.can_call_next and mine.waiting_count >= 1)
            await h.press("spacebar")
            await h.wait_for(lambda: mine.has_ticket)
            number = mine.ticket_number
            await h.press("s")
            await h.wait_for(lambda: mine.ticket_state == "Serving")

            await h.press("t")
            await h.wait_for(lambda: app.dialog is not None)
            dialog = app.dialog
            target = next(b for b in dialog.ids.services.children if b.code == "PCC")
            await h.click(target)
            assert (dialog.target_kind, dialog.target_code) == ("service", "PCC")
            await h.type_text(dialog.ids.note, "Needs a police abstract first")
            await h.screenshot(artifacts, "counter-transfer")
            await h.press("enter")

            await h.wait_for(lambda: not mine.has_ticket and app.dialog is None)
            assert number in mine.message and not mine.message_is_error
            # Counter 9 sees it arrive through its event stream, and the centre agrees.
            await h.wait_for(lambda: any(r["number"] == number for r in pcc.upcoming))
            queue = await pcc_link.client.counter_queue(counter="C09", limit=50)
            moved = next(e.ticket for e in queue.next if e.ticket.number == number)
            assert (moved.service_code, moved.status) == ("PCC", "waiting")
            assert moved.note == "Needs a police abstract first"
        finally:
            await pcc.stop()
            await pcc_link.aclose()

    window.run(scenario)


def test_pause_stops_calls_until_resumed(centre, artifacts, window, h):
    async def scenario():
        from centre_client.errors import CentreApiError

        app = window.app
        mine = await log_in(h, window, centre, "C11")  # driving licences
        await h.press("p")
        await h.wait_for(lambda: app.dialog is not None)
        await h.screenshot(artifacts, "counter-pause-dialog")
        await h.press("b")
        await h.wait_for(lambda: mine.counter_status == "paused" and app.dialog is None)
        assert mine.status_text == "Paused: Break"

        number = await h.issue(centre.url, centre.kiosk_token, "DL")
        await h.wait_for(lambda: mine.waiting_count == 1)
        assert app.root.get_screen("counter").ids.call_next.disabled
        await h.press("f1")
        await h.press("1")
        await mine.settle()
        assert not mine.has_ticket
        # The centre itself refuses a call at a paused counter, whatever a client sends.
        with pytest.raises(CentreApiError) as refused:
            await window.link.client.call_next(counter="C11")
        assert refused.value.code == "counter_paused"
        await h.screenshot(artifacts, "counter-paused")

        await h.press("p")
        await h.wait_for(lambda: mine.counter_status == "open")
        await h.press("f1")
        await h.wait_for(lambda: mine.ticket_number == number)
        await h.press("n")
        await h.wait_for(lambda: not mine.has_ticket)

    window.run(scenario)


def test_a_working_counter_for_the_docs(centre, artifacts, window, h):
    async def scenario():
        mine = await log_in(h, window, centre, "C15")  # KRA
        await h.issue(centre.url, centre.kiosk_token, "KRA")
        await h.wait_for(lambda: mine.waiting_count == 1)
        await h.press("f1")
        await h.wait_for(lambda: mine.has_ticket)
        await h.press("s")
        await asyncio.sleep(1.2)
        await h.press("f")
        await h.wait_for(lambda: mine.served_today == 1)
        await h.issue(centre.url, centre.kiosk_token, "KRA", phone="+254712345678")
        for priority in (None, "elderly", None, "pregnant_or_infant", None):
            fields = {"priority": priority} if priority else {}
            await h.issue(centre.url, centre.kiosk_token, "KRA", **fields)
        await h.wait_for(lambda: mine.waiting_count == 6)
        await h.press("f1")
        await h.wait_for(lambda: mine.has_ticket)
        await h.press("s")
        await h.wait_for(lambda: mine.ticket_phone and len(mine.upcoming) == 5)
        await h.wait_for(lambda: mine.ticket_elapsed not in {"", "00:00"})
        shot = await h.screenshot(artifacts, "counter-serving")
        if os.environ.get("FOLENI_UPDATE_DOCS_IMG") == "1":  # refresh the docs' picture
            shutil.copyfile(shot, DOCS_IMG / "counter-screen.png")

    window.run(scenario)


def test_offline_is_visible_and_actions_wait_until_back(centre, artifacts, window, h):
    async def scenario():
        mine = await log_in(h, window, centre, "C13")  # NHIF
        screen = window.app.root.get_screen("counter")
        buttons = [screen.ids[name] for name in ("call_next", "pause", "recall", "finish")]
        await h.issue(centre.url, centre.kiosk_token, "NHIF")
        await h.wait_for(lambda: mine.waiting_count == 1 and mine.can_call_next)

        await window.proxy.cut()
        await h.wait_for(lambda: not mine.online)
        await h.frames(2)
        assert screen.ids.online.text == "Offline · actions off"
        assert mine.message_code == "server_unreachable" and screen.ids.message.text
        assert all(button.disabled for button in buttons)
        await h.press("f1")
        await h.press("1")
        assert not mine.busy and not mine.has_ticket
        await h.screenshot(artifacts, "counter-offline")

        await window.proxy.open()
        await h.wait_for(lambda: mine.online and mine.can_call_next, within=15)
        # Back: a touch on the second row calls that ticket, out of the policy's order.
        second = await h.issue(centre.url, centre.kiosk_token, "NHIF")
        await h.wait_for(lambda: len(mine.upcoming) == 2)
        await h.frames(2)
        rows = screen.ids.upcoming.children[0].children
        await h.click(next(row for row in rows if row.number == second))
        await h.wait_for(lambda: mine.ticket_number == second)
        await h.press("f")
        await h.wait_for(lambda: not mine.has_ticket)
        await h.press("1")
        await h.wait_for(lambda: mine.has_ticket)
        await h.press("f")
        await h.wait_for(lambda: not mine.has_ticket)

    window.run(scenario)
