"""A real centre server in a subprocess: `foleni demo` first, then stopped and started again."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from tests.daytime import daytime_zone

ROOT = Path(__file__).resolve().parents[3]
FOLENI = ROOT / ".venv" / "bin" / "foleni"
START_TIMEOUT_SECONDS = 60


class CentreProcess:
    """The demo centre on loopback; `stop()` and `start()` keep its database, port and tokens.

    `foleni demo` wipes its data directory when it starts, so a restart runs `foleni serve` on
    the same data directory and port: the tickets, devices and tokens it seeded survive.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.credentials: dict[str, Any] = {}
        self._process: subprocess.Popen[bytes] | None = None
        self._log = (data_dir / "server.log").open("ab")

    @property
    def url(self) -> str:
        return str(self.credentials["server_url"]).rstrip("/")

    def token(self, role: str) -> str:
        return str(self.credentials["tokens"][role])

    def http(self, role: str) -> httpx.Client:
        return httpx.Client(
            base_url=self.url,
            timeout=10,
            trust_env=False,
            headers={"Authorization": f"Bearer {self.token(role)}"},
        )

    def start_demo(self) -> None:
        command = [str(FOLENI), "demo", "--data-dir", str(self.data_dir), "--port", "0"]
        command += ["--timezone", daytime_zone()]
        self._spawn([*command, "--no-clients"], os.environ)
        self.credentials = self._wait_for_credentials()
        self._wait_healthy()

    def start(self) -> None:
        """Serve the same database on the same port again."""
        parts = urlsplit(self.url)
        env = {
            **os.environ,
            "FOLENI_DATA_DIR": str(self.data_dir),
            "FOLENI_HOST": str(parts.hostname),
            "FOLENI_PORT": str(parts.port),
            "FOLENI_PUBLIC_BASE_URL": self.url,
            "FOLENI_DEMO": "true",
            "FOLENI_IGNORE_OPENING_HOURS": "true",
        }
        self._spawn([str(FOLENI), "serve"], env)
        self._wait_healthy()

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def close(self) -> None:
        self.stop()
        self._log.close()

    def _spawn(self, command: list[str], env: Any) -> None:
        self._process = subprocess.Popen(
            command, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT, env=dict(env)
        )

    def _running(self) -> subprocess.Popen[bytes]:
        assert self._process is not None
        if self._process.poll() is not None:
            raise RuntimeError(f"the centre server exited with {self._process.returncode}")
        return self._process

    def _wait_for_credentials(self) -> dict[str, Any]:
        path = self.data_dir / "demo-credentials.json"
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            self._running()
            with contextlib.suppress(FileNotFoundError, ValueError):
                return json.loads(path.read_text(encoding="utf-8"))
            time.sleep(0.1)
        raise TimeoutError(f"no {path.name} after {START_TIMEOUT_SECONDS} s")

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        with httpx.Client(base_url=self.url, timeout=2, trust_env=False) as http:
            while time.monotonic() < deadline:
                self._running()
                with contextlib.suppress(httpx.HTTPError):
                    if http.get("/healthz").status_code == 200:
                        return
                time.sleep(0.1)
        raise TimeoutError(f"{self.url}/healthz did not answer in {START_TIMEOUT_SECONDS} s")
