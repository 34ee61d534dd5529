"""`foleni national ...`: serve, db, centres and their configuration, holidays, notices, keys..."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import uvicorn
from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from centre_core.centre_file import load_centre_config
from centre_core.errors import QueueError
from national import catalogue, centres, demo, feed, keys, processing, staff
from national.centres import CODE_PATTERN
from national.db.engine import NationalDatabaseError, create_national_engine
from national.db.migrate import is_current, upgrade
from national.db.tables import ALL_CENTRES
from national.settings import NationalSettings, UnsafeNationalSettingsError


class NationalCliError(Exception):
    """A problem the operator can fix, told in one line."""


def _settings(args: argparse.Namespace) -> NationalSettings:
    # The settings travel as environment variables: uvicorn's worker processes read them too.
    for option in ("data_dir", "host", "port", "workers"):
        value = getattr(args, option, None)
        if value is not None:
            os.environ[f"FOLENI_NATIONAL_{option.upper()}"] = str(value)
    try:
        settings = NationalSettings()
    except ValidationError as exc:
        raise NationalCliError(
            f"bad settings (FOLENI_NATIONAL_*): {exc.errors()[0]['msg']}"
        ) from exc
    if settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings


def _engine(args: argparse.Namespace, *, migrate: bool = False) -> Engine:
    settings = _settings(args)
    engine = create_national_engine(settings.resolved_database_url())
    try:
        if not is_current(engine):
            if not migrate:
                raise NationalCliError(
                    "the national database is not current: run `foleni national db upgrade`"
                )
            upgrade(engine)
    except OperationalError as exc:
        raise NationalCliError(f"cannot use the database {engine.url!r}: {exc.orig}") from exc
    return engine


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the national service (several worker processes with `--workers N`)."""
    settings = _settings(args)
    # Development migrates itself; production wants an explicit `db upgrade`.
    _engine(args, migrate=settings.mode == "development").dispose()
    uvicorn.run(
        "national.app:app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level="warning",
        access_log=False,
    )
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Bring the national database to the newest schema."""
    _engine(args, migrate=True).dispose()
    print("the national database is at the newest schema")
    return 0


def cmd_centre_add(args: argparse.Namespace) -> int:
    """Register a centre and print its credential (once: only its hash is kept)."""
    engine = _engine(args, migrate=True)
    credential = centres.add_centre(engine, code=args.code, name=args.name, timezone=args.timezone)
    if args.json:
        print(json.dumps({"centre": args.code, "credential": credential}))
    else:
        print(f"centre {args.code} registered; its credential (shown once, set it as")
        print(f"FOLENI_NATIONAL_CREDENTIAL on the centre server): {credential}")
    return 0


def cmd_centre_rotate(args: argparse.Namespace) -> int:
    """Give a centre a new credential (the old one stops working at once)."""
    credential = centres.rotate_credential(_engine(args), code=args.code)
    print(json.dumps({"centre": args.code, "credential": credential}) if args.json else credential)
    return 0


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise NationalCliError(f"cannot read {path}: {exc.strerror}") from exc


def cmd_centre_config(args: argparse.Namespace) -> int:
    """Set a centre's hours and services from its centre file and the national catalogue."""
    config = load_centre_config(_read(args.centre_file), source=args.centre_file)
    services = None
    if args.catalogue is not None:
        try:
            services = catalogue.load_catalogue(_read(args.catalogue), source=args.catalogue)
        except catalogue.CatalogueError as exc:
            raise NationalCliError(str(exc)) from exc
    published = catalogue.configure_centre(
        _engine(args), centre=args.code, config=config, catalogue=services
    )
    bookable = sorted(code for code, entry in (services or {}).items() if entry.slot_capacity > 0)
    if args.json:
        print(json.dumps({"centre": args.code, **published.model_dump(mode="json")}))
    else:
        print(
            f"centre {args.code}: {len(published.services)} services "
            f"(bookable: {', '.join(bookable) or 'none'}), configuration {published.version}"
        )
    return 0


def cmd_demo_setup(args: argparse.Namespace) -> int:
    """Register and configure the demo centre; print its credential and keys as JSON."""
    config = load_centre_config(_read(args.centre_file), source=args.centre_file)
    try:
        services = catalogue.load_catalogue(_read(args.catalogue), source=args.catalogue)
    except catalogue.CatalogueError as exc:
        raise NationalCliError(str(exc)) from exc
    print(json.dumps(demo.set_up(_engine(args, migrate=True), config=config, services=services)))
    return 0


def cmd_holidays_sync(args: argparse.Namespace) -> int:
    """Store Kenya's public holidays of these years for every centre."""
    synced = catalogue.sync_holidays(_engine(args), years=args.years)
    print(f"{len(synced.days)} public holidays held; {len(synced.centres)} centre(s) published")
    return 0


