"""`foleni serve` killed with SIGKILL keeps every acknowledged ticket and its numbering."""

import os
import re
import signal
import subprocess
import sys
import threading

import httpx
import pytest

from centre_server import cli

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")


def start_server(env):
    process = subprocess.Popen(
        [sys.executable, "-m", "centre_server.cli", "serve"],
        env={**os.environ, **env},
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in process.stderr:
        found = re.search(r"running on (http://127\.0\.0\.1:\d+)", line)
        if found:
            # Keep reading the log so that a full pipe never blocks the server.
            threading.Thread(target=process.stderr.read, daemon=True).start()
            return process, found.group(1)
    raise AssertionError(f"the server did not start (exit {process.wait()})")


def test_acknowledged_tickets_survive_a_kill_and_numbering_continues(tmp_path, monkeypatch):
    env = {
        "FOLENI_DATA_DIR": str(tmp_path),
        "FOLENI_PORT": "0",
        "FOLENI_IGNORE_OPENING_HOURS": "true",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cli.main(["db", "upgrade"]) == 0
    from centre_server.auth import Role
    from centre_server.context import build_context
    from centre_server.services import device_service
    from centre_server.settings import Settings

    context = build_context(Settings())
    token = device_service.add_device(
        context.db, name="kiosk", role=Role.kiosk, now=context.now()
    ).token
    context.db.engine.dispose()
    headers = {"Authorization": f"Bearer {token}"}

    process, url = start_server(env)
    try:
        tickets = [
            httpx.post(f"{url}/api/v1/tickets", json={"service_code": "BC"}, headers=headers)
            for _ in range(10)
        ]
        assert {t.status_code for t in tickets} == {201}
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()

    process, url = start_server(env)
    try:
        for ticket in tickets:
            status = httpx.get(f"{url}/api/v1/tickets/status/{ticket.json()['token']}")
            assert status.json()["number"] == ticket.json()["number"]
        after = httpx.post(f"{url}/api/v1/tickets", json={"service_code": "BC"}, headers=headers)
        assert after.json()["number"] == "B-011"
    finally:
        process.terminate()
        process.wait(timeout=20)
