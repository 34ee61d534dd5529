"""The hall board's view-model: what the screen shows and which calls are announced."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, ListProperty, OptionProperty, StringProperty

from centre_client.mirror import Called, Change, QueueMirror, Reset
from centre_core.clock import Clock
from centre_core.wire import CallRecord
from display.directory import CentreDirectory, service_of_selector
from display.labels import LABELS, in_hall_languages
from display.settings import DisplaySettings
from display.waits import wait_text
from translations import formats
from translations.catalogs import HALL_LANGUAGES

# What the header says of the connection, in both languages, and its tone.
CONNECTION_TEXTS = {True: LABELS["live"], False: LABELS["offline"]}
CALL_TITLES = {False: LABELS["now_calling"], True: LABELS["calling_again"]}
NO_CALL_YET = "—"
# Waiting tiles shown at once; a centre with more services turns pages (15 services: 3 pages).
WAITING_PAGE_SIZE = 5


@dataclass(frozen=True)
class BoardCall:
    """One call as the hall sees and hears it: no personal data, only number and counter."""

    seq: int
    at: datetime | None
    number: str
    counter_code: str
    counter_name: str
    service_code: str
    service_name_en: str
    service_name_sw: str
    recalls: int

    @property
    def is_recall(self) -> bool:
        """True when the counter calls the same ticket again."""
        return self.recalls > 0


class BoardViewModel(EventDispatcher):
    """Holds everything the board shows; fires `on_announce(call)` for each call to speak.

    Announcement rule (so a reconnect never repeats or drops a call):
    - a call is announced at most once: only if its `seq` is above every `seq` already seen
      (the cursor also moves past calls it decides not to announce and past snapshots);
    - a snapshot never announces: it only sets what is shown;
    - a call is announced only while younger than `announce_max_age` by its event time. Live
      calls always are; calls the replay after a reconnect brings (the stream does not mark
      them) are shown, and spoken only when recent: a citizen called two minutes ago has
      most likely reached the counter or gone, and shouting it now would confuse the hall.
      This assumes the display's clock is within a minute of the server's (NTP; the board
      shows its time, so a wrong clock is visible);
    - only calls inside the board's zone are shown or announced.
    """

    __events__ = ("on_announce",)

    centre_name = StringProperty("")
    notice = StringProperty("")
    clock_text = StringProperty("")
    date_text = StringProperty("")
    online = BooleanProperty(False)
    connection_text = StringProperty(CONNECTION_TEXTS[False])
    connection_tone = OptionProperty("offline", options=["live", "offline"])
    current_number = StringProperty("")
    # The number on stage as shown: a dash before the first call.
    stage_number = StringProperty(NO_CALL_YET)
    call_title = StringProperty(CALL_TITLES[False])
    current_counter = StringProperty("")
    current_service = StringProperty("")
    current_is_recall = BooleanProperty(False)
    highlighted = BooleanProperty(False)
    # The stage's look: lit while a fresh call is highlighted.
    call_tone = OptionProperty("normal", options=["highlighted", "normal"])
    recent_calls = ListProperty([])
    waiting_rows = ListProperty([])
    waiting_page = ListProperty([])
    waiting_page_text = StringProperty("")

    def __init__(self, *, clock: Clock, settings: DisplaySettings, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._clock = clock
        self._zone = settings.zone
        self._recent_count = settings.recent_count
        self._highlight = timedelta(seconds=settings.highlight_seconds)
        self._max_age = timedelta(seconds=settings.announce_max_age_seconds)
        self._tz = ZoneInfo(settings.timezone)
        self._fixed_centre_name = settings.centre_name
        self._directory = CentreDirectory()
        self._seen_seq = 0
        self._highlight_until: datetime | None = None
        self._stage_call: CallRecord | None = None
        self._page = 0
        self._page_time = timedelta(seconds=settings.waiting_page_seconds)
        self._page_shown_at = clock.now()
        self.centre_name = settings.centre_name or ""
        self._settings_notice = settings.notice
        self.notice = settings.notice
        self.bind(
            online=self._show_connection,
            highlighted=self._show_stage,
            current_number=self._show_stage,
            current_is_recall=self._show_stage,
        )
        self.tick()

    @property
    def seen_seq(self) -> int:
        """The highest `seq` already shown (and announced or deliberately skipped)."""
        return self._seen_seq

    def use_directory(self, directory: CentreDirectory, mirror: QueueMirror) -> None:
        """Take the centre's names and counters (fetched after each connect) and redraw."""
        self._directory = directory
        if self._fixed_centre_name is None:
            self.centre_name = directory.name
        # The board's own notice (its settings) first, then what the managers posted.
        self.notice = NOTICE_SEPARATOR.join(
            text for text in (self._settings_notice, *directory.notices) if text
        )
        self._refresh(mirror)

    def set_online(self, online: bool) -> None:
        """Show whether the board is connected to the centre server."""
        self.online = online

    def _show_connection(self, *_args: object) -> None:
        self.connection_text = CONNECTION_TEXTS[self.online]
        self.connection_tone = "live" if self.online else "offline"

    def _show_stage(self, *_args: object) -> None:
        self.stage_number = self.current_number or NO_CALL_YET
        self.call_title = CALL_TITLES[self.current_is_recall]
        self.call_tone = "highlighted" if self.highlighted else "normal"

    def show_changes(self, changes: Sequence[Change], mirror: QueueMirror) -> None:
        """Reflect what one stream message changed; announce the calls that deserve it."""
        from_snapshot = bool(changes) and isinstance(changes[0], Reset)
        for change in changes:
            if isinstance(change, Reset):
                self._seen_seq = max(self._seen_seq, change.seq)
            elif isinstance(change, Called):
                call = self._board_call(change.call)
                if call is None:
                    continue
                self._stage_call = change.call
                if not from_snapshot:
                    self._highlight_until = self._clock.now() + self._highlight
                    self.highlighted = True
                    if self._deserves_announcement(call):
                        self.dispatch("on_announce", call)
                self._seen_seq = max(self._seen_seq, call.seq)
        self._refresh(mirror)

    def tick(self, *_args: object) -> None:
        """Advance the clock, end the highlight when its time is up, turn the waiting page."""
        now = self._clock.now()
        # One clock, as the first hall language writes it; the day in every hall language.
        self.clock_text = formats.time_of_day(now, HALL_LANGUAGES[0], timezone=self._tz)
        self.date_text = in_hall_languages(
            lambda language: formats.weekday_and_date(now, language, timezone=self._tz)
        )
        if self._highlight_until is not None and now >= self._highlight_until:
            self._highlight_until = None
            self.highlighted = False
        if now - self._page_shown_at >= self._page_time:
            self._page_shown_at = now
            self._page += 1
            self._show_waiting_page()

    def _show_waiting_page(self) -> None:
        rows = self.waiting_rows
        pages = max(1, -(-len(rows) // WAITING_PAGE_SIZE))
        self._page %= pages
        start = self._page * WAITING_PAGE_SIZE
        self.waiting_page = rows[start : start + WAITING_PAGE_SIZE]
        self.waiting_page_text = f"{self._page + 1}/{pages}" if pages > 1 else ""

    def on_announce(self, call: BoardCall) -> None:
        """Default handler: the app binds the announcer to this event."""

    def _deserves_announcement(self, call: BoardCall) -> bool:
        if call.seq <= self._seen_seq or call.at is None:
            return False
        return self._clock.now() - call.at <= self._max_age

    def _board_call(self, call: CallRecord) -> BoardCall | None:
        service_code = service_of_selector(call.queue_key)
        if not self._zone.shows_call(service_code=service_code, counter=call.counter):
            return None
        service = self._directory.service(service_code)
        return BoardCall(
            seq=call.seq,
            at=call.at,
            number=call.number,
            counter_code=call.counter,
            counter_name=self._directory.counter(call.counter).name,
            service_code=service_code,
            service_name_en=service.name_en,
            service_name_sw=service.name_sw,
            recalls=call.recalls,
        )

    def _refresh(self, mirror: QueueMirror) -> None:
        self.recent_calls = self._recent_rows(mirror)
        self.waiting_rows = self._waiting_rows(mirror)
        self._show_waiting_page()
        if self._stage_call is None:
            # Nothing called since start: show the latest call the server told us about.
            self._stage_call = next(
                (c for c in mirror.recent_calls() if self._board_call(c) is not None), None
            )
        on_stage = None if self._stage_call is None else self._board_call(self._stage_call)
        if on_stage is not None:
            self.current_number = on_stage.number
            self.current_counter = on_stage.counter_name
            self.current_service = _both_names(on_stage.service_name_en, on_stage.service_name_sw)
            self.current_is_recall = on_stage.is_recall

    def _recent_rows(self, mirror: QueueMirror) -> list[dict[str, str]]:
        rows: list[dict[str, str]] = []
        seen_tickets: set[str] = set()
        for raw in mirror.recent_calls():
            if raw.ticket_id in seen_tickets:
                continue  # a recall moves the ticket to the top; list each ticket once
            call = self._board_call(raw)
            if call is None:
                continue
            seen_tickets.add(raw.ticket_id)
            rows.append(
                {
                    "number": call.number,
                    "counter": call.counter_name,
                    "service": call.service_name_en,
                }
            )
            if len(rows) == self._recent_count:
                break
        return rows

    def _waiting_rows(self, mirror: QueueMirror) -> list[dict[str, str]]:
        rows = []
        services_of = self._directory.services_of_counters()
        for service in self._directory.services:
            if not self._zone.shows_service(service.code, services_of=services_of):
                continue
            waiting = mirror.waiting_count(service.code)
            rows.append(
                {
                    "service": service.name_en,
                    "service_sw": service.name_sw,
                    "waiting": str(waiting),
                    "wait": wait_text(
                        waiting=waiting,
                        counters_open=service.counters_open,
                        estimated_minutes=service.estimated_wait_minutes,
                    ),
                }
            )
        return rows


NOTICE_SEPARATOR = "     •     "


def _both_names(english: str, swahili: str) -> str:
    """`National ID · Kitambulisho cha Taifa`, or one name when both are the same."""
    return english if english == swahili else f"{english} · {swahili}"
