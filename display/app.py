"""The running hall display: event stream -> mirror -> view-model -> window and announcer."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any

from kivy.clock import Clock as KivyClock

from app_shell.app import FoleniApp
from app_shell.clock import SystemClock
from app_shell.fonts import register_fonts
from app_shell.tasks import TaskSet
from centre_client.errors import CentreApiError
from centre_client.mirror import Change, CounterChanged, OtherEvent, Reset, TicketChanged
from centre_core.alerts import DEVICE_REPORT_SECONDS
from centre_core.clock import Clock
from centre_core.events import EventType
from centre_core.wire import SoundStatus
from display.announcements import Announcement
from display.announcer import Announcer, Synthesizer
from display.board import BoardCall, BoardViewModel
from display.centre_link import CentreHallLink
from display.outputs import choose_player
from display.players import AudioPlayer
from display.ports import HallLink
from display.settings import DisplaySettings
from display.speech import AnnouncementSynthesizer, SpeechSettings
from display.widgets import BoardScreen

log = logging.getLogger(__name__)

KV_FILE = Path(__file__).with_name("board.kv")
STATUS_CHECK_SECONDS = 30.0
# Rendered once at start-up to load the voices; never played.
WARM_UP = Announcement(seq=0, ticket_number="A-000", counter="1")
TICK_SECONDS = 0.5
ESTIMATES_DELAY_SECONDS = 2.0
QUEUE_CHANGES = (TicketChanged, CounterChanged, Reset)
NOTICE_EVENTS = frozenset({EventType.service_notice_posted, EventType.service_notice_cleared})


def _changes_the_directory(change: Change) -> bool:
    # Queue changes move the server's estimates; a manager's notice changes the notice line.
    if isinstance(change, OtherEvent):
        return change.type in NOTICE_EVENTS
    return isinstance(change, QUEUE_CHANGES)


class DisplayApp(FoleniApp):
    """The Kivy app: one window holding the board, redrawn from the view-model."""

    title = "Foleni hall display"
    kv_files = (KV_FILE,)

    def __init__(self, view_model: BoardViewModel, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.view_model = view_model
        self._ticking: Any = None

    def build(self) -> BoardScreen:
        """Load the layout and bind it to the view-model."""
        register_fonts()
        self.load_kv_files()
        return BoardScreen(vm=self.view_model)

    def on_start(self) -> None:
        """Start the clock that moves the time and ends highlights."""
        self._ticking = KivyClock.schedule_interval(self.view_model.tick, TICK_SECONDS)

    def on_stop(self) -> None:
        """Stop the clock."""
        if self._ticking is not None:
            KivyClock.unschedule(self._ticking)
        self.unload_kv_files()


class HallDisplay:
    """Everything one display runs on its single asyncio loop, beside the Kivy window."""

    def __init__(
        self,
        settings: DisplaySettings,
        *,
        link: HallLink | None = None,
        player: AudioPlayer | None = None,
        clock: Clock | None = None,
        synthesizer: Synthesizer | None = None,
        estimates_delay_seconds: float = ESTIMATES_DELAY_SECONDS,
    ) -> None:
        self.settings = settings
        self._estimates_delay = estimates_delay_seconds
        # A link made here is closed here; one passed in belongs to the caller.
        self._own_link: CentreHallLink | None = None
        if link is None:
            link = self._own_link = CentreHallLink(settings.server_url, settings.token)
        self.link = link
        self._tasks = TaskSet()
        self.view_model = BoardViewModel(clock=clock or SystemClock(), settings=settings)
        if player is None:
            player = choose_player(play_audio=settings.play_audio, audio_dir=settings.audio_dir)
        self.announcer: Announcer | None = None
        if player is not None:
            synthesizer = synthesizer or AnnouncementSynthesizer(
                SpeechSettings(languages=settings.languages, volume=settings.volume_percent / 100)
            )
            announcer = Announcer(synthesizer, player)
            self.view_model.bind(on_announce=lambda _vm, call: announcer.announce(spoken(call)))
            self.announcer = announcer
        self._estimates_due = False
        self._reported: str | None = None
        self._reported_at = 0.0
        self._speech_fault: str | None = None

    async def start(self) -> None:
        """Learn the centre's names, then start the event stream and the announcer."""
        # Names first, so the first calls are spoken with the counter's name, not its code;
        # an unreachable server only delays this until the stream's first connection.
        await self.fetch_directory()
        if self.announcer is not None:
            await self._warm_up(self.announcer.synthesizer)
            self.announcer.start()
            self._tasks.spawn(self._watch_sound())
        self._tasks.spawn(
            self.link.follow(on_changes=self._show, on_online=self._connection_changed)
        )

    async def _warm_up(self, synthesizer: Synthesizer) -> None:
        # The first rendering pays for the chime and for loading the voices: pay it now, not
        # on the first call, so the voice follows the screen within a second from the start.
        rendering = await asyncio.to_thread(synthesizer.render, WARM_UP)
        if rendering.error is not None:
            log.warning("announcements without speech: %s", rendering.error)
            self._speech_fault = rendering.error.code

    async def run(self, app: DisplayApp | None = None) -> None:
        """Open the window and keep the board current until the window closes."""
        app = app or DisplayApp(self.view_model)
        # The window opens at once (showing "offline") while the server is still being reached.
        self._tasks.spawn(self.start())
        try:
            await app.async_run(async_lib="asyncio")
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        """Stop the stream, any start or directory fetch still running, then the announcer."""
        await self._tasks.cancel_all()
        if self.announcer is not None:
            await self.announcer.aclose()
        if self._own_link is not None:
            await self._own_link.aclose()

    async def fetch_directory(self) -> None:
        """Fetch the centre's names and figures from its hall; keep the old ones on failure."""
        try:
            directory = await self.link.directory()
        except CentreApiError as error:
            log.warning("cannot read the centre's hall: %s", error)
            return
        self.view_model.use_directory(directory, self.link.mirror)

    def _show(self, changes: list[Change]) -> None:
        self.view_model.show_changes(changes, self.link.mirror)
        if not self._estimates_due and any(_changes_the_directory(c) for c in changes):
            # Counts move at once from the mirror; the server's wait estimates follow a moment
            # later, fetched once for a burst of events rather than once per event.
            self._estimates_due = True
            self._tasks.spawn(self._refresh_estimates())

    async def _refresh_estimates(self) -> None:
        try:
            await asyncio.sleep(self._estimates_delay)
        finally:
            self._estimates_due = False
        await self.fetch_directory()

    def _connection_changed(self, online: bool) -> None:
        self.view_model.set_online(online)
        if online:
            self._tasks.spawn(self._connected())

    async def _connected(self) -> None:
        await self.fetch_directory()
        await self.report_status()

    def sound_status(self) -> SoundStatus:
        """Say whether the board's sound works, is off, or fails (and how)."""
        if self.announcer is None:
            return SoundStatus(state="off")
        status = self.announcer.status
        # A fault found while warming up stands until a call has played without one.
        fault = status.last_error or (self._speech_fault if status.played == 0 else None)
        return SoundStatus(state="ok") if fault is None else SoundStatus(state="fault", error=fault)

    def status_message(self) -> str:
        """One line for the manager's device list: is the board up, and does its sound work."""
        sound = self.sound_status()
        if sound.state == "off":
            return "board up; announcements off"
        return (
            "board up; sound ok" if sound.error is None else f"board up; sound fault: {sound.error}"
        )

    async def report_status(self) -> None:
        """Tell the centre this board is up and how its sound is (sent as `device.status`)."""
        message = self.status_message()
        try:
            await self.link.report_status(message, self.sound_status())
        except CentreApiError as error:
            log.warning("cannot report the board's status: %s", error)
            return
        self._reported = message
        self._reported_at = time.monotonic()

    async def _watch_sound(self) -> None:
        # A sound fault (speaker unplugged, speech engine gone) shows only in the manager's
        # device list: look for a change now and then, and report it.
        while True:
            await asyncio.sleep(STATUS_CHECK_SECONDS)
            # Also unchanged, now and then: a board that stops reporting raises an alert.
            stale = time.monotonic() - self._reported_at >= DEVICE_REPORT_SECONDS
            if self.link.online and (stale or self.status_message() != self._reported):
                await self.report_status()


def spoken(call: BoardCall) -> Announcement:
    """Word a call shown on the board as an announcement."""
    # The counter's painted name ("Counter 7") is what the hall reads; the wording drops the
    # word "Counter" and says the number, so voice and screen always agree.
    return Announcement(
        seq=call.seq,
        ticket_number=call.number,
        counter=call.counter_name,
        recall=call.is_recall,
        called_at=call.at,
    )


async def run_display(settings: DisplaySettings) -> None:
    """Run one hall display until its window is closed."""
    await HallDisplay(settings).run()
