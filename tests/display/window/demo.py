"""A real demo centre server in a subprocess (`foleni demo`), and a counter driven over HTTP."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.daytime import daytime_zone

ROOT = Path(__file__).resolve().parents[3]
FOLENI = ROOT / ".venv" / "bin" / "foleni"
START_TIMEOUT_SECONDS = 60


@dataclass
class DemoCentre:
    """The running demo server and what `demo-credentials.json` says about it."""

    url: str
    credentials: dict[str, Any]
    process: subprocess.Popen[bytes]

    def token(self, role: str) -> str:
        return str(self.credentials["tokens"][role])

    def staff(self, index: int = 0) -> dict[str, str]:
        return self.credentials["staff"][index]

    def http(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=10, trust_env=False)


def start_demo(data_dir: Path) -> contextlib.AbstractContextManager[DemoCentre]:
    return _running_demo(data_dir)


@contextlib.contextmanager
def _running_demo(data_dir: Path) -> Iterator[DemoCentre]:
    command = [str(FOLENI), "demo", "--data-dir", str(data_dir), "--port", "0", "--no-clients"]
    command += ["--timezone", daytime_zone()]
    log = (data_dir / "server.log").open("wb")
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ}
    )
    try:
        credentials = _wait_for_credentials(data_dir / "demo-credentials.json", process)
        url = str(credentials["server_url"]).rstrip("/")
        _wait_healthy(url, process)
        yield DemoCentre(url=url, credentials=credentials, process=process)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_for_credentials(path: Path, process: subprocess.Popen[bytes]) -> dict[str, Any]:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"foleni demo exited with {process.returncode}")
        with contextlib.suppress(FileNotFoundError, ValueError):
            return json.loads(path.read_text())
        time.sleep(0.1)
    raise TimeoutError(f"no {path.name} after {START_TIMEOUT_SECONDS} s")


def _wait_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    with httpx.Client(base_url=url, timeout=2, trust_env=False) as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"foleni demo exited with {process.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if http.get("/healthz").status_code == 200:
                    return
            time.sleep(0.1)
    raise TimeoutError(f"{url}/healthz did not answer in {START_TIMEOUT_SECONDS} s")
