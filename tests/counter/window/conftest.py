import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.daytime import daytime_zone

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "artifacts" / "counter"
FOLENI = Path(sys.executable).with_name("foleni")


@dataclass(frozen=True)
class Centre:
    """A demo centre server running in a subprocess, with its credentials."""

    url: str
    credentials: dict[str, Any]

    def staff_at(self, counter: str) -> dict[str, str]:
        return next(s for s in self.credentials["staff"] if s["counter"] == counter)

    @property
    def kiosk_token(self) -> str:
        return self.credentials["tokens"]["kiosk"]


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def centre(tmp_path_factory: pytest.TempPathFactory, artifacts: Path) -> Iterator[Centre]:
    data_dir = tmp_path_factory.mktemp("centre")
    log = (artifacts / "server.log").open("wb")
    process = subprocess.Popen(
        [
            str(FOLENI),
            "demo",
            "--data-dir",
            str(data_dir),
            "--port",
            "0",
            "--no-clients",
            "--timezone",
            daytime_zone(),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        # The demo must not start its own apps, whatever the environment says.
        env={**os.environ, "DISPLAY": ""},
    )
    try:
        yield _wait_until_up(process, data_dir / "demo-credentials.json")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_until_up(process: subprocess.Popen[bytes], path: Path) -> Centre:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the demo server exited with {process.returncode}")
        try:
            credentials = json.loads(path.read_text(encoding="utf-8"))
            url = credentials["server_url"]
            if httpx.get(f"{url}/healthz", timeout=2, trust_env=False).status_code == 200:
                return Centre(url=url, credentials=credentials)
        except (OSError, ValueError, KeyError, httpx.HTTPError):
            pass
        time.sleep(0.2)
    raise TimeoutError("the demo server did not come up within 60 s")
