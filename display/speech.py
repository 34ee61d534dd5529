"""Offline speech for hall announcements: espeak-ng voices, chime, then each language in turn."""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol

from display import audio
from display.announcements import ENGLISH, Announcement, check_language, phrase
from translations.catalogs import HALL_LANGUAGES

log = logging.getLogger(__name__)

ENGINE_MISSING = "speech_engine_missing"
ENGINE_FAILED = "speech_engine_failed"
ENGINE_TIMEOUT = "speech_engine_timeout"
OUTPUT_INVALID = "speech_output_invalid"

# A language is spoken by the espeak-ng voice named by its code ("sw", "ar"), unless this table
# names another: adding a catalog is enough to announce in its language. Kenyan English is not
# among espeak-ng's voices; British English is the nearest in vowels and in being non-rhotic,
# and it is what Kenyan schools teach.
DEFAULT_VOICES = MappingProxyType({ENGLISH: "en-gb"})
# espeak-ng's own default rate, kept for every language this table does not name: the Swahili
# voice's long words already make its call last about 5.5 s. It is too fast for a noisy hall in
# English.
ESPEAK_RATE_WPM = 175
DEFAULT_RATES_WPM = MappingProxyType({ENGLISH: 150})
# espeak-ng's voices speak at an even level (RMS about 0.1 of full scale, peaks 0.7 to 0.9 at
# amplitude 100) and scale linearly with its amplitude: no normalising pass is needed, which
# keeps a render under 50 ms. The chime (peak 0.8) is set a little below the voice.
ESPEAK_FULL_AMPLITUDE = 100
CHIME_GAIN = 0.85
CHIME_GAP_SECONDS = 0.25
TAIL_SECONDS = 0.2
# espeak-ng's own rate; other rates (an mbrola voice) are resampled to it.
OUTPUT_RATE = 22050


@dataclass(frozen=True)
class SpeechSettings:
    """How announcements sound: languages in speaking order, voices, rate, volume, chime.

    `voices` and `rates_wpm` name the exceptions: a language they leave out is spoken by the
    voice of its own code at espeak-ng's default rate.
    """

    languages: tuple[str, ...] = HALL_LANGUAGES
    voices: Mapping[str, str] = field(default_factory=lambda: DEFAULT_VOICES)
    rates_wpm: Mapping[str, int] = field(default_factory=lambda: DEFAULT_RATES_WPM)
    volume: float = 1.0
    chime: bool = True
    pause_seconds: float = 0.5

    def __post_init__(self) -> None:
        for language in self.languages:
            check_language(language)
            if not self.voice(language).strip():
                raise ValueError(f"the voice for language {language!r} is blank")
            rate = self.rate_wpm(language)
            if not 80 <= rate <= 450:
                raise ValueError(f"{language} rate must be within 80..450 words a minute: {rate}")
        if not 0.0 <= self.volume <= 1.0:
            raise ValueError(f"volume must be within 0.0..1.0: {self.volume}")
        if not 0.0 <= self.pause_seconds <= 5.0:
            raise ValueError(f"pause_seconds must be within 0..5: {self.pause_seconds}")

    def voice(self, language: str) -> str:
        """Return the espeak-ng voice that speaks `language`: the table's, else its own code."""
        return self.voices.get(language, language)

    def rate_wpm(self, language: str) -> int:
        """Return how fast `language` is spoken, in words a minute."""
        return self.rates_wpm.get(language, ESPEAK_RATE_WPM)


class SpeechEngine(Protocol):
    """Turns one sentence into sound with a named voice."""

    def speak(self, text: str, *, voice: str, rate_wpm: int, volume: float) -> audio.Pcm:
        """Return the spoken sentence at `volume` (0..1); raise `audio.AudioError` on failure."""


