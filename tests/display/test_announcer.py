"""The announcer queue: one at a time, in seq order, each to the end; faults never stop it."""

import asyncio
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from display import audio
from display.announcements import Announcement
from display.announcer import Announcer
from display.players import PLAYER_FAILED, PLAYER_MISSING, CommandPlayer, RecordingPlayer
from display.speech import ENGINE_MISSING, AnnouncementSynthesizer, EspeakEngine, Rendering

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None,
    reason="espeak-ng is not installed (scripts/install-system-deps installs it)",
)
RATE = 8000


def call(seq: int, number: str | None = None, **fields) -> Announcement:
    return Announcement(
        seq=seq, ticket_number=number or f"B-{seq:03d}", counter=str(seq % 9 + 1), **fields
    )


class ToneSynthesizer:
    """Renders every announcement as the chime (1.25 s), fast and without espeak-ng."""

    def __init__(self) -> None:
        self.wav = audio.to_wav(audio.chime(RATE))
        self.duration = audio.from_wav(self.wav).duration
        self.rendered: list[str] = []

    def render(self, announcement: Announcement) -> Rendering:
        self.rendered.append(announcement.label)
        return Rendering(wav=self.wav, duration=self.duration)


def played_labels(player: RecordingPlayer) -> list[str]:
    return [playback.label for playback in player.playbacks]


def assert_one_after_another(player: RecordingPlayer, speedup: float) -> None:
    assert player.overlaps == 0
    for before, after in zip(player.playbacks, player.playbacks[1:], strict=False):
        assert after.started >= before.ended
    for playback in player.playbacks:
        # Each announcement played to its end: no cut-off.
        assert playback.ended - playback.started >= playback.duration / speedup * 0.95
        assert audio.from_wav(playback.path.read_bytes()).duration == playback.duration


async def announce_burst(announcer: Announcer, calls: list[Announcement], within: float) -> None:
    for item in calls:
        assert announcer.announce(item)
        await asyncio.sleep(within / len(calls))


def test_ten_calls_within_a_second_give_ten_complete_announcements_in_seq_order(tmp_path):
    speedup = 10
    player = RecordingPlayer(tmp_path, speedup=speedup)

    async def scenario() -> None:
        async with Announcer(ToneSynthesizer(), player) as announcer:
            await announce_burst(announcer, [call(seq) for seq in range(1, 11)], within=0.9)
            await asyncio.wait_for(announcer.wait_idle(), 10)
            assert announcer.status.played == 10

    asyncio.run(scenario())
    assert played_labels(player) == [call(seq).label for seq in range(1, 11)]
    assert_one_after_another(player, speedup)


@needs_espeak
def test_ten_real_calls_are_spoken_one_after_another_and_the_first_within_a_second(tmp_path):
    speedup = 40
    player = RecordingPlayer(tmp_path, speedup=speedup)
    synthesizer = AnnouncementSynthesizer()
    synthesizer.chime()
    calls = [call(100 + i, f"{letter}-{100 + i:03d}") for i, letter in enumerate("ABCDEFGHIJ")]

    async def scenario() -> float:
        loop = asyncio.get_running_loop()
        async with Announcer(synthesizer, player) as announcer:
            start = loop.time()
            await announce_burst(announcer, calls, within=0.9)
            await asyncio.wait_for(announcer.wait_idle(), 30)
            return start

    start = asyncio.run(scenario())
    assert played_labels(player) == [item.label for item in calls]
    assert_one_after_another(player, speedup)
    assert player.playbacks[0].started - start < 1.0
    for playback in player.playbacks:
        assert 1.5 < playback.duration < 15
        assert audio.rms(audio.from_wav(playback.path.read_bytes())) > 0.02


def test_waiting_calls_are_played_in_seq_order_whatever_their_arrival(tmp_path):
    player = RecordingPlayer(tmp_path, speedup=20)

    async def scenario() -> None:
        async with Announcer(ToneSynthesizer(), player) as announcer:
            for seq in (3, 1, 2):
                announcer.announce(call(seq))
            await asyncio.wait_for(announcer.wait_idle(), 5)

    asyncio.run(scenario())
    assert played_labels(player) == [call(seq).label for seq in (1, 2, 3)]


