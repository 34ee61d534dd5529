"""The kiosk's view-model: which screen shows what, and what each touch does."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from enum import StrEnum
from typing import Any, Final

from kivy.event import EventDispatcher
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    OptionProperty,
    StringProperty,
)

from app_shell.clock import Scheduler, Timer
from app_shell.tasks import TaskSet
from centre_client.errors import CentreApiError, CentreUnavailable
from centre_core.alerts import DEVICE_REPORT_SECONDS
from kiosk import phone as phones
from kiosk.i18n import (
    Language,
    Translator,
    closed_reason_key,
    duration_text,
    error_key,
    translate,
    waiting_text,
)
from kiosk.keys import CLEAR_KEY, DELETE_KEY
from kiosk.models import IssuedTicket, KioskMenu, ServiceOption
from kiosk.ports import (
    KioskBackend,
    PrintFailed,
    PrintStation,
)
from kiosk.scanner import normalise_reference, reference_from_scan
from translations import formats

log = logging.getLogger(__name__)


class KioskScreen(StrEnum):
    """The kiosk's screens (also the names of the kv `Screen`s)."""

    WELCOME = "welcome"
    SERVICES = "services"
    PRIORITY = "priority"
    PHONE = "phone"
    CHECK_IN = "check_in"
    TICKET = "ticket"
    OUT_OF_SERVICE = "out_of_service"


class SlipProgress(StrEnum):
    """How far the slip of the ticket on screen got: issued, printing, printed, or not printed.

    (A "stage" elsewhere is a step of a multi-stage service; this is only the paper.)
    """

    ISSUING = "issuing"
    PRINTING = "printing"
    PRINTED = "printed"
    NOT_PRINTED = "not_printed"


class CheckInMode(StrEnum):
    """How the citizen identifies an appointment."""

    REFERENCE = "reference"
    PHONE = "phone"


# Screens where a citizen is choosing: left alone there, the kiosk goes back to the start.
_CHOOSING: Final = frozenset(
    {KioskScreen.SERVICES, KioskScreen.PRIORITY, KioskScreen.PHONE, KioskScreen.CHECK_IN}
)
REFERENCE_MAX_LENGTH: Final = 24


@dataclass(frozen=True, slots=True)
class KioskTimings:
    """How long things last at the kiosk, in seconds."""

    inactivity: float = 45.0
    ticket_shown: float = 20.0
    # A ticket that did not print stays longer: the citizen must read or photograph it.
    unprinted_ticket_shown: float = 90.0
    reprint_window: float = 15.0
    # "Finish" sits where the last button of the previous screen was: a double tap there must
    # not take the ticket off the screen before the citizen has read it.
    finish_guard: float = 2.0
    # Touches this soon after a new screen appears are dropped: the second tap of a double tap
    # would otherwise land on whatever the new screen has there (a priority category, a key).
    touch_settle: float = 0.4
    # Backoff between resends of one attempt (same request id) when the server does not answer.
    retry_delays: tuple[float, ...] = (0.5, 1.0, 2.0)
    # After an outage, an attempt this recent is resent: the citizen is probably still there.
    resume_window: float = 120.0
    # How often the menu's queues are refreshed; the same request tells whether the server is up.
    poll: float = 5.0
    # While the server is away, how often to try it again (recovery is automatic).
    offline_poll: float = 2.0
    printer_check: float = 30.0
    # The printer's state is reported again at least this often, changed or not.
    status_report: float = DEVICE_REPORT_SECONDS


@dataclass(frozen=True, slots=True)
class TicketAttempt:
    """One citizen's request for a ticket; its `request_id` makes every resend idempotent."""

    started_at: float
    service_code: str | None = None
    priority: str | None = None
    phone: str | None = None
    reference: str | None = None
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def is_check_in(self) -> bool:
        """Whether this attempt checks in an appointment (else a walk-in ticket)."""
        return self.service_code is None