def cmd_holidays_add(args: argparse.Namespace) -> int:
    """Add a gazetted holiday for every centre or one."""
    published = catalogue.add_holiday(
        _engine(args),
        day=args.day,
        name_en=args.name_en,
        name_sw=args.name_sw,
        centre=args.centre or ALL_CENTRES,
    )
    print(f"{args.day} is {args.name_en}; {len(published)} centre(s) published")
    return 0


def cmd_notice_add(args: argparse.Namespace) -> int:
    """Put up a notice for citizens at a centre; print its id."""
    notice_id = catalogue.add_notice(
        _engine(args),
        centre=args.code,
        service_code=args.service,
        text_en=args.en,
        text_sw=args.sw,
        hours=args.hours,
        now=datetime.now(UTC),
    )
    print(notice_id)
    return 0


def cmd_notice_clear(args: argparse.Namespace) -> int:
    """End a notice now."""
    centre = catalogue.clear_notice(_engine(args), notice_id=args.id, now=datetime.now(UTC))
    print(f"notice {args.id} of {centre} ended")
    return 0


def cmd_key_add(args: argparse.Namespace) -> int:
    """Create a key for a booking channel or an operator and print it once."""
    token = keys.add_key(_engine(args, migrate=True), name=args.name, role=args.role)
    print(json.dumps({"name": args.name, "role": args.role, "key": token}) if args.json else token)
    return 0


def cmd_staff_add(args: argparse.Namespace) -> int:
    """Add a member of national staff (the overview's login) and print the PIN once."""
    pin = staff.add_staff(
        _engine(args, migrate=True), staff_number=args.number, name=args.name, pin=args.pin
    )
    print(f"staff {args.number} ({args.name}) added; PIN (shown once): {pin}")
    return 0


def cmd_sync_status(args: argparse.Namespace) -> int:
    """Show every centre's link as the nation sees it."""
    states = centres.sync_states(_engine(args))
    if args.json:
        print(json.dumps([state.model_dump(mode="json") for state in states], indent=2))
        return 0
    print(f"{'centre':<12} {'held to':>9} {'pending':>8} {'dead':>5} {'cursor':>7}  last contact")
    for state in states:
        contact = (
            state.last_contact.isoformat(timespec="seconds") if state.last_contact else "never"
        )
        print(
            f"{state.centre:<12} {state.acked_through:>9} {state.pending:>8} "
            f"{state.dead_letters:>5} {state.feed_cursor:>7}  {contact}"
        )
    return 0


def cmd_dead_letters(args: argparse.Namespace) -> int:
    """List the rows whose processing failed, or replay them after a fix."""
    engine = _engine(args)
    if args.action == "replay":
        count = processing.replay(engine, centre=args.centre, seq=args.seq)
        print(f"{count} row(s) put back for processing")
        return 0
    for row in processing.dead_letters(engine, centre=args.centre):
        print(f"{row.centre} seq {row.seq} {row.topic}: {row.last_error}")
    return 0


