"""The `foleni` command: serve, demo, db upgrade, device, staff, config check, report, apps."""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import uvicorn
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError

from centre_core.errors import QueueError
from centre_server import demo
from centre_server.api.app import UVICORN_OPTIONS, build_app
from centre_server.auth import DEVICE_ROLES, STAFF_ROLES, Role
from centre_server.context import ServerContext, build_context, load_centre_file
from centre_server.db.engine import DatabaseUrlError, create_db_engine
from centre_server.db.migrate import current_revision, head_revision, upgrade
from centre_server.reports import kpis
from centre_server.reports.files import REPORT_FORMATS
from centre_server.services import audit_service, device_service, staff_service, sync_service
from centre_server.settings import Settings, UnsafeSettingsError
from service_kit.fonts import FontMissingError

APPS = ("kiosk", "counter", "display")


class CliError(Exception):
    """A problem the operator can fix, reported in one line without a traceback."""


def _settings(**overrides: Any) -> Settings:
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'settings'}: {error['msg']}"
            for error in exc.errors()
        )
        raise CliError(f"bad settings (FOLENI_* environment): {problems}") from exc


def ensure_schema(settings: Settings, *, upgrade_if_behind: bool) -> None:
    """Check the database is reachable and at the latest schema (migrating it if allowed)."""
    url = settings.resolved_database_url()
    if settings.database_url is None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_db_engine(url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
    try:
        if current_revision(engine) != head_revision(engine):
            if not upgrade_if_behind:
                raise CliError("the database schema is not current: run `foleni db upgrade`")
            upgrade(engine)
    except OperationalError as exc:
        raise CliError(f"cannot use the database {engine.url!r}: {exc.orig}") from exc
    finally:
        engine.dispose()


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the centre server."""
    overrides = {key: getattr(args, key) for key in ("host", "port") if getattr(args, key)}
    settings = _settings(**overrides)
    # A development server migrates itself; production wants an explicit `foleni db upgrade`.
    ensure_schema(settings, upgrade_if_behind=settings.mode == "development")
    app = build_app(settings)
    uvicorn.run(app, host=settings.host, port=settings.port, **UVICORN_OPTIONS)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Serve the example centre on a fresh database, with demo devices and staff."""
    return demo.run_demo(
        data_dir=Path(args.data_dir),
        port=args.port,
        host=args.host,
        clients=not args.no_clients,
        national_port=args.national_port,
        timezone=args.timezone,
    )


def cmd_db_upgrade(_args: argparse.Namespace) -> int:
    """Bring the database to the latest schema."""
    settings = _settings()
    ensure_schema(settings, upgrade_if_behind=True)
    print(f"database at the latest schema: {settings.resolved_database_url()}")
    return 0


def _context() -> ServerContext:
    settings = _settings()
    ensure_schema(settings, upgrade_if_behind=False)
    return build_context(settings)


def cmd_device_add(args: argparse.Namespace) -> int:
    """Create a device token (printed once; only its hash is stored)."""
    context = _context()
    device = device_service.add_device(
        context.db, name=args.name, role=Role(args.role), now=datetime.now(UTC)
    )
    print(f"device {device.name} ({device.role}) created. Its token, shown only now:")
    print(device.token)
    return 0


def cmd_staff_add(args: argparse.Namespace) -> int:
    """Create a member of staff with a PIN."""
    context = _context()
    staff_service.add_staff(
        context.db,
        staff_number=args.staff_number,
        name=args.name,
        pin=args.pin,
        role=Role(args.role),
        now=datetime.now(UTC),
    )
    print(f"staff {args.staff_number} ({args.role}) created")
    return 0


def cmd_staff_list(_args: argparse.Namespace) -> int:
    """List the staff accounts with their lockout state."""
    listing = staff_service.list_staff(_context())
    print(f"{'staff':<12} {'name':<24} {'role':<8} {'active':<6} {'locked until':<25} failed")
    for staff in listing.staff:
        locked = staff.locked_until.isoformat() if staff.locked_until is not None else "-"
        active = "yes" if staff.active else "no"
        print(
            f"{staff.staff_number:<12} {staff.name:<24} {staff.role:<8} {active:<6} "
            f"{locked:<25} {staff.failed_attempts}"
        )
    return 0


def cmd_staff_unlock(args: argparse.Namespace) -> int:
    """Clear a staff account's failed attempts and lockout (audited as `cli`)."""
    staff_service.unlock_staff(
        _context(), actor=audit_service.CLI_ACTOR, staff_number=args.staff_number
    )
    print(f"staff {args.staff_number} unlocked")
    return 0


def cmd_staff_reset_pin(args: argparse.Namespace) -> int:
    """Set a new PIN (generated and printed once without --pin); end the account's sessions."""
    reset = staff_service.reset_pin(
        _context(), actor=audit_service.CLI_ACTOR, staff_number=args.staff_number, pin=args.pin
    )
    print(f"staff {args.staff_number}: PIN reset, {reset.sessions_revoked} session(s) ended")
    if reset.pin is not None:
        print("The new PIN, shown only now:")
        print(reset.pin)
    return 0


def cmd_config_check(args: argparse.Namespace) -> int:
    """Validate a centre TOML file."""
    centre = load_centre_file(Path(args.file))
    print(
        f"{args.file}: OK: {centre.name} ({centre.code}), {len(centre.services)} services, "
        f"{len(centre.counters)} counters, {len(centre.queue_keys)} queues"
    )
    return 0


def cmd_sync_status(args: argparse.Namespace) -> int:
    """Show the national link: up or down, acknowledged seq, pending rows, lag, cursor."""
    context = _context()
    status = sync_service.link_status(context)
    if args.json:
        print(status.model_dump_json(exclude={"last_contact"}))
        return 0
    print(f"national link: {status.link}")
    print(f"  outbox: {status.last_seq} written, nation holds up to {status.acked_through}")
    print(f"  pending: {status.pending} (oldest waiting {status.lag_seconds:.0f} s)")
    print(f"  changes applied up to cursor {status.cursor}")
    contact = status.last_contact.isoformat(timespec="seconds") if status.last_contact else "never"
    print(f"  last contact: {contact}")
    if status.last_error:
        print(f"  last error: {status.last_error}")
    return 0


def _report_day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f"{option} {text!r} is not a date (YYYY-MM-DD)") from None


