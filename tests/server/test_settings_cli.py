"""Settings refusing unsafe production setups, and the `foleni` command."""

import json
import re
import subprocess
import sys
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from pydantic import ValidationError

from centre_server import cli
from centre_server.settings import EXAMPLE_CENTRE_FILE, Settings
from tests.daytime import daytime_zone

FOLENI = [sys.executable, "-m", "centre_server.cli"]


def test_development_defaults_are_accepted(tmp_path):
    settings = Settings(data_dir=tmp_path)
    assert settings.resolved_database_url().startswith("sqlite:///")


@pytest.mark.parametrize(
    "overrides",
    [
        {"demo": True, "public_base_url": "https://c.example"},
        {"database_url": "sqlite:////tmp/foleni.sqlite3", "public_base_url": "https://c.example"},
        {"database_url": "postgresql+psycopg://u@h/db"},
        {"ignore_opening_hours": True, "public_base_url": "https://c.example"},
    ],
)
def test_production_refuses_unsafe_settings(overrides, tmp_path):
    with pytest.raises(ValidationError, match="production mode refuses"):
        Settings(mode="production", data_dir=tmp_path, **overrides)


@pytest.fixture
def run(monkeypatch, capsys):
    """Run `foleni ARGS` in this process; return (exit code, stdout, stderr)."""

    def run_foleni(args, env=None):
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        code = cli.main(args)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run_foleni


def test_config_check_accepts_the_example_and_names_the_line_of_a_mistake(run, tmp_path):
    code, out, _err = run(["config", "check", str(EXAMPLE_CENTRE_FILE)])
    assert code == 0 and "OK" in out
    bad = tmp_path / "bad.toml"
    example = EXAMPLE_CENTRE_FILE.read_text()
    bad.write_text(example.replace('timezone = "Africa/Nairobi"', 'timezone = "Mars/Olympus"'))
    code, _out, err = run(["config", "check", str(bad)])
    assert code == 2
    assert re.search(r"bad\.toml:\d+: centre\.timezone", err), err
    code, _out, err = run(["config", "check", str(tmp_path / "none.toml")])
    assert code == 2 and "none.toml" in err


def test_a_bad_database_url_is_a_clear_error(run):
    code, _out, err = run(["db", "upgrade"], env={"FOLENI_DATABASE_URL": "mysql://x@y/z"})
    assert code == 2 and "unsupported database" in err


def test_an_unreachable_database_is_a_clear_error(run):
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    code, _out, err = run(["db", "upgrade"], env={"FOLENI_DATABASE_URL": url})
    assert code == 2 and "cannot use the database" in err


def test_db_upgrade_device_add_and_staff_add(run, tmp_path):
    env = {"FOLENI_DATA_DIR": str(tmp_path)}
    code, _out, err = run(["device", "add", "--name", "k1", "--role", "kiosk"], env)
    assert code == 2 and "foleni db upgrade" in err
    assert run(["db", "upgrade"], env)[0] == 0
    code, out, _err = run(["device", "add", "--name", "k1", "--role", "kiosk"], env)
    assert code == 0 and len(out.strip().splitlines()[-1]) >= 40
    code, _out, err = run(["device", "add", "--name", "k1", "--role", "kiosk"], env)
    assert code == 2 and "device_exists" in err
    staff = ["staff", "add", "--staff-number", "S1", "--name", "A", "--pin", "1234"]
    assert run(staff, env)[0] == 0
    short = ["staff", "add", "--staff-number", "S2", "--name", "A", "--pin", "12"]
    assert run(short, env)[0] == 2


def test_app_subcommands_run_the_app_or_say_it_is_missing(run, monkeypatch):
    monkeypatch.setattr(cli.importlib.util, "find_spec", lambda name: None)
    code, _out, err = run(["display", "--help"])
    assert code == 2 and "display app is not installed" in err
    launched = []
    monkeypatch.setattr(cli.importlib.util, "find_spec", lambda name: object())
    monkeypatch.setattr(cli.os, "execv", lambda path, argv: launched.append(argv))
    run(["kiosk", "--server", "http://127.0.0.1:1"])
    assert launched == [[sys.executable, "-m", "kiosk", "--server", "http://127.0.0.1:1"]]