class KioskViewModel(EventDispatcher):
    """State and actions of the whole kiosk flow; the kv files only bind to it."""

    screen = StringProperty(KioskScreen.WELCOME.value)
    online = BooleanProperty(True)
    busy = BooleanProperty(False)
    message = StringProperty("")
    centre_name = StringProperty("")
    # Service menu.
    service_tiles = ListProperty()
    page = NumericProperty(0)
    page_count = NumericProperty(1)
    # "Page 2 of 3", or "" when every service fits on one page.
    page_text = StringProperty("")
    has_previous_page = BooleanProperty(False)
    has_next_page = BooleanProperty(False)
    chosen_service = StringProperty("")
    # Priority question.
    priority_tiles = ListProperty()
    # Phone number (SMS) and check-in by phone.
    phone_digits = StringProperty("")
    phone_display = StringProperty("")
    # Appointment check-in.
    check_in_mode = StringProperty(CheckInMode.REFERENCE.value)
    reference_text = StringProperty("")
    # What the check-in screen shows for the mode in force.
    checking_in_by_reference = BooleanProperty(True)
    checking_in_by_phone = BooleanProperty(False)
    check_in_keypad = OptionProperty("letters", options=["letters", "digits"])
    check_in_hint = StringProperty("")
    check_in_typed = StringProperty("")
    # Ticket screen.
    slip_progress = StringProperty(SlipProgress.ISSUING.value)
    ticket_number = StringProperty("")
    ticket_service = StringProperty("")
    ticket_ahead = StringProperty("")
    ticket_wait = StringProperty("")
    ticket_note = StringProperty("")
    ticket_status = StringProperty("")
    ticket_hint = StringProperty("")
    ticket_preview = ObjectProperty(None, allownone=True)
    has_ticket = BooleanProperty(False)
    ticket_title = StringProperty("")
    # The big line: the ticket's number, or what is happening while there is none yet.
    ticket_headline = StringProperty("")
    # The band under the ticket: how its slip printed ("" before there is a ticket).
    slip_band = StringProperty("")
    slip_tone = OptionProperty("ok", options=["ok", "alert"])
    can_reprint = BooleanProperty(False)
    printing = BooleanProperty(False)
    can_press_reprint = BooleanProperty(False)
    can_finish = BooleanProperty(True)

    def __init__(
        self,
        *,
        backend: KioskBackend,
        station: PrintStation,
        scheduler: Scheduler,
        timezone: tzinfo,
        default_language: Language = Language.EN,
        ask_phone: bool = True,
        services_per_page: int = 6,
        timings: KioskTimings | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.tr = Translator(language=default_language.value)
        self.tasks = TaskSet()
        self._backend = backend
        self._station = station
        self._scheduler = scheduler
        self._timezone = timezone
        self._default_language = default_language
        self._ask_phone = ask_phone
        self._per_page = services_per_page
        self._timings = timings or KioskTimings()
        self._menu = KioskMenu(centre_name="", services=())
        self._service: ServiceOption | None = None
        self._priority: str | None = None
        self._attempt: TicketAttempt | None = None
        self._ticket: IssuedTicket | None = None
        self._ticket_shown_at = 0.0
        self._screen_since = float("-inf")
        self._message_key = ""
        self._message_note: str | None = None
        self._printer_reported: str | None = None
        self._printer_reported_at: float | None = None
        self._printer_checked_at: float | None = None
        self._timers: dict[str, Timer] = {}
        self.tr.bind(language=lambda *_: self._refresh_texts())
        self.bind(
            check_in_mode=self._show_check_in,
            reference_text=self._show_check_in,
            phone_display=self._show_check_in,
            busy=self._update_buttons,
            can_reprint=self._update_buttons,
            printing=self._update_buttons,
        )
        self._refresh_texts()

    # Language -----------------------------------------------------------------------------

    @property
    def language(self) -> Language:
        """The language in force."""
        return self.tr.current

    def choose_language(self, language: str) -> None:
        """Switch language; from the start screen this also opens the service menu."""
        self.tr.language = Language(language).value
        if self.screen == KioskScreen.WELCOME:
            self._go(KioskScreen.SERVICES)
        self.note_activity()

    def toggle_language(self) -> None:
        """Switch between English and Kiswahili, staying on the same screen."""
        other = Language.SW if self.language is Language.EN else Language.EN
        self.tr.language = other.value
        self.note_activity()

    # Navigation ---------------------------------------------------------------------------

    def start_again(self) -> None:
        """Forget the citizen's choices and show the start screen (or out-of-service)."""
        if self.busy:
            return
        self._forget_citizen()
        self.tr.language = self._default_language.value
        self._go(KioskScreen.WELCOME if self.online else KioskScreen.OUT_OF_SERVICE)

    def go_back(self) -> None:
        """Go one step back in the flow."""
        if self.busy:
            return
        if self.screen == KioskScreen.PHONE and self._wants_priority(self._service):
            self._go(KioskScreen.PRIORITY)
        elif self.screen in (KioskScreen.PRIORITY, KioskScreen.PHONE, KioskScreen.CHECK_IN):
            self._go(KioskScreen.SERVICES)
        else:
            self.start_again()

    def accepts_touch(self) -> bool:
        """Tell whether a touch now is meant for the screen shown (not left from the last one)."""
        return self._now() - self._screen_since >= self._timings.touch_settle

    def note_activity(self) -> None:
        """Restart the inactivity countdown (where it applies) after a touch or key press."""
        if KioskScreen(self.screen) in _CHOOSING:
            self._start_timer("inactivity", self._timings.inactivity, self.start_again)

    # Service menu -------------------------------------------------------------------------

    def apply_menu(self, menu: KioskMenu) -> None:
        """Show the services and queues the server reported."""
        self._menu = menu
        self.centre_name = menu.centre_name
        self.page = min(self.page, max(self._page_count() - 1, 0))
        self._refresh_texts()

    def next_page(self) -> None:
        """Show the next page of services."""
        if self.page + 1 < self._page_count():
            self.page += 1
            self._refresh_texts()
        self.note_activity()

    def previous_page(self) -> None:
        """Show the previous page of services."""
        if self.page > 0:
            self.page -= 1
            self._refresh_texts()
        self.note_activity()

    def choose_service(self, code: str) -> None:
        """Take the service the citizen touched."""
        if self.busy or self.screen != KioskScreen.SERVICES:
            return
        service = self._menu.service(code)
        if service is None:
            return
        if not service.is_open:
            self._show_message(closed_reason_key(service.closed_reason), note=service.closed_note)
            return
        self._service = service
        self._priority = None
        self.chosen_service = service.name(self.language)
        if self._wants_priority(service):
            self._go(KioskScreen.PRIORITY)
        else:
            self._after_priority()

    def choose_priority(self, code: str) -> None:
        """Take the answer to the priority question (empty code: no priority)."""
        if self.busy or self.screen != KioskScreen.PRIORITY:
            return
        self._priority = code or None
        self._after_priority()

    def _wants_priority(self, service: ServiceOption | None) -> bool:
        return service is not None and service.priority_allowed and bool(self._menu.priorities)

    def _after_priority(self) -> None:
        if self._ask_phone:
            self.phone_digits = ""
            self._go(KioskScreen.PHONE)
        else:
            self._issue(phone=None)

    # Keypads ------------------------------------------------------------------------------

    def press_digit(self, digit: str) -> None:
        """Type a digit from the numeric keypad."""
        if digit.isdigit() and len(self.phone_digits) < phones.MAX_DIGITS:
            self.phone_digits += digit
            self._clear_message()
        self.note_activity()

    def delete_digit(self) -> None:
        """Remove the last digit typed."""
        self.phone_digits = self.phone_digits[:-1]
        self.note_activity()

    def clear_digits(self) -> None:
        """Remove every digit typed."""
        self.phone_digits = ""
        self.note_activity()

    def press_key(self, key: str) -> None:
        """Type a key from the booking-reference keyboard."""
        if len(self.reference_text) < REFERENCE_MAX_LENGTH:
            self.reference_text += key.upper()
            self._clear_message()
        self.note_activity()

    def delete_key(self) -> None:
        """Remove the last character of the booking reference."""
        self.reference_text = self.reference_text[:-1]
        self.note_activity()

    def keypad_key(self, key: str) -> None:
        """Take a key from whichever keypad the screen shows."""
        typing_reference = (
            self.screen == KioskScreen.CHECK_IN and self.check_in_mode == CheckInMode.REFERENCE
        )
        if key == DELETE_KEY and typing_reference:
            self.delete_key()
        elif key == DELETE_KEY:
            self.delete_digit()
        elif key == CLEAR_KEY:
            if typing_reference:
                self.reference_text = ""
                self.note_activity()
            else:
                self.clear_digits()
        elif typing_reference:
            self.press_key(key)
        else:
            self.press_digit(key)

    def on_phone_digits(self, _instance: KioskViewModel, digits: str) -> None:
        """Keep the grouped form of the number in step with the digits."""
        self.phone_display = phones.group_for_display(digits)

    # Phone (SMS) --------------------------------------------------------------------------

    def submit_phone(self) -> None:
        """Issue the ticket with the typed number for an SMS, if the number is valid."""
        if self.busy or self.screen != KioskScreen.PHONE:
            return
        number = phones.to_e164(self.phone_digits)
        if number is None:
            self._show_message("phone_invalid")
            return
        self._issue(phone=number)

    def skip_phone(self) -> None:
        """Issue the ticket without an SMS."""
        if self.busy or self.screen != KioskScreen.PHONE:
            return
        self._issue(phone=None)

    # Appointment check-in -----------------------------------------------------------------

    def open_check_in(self) -> None:
        """Show the appointment check-in screen."""
        if self.busy:
            return
        self.reference_text = ""
        self.phone_digits = ""
        self.check_in_mode = CheckInMode.REFERENCE.value
        self._go(KioskScreen.CHECK_IN)

    def set_check_in_mode(self, mode: str) -> None:
        """Check in by booking reference or by phone number."""
        self.check_in_mode = CheckInMode(mode).value
        self._clear_message()
        self.note_activity()

    def submit_check_in(self) -> None:
        """Check in with what was typed."""
        if self.busy or self.screen != KioskScreen.CHECK_IN:
            return
        if self.check_in_mode == CheckInMode.PHONE:
            number = phones.to_e164(self.phone_digits)
            if number is None:
                self._show_message("phone_invalid")
                return
            self._begin(TicketAttempt(started_at=self._now(), phone=number))
        else:
            reference = normalise_reference(self.reference_text)
            if reference is None:
                self._show_message("reference_invalid")
                return
            self._begin(TicketAttempt(started_at=self._now(), reference=reference))

    def receive_scan(self, text: str) -> None:
        """Check in the code a keyboard-wedge scanner (or keyboard) typed before Enter."""
        if self.busy or self.printing or self.screen == KioskScreen.OUT_OF_SERVICE:
            return
        reference = reference_from_scan(text)
        if self.screen != KioskScreen.CHECK_IN:
            if reference is None:
                return
            self._forget_citizen()
            self.check_in_mode = CheckInMode.REFERENCE.value
            self._go(KioskScreen.CHECK_IN)
        if reference is None:
            self._show_message("reference_invalid")
            return
        self.check_in_mode = CheckInMode.REFERENCE.value
        self.reference_text = reference
        self.submit_check_in()

    # Issuing ------------------------------------------------------------------------------

    def _issue(self, *, phone: str | None) -> None:
        assert self._service is not None
        self._begin(
            TicketAttempt(
                started_at=self._now(),
                service_code=self._service.code,
                priority=self._priority,
                phone=phone,
            )
        )

    def _begin(self, attempt: TicketAttempt) -> None:
        if self.busy:
            return
        self.busy = True
        self._attempt = attempt
        self._ticket = None
        self.ticket_preview = None
        self.can_reprint = False
        self.slip_progress = SlipProgress.ISSUING.value
        self._go(KioskScreen.TICKET)
        self.tasks.spawn(self._run_attempt(attempt))

    async def _run_attempt(self, attempt: TicketAttempt) -> None:
        try:
            ticket = await self._send(attempt)
        except CentreUnavailable:
            # The attempt stays pending: on recovery it is resent with the same request id.
            self.busy = False
            self.set_online(False)
            return
        except CentreApiError as refused:
            self._attempt = None
            self.busy = False
            self._show_refusal(attempt, refused.code)
            return
        self._attempt = None
        self.busy = False
        self.online = True
        await self._deliver(ticket)

    async def _send(self, attempt: TicketAttempt) -> IssuedTicket:
        """Send the attempt, resending it (same request id) while the server does not answer."""
        for delay in self._timings.retry_delays:
            try:
                return await self._command(attempt)
            except CentreUnavailable:
                log.warning("server unreachable, resending %s", attempt.request_id)
                await self._scheduler.sleep(delay)
        return await self._command(attempt)

    async def _command(self, attempt: TicketAttempt) -> IssuedTicket:
        if attempt.service_code is None:
            return await self._backend.check_in(
                reference=attempt.reference, phone=attempt.phone, request_id=attempt.request_id
            )
        return await self._backend.issue_ticket(
            service_code=attempt.service_code,
            priority=attempt.priority,
            phone=attempt.phone,
            request_id=attempt.request_id,
        )

    def _show_refusal(self, attempt: TicketAttempt, code: str) -> None:
        if attempt.is_check_in:
            self._go(KioskScreen.CHECK_IN)
        else:
            self._go(KioskScreen.SERVICES)
        self._show_message(error_key(code))

    # Ticket and printing ------------------------------------------------------------------

    async def _deliver(self, ticket: IssuedTicket) -> None:
        self._ticket = ticket
        self._ticket_shown_at = self._now()
        self._refresh_texts()
        self._go(KioskScreen.TICKET)
        self.can_reprint = True
        self._start_timer("reprint", self._timings.reprint_window, self._end_reprint_window)
        await self._print(ticket)

    async def _print(self, ticket: IssuedTicket) -> None:
        self.printing = True
        self._set_slip_progress(SlipProgress.PRINTING)
        self._cancel_timer("ticket")
        try:
            state = await self._station.print_ticket(ticket)
        except PrintFailed as failed:
            self.ticket_preview = await self._station.preview_png(ticket)
            self._set_slip_progress(SlipProgress.NOT_PRINTED)
            shown_for = self._timings.unprinted_ticket_shown
            await self.report_printer(failed.code)
        else:
            self._set_slip_progress(SlipProgress.PRINTED)
            shown_for = self._timings.ticket_shown
            await self.report_printer(state)
        finally:
            self.printing = False
        if self._ticket is ticket and self.screen == KioskScreen.TICKET:
            self._start_timer("ticket", shown_for, self.start_again)

    def finish(self) -> None:
        """Leave the ticket screen (ignored for a moment after the ticket appears)."""
        if self.screen != KioskScreen.TICKET or self.busy:
            return
        if self._now() - self._ticket_shown_at < self._timings.finish_guard:
            return
        self.start_again()

    def reprint(self) -> None:
        """Print the shown ticket again (offered for a short time after it was issued)."""
        if self._ticket is None or not self.can_reprint or self.printing:
            return
        self.tasks.spawn(self._print(self._ticket))

    def _end_reprint_window(self) -> None:
        self.can_reprint = False

    async def report_printer(self, state: str) -> None:
        """Tell the server the printer's state when it changed, and unchanged now and then.

        The repeats let silence mean something: a kiosk that stops reporting raises an alert.
        """
        now = self._now()
        fresh = (
            self._printer_reported_at is not None
            and now - self._printer_reported_at < self._timings.status_report
        )
        if state == self._printer_reported and fresh:
            return
        try:
            await self._backend.report_printer_status(state=state)
        except CentreApiError:
            log.warning("could not report printer state %s; will retry", state)
            return
        self._printer_reported = state
        self._printer_reported_at = now

    # Server reachability ------------------------------------------------------------------

    async def watch(self) -> None:
        """Refresh forever, faster while the server is away so the kiosk recovers quickly."""
        while True:
            await self.refresh_menu()
            await self.check_printer()
            pause = self._timings.poll if self.online else self._timings.offline_poll
            await self._scheduler.sleep(pause)

    async def refresh_menu(self) -> None:
        """Fetch the menu once (the health check too); an unreachable server: out of service."""
        try:
            menu = await self._backend.fetch_menu()
        except CentreUnavailable as error:
            log.warning("centre server unreachable: %s", error)
            self.set_online(False)
        except CentreApiError as error:
            # A revoked token or a server fault: no ticket can be issued, so out of service too.
            log.error("centre server refused the menu: %s", error.code)
            self.set_online(False)
        else:
            self.apply_menu(menu)
            self.set_online(True)

    async def check_printer(self) -> None:
        """Read the printer now and then, so managers see paper running out before a citizen."""
        now = self._now()
        due = self._printer_checked_at is None or (
            now - self._printer_checked_at >= self._timings.printer_check
        )
        # Never beside a print job: the job reads the status itself.
        if not due or self.printing or not self.online:
            return
        self._printer_checked_at = now
        await self.report_printer(await self._station.check())

    def set_online(self, online: bool) -> None:
        """Follow the server becoming reachable or unreachable."""
        if online == self.online:
            return
        self.online = online
        if not online:
            # A ticket already on screen stays there; the rest gives way to out-of-service.
            if not (self.screen == KioskScreen.TICKET and self._ticket is not None):
                self._go(KioskScreen.OUT_OF_SERVICE)
            return
        if self.screen != KioskScreen.OUT_OF_SERVICE or self.busy:
            return
        attempt = self._attempt
        if attempt is not None and self._now() - attempt.started_at <= self._timings.resume_window:
            self._begin(attempt)
        else:
            self.start_again()

    # Helpers ------------------------------------------------------------------------------

    def _now(self) -> float:
        return self._scheduler.monotonic()

    def _go(self, screen: KioskScreen) -> None:
        self._clear_message()
        if self.screen != screen:
            self._screen_since = self._now()
        self.screen = screen.value
        if screen in _CHOOSING:
            self._start_timer("inactivity", self._timings.inactivity, self.start_again)
        else:
            self._cancel_timer("inactivity")
        if screen != KioskScreen.TICKET:
            self._cancel_timer("ticket")
            self._cancel_timer("reprint")
            self.can_reprint = False

    def _forget_citizen(self) -> None:
        self._service = None
        self._priority = None
        self._ticket = None
        self._attempt = None
        self.chosen_service = ""
        self.phone_digits = ""
        self.reference_text = ""
        self.ticket_preview = None
        self.page = 0
        self._refresh_texts()

    def _set_slip_progress(self, progress: SlipProgress) -> None:
        self.slip_progress = progress.value
        self._refresh_texts()

    def _show_message(self, key: str, *, note: str | None = None) -> None:
        self._message_key, self._message_note = key, note
        self.message = self._said(key, note, self.language)
        self.note_activity()

    @staticmethod
    def _said(key: str, note: str | None, language: Language) -> str:
        # A manager's note ("no forms left") follows the message in the manager's words.
        text = translate(key, language)
        return f"{text}: {note}" if note else text

    def _clear_message(self) -> None:
        self._message_key, self._message_note = "", None
        self.message = ""

    def _start_timer(self, name: str, delay: float, callback: Callable[[], None]) -> None:
        self._cancel_timer(name)

        def fire() -> None:
            self._timers.pop(name, None)
            callback()

        self._timers[name] = self._scheduler.call_later(delay, fire)

    def _cancel_timer(self, name: str) -> None:
        timer = self._timers.pop(name, None)
        if timer is not None:
            timer.cancel()

    def _page_count(self) -> int:
        return max(1, -(-len(self._menu.services) // self._per_page))

    def _page_services(self) -> Sequence[ServiceOption]:
        # Open services first, so the greyed ones never hide an open one on a later page.
        ordered = sorted(self._menu.services, key=lambda service: not service.is_open)
        start = self.page * self._per_page
        return ordered[start : start + self._per_page]

    def _refresh_texts(self) -> None:
        """Recompute every composed text in the language in force."""
        language = self.language
        self.page_count = self._page_count()
        self.page_text = (
            translate("page_of", language, page=self.page + 1, pages=self.page_count)
            if self.page_count > 1
            else ""
        )
        self.has_previous_page = self.page > 0
        self.has_next_page = self.page + 1 < self.page_count
        self.service_tiles = [self._tile(service, language) for service in self._page_services()]
        self.priority_tiles = [
            {"code": option.code, "title": option.name(language), "declines": False}
            for option in self._menu.priorities
        ] + [{"code": "", "title": translate("priority_none", language), "declines": True}]
        if self._service is not None:
            self.chosen_service = self._service.name(language)
        if self._message_key:
            self.message = self._said(self._message_key, self._message_note, language)
        self._show_check_in()
        self._refresh_ticket_texts(language)

    def _show_check_in(self, *_args: Any) -> None:
        """Show the check-in screen's hint, typed text and keypad for the mode in force."""
        by_reference = self.check_in_mode == CheckInMode.REFERENCE
        self.checking_in_by_reference = by_reference
        self.checking_in_by_phone = not by_reference
        self.check_in_keypad = "letters" if by_reference else "digits"
        self.check_in_hint = translate(
            "check_in_hint_reference" if by_reference else "check_in_hint_phone", self.language
        )
        self.check_in_typed = self.reference_text if by_reference else self.phone_display

    def _update_buttons(self, *_args: Any) -> None:
        self.can_press_reprint = self.can_reprint and not self.printing
        self.can_finish = not self.busy

    def _tile(self, service: ServiceOption, language: Language) -> dict[str, Any]:
        notice = service.notice(language)
        if service.is_open:
            # A manager's notice ("system down: expect delays") matters more than the count.
            detail = notice or waiting_text(service.waiting, language)
            wait = translate(
                "tile_wait", language, wait=duration_text(service.estimated_wait_minutes, language)
            )
        else:
            detail = translate(closed_reason_key(service.closed_reason), language)
            wait = service.closed_note or ""
        return {
            "code": service.code,
            "title": service.name(language),
            "detail": detail,
            "wait": wait,
            "is_open": service.is_open,
        }

    def _refresh_ticket_texts(self, language: Language) -> None:
        ticket = self._ticket
        progress = SlipProgress(self.slip_progress)
        if ticket is None:
            self.ticket_number = ""
            self.ticket_service = ""
            self.ticket_ahead = ""
            self.ticket_wait = ""
            self.ticket_note = ""
            self.ticket_hint = ""
            self.ticket_status = translate("issuing", language)
            self._show_ticket_head(None, printed=True)
            return
        self.ticket_number = ticket.number
        self.ticket_service = ticket.service_name(language)
        self.ticket_ahead = translate("people_ahead", language, count=ticket.people_ahead)
        self.ticket_wait = translate(
            "estimated_wait", language, wait=duration_text(ticket.estimated_wait_minutes, language)
        )
        slot = ticket.appointment_slot
        self.ticket_note = (
            translate(
                "appointment_at",
                language,
                time=formats.time_of_day(slot, language, timezone=self._timezone),
            )
            if slot is not None
            else ""
        )
        status_keys = {
            SlipProgress.ISSUING: "issuing",
            SlipProgress.PRINTING: "printing",
            SlipProgress.PRINTED: "printed",
            SlipProgress.NOT_PRINTED: "print_failed",
        }
        self.ticket_status = translate(status_keys[progress], language)
        self.ticket_hint = translate(
            "print_failed_hint" if progress is SlipProgress.NOT_PRINTED else "wait_for_call",
            language,
        )
        self._show_ticket_head(ticket, printed=progress is not SlipProgress.NOT_PRINTED)

    def _show_ticket_head(self, ticket: IssuedTicket | None, *, printed: bool) -> None:
        """Show the number large once there is a ticket, else what is happening."""
        self.has_ticket = ticket is not None
        self.ticket_title = translate("ticket_title", self.language) if ticket else ""
        self.ticket_headline = ticket.number if ticket else self.ticket_status
        self.slip_band = self.ticket_status if ticket else ""
        self.slip_tone = "ok" if printed else "alert"
