"""The centre server under test: a `foleni serve` subprocess on a fresh database, always stopped.

A `CentreServer` provisions its database (`bench.provision`), starts the server on a free
loopback port with its log in the work directory, waits for `/healthz`, and on leaving its
`with` block (also on Ctrl-C or an error) terminates it, then kills it if it lingers. A fresh
PostgreSQL database is created for each server and dropped afterwards.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from bench import procstat
from bench.rawhttp import Connection

HOST = "127.0.0.1"
POSTGRES_ADMIN_URL = os.environ.get(
    "FOLENI_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
_LIVE: set[subprocess.Popen[bytes]] = set()


def _kill_leftovers() -> None:
    # Safety net for an interpreter exit that skipped a `finally` (it should not happen).
    for process in list(_LIVE):
        if process.poll() is None:
            process.kill()


atexit.register(_kill_leftovers)


def free_port() -> int:
    """Return a loopback port that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def postgres_available() -> bool:
    """Tell whether the local PostgreSQL server answers (trust authentication)."""
    try:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return True
    except Exception:
        return False


@contextmanager
def database(kind: str, workdir: Path) -> Iterator[str]:
    """Yield the URL of a fresh database (`sqlite` file, or a new PostgreSQL database)."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'bench.sqlite3'}"
        return
    import psycopg

    name = f"foleni_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace(
            "postgresql://", "postgresql+psycopg://"
        )
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class ServerStartError(RuntimeError):
    """The server did not come up; the message ends with the tail of its log."""


class ServerProcess:
    """A server subprocess on a free loopback port: started, waited for, always stopped."""

    # The route that answers 200 once the server serves.
    HEALTH = "/healthz"

    def __init__(self, *, workdir: Path, log_name: str) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.log_path = workdir / f"{log_name}-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        """Return the server's process id."""
        assert self.process is not None
        return self.process.pid

    def launch(self, arguments: list[str], env: dict[str, str]) -> None:
        """Run `python ARGUMENTS` and wait until it answers; stop it if it does not."""
        with self.log_path.open("wb") as log:
            # Its own session: Ctrl-C in the terminal reaches us, and we stop it in order; and
            # its process group holds any worker processes it starts.
            self.process = subprocess.Popen(
                [sys.executable, *arguments],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        _LIVE.add(self.process)
        try:
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise ServerStartError(f"the server exited early:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}{self.HEALTH}", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise ServerStartError(f"no {self.HEALTH} within {START_TIMEOUT} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        """Return the end of the server's log."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """Stop the server: SIGTERM, then SIGKILL after a grace period, also to its group."""
        process = self.process
        if process is None:
            return
        try:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=STOP_TIMEOUT)
            # A worker process that outlived its parent is still in the group the server led.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        finally:
            _LIVE.discard(process)


class CentreServer(ServerProcess):
    """One `foleni serve` process on a provisioned database; use as a context manager."""

    # `foleni serve`, run by this interpreter (the console script is the same entry point).
    COMMAND = ("-m", "centre_server.cli", "serve")

    def __init__(
        self, *, workdir: Path, database_url: str, centre_file: Path, staff: int = 0
    ) -> None:
        super().__init__(workdir=workdir, log_name="server")
        self.staff_count = staff
        self.env = {
            **os.environ,
            "FOLENI_MODE": "development",
            "FOLENI_DATA_DIR": str(workdir),
            "FOLENI_DATABASE_URL": database_url,
            "FOLENI_CENTRE_FILE": str(centre_file),
            "FOLENI_HOST": HOST,
            "FOLENI_PORT": str(self.port),
            "FOLENI_PUBLIC_BASE_URL": self.url,
        }
        self.credentials: dict[str, Any] = {}

    @property
    def tokens(self) -> dict[str, str]:
        """Return the device tokens by role (kiosk, display, manager, admin)."""
        return dict(self.credentials["tokens"])

    @property
    def staff(self) -> list[dict[str, str]]:
        """Return the staff logins (staff_number, pin, counter)."""
        return list(self.credentials["staff"])

    def sample(self) -> procstat.ProcSample:
        """Read the server's CPU time and memory now."""
        return procstat.sample(self.pid)

    def __enter__(self) -> Self:
        credentials_path = self.workdir / f"credentials-{self.port}.json"
        command = ["-m", "bench.provision", str(credentials_path), "--staff", str(self.staff_count)]
        subprocess.run(
            [sys.executable, *command],
            env=self.env,
            check=True,
            timeout=300,
        )
        self.credentials = json.loads(credentials_path.read_text(encoding="utf-8"))
        self.launch([*self.COMMAND], self.env)
        return self


async def login_staff(
    server: CentreServer, logins: list[dict[str, str]], *, concurrency: int = 4
) -> dict[str, str]:
    """Log staff in at their counters (opening them); return session tokens by counter."""
    tokens: dict[str, str] = {}
    pending = list(logins)

    async def worker() -> None:
        connection = Connection(HOST, server.port)
        try:
            while pending:
                login = pending.pop()
                response = await connection.request("POST", "/api/v1/auth/staff", login)
                if response.status != 200:
                    raise RuntimeError(f"login {login['staff_number']}: {response.body!r}")
                tokens[login["counter"]] = response.json()["token"]
        finally:
            await connection.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return tokens