def test_demo_serves_and_writes_its_credentials(tmp_path):
    data_dir = tmp_path / "demo"
    zone = daytime_zone()
    process = subprocess.Popen(
        [
            *FOLENI,
            "demo",
            "--data-dir",
            str(data_dir),
            "--port",
            "0",
            "--no-clients",
            "--timezone",
            zone,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        credentials_file = data_dir / "demo-credentials.json"
        deadline = time.monotonic() + 60
        while not credentials_file.exists():
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        credentials = json.loads(credentials_file.read_text())
        url = credentials["server_url"]
        assert url.startswith("http://127.0.0.1:")
        assert set(credentials["tokens"]) == {"kiosk", "display", "manager", "admin"}
        while True:
            try:
                if httpx.get(f"{url}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        staff = credentials["staff"][0]
        login = httpx.post(f"{url}/api/v1/auth/staff", json=staff)
        assert login.status_code == 200, login.text
        kiosk = {"Authorization": f"Bearer {credentials['tokens']['kiosk']}"}
        check_in = httpx.post(
            f"{url}/api/v1/appointments/check-in",
            json={"reference": credentials["appointments"][0]["reference"]},
            headers=kiosk,
        )
        assert check_in.status_code == 201, check_in.text
        # On time in the centre's (chosen) zone: an appointment, on the zone's business day.
        assert check_in.json()["ticket"]["source"] == "appointment"
        assert check_in.json()["ticket"]["business_day"] == str(datetime.now(ZoneInfo(zone)).date())
        manager = credentials["manager"]
        assert httpx.post(f"{url}/api/v1/auth/staff", json=manager).status_code == 200
        # The bookings came from the demo's national service, which holds the centre's rows.
        assert credentials["national_url"] != url
        operator = {"Authorization": f"Bearer {credentials['national']['operator_key']}"}
        (link,) = httpx.get(credentials["national"]["sync_url"], headers=operator).json()
        assert link["centre"] == "HC-NBI-GPO" and link["feed_cursor"] >= 3
        # The banner's manager logins open the centre's page and the national overview.
        for base, path, login in (
            (url, "/manage", credentials["manager"]),
            (credentials["national_url"], "/overview", credentials["national"]["overview"]),
        ):
            with httpx.Client(base_url=base, trust_env=False, follow_redirects=True) as browser:
                form = browser.get(path).text
                csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', form)
                assert csrf, path
                answer = browser.post(f"{path}/login", data={**login, "csrf": csrf.group(1)})
                assert answer.status_code == 200 and f"{path}/logout" in answer.text, path
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=20)
    assert "demo-credentials.json" in output
    # Stopping the demo stops its national service too.
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{credentials['national_url']}/health", timeout=2)


def test_the_demo_refuses_an_unknown_time_zone_before_starting_anything(run, tmp_path):
    code, _out, err = run(["demo", "--data-dir", str(tmp_path), "--timezone", "Africa/Atlantis"])
    assert code == 2
    assert "unknown IANA time zone 'Africa/Atlantis'" in err
    assert not (tmp_path / "national").exists()


def test_serve_refuses_an_unsafe_production_setup_in_one_line(run, tmp_path):
    env = {"FOLENI_MODE": "production", "FOLENI_DATA_DIR": str(tmp_path)}
    code, _out, err = run(["serve"], env)
    assert code == 2
    assert "production mode refuses" in err and "PUBLIC_BASE_URL" in err
    assert len(err.strip().splitlines()) == 1


def test_the_demo_starts_the_installed_apps_in_windows_with_their_settings(monkeypatch):
    from centre_server import demo

    started = []

    class FakeProcess:
        pid = 1

        def __init__(self, command, env):
            started.append((command[2:], env))

    monkeypatch.setattr(demo.subprocess, "Popen", FakeProcess)
    monkeypatch.setattr(
        demo.importlib.util, "find_spec", lambda name: None if "display" in name else object()
    )
    credentials = {
        "server_url": "http://127.0.0.1:9",
        "tokens": {"kiosk": "k-token", "display": "d-token"},
        "staff": [{"staff_number": "D101", "pin": "1", "counter": "C01"}],
    }
    demo.start_clients(credentials)
    (kiosk_args, kiosk_env), (counter_args, counter_env) = started
    assert kiosk_args == ["kiosk"] and kiosk_env["FOLENI_KIOSK_TOKEN"] == "k-token"
    assert kiosk_env["FOLENI_KIOSK_SERVER"] == "http://127.0.0.1:9"
    assert counter_args == ["counter"] and counter_env["FOLENI_COUNTER_COUNTER"] == "C01"


def test_staff_list_unlock_and_reset_pin(run, tmp_path):
    env = {"FOLENI_DATA_DIR": str(tmp_path)}
    assert run(["db", "upgrade"], env)[0] == 0
    assert (
        run(["staff", "add", "--staff-number", "S1", "--name", "Amina", "--pin", "1234"], env)[0]
        == 0
    )
    context = cli._context()
    from centre_server.db.tables import AuditRow, StaffRow

    with context.db.write() as transaction:
        row = transaction.session.get(StaffRow, "S1")
        row.failed_attempts, row.locked_until = 5, datetime(2099, 1, 1, tzinfo=ZoneInfo("UTC"))
    code, out, _err = run(["staff", "list"], env)
    assert code == 0 and "Amina" in out and "2099-01-01" in out and out.rstrip().endswith("5")
    assert run(["staff", "unlock", "S1"], env)[:2] == (0, "staff S1 unlocked\n")
    code, out, _err = run(["staff", "list"], env)
    assert out.splitlines()[1].split()[-2:] == ["-", "0"]
    code, out, _err = run(["staff", "reset-pin", "S1"], env)
    pin = out.strip().splitlines()[-1]
    assert code == 0 and re.fullmatch(r"[0-9]{6}", pin)
    code, out, _err = run(["staff", "reset-pin", "S1", "--pin", "9876"], env)
    assert code == 0 and "shown only now" not in out
    assert run(["staff", "unlock", "NOBODY"], env)[0] == 2
    with context.db.read() as session:
        actions = [(r.actor, r.action) for r in session.query(AuditRow).order_by(AuditRow.id)]
    assert actions == [
        ("cli", "staff.unlocked"),
        ("cli", "staff.pin_reset"),
        ("cli", "staff.pin_reset"),
    ]
