"""Where announcements are heard: the sound device through `aplay`, or a recording for tests."""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from display import audio

log = logging.getLogger(__name__)

PLAYER_MISSING = "player_missing"
PLAYER_FAILED = "player_failed"
# Debian's alsa-utils; `paplay` (PulseAudio) takes a file the same way.
DEFAULT_COMMANDS = (("aplay", "-q"), ("paplay",))
UNSAFE_IN_FILE_NAME = re.compile(r"[^A-Za-z0-9._-]")


class AudioPlayer(Protocol):
    """Plays one WAV file and returns when it has finished playing."""

    async def play(self, wav: bytes, *, label: str) -> None:
        """Play `wav` to the end; raise `audio.AudioError` when the device fails."""


@dataclass(frozen=True)
class Playback:
    """One recorded playback: what was played and when it started and ended."""

    label: str
    path: Path
    duration: float
    started: float
    ended: float


class RecordingPlayer:
    """Writes each WAV to a folder and takes the sound's real duration to 'play' it.

    `speedup` shortens the wait (tests); `clock` is the monotonic clock the times are read on.
    """

    def __init__(
        self,
        folder: Path,
        *,
        speedup: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if speedup <= 0:
            raise ValueError(f"speedup must be positive: {speedup}")
        self.folder = folder
        self.speedup = speedup
        self._clock = clock
        self.playbacks: list[Playback] = []
        # Sounds started while another was playing: the fault the announcer exists to prevent.
        self.overlaps = 0
        self._playing = False

    async def play(self, wav: bytes, *, label: str) -> None:
        """Record the WAV and wait for as long as it lasts (divided by `speedup`)."""
        if self._playing:
            self.overlaps += 1
        self._playing = True
        try:
            started = self._clock()
            duration = audio.from_wav(wav).duration
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"{len(self.playbacks):03d}-{file_name(label)}.wav"
            path.write_bytes(wav)
            await asyncio.sleep(duration / self.speedup)
            self.playbacks.append(Playback(label, path, duration, started, self._clock()))
        finally:
            self._playing = False


class CommandPlayer:
    """Plays through a command-line player (`aplay -q FILE`), the display's real sound device.

    No player found, or one that fails, raises `audio.AudioError` (`player_missing`,
    `player_failed`); the announcer logs it and goes on with the next call.
    """

    def __init__(
        self, commands: Sequence[Sequence[str]] = DEFAULT_COMMANDS, *, timeout_seconds: float = 60
    ) -> None:
        self.commands = [tuple(command) for command in commands]
        self.timeout_seconds = timeout_seconds

    def command(self) -> tuple[str, ...] | None:
        """Return the first configured player found on PATH, if any."""
        for command in self.commands:
            path = shutil.which(command[0])
            if path is not None:
                return (path, *command[1:])
        return None

    async def play(self, wav: bytes, *, label: str) -> None:
        """Play `wav` and return when the player process has exited."""
        command = self.command()
        if command is None:
            names = ", ".join(command[0] for command in self.commands)
            raise audio.AudioError(PLAYER_MISSING, f"no audio player found (tried {names})")
        with tempfile.TemporaryDirectory(prefix="foleni-announcement-") as folder:
            path = Path(folder) / f"{file_name(label)}.wav"
            path.write_bytes(wav)
            process = await asyncio.create_subprocess_exec(
                *command,
                str(path),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
            )
            try:
                _, stderr = await asyncio.wait_for(process.communicate(), self.timeout_seconds)
            except TimeoutError as error:
                raise audio.AudioError(
                    PLAYER_FAILED, f"{command[0]} still playing {label} after timeout"
                ) from error
            finally:
                # Timed out or cancelled (the display closing): never leave a player behind.
                if process.returncode is None:
                    process.kill()
                    await process.wait()
        if process.returncode != 0:
            message = stderr.decode(errors="replace").strip()
            raise audio.AudioError(
                PLAYER_FAILED, f"{command[0]} exited {process.returncode}: {message}"
            )
        log.debug("played %s with %s", label, command[0])


def file_name(label: str) -> str:
    """Make a label safe as a file name (a ticket number could hold a slash)."""
    return UNSAFE_IN_FILE_NAME.sub("_", label) or "announcement"
