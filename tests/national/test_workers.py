"""Two real worker processes over one database: capacity, acknowledgements and cursors hold."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from centre_core.booking_wire import BOOKINGS_PATH
from centre_core.sync_wire import UP_PATH
from national.db.engine import create_national_engine
from national.db.session import transaction
from national.db.tables import BookingRow, ChangeRow, InboxRow, SlotUsageRow, SyncStateRow
from tests.national.test_booking import CATALOGUE_TOML, CENTRE_TOML, book_body, next_weekday
from tests.national.test_ingest import batch
from tests.server.databases import BACKENDS, postgres_schema

ROOT = Path(__file__).resolve().parents[2]
CENTRE = "HC-TEST"
CAPACITY = 5
BOOKERS = 12
SENDERS = 4
LAST_SEQ = 60


@contextmanager
def database_env(backend: str) -> Iterator[dict[str, str]]:
    """Yield the environment of the national processes (PostgreSQL: a schema of its own)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "FOLENI_NATIONAL_MODE": "development"}
    env.pop("FOLENI_NATIONAL_DATABASE_URL", None)
    if backend == "sqlite":
        yield env
        return
    with postgres_schema() as url:
        yield {**env, "FOLENI_NATIONAL_DATABASE_URL": url}


def national(env: dict[str, str], data_dir: Path, *args: str) -> str:
    """Run one `python -m national` command and return what it printed."""
    done = subprocess.run(
        [sys.executable, "-m", "national", "--data-dir", str(data_dir), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(env: dict[str, str], data_dir: Path) -> Iterator[str]:
    """Run `python -m national serve --workers 2` until the block ends; yield its URL."""
    port = free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "national", "serve", "--data-dir", str(data_dir)),
            *("--port", str(port), "--workers", "2"),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            try:
                if httpx.get(url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the national service did not start"
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_workers_keep_capacity_acknowledgements_and_cursors(backend, tmp_path):
    with database_env(backend) as env:
        credential = json.loads(
            national(env, tmp_path, "centre", "add", CENTRE, "--name", "Test", "--json")
        )["credential"]
        centre_file, catalogue_file = tmp_path / "centre.toml", tmp_path / "catalogue.toml"
        centre_file.write_text(CENTRE_TOML.format(code=CENTRE, daily_cap=100), encoding="utf-8")
        catalogue_file.write_text(CATALOGUE_TOML.format(capacity=CAPACITY), encoding="utf-8")
        national(
            env, tmp_path, "centre", "config", CENTRE,
            "--centre-file", str(centre_file), "--catalogue", str(catalogue_file),
        )  # fmt: skip
        with served(env, tmp_path) as url:
            answers = hammer(url, credential=credential)
        database_url = env.get(
            "FOLENI_NATIONAL_DATABASE_URL", f"sqlite:///{tmp_path / 'national.sqlite3'}"
        )
        engine = create_national_engine(database_url)
        try:
            with transaction(engine) as session:
                booked = session.scalar(select(SlotUsageRow.booked))
                bookings = session.scalar(select(func.count()).select_from(BookingRow))
                state = session.get_one(SyncStateRow, CENTRE)
                seqs = Counter(session.scalars(select(InboxRow.seq)))
                cursors = list(session.scalars(select(ChangeRow.cursor).order_by(ChangeRow.cursor)))
        finally:
            engine.dispose()
    assert Counter(answers["bookings"]) == {201: CAPACITY, 409: BOOKERS - CAPACITY}
    assert booked == bookings == CAPACITY
    assert answers["acks"] and max(answers["acks"]) == state.acked_through == LAST_SEQ
    assert seqs == Counter(range(1, LAST_SEQ + 1))
    assert cursors == list(range(1, state.feed_cursor + 1)) and state.feed_cursor == 1 + CAPACITY


def hammer(url: str, *, credential: str) -> dict[str, list[int]]:
    """Book one slot from many threads while others send overlapping up batches.

    The bookings come from the centre's own desk (its credential, the `centre` channel).
    """
    monday = next_weekday(0)
    start = threading.Barrier(BOOKERS + SENDERS)
    answers: dict[str, list[int]] = {"bookings": [], "acks": []}

    def book(person: int) -> None:
        body = book_body(
            monday, "09:00", centre=CENTRE, channel="centre", id_number=f"{70000000 + person}"
        )
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {credential}"}) as web:
            start.wait()
            answers["bookings"].append(web.post(BOOKINGS_PATH, json=body, timeout=30).status_code)

    def send(sender: int) -> None:
        acked = 0
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {credential}"}) as up:
            start.wait()
            while acked < LAST_SEQ:
                # Resend a little of what is held, as a centre does after a lost answer.
                first = max(1, acked - sender)
                last = min(LAST_SEQ, first + 9)
                response = up.post(
                    UP_PATH, json=batch(first, last, centre=CENTRE, last_seq=LAST_SEQ), timeout=30
                )
                assert response.status_code == 200, response.text
                acked = response.json()["acked_through"]
                answers["acks"].append(acked)

    threads = [threading.Thread(target=book, args=(person,)) for person in range(BOOKERS)]
    threads += [threading.Thread(target=send, args=(sender,)) for sender in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers
