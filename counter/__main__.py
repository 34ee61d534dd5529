"""`foleni counter ...` (`python -m counter ...`): start the staff's counter client."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from app_shell.launch import launch
from translations import catalogs


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Read the options (each also from a `FOLENI_COUNTER_*` environment variable)."""
    parser = argparse.ArgumentParser(
        prog="foleni counter", description="The counter client for staff calling citizens."
    )
    parser.add_argument(
        "--server",
        default=os.environ.get("FOLENI_COUNTER_SERVER"),
        help="the centre server's URL, e.g. http://centre.lan:8000 (FOLENI_COUNTER_SERVER)",
    )
    parser.add_argument(
        "--counter",
        default=os.environ.get("FOLENI_COUNTER_COUNTER"),
        help="this workstation's counter code; staff then cannot pick another "
        "(FOLENI_COUNTER_COUNTER)",
    )
    parser.add_argument(
        "--language",
        choices=catalogs.languages(),
        default=os.environ.get("FOLENI_COUNTER_LANGUAGE", catalogs.SOURCE_LANGUAGE),
        help="the language of the counter's screens, chosen by its staff (FOLENI_COUNTER_LANGUAGE)",
    )
    parser.add_argument(
        "--windowed",
        action="store_true",
        default=os.environ.get("FOLENI_COUNTER_WINDOWED") == "1",
        help="a 1280x800 window instead of full screen",
    )
    args = parser.parse_args(argv)
    if not args.server:
        parser.error("--server is required (or set FOLENI_COUNTER_SERVER)")
    if not args.server.startswith(("http://", "https://")):
        parser.error("--server must be an http:// or https:// URL")
    return args


def _configure(args: argparse.Namespace) -> None:
    from counter.window_setup import configure

    configure(windowed=args.windowed)


async def _run(args: argparse.Namespace) -> None:
    from counter.app import run_counter

    await run_counter(server=args.server, counter=args.counter, language=args.language)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the options, open the window and run the counter until it is closed."""
    return launch("foleni counter", parse=lambda: parse_args(argv), configure=_configure, run=_run)


if __name__ == "__main__":
    sys.exit(main())