def test_a_replayed_event_is_ignored_and_a_recall_is_announced_again(tmp_path):
    player = RecordingPlayer(tmp_path, speedup=20)
    synthesizer = ToneSynthesizer()

    async def scenario() -> Announcer:
        async with Announcer(synthesizer, player) as announcer:
            assert announcer.announce(call(7))
            assert not announcer.announce(call(7))
            await asyncio.wait_for(announcer.wait_idle(), 5)
            assert not announcer.announce(call(7))
            assert announcer.announce(call(9, "B-007", recall=True))
            await asyncio.wait_for(announcer.wait_idle(), 5)
            return announcer

    announcer = asyncio.run(scenario())
    assert played_labels(player) == ["seq-7-B-007", "seq-9-B-007-recall"]
    assert announcer.status.duplicates == 2
    assert synthesizer.rendered == played_labels(player)


def test_calls_sharing_a_snapshot_seq_are_all_announced(tmp_path):
    player = RecordingPlayer(tmp_path, speedup=20)

    async def scenario() -> None:
        async with Announcer(ToneSynthesizer(), player) as announcer:
            assert announcer.announce(call(50, "A-001"))
            assert announcer.announce(call(50, "B-002"))
            await asyncio.wait_for(announcer.wait_idle(), 5)

    asyncio.run(scenario())
    assert played_labels(player) == ["seq-50-A-001", "seq-50-B-002"]


def test_without_espeak_the_calls_still_chime_and_the_fault_is_a_state(tmp_path):
    player = RecordingPlayer(tmp_path, speedup=20)
    synthesizer = AnnouncementSynthesizer(engine=EspeakEngine("espeak-ng-not-installed-here"))

    async def scenario() -> Announcer:
        async with Announcer(synthesizer, player) as announcer:
            for seq in (1, 2, 3):
                announcer.announce(call(seq))
            await asyncio.wait_for(announcer.wait_idle(), 10)
            return announcer

    announcer = asyncio.run(scenario())
    assert played_labels(player) == [call(seq).label for seq in (1, 2, 3)]
    assert announcer.status.played == 3
    assert announcer.status.last_error == ENGINE_MISSING
    assert announcer.status.errors == {ENGINE_MISSING: 3}


class FlakyPlayer(RecordingPlayer):
    """Fails on the labels in `failing`, plays the others."""

    def __init__(self, folder: Path, failing: set[str]) -> None:
        super().__init__(folder, speedup=20)
        self.failing = failing

    async def play(self, wav: bytes, *, label: str) -> None:
        if label in self.failing:
            raise audio.AudioError(PLAYER_FAILED, "device busy")
        await super().play(wav, label=label)


class BrokenSynthesizer(ToneSynthesizer):
    def render(self, announcement: Announcement) -> Rendering:
        if announcement.seq == 1:
            raise RuntimeError("a bug")
        return super().render(announcement)


def test_a_player_fault_or_a_bug_is_logged_and_the_next_call_still_plays(tmp_path):
    player = FlakyPlayer(tmp_path, failing={call(2).label})

    async def scenario() -> Announcer:
        async with Announcer(BrokenSynthesizer(), player) as announcer:
            for seq in (1, 2, 3):
                announcer.announce(call(seq))
            await asyncio.wait_for(announcer.wait_idle(), 5)
            return announcer

    announcer = asyncio.run(scenario())
    assert played_labels(player) == [call(3).label]
    assert announcer.status.errors == {"announcer_failed": 1, PLAYER_FAILED: 1}
    # The last call played well: no fault stands.
    assert announcer.status.last_error is None


