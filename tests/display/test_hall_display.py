"""The display's wiring over a real websocket: resume after a drop, no call twice, none lost."""

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from centre_client.stream import EventStream
from centre_client.testing import FakeCentre
from centre_core.centre import CentreConfig, CounterConfig, Service
from centre_core.clock import FixedClock
from display import audio
from display.announcements import Announcement
from display.app import HallDisplay
from display.centre_link import CentreHallLink
from display.players import RecordingPlayer
from display.settings import DisplaySettings
from display.speech import Rendering

TOKEN = "display-token"
PIN = "4821"
NAKURU = CentreConfig(
    code="HC-NKR",
    name="Huduma Centre Nakuru",
    services=(Service("NID", "National ID", "Kitambulisho", "N", 30, prior_service_minutes=6),),
    counters=tuple(CounterConfig(f"c{i}", f"Counter {i}", {"NID": 1}) for i in range(1, 11)),
)


def nakuru(clock: FixedClock) -> FakeCentre:
    """The centre: one service, ten counters with a member of staff for each, a display."""
    centre = FakeCentre(NAKURU, clock=clock)
    centre.add_device("display", token=TOKEN)
    for i in range(1, 11):
        centre.add_staff(f"S{i}", pin=PIN, name=f"Staff {i}")
    return centre


def open_counter(centre: FakeCentre, i: int) -> None:
    centre.login_staff(staff_number=f"S{i}", pin=PIN, counter=f"c{i}")


def issue(centre: FakeCentre, clock: FixedClock) -> None:
    centre.issue_ticket(service_code="NID")
    clock.advance(seconds=1)  # called in issue order (no tie on random ids)


class ToneSynthesizer:
    """Renders every announcement as a short chime: fast, and real WAV bytes."""

    def __init__(self) -> None:
        self.rendered: list[Announcement] = []

    def render(self, announcement: Announcement) -> Rendering:
        self.rendered.append(announcement)
        pcm = audio.chime(8000)
        return Rendering(wav=audio.to_wav(pcm), duration=pcm.duration)


def stream_of(display: HallDisplay) -> EventStream:
    """The event stream of the link the display made itself (the port does not expose it)."""
    assert isinstance(display.link, CentreHallLink)
    return display.link.stream


async def settle(display: HallDisplay, seq: int) -> None:
    await asyncio.wait_for(stream_of(display).wait_for_seq(seq), 5)


async def waits_shown(display: HallDisplay, text: str) -> None:
    changed = asyncio.Event()
    display.view_model.bind(waiting_rows=lambda *_: changed.set())
    while display.view_model.waiting_rows[0]["wait"] != text:
        await changed.wait()
        changed.clear()


