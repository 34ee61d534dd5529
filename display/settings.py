"""The display's typed settings, parsed from the command line and the environment."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from app_shell.settings import CentreOptions, SettingsError
from display.zone import WHOLE_CENTRE, Zone
from translations import catalogs

CENTRE = CentreOptions("display")


@dataclass(frozen=True)
class DisplaySettings:
    """Everything one hall display needs to run; `validated()` refuses unusable values."""

    server_url: str
    token: str
    zone: Zone = WHOLE_CENTRE
    languages: tuple[str, ...] = catalogs.HALL_LANGUAGES
    volume_percent: int = 80
    audio_dir: Path | None = None
    play_audio: bool = True
    windowed: bool = False
    centre_name: str | None = None
    notice: str = ""
    recent_count: int = 6
    highlight_seconds: float = 10.0
    announce_max_age_seconds: float = 120.0
    waiting_page_seconds: float = 8.0
    timezone: str = "Africa/Nairobi"

    def validated(self) -> DisplaySettings:
        """Return self when every value is usable, else raise `SettingsError`."""
        CENTRE.check(self.server_url, self.token)
        # Any language with a catalog can be announced: its sentences are in the catalog.
        known = catalogs.languages()
        if not self.languages or any(lang not in known for lang in self.languages):
            raise SettingsError(
                "unsupported_language", f"languages must be among {', '.join(known)}"
            )
        if not 0 <= self.volume_percent <= 100:
            raise SettingsError("invalid_volume", "volume is a percentage, 0 to 100")
        if not 1 <= self.recent_count <= 12:
            raise SettingsError("invalid_recent_count", "the board lists 1 to 12 recent calls")
        if (
            self.highlight_seconds <= 0
            or self.waiting_page_seconds <= 0
            or self.announce_max_age_seconds < 0
        ):
            raise SettingsError("invalid_duration", "durations must be positive")
        return self


def _codes(text: str) -> tuple[str, ...]:
    """Split a comma-separated list of codes, dropping blanks."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def build_parser() -> argparse.ArgumentParser:
    """Build the `foleni display` command line."""
    parser = argparse.ArgumentParser(
        prog="foleni display",
        description="Hall display board: shows and announces calls in the hall's languages.",
    )
    CENTRE.add_to(parser)
    parser.add_argument("--zone-services", default="", help="comma-separated service codes")
    parser.add_argument("--zone-counters", default="", help="comma-separated counter codes")
    parser.add_argument(
        "--languages",
        default=",".join(catalogs.HALL_LANGUAGES),
        help="announcement languages, in order: any with a catalog",
    )
    parser.add_argument("--volume", type=int, default=80, help="announcement volume, 0-100")
    parser.add_argument("--audio-dir", type=Path, help="also write each announcement's WAV here")
    parser.add_argument("--mute", action="store_true", help="do not play sound (files only)")
    parser.add_argument("--windowed", action="store_true", help="run in a window, not full screen")
    parser.add_argument("--centre-name", help="name in the header (default: the server's)")
    parser.add_argument("--notice", default="", help="text of the scrolling notice line")
    parser.add_argument("--recent", type=int, default=6, help="how many recent calls to list")
    parser.add_argument("--highlight-seconds", type=float, default=10.0)
    parser.add_argument(
        "--page-seconds", type=float, default=8.0, help="time per page of waiting tiles"
    )
    return parser


def parse_settings(
    argv: Sequence[str] | None = None, *, environ: Mapping[str, str] | None = None
) -> DisplaySettings:
    """Parse and validate the command line; the token may come from the environment."""
    env = os.environ if environ is None else environ
    args = build_parser().parse_args(argv)
    server_url, token = CENTRE.read(args, env)
    return DisplaySettings(
        server_url=server_url,
        token=token,
        zone=Zone.of(services=_codes(args.zone_services), counters=_codes(args.zone_counters)),
        languages=_codes(args.languages),
        volume_percent=args.volume,
        audio_dir=args.audio_dir,
        play_audio=not args.mute,
        windowed=args.windowed,
        centre_name=args.centre_name,
        notice=args.notice,
        recent_count=args.recent,
        highlight_seconds=args.highlight_seconds,
        waiting_page_seconds=args.page_seconds,
    ).validated()
