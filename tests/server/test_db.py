"""Engine settings, migrations and the write transaction's locking."""

import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlalchemy.exc import OperationalError

from centre_core import national_topics
from centre_core.events import DomainEvent, EventType
from centre_server.db.engine import DatabaseUrlError, create_db_engine, parse_database_url
from centre_server.db.migrate import current_revision, head_revision, upgrade
from centre_server.db.tables import Base, EventRow, OutboxRow
from centre_server.db.transactions import Database
from centre_server.hub import Hub
from tests.core.factory import issue_outcome, small_centre
from tests.server.conftest import AT

ISSUED = issue_outcome(small_centre(), "BC", AT).events[0]


def test_every_pooled_sqlite_connection_has_the_durability_pragmas(tmp_path):
    engine = create_db_engine(f"sqlite:///{tmp_path / 'a.sqlite3'}", busy_timeout_ms=1234)
    connections = [engine.connect() for _ in range(3)]
    try:
        for connection in connections:
            pragmas = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "synchronous", "busy_timeout", "foreign_keys")
            }
            assert pragmas == {
                "journal_mode": "wal",
                "synchronous": 2,  # FULL
                "busy_timeout": 1234,
                "foreign_keys": 1,
            }
    finally:
        for connection in connections:
            connection.close()


def test_a_write_transaction_holds_the_sqlite_write_lock_from_its_first_statement(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    engine = create_db_engine(url)
    upgrade(engine)
    other = create_db_engine(url, busy_timeout_ms=0)
    database = Database(engine, hub=Hub(queue_size=10))
    # Another process's writer is refused at once: the lock was taken at BEGIN IMMEDIATE.
    with (
        database.write(),
        other.connect().execution_options(foleni_write=True) as connection,
        pytest.raises(OperationalError, match="locked"),
    ):
        connection.begin()


def test_migrations_build_the_schema_on_each_backend(database_url):
    engine = create_db_engine(database_url)
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"tickets", "events", "outbox", "idempotency_keys", "staff", "devices"} <= tables


def test_the_migrations_build_exactly_the_tables_the_code_declares(database_url):
    engine = create_db_engine(database_url)
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_events_get_gapless_seqs_and_national_ones_an_outbox_row(database_url):
    engine = create_db_engine(database_url)
    upgrade(engine)
    database = Database(engine, hub=Hub(queue_size=10))

    def write_two() -> None:
        with database.write() as transaction:
            transaction.append([ISSUED, DomainEvent(type=EventType.ticket_called, at=AT)])

    threads = [threading.Thread(target=write_two) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with database.read() as session:
        seqs = list(session.scalars(select(EventRow.seq).order_by(EventRow.seq)))
        outbox = session.execute(
            select(
                OutboxRow.out_seq, OutboxRow.event_seq, OutboxRow.topic, OutboxRow.payload
            ).order_by(OutboxRow.out_seq)
        ).all()
    assert seqs == list(range(1, 17))
    # Only the national topic gets a row, and its payload is the topic's, not the envelope.
    payload = national_topics.payload_for(ISSUED).model_dump(mode="json")
    # The outbox has its own gapless seq, in the order of the events it carries.
    assert outbox == [(seq // 2 + 1, seq, "ticket.issued", payload) for seq in range(1, 17, 2)]
    assert "token" not in str(payload)
    assert database.hub.last_seq == 16


def test_a_failed_transaction_leaves_no_event(database_url):
    engine = create_db_engine(database_url)
    upgrade(engine)
    database = Database(engine, hub=Hub(queue_size=10))
    with pytest.raises(RuntimeError), database.write() as transaction:
        transaction.append([ISSUED])
        raise RuntimeError("boom")
    with database.write() as transaction:
        (message,) = transaction.append([ISSUED])
    assert message.seq == 1
    with database.read() as session:
        assert session.execute(select(OutboxRow.out_seq, OutboxRow.event_seq)).all() == [(1, 1)]


@pytest.mark.parametrize(
    "url",
    [
        "not a url",
        "mysql://root@localhost/db",
        "postgresql+asyncpg://postgres@127.0.0.1/db",
        "sqlite://",
        "sqlite:////no/such/directory/foleni.sqlite3",
    ],
)
def test_a_bad_database_url_is_refused_with_a_clear_error(url):
    with pytest.raises(DatabaseUrlError):
        create_db_engine(url)


def test_a_good_url_parses():
    assert parse_database_url("postgresql+psycopg://u@h/db").database == "db"
