"""Group commit: queued writers share a commit; none loses work or sees another's failure."""

import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select

from centre_core.events import DomainEvent
from centre_server.db.engine import WRITE_OPTION, create_db_engine
from centre_server.db.tables import EventRow, OutboxRow
from centre_server.db.transactions import Database
from centre_server.hub import Hub
from tests.core.factory import issue_outcome, small_centre
from tests.server.databases import fresh_database

AT = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
WRITERS = 12


@pytest.fixture
def database(backend, tmp_path):
    with fresh_database(backend, tmp_path, migrated=True) as url:
        engine = create_db_engine(url)
        database = Database(engine, hub=Hub(queue_size=100))
        commits = []

        @event.listens_for(engine, "commit")
        def count(connection):
            if connection.get_execution_options().get(WRITE_OPTION):
                commits.append(1)

        database.commits = commits
        published = []
        database.hub.publish = published.extend
        database.published = published
        yield database
        engine.dispose()


def write_concurrently(database, body, writers=WRITERS):
    """Run `body(index, transaction)` in `writers` threads at once; return each outcome."""
    outcomes: dict[int, object] = {}
    first_inside = threading.Event()

    def writer(index):
        if index:
            first_inside.wait()
        try:
            with database.write() as transaction:
                if index == 0:
                    first_inside.set()
                    # Hold the first transaction open until the others queue behind it.
                    time.sleep(0.3)
                body(index, transaction)
                seq = transaction.last_seq
            # Returned: the work must already be visible to any other connection.
            outcomes[index] = (seq, seq in {seq for seq, _ in stored_events(database)})
        except Exception as exc:
            outcomes[index] = exc

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def stored_events(database):
    with database.read() as session:
        return list(session.execute(select(EventRow.seq, EventRow.data)).all())


def append_one(index, transaction):
    transaction.append([DomainEvent(type="test.write", at=AT, data={"writer": index})])


def test_queued_writers_share_commits_and_keep_every_event_in_seq_order(database):
    outcomes = write_concurrently(database, append_one)

    assert sorted(outcomes.values()) == [(seq, True) for seq in range(1, WRITERS + 1)]
    rows = stored_events(database)
    assert [seq for seq, _ in rows] == list(range(1, WRITERS + 1))
    assert sorted(data["writer"] for _, data in rows) == list(range(WRITERS))
    # Everyone queued while the first held its transaction: far fewer commits than writers.
    assert len(database.commits) < WRITERS / 2
    assert [message.seq for message in database.published] == list(range(1, WRITERS + 1))


def test_a_failing_writer_in_a_batch_loses_only_its_own_work(database):
    def body(index, transaction):
        append_one(index, transaction)
        if index % 3 == 1:
            raise ValueError(f"writer {index} refuses")

    outcomes = write_concurrently(database, body)

    failed = {i for i, outcome in outcomes.items() if isinstance(outcome, ValueError)}
    assert failed == {i for i in range(WRITERS) if i % 3 == 1}
    rows = stored_events(database)
    survivors = sorted(data["writer"] for _, data in rows)
    assert survivors == [i for i in range(WRITERS) if i not in failed]
    # The failed writers' seqs were never committed, so the log stays gapless.
    assert [seq for seq, _ in rows] == list(range(1, len(survivors) + 1))
    assert [message.data["writer"] for message in database.published] == [
        data["writer"] for _, data in rows
    ]


def test_failing_writers_leave_no_gap_in_the_outbox_seq(database):
    issued = issue_outcome(small_centre(), "BC", AT).events[0]

    def body(index, transaction):
        # A hall-only event and a national one: only the second gets an outbox seq.
        transaction.append([DomainEvent(type="test.write", at=AT, data={"writer": index}), issued])
        if index % 3 == 1:
            raise ValueError(f"writer {index} refuses")

    outcomes = write_concurrently(database, body)

    survivors = [i for i, outcome in outcomes.items() if not isinstance(outcome, ValueError)]
    with database.read() as session:
        rows = session.execute(
            select(OutboxRow.out_seq, OutboxRow.event_seq).order_by(OutboxRow.out_seq)
        ).all()
    # The nation acknowledges the highest contiguous seq: a gap would stall the link forever.
    assert [out_seq for out_seq, _ in rows] == list(range(1, len(survivors) + 1))
    assert [event_seq for _, event_seq in rows] == list(range(2, 2 * len(survivors) + 1, 2))


def test_when_the_first_writer_of_a_batch_fails_the_queued_ones_still_commit(database):
    def body(index, transaction):
        append_one(index, transaction)
        if index == 0:
            raise ValueError("the first writer refuses")

    outcomes = write_concurrently(database, body)

    assert isinstance(outcomes.pop(0), ValueError)
    rows = stored_events(database)
    assert sorted(data["writer"] for _, data in rows) == list(range(1, WRITERS))
    assert [seq for seq, _ in rows] == list(range(1, WRITERS))
    assert sorted(outcomes.values()) == [(seq, True) for seq in range(1, WRITERS)]


def test_a_failed_commit_fails_every_writer_of_its_batch_and_the_next_write_works(
    database, monkeypatch
):
    dialect = database.engine.dialect
    real_commit = dialect.do_commit
    failures = [OSError("disk full")]

    def commit_or_fail(dbapi_connection):
        # The driver's own commit fails once, as a full disk or a lost connection would.
        if failures:
            raise failures.pop()
        real_commit(dbapi_connection)

    monkeypatch.setattr(dialect, "do_commit", commit_or_fail)
    outcomes = write_concurrently(database, append_one, writers=6)

    failed = {i for i, outcome in outcomes.items() if isinstance(outcome, Exception)}
    assert failed, outcomes
    assert len(outcomes) == 6
    # The failed batch left nothing behind; every writer told "done" is stored, gapless.
    rows = stored_events(database)
    assert sorted(data["writer"] for _, data in rows) == sorted(set(range(6)) - failed)
    assert [seq for seq, _ in rows] == list(range(1, len(rows) + 1))
    with database.write() as transaction:
        append_one(99, transaction)
    assert stored_events(database)[-1][1] == {"writer": 99}