def cmd_feed_compact(args: argparse.Namespace) -> int:
    """Drop a centre's old changes (a centre behind them takes a snapshot)."""
    horizon = feed.compact(_engine(args), centre=args.code, keep=args.keep)
    print(f"changes of {args.code} up to {horizon} dropped")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="foleni national", description=__doc__)
    parser.add_argument(
        "--data-dir", help="where the SQLite database lives (default ./national-data)"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def command(
        name: str, handler: Callable[[argparse.Namespace], int], **kw: Any
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=handler.__doc__, **kw)
        sub.set_defaults(handler=handler)
        return sub

    serve = command("serve", cmd_serve)
    serve.add_argument("--data-dir", default=argparse.SUPPRESS)
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int)
    db = commands.add_parser("db", help="the national database")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help=cmd_db_upgrade.__doc__).set_defaults(
        handler=cmd_db_upgrade
    )
    centre = commands.add_parser("centre", help="registered centres")
    centre_commands = centre.add_subparsers(dest="centre_command", required=True)
    add = centre_commands.add_parser("add", help=cmd_centre_add.__doc__)
    add.set_defaults(handler=cmd_centre_add)
    add.add_argument("code", type=_centre_code)
    add.add_argument("--name", required=True)
    add.add_argument("--timezone", default="Africa/Nairobi")
    add.add_argument("--json", action="store_true")
    rotate = centre_commands.add_parser("rotate", help=cmd_centre_rotate.__doc__)
    rotate.set_defaults(handler=cmd_centre_rotate)
    rotate.add_argument("code", type=_centre_code)
    rotate.add_argument("--json", action="store_true")
    configure = centre_commands.add_parser("config", help=cmd_centre_config.__doc__)
    configure.set_defaults(handler=cmd_centre_config)
    configure.add_argument("code", type=_centre_code)
    configure.add_argument("--centre-file", required=True, help="the centre's TOML file")
    configure.add_argument("--catalogue", help="the national catalogue TOML file")
    configure.add_argument("--json", action="store_true")
    demo_setup = command("demo-setup", cmd_demo_setup)
    demo_setup.add_argument("--centre-file", required=True)
    demo_setup.add_argument("--catalogue", required=True)
    holidays = commands.add_parser("holidays", help="public and gazetted holidays")
    holiday_commands = holidays.add_subparsers(dest="holidays_command", required=True)
    holidays_sync = holiday_commands.add_parser("sync", help=cmd_holidays_sync.__doc__)
    holidays_sync.set_defaults(handler=cmd_holidays_sync)
    holidays_sync.add_argument("--years", type=int, nargs="+", required=True)
    holidays_add = holiday_commands.add_parser("add", help=cmd_holidays_add.__doc__)
    holidays_add.set_defaults(handler=cmd_holidays_add)
    holidays_add.add_argument("day", type=date.fromisoformat, help="YYYY-MM-DD")
    holidays_add.add_argument("--name-en", required=True)
    holidays_add.add_argument("--name-sw", required=True)
    holidays_add.add_argument("--centre", type=_centre_code, help="one centre (default: all)")
    notice = commands.add_parser("notice", help="notices for citizens")
    notice_commands = notice.add_subparsers(dest="notice_command", required=True)
    notice_add = notice_commands.add_parser("add", help=cmd_notice_add.__doc__)
    notice_add.set_defaults(handler=cmd_notice_add)
    notice_add.add_argument("code", type=_centre_code)
    notice_add.add_argument("--service", help="one service's code (default: the whole centre)")
    notice_add.add_argument("--en", required=True)
    notice_add.add_argument("--sw", required=True)
    notice_add.add_argument("--hours", type=float, help="ends after this many hours")
    notice_clear = notice_commands.add_parser("clear", help=cmd_notice_clear.__doc__)
    notice_clear.set_defaults(handler=cmd_notice_clear)
    notice_clear.add_argument("id")
    key = commands.add_parser("key", help="keys of channels and operators")
    key_commands = key.add_subparsers(dest="key_command", required=True)
    key_add = key_commands.add_parser("add", help=cmd_key_add.__doc__)
    key_add.set_defaults(handler=cmd_key_add)
    key_add.add_argument("name")
    key_add.add_argument("--role", choices=keys.ROLES, required=True)
    key_add.add_argument("--json", action="store_true")
    staff_parser = commands.add_parser("staff", help="national staff (the overview's login)")
    staff_commands = staff_parser.add_subparsers(dest="staff_command", required=True)
    staff_add = staff_commands.add_parser("add", help=cmd_staff_add.__doc__)
    staff_add.set_defaults(handler=cmd_staff_add)
    staff_add.add_argument("number")
    staff_add.add_argument("--name", required=True)
    staff_add.add_argument("--pin", help="4 to 12 digits (default: six random digits)")
    sync = commands.add_parser("sync", help="the centres' links")
    sync_commands = sync.add_subparsers(dest="sync_command", required=True)
    status = sync_commands.add_parser("status", help=cmd_sync_status.__doc__)
    status.set_defaults(handler=cmd_sync_status)
    status.add_argument("--json", action="store_true")
    dead = command("dead-letters", cmd_dead_letters)
    dead.add_argument("action", choices=("list", "replay"))
    dead.add_argument("--centre")
    dead.add_argument("--seq", type=int)
    feed_parser = commands.add_parser("feed", help="the centres' change feeds")
    feed_commands = feed_parser.add_subparsers(dest="feed_command", required=True)
    compact = feed_commands.add_parser("compact", help=cmd_feed_compact.__doc__)
    compact.set_defaults(handler=cmd_feed_compact)
    compact.add_argument("code", type=_centre_code)
    compact.add_argument("--keep", type=int, default=10_000)
    return parser


def _centre_code(value: str) -> str:
    if re.fullmatch(CODE_PATTERN, value) is None:
        raise argparse.ArgumentTypeError("a centre code is 2-32 capitals, digits and dashes")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run `foleni national` with these arguments."""
    args = _parser().parse_args(argv)
    try:
        result: int = args.handler(args)
        return result
    except (NationalCliError, NationalDatabaseError, UnsafeNationalSettingsError) as exc:
        print(f"foleni national: {exc}", file=sys.stderr)
        return 2
    except QueueError as exc:
        print(f"foleni national: {exc.message} ({exc.code})", file=sys.stderr)
        return 1
