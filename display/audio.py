"""Mono 16-bit PCM sound in pure Python: WAV in and out, the chime, mixing helpers."""

from __future__ import annotations

import io
import math
import struct
import sys
import wave
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

FULL_SCALE = 32767
SAMPLE_WIDTH = 2
# The chime: a two-note "ding-dong" (E5 then C5), each note a few bell-like partials.
CHIME_NOTES = ((659.25, 0.0), (523.25, 0.42))
CHIME_PARTIALS = ((1.0, 1.0), (2.0, 0.35), (3.0, 0.12), (4.2, 0.05))
CHIME_SECONDS = 1.25
CHIME_ATTACK_SECONDS = 0.008
CHIME_DECAY_SECONDS = 0.32
CHIME_FADE_SECONDS = 0.08


class AudioError(Exception):
    """A sound device or engine failed; `code` says how (e.g. `speech_engine_missing`)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, eq=False)
class Pcm:
    """Mono signed 16-bit samples at `rate` samples per second."""

    samples: array
    rate: int

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.samples) / self.rate


def silence(seconds: float, rate: int) -> Pcm:
    """Return `seconds` of silence."""
    return Pcm(array("h", bytes(SAMPLE_WIDTH * round(seconds * rate))), rate)


def chime(rate: int) -> Pcm:
    """Synthesise the ding-dong played before each announcement, at `rate` (peak 0.8)."""
    count = round(CHIME_SECONDS * rate)
    mix = [0.0] * count
    for frequency, start in CHIME_NOTES:
        first = round(start * rate)
        for i in range(count - first):
            t = i / rate
            envelope = min(1.0, t / CHIME_ATTACK_SECONDS) * math.exp(-t / CHIME_DECAY_SECONDS)
            tone = sum(
                weight * math.sin(2 * math.pi * frequency * ratio * t)
                for ratio, weight in CHIME_PARTIALS
            )
            mix[first + i] += envelope * tone
    # A short linear fade so the sound ends on zero, without a click.
    fade = round(CHIME_FADE_SECONDS * rate)
    for i in range(fade):
        mix[count - fade + i] *= 1 - (i + 1) / fade
    peak = max(abs(x) for x in mix)
    return Pcm(array("h", (round(0.8 * FULL_SCALE * x / peak) for x in mix)), rate)


def scaled(pcm: Pcm, gain: float) -> Pcm:
    """Multiply every sample by `gain`, clipping at full scale."""
    loudest = max(map(abs, pcm.samples), default=0)
    if loudest * gain < FULL_SCALE:
        # The common case (normalising, turning down) needs no clipping: a plain list
        # comprehension keeps a 7 s sentence under 10 ms.
        return Pcm(array("h", [int(s * gain) for s in pcm.samples]), pcm.rate)
    return Pcm(
        array("h", [max(-FULL_SCALE, min(FULL_SCALE, int(s * gain))) for s in pcm.samples]),
        pcm.rate,
    )


def resampled(pcm: Pcm, rate: int) -> Pcm:
    """Convert to another sample rate by linear interpolation (enough for speech and chime)."""
    if pcm.rate == rate or not pcm.samples:
        return Pcm(pcm.samples, rate)
    source = pcm.samples
    count = max(1, round(len(source) * rate / pcm.rate))
    step = (len(source) - 1) / max(1, count - 1)
    out = array("h")
    for i in range(count):
        position = i * step
        left = int(position)
        right = min(left + 1, len(source) - 1)
        fraction = position - left
        out.append(round(source[left] + (source[right] - source[left]) * fraction))
    return Pcm(out, rate)


def concatenated(parts: Iterable[Pcm], rate: int) -> Pcm:
    """Join sounds end to end at `rate`, resampling those that differ."""
    out = array("h")
    for part in parts:
        out.extend(resampled(part, rate).samples)
    return Pcm(out, rate)


def rms(pcm: Pcm) -> float:
    """Root mean square level as a fraction of full scale (0.0 for silence)."""
    if not pcm.samples:
        return 0.0
    return math.sqrt(sum(s * s for s in pcm.samples) / len(pcm.samples)) / FULL_SCALE


def to_wav(pcm: Pcm) -> bytes:
    """Encode as a mono 16-bit WAV file."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(SAMPLE_WIDTH)
        out.setframerate(pcm.rate)
        out.writeframes(_little_endian(pcm.samples).tobytes())
    return buffer.getvalue()


def from_wav(data: bytes) -> Pcm:
    """Decode a mono 16-bit PCM WAV file.

    Tolerates the placeholder sizes a streaming writer puts in the header (espeak-ng --stdout
    writes 0x7ffff000 as the data size): the data runs to the end of the file.
    """
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise AudioError("audio_invalid", "not a RIFF/WAVE file")
    position = 12
    rate: int | None = None
    while position + 8 <= len(data):
        chunk_id = data[position : position + 4]
        (size,) = struct.unpack_from("<I", data, position + 4)
        body = position + 8
        if chunk_id == b"fmt ":
            audio_format, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", data, body)
            if audio_format != 1 or channels != 1 or bits != 16:
                raise AudioError(
                    "audio_invalid",
                    f"need mono 16-bit PCM, got format {audio_format}, {channels} ch, {bits} bit",
                )
        elif chunk_id == b"data":
            if rate is None:
                raise AudioError("audio_invalid", "data chunk before fmt chunk")
            end = min(len(data), body + size)
            end -= (end - body) % SAMPLE_WIDTH
            return Pcm(_little_endian(array("h", data[body:end])), rate)
        position = body + size + (size & 1)
    raise AudioError("audio_invalid", "no data chunk")


def _little_endian(samples: array) -> array:
    # WAV is little-endian; swap on the rare big-endian host (returns a copy there only).
    if sys.byteorder == "little":
        return samples
    swapped = array("h", samples)
    swapped.byteswap()
    return swapped
