"""End to end: the centre, a kiosk, a counter and a hall display, each its own process.

A citizen touches the kiosk's window for a walk-in ticket and leaves a phone number for an SMS;
another scans a booking (with a phone and an ID number) at the kiosk; the slips come out of a
loopback 9100 printer. Staff log in at the counter's window and press F1; the hall display
shows the call and writes its announcement. Every app is driven through the X server (pointer
and keys), and the kiosk and the display reach the centre through recording proxies: nothing
they receive carries a phone number, an ID number, or a staff member's name or number.
"""

import json
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from PIL import Image

from display import audio
from printers.decode import decode_escpos
from tests.e2e.window import personal_data
from tests.e2e.window.apps import ObservedApp

pytestmark = [pytest.mark.window, pytest.mark.timeout(240)]

WALK_IN_SERVICE, COUNTER = "DL", "C11"  # Counter 11 serves driving licences only
CITIZEN_PHONE = "0722334455"
BOOKING = {
    "reference": "E2E-0001",
    "service_code": "NID",
    "phone": "+254733445566",
    "id_number": "27182818",
}
TICKET_SECONDS = 30.0
ANNOUNCEMENT_SECONDS = 60.0


@pytest.fixture
def apps(centre, proxies, printer, screen, tmp_path):
    """Kiosk, counter and display processes, started together; all stopped at the end."""
    kiosk_proxy, display_proxy = proxies
    audio_dir = tmp_path / "announcements"
    quiet = {"KIVY_NO_FILELOG": "1", "KCFG_KIVY_LOG_LEVEL": "info"}
    started = []
    try:
        started.append(
            ObservedApp(
                "display",
                [
                    *("--server", display_proxy.url, "--windowed", "--mute"),
                    *("--audio-dir", str(audio_dir)),
                    # Highlighted for the whole test, however long the counter takes.
                    *("--highlight-seconds", "120"),
                ],
                env={**quiet, "FOLENI_DISPLAY_TOKEN": centre.token("display")},
                screen=screen,
                folder=tmp_path,
            )
        )
        started.append(
            ObservedApp(
                "counter",
                ["--server", centre.url, "--counter", COUNTER, "--windowed"],
                env=quiet,
                screen=screen,
                folder=tmp_path,
            )
        )
        started.append(
            ObservedApp(
                "kiosk",
                [
                    *("--server", kiosk_proxy.url, "--windowed", "--poll-seconds", "1"),
                    *("--printer", f"network:{printer.host}:{printer.port}"),
                ],
                env={**quiet, "FOLENI_KIOSK_TOKEN": centre.token("kiosk")},
                screen=screen,
                folder=tmp_path,
            )
        )
        display, counter, kiosk = started
        yield kiosk, counter, display, audio_dir
    finally:
        for app in started:
            app.stop()


def import_booking(centre):
    slot = (datetime.now(UTC) + timedelta(minutes=20)).replace(second=0, microsecond=0)
    with centre.http("admin") as http:
        answer = http.post(
            "/api/v1/appointments/import",
            json={"appointments": [{**BOOKING, "slot_start": slot.isoformat()}]},
        )
    assert answer.status_code in (200, 201), answer.text


def take_walk_in_ticket(kiosk):
    """A citizen at the kiosk: English, the service, no priority, a phone number for an SMS."""
    kiosk.wait_for(
        lambda: kiosk.state().get("online") and kiosk.state().get("service_tiles"),
        "the kiosk's menu",
    )
    kiosk.bring_forward()
    kiosk.click(kiosk.wait_for_widget(lambda w: w["id"] == "choose_en", "English"))
    kiosk.wait_for_screen("services")
    kiosk.click(kiosk.wait_for_widget(lambda w: w.get("code") == WALK_IN_SERVICE, "the tile"))
    kiosk.wait_for(lambda: kiosk.state().get("screen") in ("priority", "phone"), "next screen")
    if kiosk.state()["screen"] == "priority":
        kiosk.wait_for_screen("priority")
        kiosk.click(kiosk.wait_for_widget(lambda w: w.get("code") == "", "No, thank you"))
    kiosk.wait_for_screen("phone")
    for digit in CITIZEN_PHONE:
        kiosk.click(kiosk.wait_for_widget(lambda w, d=digit: w.get("key") == d, f"key {digit}"))
    kiosk.wait_for(
        lambda: kiosk.state().get("phone_digits") == CITIZEN_PHONE, "the typed phone number"
    )
    kiosk.click(kiosk.wait_for_widget(lambda w: w["id"] == "submit_phone", "Send me an SMS"))
    return wait_for_printed_ticket(kiosk)