def test_a_dropped_board_resumes_by_seq_and_announces_each_call_once(tmp_path: Path) -> None:
    clock = FixedClock(datetime.now(UTC))
    synthesizer = ToneSynthesizer()
    player = RecordingPlayer(tmp_path, speedup=100)

    async def scenario() -> None:
        async with nakuru(clock) as centre:
            settings = DisplaySettings(server_url=centre.url, token=TOKEN)
            display = HallDisplay(
                settings,
                player=player,
                clock=clock,
                synthesizer=synthesizer,
                estimates_delay_seconds=0.05,
            )
            announced = []
            display.view_model.bind(on_announce=lambda _vm, call: announced.append(call.number))
            open_counter(centre, 2)
            for _ in range(3):
                issue(centre, clock)
            await display.start()
            try:
                await settle(display, 4)
                centre.call_next(counter="c2")
                await settle(display, 5)
                await asyncio.wait_for(stream_of(display).wait_online(), 5)
                assert display.view_model.online
                assert display.view_model.current_number == "N-001"
                # Two waiting, 6 minutes each, one counter open: 12 minutes, shown as 15.
                await asyncio.wait_for(waits_shown(display, "15 min"), 5)
                assert display.announcer is not None
                await asyncio.wait_for(display.announcer.wait_idle(), 5)

                centre.drop_connections()
                await asyncio.wait_for(stream_of(display).wait_online(False), 5)
                assert not display.view_model.online
                clock.advance(minutes=30)  # N-001 took half an hour: 10 minutes a citizen now
                centre.finish(counter="c2")
                centre.call_next(counter="c2")  # called while the board was away
                await settle(display, 7)
                centre.recall(counter="c2")  # live again
                await settle(display, 8)
                centre.drop_connections()
                await asyncio.wait_for(stream_of(display).wait_online(False), 5)
                issue(centre, clock)
                await settle(display, 9)
                # The server's new estimate (two waiting, 10 minutes each) follows the event.
                await asyncio.wait_for(waits_shown(display, "20 min"), 5)
                await asyncio.wait_for(display.announcer.wait_idle(), 5)

                assert announced == ["N-001", "N-002", "N-002"]
                assert centre.stream_afters == [None, 5, 8]
                assert display.view_model.centre_name == "Huduma Centre Nakuru"
                assert display.view_model.current_counter == "Counter 2"
                assert display.view_model.current_is_recall
                assert display.view_model.waiting_rows[0]["waiting"] == "2"
            finally:
                await display.aclose()

    asyncio.run(scenario())
    assert [p.label for p in player.playbacks] == [
        "seq-5-N-001",
        "seq-7-N-002",
        "seq-8-N-002-recall",
    ]
    assert [a.counter for a in synthesizer.rendered if a.seq > 0] == ["Counter 2"] * 3
    assert player.overlaps == 0


class MuteSynthesizer:
    """A speech engine that is not installed: the rendering carries the error and a chime."""

    def render(self, announcement: Announcement) -> Rendering:
        pcm = audio.chime(8000)
        error = audio.AudioError("speech_engine_missing", "espeak-ng not found")
        return Rendering(wav=audio.to_wav(pcm), duration=pcm.duration, error=error)


def test_a_board_without_speech_says_so_in_its_status(tmp_path: Path) -> None:
    async def scenario() -> tuple[str, str]:
        async with nakuru(FixedClock(datetime.now(UTC))) as centre:
            settings = DisplaySettings(server_url=centre.url, token=TOKEN)
            player = RecordingPlayer(tmp_path, speedup=100)
            display = HallDisplay(settings, player=player, synthesizer=MuteSynthesizer())
            silent = HallDisplay(replace(settings, play_audio=False))
            try:
                await display.start()
                return display.status_message(), silent.status_message()
            finally:
                await display.aclose()
                await silent.aclose()

    with_fault, without_sound = asyncio.run(scenario())
    assert with_fault == "board up; sound fault: speech_engine_missing"
    assert without_sound == "board up; announcements off"


def test_ten_calls_within_a_second_are_heard_whole_one_after_another(tmp_path: Path) -> None:
    clock = FixedClock(datetime.now(UTC))
    synthesizer = ToneSynthesizer()
    player = RecordingPlayer(tmp_path, speedup=50)

    async def scenario() -> None:
        async with nakuru(clock) as centre:
            settings = DisplaySettings(server_url=centre.url, token=TOKEN)
            display = HallDisplay(settings, player=player, synthesizer=synthesizer)
            for i in range(1, 11):
                open_counter(centre, i)
            await display.start()
            try:
                await settle(display, 10)
                for i in range(1, 11):
                    centre.issue_ticket(service_code="NID")
                    centre.call_next(counter=f"c{i}")
                await settle(display, 30)
                assert display.announcer is not None
                await asyncio.wait_for(display.announcer.wait_idle(), 10)
            finally:
                await display.aclose()

    asyncio.run(scenario())
    assert [p.label for p in player.playbacks] == [
        f"seq-{10 + 2 * i}-N-{i:03d}" for i in range(1, 11)
    ]
    assert player.overlaps == 0
    assert all(p.ended - p.started >= p.duration / 50 for p in player.playbacks)
