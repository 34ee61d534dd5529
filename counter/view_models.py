"""View-models of the counter: the login form and the counter screen (state and actions)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from datetime import date
from typing import Any

from kivy.event import EventDispatcher
from kivy.properties import (
    BooleanProperty,
    DictProperty,
    ListProperty,
    NumericProperty,
    OptionProperty,
    StringProperty,
)

from app_shell.clock import SystemClock
from app_shell.tasks import TaskSet
from centre_client.errors import SERVER_UNREACHABLE, CentreApiError, CentreUnavailable
from centre_client.mirror import Change, CounterChanged, Reset, TicketChanged
from centre_core.clock import Clock, business_day
from centre_core.reasons import ReasonCode
from counter import model, wording
from counter.figures import HandlingTally
from counter.plain_words import message_for
from counter.ports import CounterLink
from counter.shortcuts import PAUSE_REASON_KEYS, SERVE_ROWS, label_for
from translations.catalogs import SOURCE_LANGUAGE, check_language
from translations.messages import N_, ngettext, pgettext

logger = logging.getLogger(__name__)

# Refusals after which what the screen shows about our own counter is stale: reload it.
RELOAD_ON = frozenset(
    {
        "ticket_not_held",
        "ticket_taken",
        "ticket_not_found",
        "invalid_transition",
        "counter_busy",
        "counter_paused",
        "counter_closed",
        "request_id_reused",
    }
)
CONNECTION_TEXTS = {
    "connecting": N_("Connecting…"),
    "online": N_("Online"),
    "offline": N_("Offline · actions off"),
}
# The looks the screen gives state, by name; counter/widgets.kv turns each into a colour.
TONES = ("go", "attention", "alert", "neutral", "info", "live")
CONNECTION_TONES = {"connecting": "neutral", "online": "live", "offline": "alert"}
NO_TICKET = N_("No ticket")
NO_TICKET_HINT = N_(
    "Call the next citizen with F1 or Space, or press a number on the right to call that ticket."
)
NO_PRIORITY = pgettext("ticket priority", "None")
# The login form's counter field: by whether the workstation fixes the counter.
COUNTER_CAPTIONS = {False: N_("Counter"), True: N_("Counter (this workstation's)")}
LOG_IN_TITLES = {False: N_("Log in"), True: N_("Logging in…")}
# The pause key's button: by whether the counter is paused.
PAUSE_LABELS = {False: N_("Pause"), True: N_("Resume")}
STAFF = N_("Staff {number}")
COUNTER = N_("Counter {counter}")
# A transfer's target when the centre gave the counter no name: "A-001 sent to counter 4."
OTHER_COUNTER = N_("counter {counter}")
WAITING = ngettext("{count} waiting", "{count} waiting")
TRANSFER_TITLE = N_("Transfer {ticket}")
# What the message line says after each command went through.
CALLED = N_("{ticket} called.")
CALLED_AGAIN = N_("{ticket} called again.")
CALLED_TOO_OFTEN = N_("{ticket} was called too often: marked as no-show.")
SERVING = N_("Serving {ticket}.")
FINISHED = N_("{ticket} finished.")
MARKED_NO_SHOW = N_("{ticket} marked as no-show.")
SENT = N_("{ticket} sent to {target}.")
PAUSED = N_("Paused: {reason}.")
OPEN_AGAIN = N_("Open again.")
# Codes that end the staff member's session.
SESSION_ENDED = frozenset({"unauthenticated"})


class LoginViewModel(EventDispatcher):
    """The login form: staff number, PIN and counter (fixed when the workstation has one)."""

    __events__ = ("on_logged_in",)

    staff_number = StringProperty("")
    pin = StringProperty("")
    counter = StringProperty("")
    counter_locked = BooleanProperty(False)
    busy = BooleanProperty(False)
    can_log_in = BooleanProperty(False)
    error = StringProperty("")
    error_code = StringProperty("")
    counter_caption = StringProperty("")
    log_in_title = StringProperty("")
    # The form's fixed texts in the counter's language, by key (`wording.SCREEN`).
    texts = DictProperty({})

    def __init__(
        self,
        *,
        link: CounterLink,
        counter: str | None = None,
        language: str = SOURCE_LANGUAGE,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._link = link
        self._tasks = TaskSet()
        self.language = check_language(language)
        self.texts = wording.screen_texts(language)
        self.counter = counter or ""
        self.counter_locked = bool(counter)
        self.counter_caption = COUNTER_CAPTIONS[self.counter_locked].say(language)
        self.bind(
            staff_number=self._update, pin=self._update, counter=self._update, busy=self._update
        )
        self._update()

    def _update(self, *_: Any) -> None:
        # Counter staff always log in at a counter: the centre refuses a login without one.
        filled = self.staff_number.strip() and self.pin and self.counter.strip()
        self.can_log_in = bool(filled and not self.busy)
        self.log_in_title = LOG_IN_TITLES[bool(self.busy)].say(self.language)

    def submit(self) -> None:
        """Log in in the background (the button and the Enter key)."""
        if self.can_log_in:
            self._tasks.spawn(self.log_in())

    async def log_in(self) -> model.Session | None:
        """Log in; on success dispatch `on_logged_in(session)`, else show why in plain words."""
        if not self.can_log_in:
            return None
        self.busy = True
        self.error = self.error_code = ""
        try:
            session = await self._link.log_in(
                staff_number=self.staff_number.strip(),
                pin=self.pin,
                counter=self.counter.strip(),
            )
        except CentreApiError as error:
            self.error_code = error.code
            self.error = message_for(error.code, self.language, server_message=error.message)
            return None
        finally:
            self.pin = ""
            self.busy = False
        self.dispatch("on_logged_in", session)
        return session

    def on_logged_in(self, session: model.Session) -> None:
        """Default handler: the app switches to the counter screen."""

    def logged_out(self, reason: str) -> None:
        """Show the form again, saying why when the centre ended the session."""
        self.pin = ""
        self.error_code = reason
        self.error = message_for(reason, self.language) if reason else ""


class CounterViewModel(EventDispatcher):
    """The counter screen: the held ticket, the waiting list, the staff's figures and actions.

    Every action is one method (also reachable by name through `perform`, which the buttons and
    the keyboard use). While one command is on its way, no other starts: a double press never
    calls two citizens. Refusals become plain words (`message`) with their `message_code`.
    """

    __events__ = ("on_logged_out",)

    staff_label = StringProperty("")
    counter_label = StringProperty("")
    services_text = StringProperty("")
    counter_status = OptionProperty("open", options=["open", "paused", "closed"])
    status_text = StringProperty("")
    status_tone = OptionProperty("go", options=TONES)
    # Actions wait for the event stream: until it connects, the screen could be stale.
    online = BooleanProperty(False)
    connection = OptionProperty("connecting", options=["connecting", "online", "offline"])
    connection_text = StringProperty("")
    connection_tone = OptionProperty("neutral", options=TONES)
    busy = BooleanProperty(False)

    has_ticket = BooleanProperty(False)
    ticket_number = StringProperty("")
    # The big line of the ticket card, and the hint shown in its place when there is no ticket.
    ticket_headline = StringProperty("")
    idle_hint = StringProperty("")
    ticket_state = StringProperty("")
    # "Serving  04:12": the state and how long it has lasted.
    ticket_state_line = StringProperty("")
    ticket_tone = OptionProperty("attention", options=TONES)
    ticket_service = StringProperty("")
    ticket_source = StringProperty("")
    ticket_priority = StringProperty("")
    ticket_phone = StringProperty("")
    ticket_elapsed = StringProperty("")
    ticket_recalls = NumericProperty(0)
    ticket_note = StringProperty("")

    waiting_count = NumericProperty(0)
    waiting_text = StringProperty("")
    longest_wait = StringProperty("–")
    upcoming = ListProperty([])

    served_today = NumericProperty(0)
    mean_handling = StringProperty("–")
    longest_handling = StringProperty("–")

    message = StringProperty("")
    message_code = StringProperty("")
    message_is_error = BooleanProperty(False)
    message_tone = OptionProperty("go", options=TONES)

    dialog = OptionProperty("", options=["", "pause", "transfer"])
    transfer_title = StringProperty("")
    transfer_services = ListProperty([])
    transfer_counters = ListProperty([])

    can_call_next = BooleanProperty(False)
    can_serve = BooleanProperty(False)
    can_recall = BooleanProperty(False)
    can_start = BooleanProperty(False)
    can_finish = BooleanProperty(False)
    can_no_show = BooleanProperty(False)
    can_transfer = BooleanProperty(False)
    can_pause = BooleanProperty(False)
    can_resume = BooleanProperty(False)
    can_pause_or_resume = BooleanProperty(False)
    can_log_out = BooleanProperty(False)
    pause_label = StringProperty("")
    pause_tone = OptionProperty("neutral", options=TONES)
    # The screens' fixed texts in the counter's language, by key (`wording.SCREEN`).
    texts = DictProperty({})

    def __init__(
        self,
        *,
        link: CounterLink,
        session: model.Session,
        clock: Clock | None = None,
        upcoming_limit: int = SERVE_ROWS,
        language: str = SOURCE_LANGUAGE,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._link = link
        self.language = check_language(language)
        self.texts = wording.screen_texts(language)
        self.session = session
        self._clock: Clock = clock or SystemClock()
        self._upcoming_limit = upcoming_limit
        # Every action a button or key can name, and how it starts (one place).
        self.actions: Mapping[str, Callable[[], bool]] = self._action_table()
        self._tasks = TaskSet()
        self._directory = model.Directory()
        self._held: model.HeldTicket | None = None
        self._pause_reason: str | None = None
        self._waiting = model.WaitingList(count=0, longest_since=None)
        self._tally = HandlingTally()
        self._server_figures: model.StaffFigures | None = None
        self._figures_day: date | None = None
        self._queues: tuple[str, ...] = ()
        self._refresh_wanted: set[str] = set()
        self._refreshing = False
        self._closed = False
        self._follow_task: asyncio.Task[None] | None = None
        self.staff_label = STAFF.say(language, number=session.staff_number) + (
            f" · {session.staff_name}" if session.staff_name else ""
        )
        self.counter_label = COUNTER.say(language, counter=session.counter)
        self.connection_text = CONNECTION_TEXTS[self.connection].say(language)
        self.waiting_text = WAITING.say(language, count=0)
        self.bind(online=self._update, busy=self._update, counter_status=self._update)
        self._show_no_ticket()
        self._update()

    # Starting and stopping ---------------------------------------------------------------

    async def start(self) -> None:
        """Load names, the counter, the waiting list and figures, then follow the stream."""
        with contextlib.suppress(CentreApiError):
            self._directory = await self._link.directory()
        self._show_directory()
        await self._reload({"queue", "figures"})
        self._follow_task = asyncio.get_running_loop().create_task(
            self._link.follow(on_changes=self.stream_changes, on_online=self.stream_online)
        )

    async def stop(self) -> None:
        """Stop following the centre (the window closes or the staff logs out)."""
        self._closed = True
        follow, self._follow_task = self._follow_task, None
        if follow is not None:
            follow.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await follow
        await self._tasks.cancel_all()

    async def settle(self) -> None:
        """Wait until background work (commands, refreshes) has finished: for tests."""
        await self._tasks.settle()

    # Actions by name (buttons and keys) ---------------------------------------------------

    def perform(self, action: str) -> bool:
        """Start the named action if it is allowed now; return whether it started."""
        start = self.actions.get(action)
        return start is not None and start()

    def _action_table(self) -> dict[str, Callable[[], bool]]:
        """Map each action a button or key names (`counter.shortcuts`) to how it starts."""
        table: dict[str, Callable[[], bool]] = {
            "call_next": lambda: self._start(self.can_call_next, self.call_next),
            "recall": lambda: self._start(self.can_recall, self.recall),
            "start_serving": lambda: self._start(self.can_start, self.start_serving),
            "finish": lambda: self._start(self.can_finish, self.finish),
            "no_show": lambda: self._start(self.can_no_show, self.mark_no_show),
            "log_out": lambda: self._start(self.can_log_out, self.log_out),
            # One key for the one switch staff think of: it pauses an open counter (asking
            # why) and resumes a paused one.
            "pause": lambda: (
                self._start(self.can_resume, self.resume) or self._open(self.can_pause, "pause")
            ),
            "transfer": lambda: self._open(self.can_transfer, "transfer"),
        }
        for row in range(1, self._upcoming_limit + 1):
            table[f"serve_{row}"] = functools.partial(self._serve_row, row)
        return table

    def _start(self, allowed: bool, command: Callable[[], Coroutine[Any, Any, bool]]) -> bool:
        if allowed:
            self._tasks.spawn(command())
        return allowed

    def _open(self, allowed: bool, dialog: str) -> bool:
        if allowed:
            self.dialog = dialog
        return allowed

    def _serve_row(self, row: int) -> bool:
        if not self.can_serve or row > len(self.upcoming):
            return False
        self._tasks.spawn(self.serve_ticket(self.upcoming[row - 1]["ticket_id"]))
        return True

    def shortcut(self, action: str) -> str:
        """Return the key label of an action, for its button."""
        return label_for(action)

    def choose_pause_reason(self, reason: str) -> None:
        """Close the pause dialog and pause with the chosen reason."""
        self.dialog = ""
        if self.can_pause:
            self._tasks.spawn(self.pause(reason))

    def pause_key(self, key: str) -> bool:
        """Take a key pressed in the pause dialog: a reason's letter pauses."""
        reason = PAUSE_REASON_KEYS.get(key)
        if reason is None:
            return False
        self.choose_pause_reason(reason)
        return True

    def confirm_transfer(
        self, *, to_service: str = "", to_counter: str = "", note: str = ""
    ) -> bool:
        """Confirm the transfer dialog: send the held ticket to one target."""
        if bool(to_service) == bool(to_counter) or not self.can_transfer:
            return False
        self.dialog = ""
        self._tasks.spawn(
            self.transfer(
                to_service=to_service or None, to_counter=to_counter or None, note=note or None
            )
        )
        return True

    def close_dialog(self) -> None:
        """Close an open dialog without doing anything."""
        self.dialog = ""

    # Commands ----------------------------------------------------------------------------

    async def call_next(self) -> bool:
        """Call the next citizen the policy chooses."""
        return await self._command(self._call_next)

    async def serve_ticket(self, ticket_id: str) -> bool:
        """Call one particular waiting ticket (out of the policy's order)."""

        async def serve() -> None:
            self._hold(await self._link.serve_ticket(ticket_id))
            self._say(CALLED.say(self.language, ticket=self.ticket_number))

        return await self._command(serve, refresh={"queue"})

    async def recall(self) -> bool:
        """Call the held ticket again."""

        async def recall(held: model.HeldTicket) -> None:
            ticket = await self._link.recall(held.ticket_id)
            self._hold(ticket)
            if ticket is None:
                self._say(CALLED_TOO_OFTEN.say(self.language, ticket=held.number))
            else:
                self._say(CALLED_AGAIN.say(self.language, ticket=ticket.number))

        return await self._held_command(recall)

    async def start_serving(self) -> bool:
        """Start serving (the citizen is at the counter): the handling time starts."""

        async def start(held: model.HeldTicket) -> None:
            self._hold(await self._link.start_serving(held.ticket_id))
            self._say(SERVING.say(self.language, ticket=held.number))

        return await self._held_command(start)

    async def finish(self) -> bool:
        """Finish the held ticket (done, or on to its next stage)."""

        async def finish(held: model.HeldTicket) -> None:
            await self._link.finish(held.ticket_id)
            now = self._clock.now()
            started = held.serving_at or held.called_at or now
            self._tally.record(
                day=self._today(),
                key=f"{held.ticket_id}:{held.service_code}:{started.isoformat()}",
                started_at=started,
                finished_at=now,
            )
            self._hold(None)
            self._say(FINISHED.say(self.language, ticket=held.number))

        return await self._held_command(finish, refresh={"figures", "queue"})

    async def mark_no_show(self) -> bool:
        """Mark the called ticket as a no-show: the citizen never came."""

        async def no_show(held: model.HeldTicket) -> None:
            await self._link.mark_no_show(held.ticket_id)
            self._hold(None)
            self._say(MARKED_NO_SHOW.say(self.language, ticket=held.number))

        return await self._held_command(no_show)

    async def transfer(
        self,
        *,
        to_service: str | None = None,
        to_counter: str | None = None,
        note: str | None = None,
    ) -> bool:
        """Send the held ticket to another service's queue or to a particular counter."""

        async def transfer(held: model.HeldTicket) -> None:
            await self._link.transfer(
                held.ticket_id, to_service=to_service, to_counter=to_counter, note=note
            )
            self._hold(None)
            if to_counter:
                target = self._directory.counters.get(to_counter) or OTHER_COUNTER.say(
                    self.language, counter=to_counter
                )
            else:
                target = self._service_name(to_service or "")
            self._say(SENT.say(self.language, ticket=held.number, target=target))

        return await self._held_command(transfer, refresh={"queue"})

    async def pause(self, reason: str) -> bool:
        """Pause the counter: no citizen is called until it resumes."""

        async def pause() -> None:
            await self._link.pause(reason)
            self._set_status("paused", reason)
            reason_text = wording.pause_reason(reason, self.language)
            self._say(PAUSED.say(self.language, reason=reason_text))

        return await self._command(pause, refresh=set())

    async def resume(self) -> bool:
        """Open the paused counter again."""

        async def resume() -> None:
            await self._link.resume()
            self._set_status("open", None)
            self._say(OPEN_AGAIN.say(self.language))

        return await self._command(resume)

    async def log_out(self) -> bool:
        """End the session and go back to the login form; a counter holding a ticket stays."""
        if self._held is not None:
            self._fail("counter_busy")
            return False
        try:
            await self._link.log_out()
        except CentreUnavailable:
            pass  # Leave anyway: the session expires on the centre by itself.
        except CentreApiError as error:
            if error.code not in SESSION_ENDED:
                self._fail(error.code)
                return False
        await self.stop()
        self.dispatch("on_logged_out", "")
        return True

    def on_logged_out(self, reason: str) -> None:
        """Default handler: the app shows the login form again (`reason`: a code, or "")."""

    # The running clock --------------------------------------------------------------------

    def tick(self) -> None:
        """Recompute what moves with time: elapsed time, waits, the day's figures."""
        now = self._clock.now()
        held = self._held
        if held is None:
            self.ticket_elapsed = ""
        else:
            since = held.serving_at if held.status == "serving" else held.called_at
            self.ticket_elapsed = wording.clock_time((now - since).total_seconds()) if since else ""
        self.ticket_state_line = "  ".join(filter(None, (self.ticket_state, self.ticket_elapsed)))
        since = self._waiting.longest_since
        self.longest_wait = (
            wording.minutes((now - since).total_seconds(), self.language)
            if since and self._waiting.count
            else "–"
        )
        rows = [
            {**row, "waited": wording.minutes((now - row["since"]).total_seconds(), self.language)}
            for row in self.upcoming
        ]
        if rows != self.upcoming:  # redraw the list only when a minute turned
            self.upcoming = rows
        today = self._today()
        if self._figures_day != today:
            # A shift that runs past local midnight starts the new day at zero, then asks the
            # centre for the new day's figures.
            if self._figures_day is not None:
                self._server_figures = None
                if not self._closed:
                    self._tasks.spawn(self._reload({"figures"}))
            self._figures_day = today
        self._show_figures()

    # The stream -----------------------------------------------------------------------------

    def stream_changes(self, changes: list[Change]) -> None:
        """Take changes from the centre's stream: refresh what they touch (debounced)."""
        wanted: set[str] = set()
        mine = self.session.counter
        held_id = self._held.ticket_id if self._held else None
        for change in changes:
            if isinstance(change, Reset):
                wanted |= {"queue", "figures"}
            elif isinstance(change, TicketChanged):
                ticket = change.ticket
                if (
                    ticket is None
                    or change.ticket_id == held_id
                    or ticket.counter == mine
                    or ticket.target_counter == mine
                    or ticket.queue_key in self._queues
                    or ticket.service_code in self._queues
                ):
                    wanted.add("queue")
            elif isinstance(change, CounterChanged) and change.counter.code == mine:
                wanted.add("queue")
        if wanted and not self._closed:
            self._tasks.spawn(self._reload(wanted))

    def stream_online(self, online: bool) -> None:
        """Take the stream's reachability; back online, reload everything."""
        was = self.online
        self.online = online
        self.connection = "online" if online else "offline"
        self.connection_text = CONNECTION_TEXTS[self.connection].say(self.language)
        self.connection_tone = CONNECTION_TONES[self.connection]
        if not online and was and not self._closed:
            self._fail(SERVER_UNREACHABLE)
        if online and not was and not self._closed:
            self._clear_message_if(SERVER_UNREACHABLE)
            self._tasks.spawn(self._reload({"queue", "figures"}))

    # Internals ------------------------------------------------------------------------------

    async def _call_next(self) -> None:
        self._hold(await self._link.call_next())
        self._say(CALLED.say(self.language, ticket=self.ticket_number))

    async def _held_command(
        self,
        work: Callable[[model.HeldTicket], Awaitable[None]],
        *,
        refresh: set[str] | None = None,
    ) -> bool:
        held = self._held
        if held is None:
            return False
        return await self._command(lambda: work(held), refresh=refresh)

    async def _command(
        self, work: Callable[[], Awaitable[None]], *, refresh: set[str] | None = None
    ) -> bool:
        """Run one command: one at a time, refusals in plain words, never a traceback."""
        if self.busy or not self.online or self._closed:
            return False
        self.busy = True
        try:
            await work()
        except CentreApiError as error:
            self._fail(error.code)
            if error.code in SESSION_ENDED:
                await self.stop()
                self.dispatch("on_logged_out", error.code)
                return False
            if error.code in RELOAD_ON:
                await self._reload({"queue"})
            return False
        finally:
            self.busy = False
        await self._reload({"queue"} if refresh is None else refresh)
        return True

    async def _reload(self, parts: set[str]) -> None:
        """Reload parts from the centre; overlapping requests are merged into one more round."""
        self._refresh_wanted |= parts
        if self._refreshing:
            return
        self._refreshing = True
        try:
            while self._refresh_wanted and not self._closed:
                wanted, self._refresh_wanted = self._refresh_wanted, set()
                try:
                    if "queue" in wanted:
                        self._show_queue(await self._link.counter_queue(limit=self._upcoming_limit))
                    if "figures" in wanted:
                        self._server_figures = await self._link.staff_figures()
                        self._show_figures()
                except CentreApiError as error:
                    # The stream reports being offline; a refused read changes nothing shown.
                    logger.info("counter refresh failed: %s", error.code)
        finally:
            self._refreshing = False

    def _show_directory(self) -> None:
        name = self._directory.counters.get(self.session.counter)
        if name:
            self.counter_label = name
        self.transfer_services = [
            {"code": code, "label": name} for code, name in self._directory.services.items()
        ]
        self.transfer_counters = [
            {"code": code, "label": name}
            for code, name in self._directory.counters.items()
            if code != self.session.counter
        ]

    def _show_queue(self, queue: model.CounterQueue) -> None:
        self._queues = queue.queues
        services = dict.fromkeys(key.split(".", 1)[0] for key in queue.queues)
        self.services_text = " · ".join(self._service_name(code) for code in services)
        self._show_counter(queue.state)
        self._show_waiting(queue.waiting)

    def _show_counter(self, state: model.CounterState) -> None:
        self._set_status(state.status, state.pause_reason)
        self._hold(state.held)

    def _show_waiting(self, waiting: model.WaitingList) -> None:
        self._waiting = waiting
        self.waiting_count = waiting.count
        self.waiting_text = WAITING.say(self.language, count=waiting.count)
        several = len({key.split(".", 1)[0] for key in self._queues}) != 1
        self.upcoming = [
            {
                "row": index,
                "key": str(index),
                "ticket_id": ticket.ticket_id,
                "number": ticket.number,
                # A counter of one service needs no service name on every row.
                "service": self._service_name(ticket.service_code) if several else "",
                "reason": self._reason(ticket),
                "tags": self._tags(ticket),
                "detail": "  ·  ".join(filter(None, (self._reason(ticket), self._tags(ticket)))),
                "since": ticket.waiting_since,
                "waited": "",
                "action": f"serve_{index}",
                "servable": False,
            }
            for index, ticket in enumerate(waiting.upcoming[: self._upcoming_limit], start=1)
        ]
        self.tick()
        self._update()

    def _reason(self, ticket: model.WaitingTicket) -> str:
        """Word the policy's reason for a waiting ticket in the counter's language."""
        return wording.reason(
            ticket.reason_code,
            ticket.reason_figures,
            ticket.reason,
            self.language,
            self._priority_name,
        )

    def _tags(self, ticket: model.WaitingTicket) -> str:
        """Priority and source of a waiting ticket, unless the policy's reason names them."""
        tags = []
        if ticket.priority and ticket.reason_code != ReasonCode.priority_turn:
            tags.append(self._priority_name(ticket.priority))
        named_by_reason = {"appointment": ReasonCode.appointment_due}
        if ticket.source != "walk_in" and ticket.reason_code != named_by_reason.get(ticket.source):
            tags.append(wording.source(ticket.source, self.language))
        return " · ".join(tags)

    def _show_figures(self) -> None:
        figures = self._server_figures or self._tally.figures(self._today())
        self.served_today = figures.served
        self.mean_handling = wording.handling(figures.mean_handling_seconds, self.language)
        self.longest_handling = wording.handling(figures.longest_handling_seconds, self.language)

    def _set_status(self, status: str, reason: str | None) -> None:
        self.counter_status = status
        self.status_tone = "go" if status == "open" else "attention"
        self._pause_reason = reason if status == "paused" else None
        label = wording.counter_status(status, self.language)
        if self._pause_reason:
            label = f"{label}: {wording.pause_reason(self._pause_reason, self.language)}"
        self.status_text = label
        self._update()

    def _hold(self, ticket: model.HeldTicket | None) -> None:
        self._held = ticket
        self.has_ticket = ticket is not None
        if ticket is None:
            self._show_no_ticket()
        else:
            self.ticket_number = self.ticket_headline = ticket.number
            self.idle_hint = ""
            self.ticket_state = wording.ticket_status(ticket.status, self.language)
            self.ticket_tone = "info" if ticket.status == "serving" else "attention"
            self.ticket_service = self._service_name(ticket.service_code)
            self.ticket_source = wording.source(ticket.source, self.language)
            self.ticket_priority = self._priority_name(ticket.priority) or NO_PRIORITY.say(
                self.language
            )
            self.ticket_phone = ticket.phone_masked or ""
            self.ticket_note = ticket.note or ""
            self.ticket_recalls = ticket.recalls
            self.transfer_title = TRANSFER_TITLE.say(self.language, ticket=ticket.number)
        self.tick()
        self._update()

    def _show_no_ticket(self) -> None:
        self.ticket_number = self.ticket_state = self.ticket_service = ""
        self.ticket_source = self.ticket_priority = self.ticket_phone = self.ticket_note = ""
        self.ticket_recalls = 0
        self.ticket_headline = NO_TICKET.say(self.language)
        self.idle_hint = NO_TICKET_HINT.say(self.language)

    def _update(self, *_: Any) -> None:
        """Decide which actions are possible now."""
        ready = self.online and not self.busy and not self._closed
        held = self._held
        is_open = self.counter_status == "open"
        called = held is not None and held.status == "called"
        self.can_call_next = ready and is_open and held is None
        self.can_serve = self.can_call_next and bool(self.upcoming)
        self.can_recall = ready and called
        self.can_start = ready and called
        self.can_finish = ready and held is not None
        self.can_no_show = ready and called
        self.can_transfer = ready and held is not None
        self.can_pause = ready and is_open and held is None
        self.can_resume = ready and self.counter_status == "paused"
        self.can_pause_or_resume = self.can_pause or self.can_resume
        self.can_log_out = not self.busy and not self._closed and held is None
        self.pause_label = PAUSE_LABELS[self.counter_status == "paused"].say(self.language)
        self.pause_tone = "go" if self.can_resume else "neutral"
        self._mark_servable()

    def _mark_servable(self) -> None:
        """Let the waiting rows be pressed exactly when a ticket may be called out of order."""
        rows = [{**row, "servable": self.can_serve} for row in self.upcoming]
        if rows != self.upcoming:
            self.upcoming = rows

    def _say(self, text: str) -> None:
        self.message_code = ""
        self.message_is_error = False
        self.message_tone = "go"
        self.message = text

    def _fail(self, code: str) -> None:
        self.message_code = code
        self.message_is_error = True
        self.message_tone = "alert"
        self.message = message_for(code, self.language)

    def _clear_message_if(self, code: str) -> None:
        if self.message_code == code:
            self._say("")

    def _service_name(self, code: str) -> str:
        return self._directory.services.get(code, code)

    def _priority_name(self, code: str | None) -> str:
        if not code:
            return ""
        return self._directory.priorities.get(code, code.replace("_", " ").capitalize())

    def _today(self) -> date:
        return business_day(self._clock.now(), timezone=self._directory.timezone)