def wait_for_printed_ticket(kiosk, *, after=""):
    def printed():
        state = kiosk.state()
        shown = state.get("screen") == "ticket" and state.get("slip_progress") == "printed"
        return shown and state.get("ticket_number") not in ("", after) and state["ticket_number"]

    number = kiosk.wait_for(printed, "a printed ticket", within=TICKET_SECONDS)
    # What the citizen reads: the number in large type on the ticket screen.
    kiosk.wait_for_widget(lambda w: w["id"] == "ticket_number" and w["text"] == number, number)
    return number


def finish_at_kiosk(kiosk):
    # "Finish" ignores touches for 2 s after the ticket appears (a double tap's tail).
    time.sleep(2.2)
    kiosk.click(kiosk.wait_for_widget(lambda w: w["id"] == "done", "Finish"))
    kiosk.wait_for_screen("welcome")


def scan_booking(kiosk, *, after):
    """A keyboard-wedge scanner types the booking's QR code and Enter on the start screen."""
    kiosk.bring_forward()
    kiosk.type_text(BOOKING["reference"].lower())
    kiosk.press("Return")
    return wait_for_printed_ticket(kiosk, after=after)


def log_in_at_counter(counter, staff):
    counter.bring_forward()
    for field, text in (("staff_number", staff["staff_number"]), ("pin", staff["pin"])):
        counter.click(counter.wait_for_widget(lambda w, f=field: w["id"] == f, field))
        counter.wait_for_widget(lambda w, f=field: w["id"] == f and w.get("focus"), "focus")
        counter.type_text(text)
    counter.wait_for(lambda: counter.state("login_vm").get("can_log_in"), "a filled form")
    counter.press("Return")
    counter.wait_for(lambda: counter.state().get("online"), "the counter screen, online")


def personal_data_rules(centre):
    rules = [
        personal_data.phone("the citizen's phone", CITIZEN_PHONE),
        personal_data.phone("the booking's phone", BOOKING["phone"]),
        personal_data.id_number("the booking's ID number", BOOKING["id_number"]),
        personal_data.word("a staff name", "Demo staff"),
        personal_data.word("a staff name", "Demo manager"),
        personal_data.word(
            "the manager's staff number", centre.credentials["manager"]["staff_number"]
        ),
    ]
    rules += [
        personal_data.phone("a demo booking's phone", b["phone"])
        for b in centre.credentials["appointments"]
    ]
    rules += [
        personal_data.word("a staff number", s["staff_number"]) for s in centre.credentials["staff"]
    ]
    return rules


def received_texts(name, proxy):
    """Every byte the client received, raw and decoded, as (where, text) pairs."""
    texts = [(f"{name}: raw bytes", proxy.received().decode("latin-1"))]
    for exchange in proxy.exchanges():
        where = f"{name}: {exchange.request or '?'} -> {exchange.status}"
        texts.append((where, exchange.body.decode("utf-8", errors="replace")))
        texts += [
            (f"{where} (websocket)", m.decode("utf-8", errors="replace")) for m in exchange.messages
        ]
    return texts