def cmd_report(args: argparse.Namespace) -> int:
    """Write the report of a business day, or of a range of them, as CSV, XLSX or PDF."""
    export = REPORT_FORMATS.get(args.format)
    if export is None:
        raise CliError(f"--format {args.format!r} is not one of {', '.join(REPORT_FORMATS)}")
    first_day = _report_day(args.day, "--day")
    last_day = first_day if args.to is None else _report_day(args.to, "--to")
    if last_day < first_day:
        raise CliError(f"--to {last_day} is before --day {first_day}")
    context = _context()
    with context.db.read() as session:
        report = kpis.build_report(
            session, context.centre, first_day=first_day, last_day=last_day, now=context.now()
        )
    try:
        content = export.write(report)
    except FontMissingError as exc:
        raise CliError(str(exc)) from exc
    Path(args.out).write_bytes(content)
    print(f"report {args.format} of {first_day} to {last_day} written to {args.out}")
    return 0


def run_app(name: str, argv: Sequence[str]) -> int:
    """Run one of the client apps (`python -m kiosk|counter|display`) in this terminal."""
    if importlib.util.find_spec(name) is None:
        raise CliError(f"the {name} app is not installed")
    os.execv(sys.executable, [sys.executable, "-m", name, *argv])
    return 0  # pragma: no cover - execv does not return


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="foleni", description="Foleni queue management.")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the centre server (settings: FOLENI_* variables)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.set_defaults(run=cmd_serve)

    demo = sub.add_parser("demo", help="run the example centre with demo devices and staff")
    demo.add_argument("--data-dir", default="./demo-data")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--no-clients", action="store_true", help="do not start the apps")
    demo.add_argument(
        "--national-port", type=int, help="the demo's national service (default: --port + 1)"
    )
    demo.add_argument(
        "--timezone",
        help="run the example centre in this IANA time zone (default: its own, Africa/Nairobi)",
    )
    demo.set_defaults(run=cmd_demo)

    db = sub.add_parser("db", help="database maintenance").add_subparsers(
        dest="db_command", required=True
    )
    db.add_parser("upgrade", help="apply the migrations").set_defaults(run=cmd_db_upgrade)

    device = sub.add_parser("device", help="device tokens").add_subparsers(
        dest="device_command", required=True
    )
    device_add = device.add_parser("add", help="create a device token")
    device_add.add_argument("--name", required=True)
    device_add.add_argument("--role", required=True, choices=[str(r) for r in DEVICE_ROLES])
    device_add.set_defaults(run=cmd_device_add)

    staff = sub.add_parser("staff", help="staff accounts").add_subparsers(
        dest="staff_command", required=True
    )
    staff_add = staff.add_parser("add", help="create a member of staff")
    staff_add.add_argument("--staff-number", required=True)
    staff_add.add_argument("--name", required=True)
    staff_add.add_argument("--pin", required=True, help="4 to 12 digits")
    staff_add.add_argument("--role", default="counter", choices=[str(r) for r in STAFF_ROLES])
    staff_add.set_defaults(run=cmd_staff_add)
    staff.add_parser("list", help="list staff accounts and lockouts").set_defaults(
        run=cmd_staff_list
    )
    staff_unlock = staff.add_parser("unlock", help="clear a locked account's lockout")
    staff_unlock.add_argument("staff_number")
    staff_unlock.set_defaults(run=cmd_staff_unlock)
    staff_reset = staff.add_parser("reset-pin", help="set a new PIN and end the sessions")
    staff_reset.add_argument("staff_number")
    staff_reset.add_argument("--pin", help="4 to 12 digits (default: generated, printed once)")
    staff_reset.set_defaults(run=cmd_staff_reset_pin)

    config = sub.add_parser("config", help="centre configuration").add_subparsers(
        dest="config_command", required=True
    )
    check = config.add_parser("check", help="validate a centre TOML file")
    check.add_argument("file")
    check.set_defaults(run=cmd_config_check)

    sync = sub.add_parser("sync", help="the link to the national service").add_subparsers(
        dest="sync_command", required=True
    )
    status = sync.add_parser("status", help="show the national link")
    status.add_argument("--json", action="store_true", help="one JSON object")
    status.set_defaults(run=cmd_sync_status)

    report = sub.add_parser("report", help="write a day's (or a range's) report file")
    report.add_argument("--day", required=True, help="business day, YYYY-MM-DD")
    report.add_argument("--to", help="last business day of a range, YYYY-MM-DD")
    report.add_argument("--format", required=True, help="csv, xlsx or pdf")
    report.add_argument("--out", required=True, help="the file to write")
    report.set_defaults(run=cmd_report)

    for app in APPS:
        # Listed for --help; `main` hands everything after the app's name to the app itself.
        sub.add_parser(app, help=f"run the {app} app (options: foleni {app} --help)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `foleni` console script."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        if arguments and arguments[0] in APPS:
            return run_app(arguments[0], arguments[1:])
        args = build_parser().parse_args(arguments)
        return int(args.run(args))
    except (CliError, DatabaseUrlError, UnsafeSettingsError, demo.DemoError) as exc:
        print(f"foleni: error: {exc}", file=sys.stderr)
    except QueueError as exc:
        print(f"foleni: error: {exc.code}: {exc.message}", file=sys.stderr)
    except OSError as exc:
        print(f"foleni: error: {exc}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
