"""A centre server and a national service as real processes on loopback, killable with -9."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    """Return a loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Service:
    """One server process on a fixed port, with a spare waiting, imported, to replace it."""

    def __init__(
        self,
        name: str,
        command: list[str],
        env: dict[str, str],
        *,
        port: int,
        health: str,
        log: Path,
    ) -> None:
        self.name = name
        self.command = [sys.executable, "-m", "tests.sync.warm_start", *command]
        self.env = {**os.environ, **env}
        self.port = port
        self.health = f"http://127.0.0.1:{port}{health}"
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self._spare: subprocess.Popen[bytes] | None = None
        self.kills = 0

    def start(self, *, timeout: float = 60.0) -> None:
        """Start the process and wait until it answers its health check."""
        self.spawn()
        self.wait_ready(timeout=timeout)

    def spawn(self) -> None:
        """Start the process (the waiting spare) without waiting for it; ready the next spare."""
        if self._spare is None:
            self._spare = self._new_spare()
        self.process, self._spare = self._spare, self._new_spare()
        assert self.process.stdin is not None
        self.process.stdin.write(b"go\n")
        self.process.stdin.close()

    def _new_spare(self) -> subprocess.Popen[bytes]:
        with self.log.open("ab") as log:
            return subprocess.Popen(
                self.command, env=self.env, stdin=subprocess.PIPE, stdout=log, stderr=log
            )

    def wait_ready(self, *, timeout: float = 60.0) -> None:
        """Wait until the process answers its health check."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: see {self.log}")
            try:
                if httpx.get(self.health, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} did not answer {self.health}")

    def kill(self) -> None:
        """Kill the process with SIGKILL (no shutdown of any kind) and reap it."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.kills += 1

    def stop(self) -> None:
        """Stop the process politely, then for good; send the spare away."""
        if self._spare is not None:
            assert self._spare.stdin is not None
            self._spare.stdin.close()  # it reads no "go" and exits
            self._spare.wait(timeout=30)
            self._spare = None
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def nation_service(database_url: str, data_dir: Path, *, port: int) -> Service:
    """Return the national service on `port` (`foleni national serve`)."""
    return Service(
        "nation",
        ["national", "serve", "--data-dir", str(data_dir), "--port", str(port)],
        {
            "FOLENI_NATIONAL_DATABASE_URL": database_url,
            "FOLENI_NATIONAL_POLL_SECONDS": "0.05",
            "FOLENI_NATIONAL_SWEEP_SECONDS": "0.5",
        },
        port=port,
        health="/health",
        log=data_dir / "nation.log",
    )


def centre_service(
    database_url: str,
    data_dir: Path,
    *,
    port: int,
    national_url: str,
    credential: str,
    sync: dict[str, str],
) -> Service:
    """Return the centre server on `port` (`foleni serve`), syncing with `national_url`."""
    return Service(
        "centre",
        ["centre", "serve"],
        {
            "FOLENI_DATABASE_URL": database_url,
            "FOLENI_DATA_DIR": str(data_dir),
            "FOLENI_PORT": str(port),
            "FOLENI_HOST": "127.0.0.1",
            "FOLENI_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
            "FOLENI_IGNORE_OPENING_HOURS": "1",
            "FOLENI_NATIONAL_URL": national_url,
            "FOLENI_NATIONAL_CREDENTIAL": credential,
            **{f"FOLENI_SYNC_{key.upper()}": value for key, value in sync.items()},
        },
        port=port,
        health="/healthz",
        log=data_dir / "centre.log",
    )
