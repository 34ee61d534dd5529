"""The kiosk's typed settings, from the command line and the environment; unusable ones refused."""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from app_shell.settings import CentreOptions, SettingsError
from kiosk.i18n import Language
from printers.settings import PrinterSettings

CENTRE = CentreOptions("kiosk")
PRINTER_ENV = "FOLENI_KIOSK_PRINTER"
WINDOWED_ENV = "FOLENI_KIOSK_WINDOWED"
PRINTER_FORMS = (
    "network:HOST[:PORT], usb:VENDOR:PRODUCT, serial:DEVICE[:BAUD], file:PATH, recording"
)


@dataclass(frozen=True)
class KioskSettings:
    """Everything one kiosk needs to run; `validated()` refuses unusable values."""

    server_url: str
    token: str
    printer: PrinterSettings = field(default_factory=lambda: PrinterSettings(kind="recording"))
    windowed: bool = False
    language: Language = Language.EN
    ask_phone: bool = True
    timezone: str = "Africa/Nairobi"
    # How often the menu's queues are refreshed; the same request tells whether the server is up.
    poll_seconds: float = 5.0
    # While the server is away, how often to try it again (recovery is automatic).
    offline_poll_seconds: float = 2.0
    printer_check_seconds: float = 30.0
    inactivity_seconds: float = 45.0

    def validated(self) -> KioskSettings:
        """Return self when every value is usable, else raise `SettingsError`."""
        CENTRE.check(self.server_url, self.token)
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise SettingsError(
                "invalid_timezone", f"unknown time zone {self.timezone!r}"
            ) from error
        timings = (
            self.poll_seconds,
            self.offline_poll_seconds,
            self.printer_check_seconds,
            self.inactivity_seconds,
        )
        if any(seconds <= 0 for seconds in timings):
            raise SettingsError("invalid_interval", "intervals and timeouts must be positive")
        return self

    @property
    def zone(self) -> ZoneInfo:
        """The centre's time zone (slips and appointment times are printed in it)."""
        return ZoneInfo(self.timezone)


def printer_settings(spec: str) -> PrinterSettings:
    """Read a `--printer` value such as `network:10.0.0.7:9100` or `file:/dev/usb/lp0`."""
    kind, _, rest = spec.partition(":")
    values: dict[str, object]
    if kind == "network":
        host, _, port = rest.rpartition(":") if rest.count(":") == 1 else (rest, "", "")
        values = {"host": host or None, **({"port": port} if port else {})}
    elif kind == "usb":
        vendor, _, product = rest.partition(":")
        values = {"usb_vendor_id": vendor or None, "usb_product_id": product or None}
    elif kind == "serial":
        device, _, baud = rest.partition(":")
        values = {"serial_device": device or None, **({"serial_baudrate": baud} if baud else {})}
    elif kind == "file":
        values = {"file_path": rest or None}
    elif kind == "recording" and not rest:
        values = {}
    else:
        raise SettingsError("invalid_printer", f"--printer must be one of: {PRINTER_FORMS}")
    try:
        return PrinterSettings.model_validate({"kind": kind, **values})
    except ValidationError as error:
        raise SettingsError("invalid_printer", f"--printer {spec!r}: {error}") from error


def build_parser() -> argparse.ArgumentParser:
    """Build the command line of `foleni kiosk`."""
    parser = argparse.ArgumentParser(prog="foleni kiosk", description="Run a ticket kiosk.")
    CENTRE.add_to(parser)
    parser.add_argument("--printer", help=f"{PRINTER_FORMS} (or {PRINTER_ENV})")
    screen = (
        parser.add_mutually_exclusive_group()
    )  # default: full screen, or $FOLENI_KIOSK_WINDOWED
    screen.add_argument(
        "--fullscreen", dest="windowed", action="store_false", help="full screen (the default)"
    )
    screen.add_argument(
        "--windowed", dest="windowed", action="store_true", help=f"a window (or {WINDOWED_ENV}=1)"
    )
    parser.set_defaults(windowed=None)
    parser.add_argument(
        "--language",
        choices=[lang.value for lang in Language],
        default="en",
        help="the language the kiosk returns to after each citizen",
    )
    parser.add_argument("--no-sms", action="store_true", help="do not offer an SMS reminder")
    parser.add_argument("--timezone", default="Africa/Nairobi", help="for times on slips")
    parser.add_argument(
        "--poll-seconds", type=float, default=5.0, help="how often to refresh the queues"
    )
    return parser


def parse_settings(
    argv: Sequence[str] | None = None, *, environ: Mapping[str, str] | None = None
) -> KioskSettings:
    """Parse and validate the command line; server, token and printer may come from the env."""
    env = os.environ if environ is None else environ
    args = build_parser().parse_args(argv)
    server_url, token = CENTRE.read(args, env)
    return KioskSettings(
        server_url=server_url,
        token=token,
        printer=printer_settings(args.printer or env.get(PRINTER_ENV, "recording")),
        windowed=(
            args.windowed
            if args.windowed is not None
            else env.get(WINDOWED_ENV, "").lower() in {"1", "true", "yes"}
        ),
        language=Language(args.language),
        ask_phone=not args.no_sms,
        timezone=args.timezone,
        poll_seconds=args.poll_seconds,
    ).validated()
