"""Where the display's announcements go: the speaker, a folder of WAV files, or both."""

from __future__ import annotations

import itertools
from pathlib import Path

from display.players import AudioPlayer, CommandPlayer, RecordingPlayer


class SavingPlayer:
    """Writes each announcement's WAV into a folder, then plays it through another player."""

    def __init__(self, folder: Path, inner: AudioPlayer) -> None:
        self.folder = folder
        self.inner = inner
        self._numbers = itertools.count()

    async def play(self, wav: bytes, *, label: str) -> None:
        """Keep a copy of `wav`, then play it to the end."""
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / f"{next(self._numbers):03d}-{label}.wav").write_bytes(wav)
        await self.inner.play(wav, label=label)


def choose_player(*, play_audio: bool, audio_dir: Path | None) -> AudioPlayer | None:
    """Pick the player for these settings; None when the board is silent and keeps no files."""
    if play_audio and audio_dir is not None:
        return SavingPlayer(audio_dir, CommandPlayer())
    if play_audio:
        return CommandPlayer()
    if audio_dir is not None:
        # Files only: the recording player still takes each sound's real length, so the
        # files come out at the pace the hall would have heard them.
        return RecordingPlayer(audio_dir)
    return None