def test_a_walk_in_is_printed_called_at_a_counter_shown_and_announced_in_the_hall(
    centre, apps, printer, proxies, screen, artifacts
):
    kiosk, counter, display, audio_dir = apps
    kiosk_proxy, display_proxy = proxies
    import_booking(centre)
    staff = next(s for s in centre.credentials["staff"] if s["counter"] == COUNTER)

    # The kiosk: a walk-in with an SMS number, then a booking scanned at the start screen.
    number = take_walk_in_ticket(kiosk)
    screen.screenshot(artifacts / "e2e-kiosk-ticket.png")
    finish_at_kiosk(kiosk)
    booked_number = scan_booking(kiosk, after=number)

    # The counter: staff log in on the form, the ticket shows in the waiting list, F1 calls it.
    log_in_at_counter(counter, staff)
    counter.wait_for_widget(
        lambda w: w["class"] == "UpcomingRow" and w.get("number") == number, f"{number} waiting"
    )
    counter.bring_forward()
    counter.press("F1")
    counter.wait_for_widget(lambda w: w["id"] == "ticket_number" and w["text"] == number, "called")
    counter.wait_for(
        lambda: not counter.find(lambda w: w["class"] == "UpcomingRow"), "the list emptied"
    )
    screen.screenshot(artifacts / "e2e-counter-called.png")

    # The hall display: the call on the board, highlighted, and its announcement.
    display.wait_for_widget(lambda w: w["id"] == "current_number" and w["text"] == number, number)
    assert display.state("view_model")["highlighted"]
    counter_name = display.find(lambda w: w["id"] == "current_counter")["text"]
    assert counter_name.startswith("Counter 11")
    display.bring_forward()
    time.sleep(0.5)  # a frame drawn on top
    board = screen.screenshot(artifacts / "e2e-display-called.png")
    darkest, brightest = Image.open(board).convert("L").getextrema()
    assert brightest - darkest > 100  # a drawn board, not a blank screen
    wav = display.wait_for(
        lambda: announcement(audio_dir, number),
        f"an announcement of {number}",
        within=ANNOUNCEMENT_SECONDS,
    )
    sound = audio.from_wav(wav.read_bytes())
    assert 3.0 < sound.duration < 20.0  # chime, English and Swahili
    assert audio.rms(sound) > 0.02  # not silence

    # The centre: the walk-in, called to Counter 11; the booking checked in.
    with centre.http("manager") as http:
        hall = http.get("/api/v1/hall").raise_for_status().json()
    tickets = {t["number"]: t for t in hall["tickets"]}
    walk_in = tickets[number]
    assert (walk_in["service_code"], walk_in["source"], walk_in["status"], walk_in["counter"]) == (
        WALK_IN_SERVICE,
        "walk_in",
        "called",
        COUNTER,
    )
    assert tickets[booked_number]["source"] == "appointment"

    # The printer: the slip's text and its QR code, the ticket's status page.
    issued = kiosk_answer(kiosk_proxy, "POST /api/v1/tickets ", 201)
    assert issued["number"] == number
    # The centre has the number for the SMS (so there is personal data to leak), shown masked.
    assert issued["phone_masked"].replace(" ", "").endswith("455")
    slip = decode_escpos(printer.received)
    assert slip.line_containing(number).bold
    assert issued["status_url"] in [qr.payload for qr in slip.qr_codes]
    status = httpx.get(
        issued["status_url"], headers={"Accept": "application/json"}, trust_env=False
    )
    assert status.raise_for_status().json()["number"] == number
    checked_in = kiosk_answer(kiosk_proxy, "POST /api/v1/appointments/check-in ", 201)
    assert checked_in["ticket"]["number"] == booked_number

    # Personal data: nothing the display or the kiosk received carries any of it.
    display_texts = received_texts("display", display_proxy)
    kiosk_texts = received_texts("kiosk", kiosk_proxy)
    streamed = "\n".join(text for where, text in display_texts if "(websocket)" in where)
    assert '"ticket.called"' in streamed and number in streamed  # the scan reads plain text
    assert any("GET /api/v1/hall" in where for where, _ in display_texts)
    rules = personal_data_rules(centre)
    assert personal_data.found(display_texts + kiosk_texts, rules) == []
    assert personal_data.shaped_like_phone_or_id(display_texts + kiosk_texts) == []


def announcement(folder, number):
    """The WAV announcing `number`, once it is whole (its RIFF header gives its length)."""
    for path in sorted(folder.glob("*.wav")) if folder.exists() else []:
        if number in path.name:
            data = path.read_bytes()
            whole = len(data) > 8 and int.from_bytes(data[4:8], "little") + 8 == len(data)
            return path if whole else None
    return None


def kiosk_answer(proxy, request, status):
    """The JSON body of the kiosk's first `request` answered with `status`."""
    for exchange in proxy.exchanges():
        if exchange.request.startswith(request) and exchange.status == status:
            return json.loads(exchange.body)
    raise AssertionError(f"no {request.strip()} answered {status} reached the kiosk")