class EspeakEngine:
    """espeak-ng run as a subprocess, with a small cache of sentences already spoken."""

    def __init__(
        self, executable: str = "espeak-ng", *, timeout_seconds: float = 5.0, cache_size: int = 64
    ) -> None:
        self.executable = executable
        self.timeout_seconds = timeout_seconds
        self._cache: OrderedDict[tuple[str, int, int, str], audio.Pcm] = OrderedDict()
        self._cache_size = cache_size
        # The announcer renders from worker threads; the cache is shared between them.
        self._lock = threading.Lock()

    def available(self) -> bool:
        """Whether the espeak-ng executable can be found."""
        return shutil.which(self.executable) is not None

    def speak(self, text: str, *, voice: str, rate_wpm: int, volume: float = 1.0) -> audio.Pcm:
        """Synthesise `text` with espeak-ng; raise `audio.AudioError` with a speech code."""
        amplitude = round(ESPEAK_FULL_AMPLITUDE * volume)
        key = (voice, rate_wpm, amplitude, text)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        pcm = self._run(text, voice=voice, rate_wpm=rate_wpm, amplitude=amplitude)
        with self._lock:
            self._cache[key] = pcm
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return pcm

    def _run(self, text: str, *, voice: str, rate_wpm: int, amplitude: int) -> audio.Pcm:
        path = shutil.which(self.executable)
        if path is None:
            raise audio.AudioError(ENGINE_MISSING, f"{self.executable} not found on PATH")
        # "--" ends the options: a sentence can never be taken for one.
        command = [path, "-v", voice, "-s", str(rate_wpm), "-a", str(amplitude), "--stdout"]
        command += ["--", text]
        try:
            done = subprocess.run(
                command, capture_output=True, timeout=self.timeout_seconds, check=False
            )
        except subprocess.TimeoutExpired as error:
            raise audio.AudioError(
                ENGINE_TIMEOUT, f"{self.executable} took over {self.timeout_seconds} s"
            ) from error
        except OSError as error:
            raise audio.AudioError(ENGINE_MISSING, f"cannot run {path}: {error}") from error
        if done.returncode != 0:
            stderr = done.stderr.decode(errors="replace").strip()
            raise audio.AudioError(
                ENGINE_FAILED, f"{self.executable} exited {done.returncode}: {stderr}"
            )
        try:
            pcm = audio.from_wav(done.stdout)
        except audio.AudioError as error:
            raise audio.AudioError(OUTPUT_INVALID, error.message) from error
        if not pcm.samples:
            raise audio.AudioError(OUTPUT_INVALID, f"{self.executable} produced no sound")
        return pcm


@dataclass(frozen=True, eq=False)
class Rendering:
    """An announcement's sound as a WAV file, and the speech error if some speech is missing."""

    wav: bytes
    duration: float
    error: audio.AudioError | None = None


class AnnouncementSynthesizer:
    """Renders an announcement: chime, then each language's sentence, as one WAV file.

    A speech engine that is missing or fails is a state, not a crash: the rendering then holds
    the languages that could be spoken, or the chime alone (so the hall still looks at the
    screen), and carries the error.
    """

    def __init__(
        self, settings: SpeechSettings | None = None, engine: SpeechEngine | None = None
    ) -> None:
        self.settings = settings or SpeechSettings()
        self.engine = engine or EspeakEngine()
        self._chime: audio.Pcm | None = None
        self._lock = threading.Lock()

    def render(self, announcement: Announcement) -> Rendering:
        """Return the announcement's sound; never raises for an engine failure."""
        settings = self.settings
        spoken: list[audio.Pcm] = []
        error: audio.AudioError | None = None
        for language in settings.languages:
            # One language failing (a voice not installed) leaves the others to be heard.
            try:
                spoken.append(
                    self.engine.speak(
                        phrase(announcement, language),
                        voice=settings.voice(language),
                        rate_wpm=settings.rate_wpm(language),
                        volume=settings.volume,
                    )
                )
            except audio.AudioError as failure:
                log.warning("%s: no %s speech: %s", announcement.label, language, failure)
                error = error or failure
        parts: list[audio.Pcm] = []
        if settings.chime or not spoken:
            parts += [self.chime(), audio.silence(CHIME_GAP_SECONDS, OUTPUT_RATE)]
        for index, sentence in enumerate(spoken):
            if index:
                parts.append(audio.silence(settings.pause_seconds, OUTPUT_RATE))
            parts.append(sentence)
        parts.append(audio.silence(TAIL_SECONDS, OUTPUT_RATE))
        sound = audio.concatenated(parts, OUTPUT_RATE)
        return Rendering(wav=audio.to_wav(sound), duration=sound.duration, error=error)

    def chime(self) -> audio.Pcm:
        """Return the chime at the output rate and volume (made once: it takes about 0.1 s)."""
        with self._lock:
            if self._chime is None:
                ding = audio.chime(OUTPUT_RATE)
                self._chime = audio.scaled(ding, CHIME_GAIN * self.settings.volume)
            return self._chime