def test_calls_older_than_max_age_are_not_announced(tmp_path):
    now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    monotonic = [1000.0]

    class SlowPlayer(RecordingPlayer):
        async def play(self, wav: bytes, *, label: str) -> None:
            # While this plays, eleven minutes pass on the display's clock.
            monotonic[0] += 11 * 60
            await super().play(wav, label=label)

    player = SlowPlayer(tmp_path, speedup=20)

    async def scenario() -> Announcer:
        announcer = Announcer(
            ToneSynthesizer(),
            player,
            max_age=timedelta(minutes=10),
            monotonic=lambda: monotonic[0],
            now=lambda: now,
        )
        async with announcer:
            # Replayed after a long disconnection: called 20 minutes ago.
            assert not announcer.announce(call(1, called_at=now - timedelta(minutes=20)))
            # A naive time is taken as UTC.
            naive = (now - timedelta(minutes=1)).replace(tzinfo=None)
            assert announcer.announce(call(2, called_at=naive))
            announcer.announce(call(3))
            await asyncio.wait_for(announcer.wait_idle(), 5)
        return announcer

    announcer = asyncio.run(scenario())
    # Call 3 waited behind call 2 for longer than max_age.
    assert played_labels(player) == [call(2).label]
    assert announcer.status.stale == 2


def test_a_full_queue_drops_the_oldest_waiting_call(tmp_path):
    player = RecordingPlayer(tmp_path, speedup=20)

    async def scenario() -> Announcer:
        async with Announcer(ToneSynthesizer(), player, max_pending=3) as announcer:
            announcer.announce(call(1))
            await asyncio.sleep(0.01)  # call 1 is playing
            for seq in range(2, 7):
                announcer.announce(call(seq))
            assert announcer.pending == 3
            await asyncio.wait_for(announcer.wait_idle(), 5)
            return announcer

    announcer = asyncio.run(scenario())
    assert played_labels(player) == [call(seq).label for seq in (1, 4, 5, 6)]
    assert announcer.status.overflowed == 2


def test_closing_forgets_the_waiting_calls(tmp_path):
    player = RecordingPlayer(tmp_path, speedup=1)

    async def scenario() -> Announcer:
        announcer = Announcer(ToneSynthesizer(), player)
        announcer.start()
        for seq in (1, 2, 3):
            announcer.announce(call(seq))
        await asyncio.sleep(0.05)
        await announcer.aclose()
        await asyncio.wait_for(announcer.wait_idle(), 1)
        return announcer

    announcer = asyncio.run(scenario())
    assert announcer.pending == 0
    assert player.playbacks == []


def script(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return str(path)


def test_the_command_player_runs_the_first_player_found_and_waits_for_it(tmp_path):
    log = tmp_path / "played"
    fake_aplay = script(tmp_path, "fake-aplay", f'sleep 0.2; cp "$2" "{log}"')
    player = CommandPlayer([("no-such-player-here",), (fake_aplay, "-q")])
    wav = audio.to_wav(audio.chime(RATE))

    async def scenario() -> float:
        loop = asyncio.get_running_loop()
        start = loop.time()
        await player.play(wav, label="seq-1-B-001")
        return loop.time() - start

    assert asyncio.run(scenario()) >= 0.2
    assert log.read_bytes() == wav


def test_labels_become_safe_file_names(tmp_path):
    player = RecordingPlayer(tmp_path / "calls", speedup=100)
    asyncio.run(player.play(audio.to_wav(audio.chime(RATE)), label="seq-1-B/014"))
    assert [path.name for path in (tmp_path / "calls").iterdir()] == ["000-seq-1-B_014.wav"]


def test_the_command_player_reports_a_missing_or_failing_player(tmp_path):
    wav = audio.to_wav(audio.chime(RATE))
    missing = CommandPlayer([("no-such-player-here", "-q")])
    failing = CommandPlayer([(script(tmp_path, "bad-aplay", "echo no device >&2; exit 1"),)])
    for player, code in ((missing, PLAYER_MISSING), (failing, PLAYER_FAILED)):
        with pytest.raises(audio.AudioError) as caught:
            asyncio.run(player.play(wav, label="seq-1-B-001"))
        assert caught.value.code == code
