"""Transactions: consistent reads, and the write path's single serialised writer.

Every state change runs in `Database.write()`: take the process's writer lock, begin (SQLite:
`BEGIN IMMEDIATE`), lock the centre row (PostgreSQL: `SELECT ... FOR UPDATE`), let the caller
load, decide and save in a savepoint, append its events with the next `seq`, commit (shared by
the writers queued at that moment: group commit), then publish the events to the hub before
letting the next writer in, so the hub sees them in `seq` order.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from centre_core import national_topics
from centre_core.events import DomainEvent
from centre_core.wire import EventMessage
from centre_server.db.engine import WRITE_OPTION, is_sqlite
from centre_server.db.waiting_index import WaitingIndex, saved_tickets
from centre_server.hub import Hub
from centre_server.repositories import events, outbox

# A batch commits when nobody else is queued, or at these bounds (the first writer's answer
# waits for the whole batch).
BATCH_MAX_MEMBERS = 64
BATCH_MAX_SECONDS = 0.025


class WriteTransaction:
    """One open write transaction: the session, its connection, and the events it will commit."""

    def __init__(
        self, session: Session, connection: Connection, last_seq: int, last_out_seq: int
    ) -> None:
        self.session = session
        # The hot path writes through Core on this connection: the ORM unit of work costs
        # more than the rest of a command (py-spy, bench/RESULTS.md).
        self.connection = connection
        self._last_seq = last_seq
        self._last_out_seq = last_out_seq
        self._event_rows: list[dict[str, Any]] = []
        self._outbox_rows: list[dict[str, Any]] = []
        self.messages: list[EventMessage] = []

    @property
    def last_seq(self) -> int:
        """Return the seq of the newest event, including those appended in this transaction."""
        return self._last_seq

    @property
    def last_out_seq(self) -> int:
        """Return the seq of the newest outbox row, including those appended here."""
        return self._last_out_seq

    def append(self, domain_events: Iterable[DomainEvent]) -> list[EventMessage]:
        """Give the events the next seqs and add them, with the outbox rows of national topics."""
        appended = []
        for event in domain_events:
            message = EventMessage.from_event(event, seq=self._last_seq + 1)
            self._last_seq = message.seq
            self._event_rows.append(events.row(message))
            payload = national_topics.payload_for(event)
            if payload is not None:
                self._last_out_seq += 1
                self._outbox_rows.append(
                    outbox.row(
                        payload, out_seq=self._last_out_seq, event_seq=message.seq, at=event.at
                    )
                )
            appended.append(message)
        self.messages.extend(appended)
        return appended

    def write_appended(self) -> None:
        """Insert the appended events and outbox rows (the batch stores the new last seq)."""
        # Events first: an outbox row refers to its event.
        if self._event_rows:
            events.add(self.connection, self._event_rows)
        if self._outbox_rows:
            outbox.add(self.connection, self._outbox_rows)
        self._event_rows, self._outbox_rows = [], []


@dataclass
class _Batch:
    """Write transactions sharing one database transaction and its single commit."""

    session: Session
    connection: Connection
    last_seq: int
    last_out_seq: int
    started: float
    stored_seq: int = 0
    stored_out_seq: int = 0
    members: int = 0
    messages: list[EventMessage] = field(default_factory=list)
    committed: threading.Event = field(default_factory=threading.Event)
    error: BaseException | None = None


class Database:
    """The engine, the process's writer lock and the hub that committed events go to."""

    def __init__(self, engine: Engine, *, hub: Hub) -> None:
        self.engine = engine
        self.hub = hub
        self.waiting = WaitingIndex()
        self._writer = threading.Lock()
        self._queue_lock = threading.Lock()
        self._queued = 0
        self._batch: _Batch | None = None
        self._write_engine = engine.execution_options(**{WRITE_OPTION: True})
        # A snapshot (hall state + the seq it is at) must come from one point in time; SQLite's
        # read transaction already is one, PostgreSQL's READ COMMITTED is not.
        self._read_engine = (
            engine
            if is_sqlite(engine)
            else engine.execution_options(isolation_level="REPEATABLE READ")
        )

    @contextmanager
    def read(self) -> Iterator[Session]:
        """Open a read-only session seeing one consistent state of the database."""
        with Session(self._read_engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[WriteTransaction]:
        """Run one serialised write transaction; return once it is committed and published.

        Group commit: a commit waits for the disk (fsync, several ms here), which would cap
        the centre at a few hundred commands a second. So while other writers are queued, a
        finished transaction leaves the database transaction open (its own work is a released
        savepoint) and the next writer continues it; the last one commits for all. Nobody
        returns before the commit that holds their work, so an answer still means durable.
        """
        with self._queue_lock:
            self._queued += 1
        # In-process writers queue on this lock rather than in SQLite's busy handler (which
        # sleeps in coarse steps); the database lock still guards other processes (the CLI).
        with self._writer:
            with self._queue_lock:
                self._queued -= 1
            batch = self._batch if self._batch is not None else self._begin_batch()
            session = batch.session
            # Per-transaction caches (tickets read, tickets saved) must not outlive a
            # savepoint that may roll back.
            session.info.clear()
            failure: BaseException | None = None
            # The first writer of a batch needs no savepoint: if it fails, the whole (so far
            # empty) transaction rolls back. Most batches have one writer at a real centre.
            first = batch.members == 0
            try:
                with contextlib.nullcontext() if first else session.begin_nested():
                    transaction = WriteTransaction(
                        session, batch.connection, batch.last_seq, batch.last_out_seq
                    )
                    yield transaction
                    transaction.write_appended()
            except BaseException as exc:
                failure = exc
                if self.waiting.loaded_in(session):
                    self.waiting.invalidate()
            else:
                batch.members += 1
                batch.last_seq = transaction.last_seq
                batch.last_out_seq = transaction.last_out_seq
                batch.messages.extend(transaction.messages)
                # The next writer of this batch must see these tickets; a failed commit
                # invalidates the index.
                self.waiting.apply(saved_tickets(session))
            if (failure is not None and first) or self._should_commit(batch):
                self._commit(batch)
        batch.committed.wait()
        if failure is not None:
            raise failure
        if batch.error is not None:
            raise batch.error

    def _begin_batch(self) -> _Batch:
        session = Session(self._write_engine, expire_on_commit=False)
        try:
            session.begin()
            connection = session.connection()
            last_seq, last_out_seq = events.lock_last_seqs(connection)
        except BaseException:
            session.close()
            raise
        self._batch = _Batch(
            session=session,
            connection=connection,
            last_seq=last_seq,
            last_out_seq=last_out_seq,
            stored_seq=last_seq,
            stored_out_seq=last_out_seq,
            started=time.monotonic(),
        )
        return self._batch

    def _should_commit(self, batch: _Batch) -> bool:
        with self._queue_lock:
            waiting = self._queued
        return (
            waiting == 0
            or batch.members >= BATCH_MAX_MEMBERS
            or time.monotonic() - batch.started >= BATCH_MAX_SECONDS
        )

    def _commit(self, batch: _Batch) -> None:
        """Commit (or, with nothing in it, roll back) the batch; publish; wake its members."""
        self._batch = None
        # Whatever happens here, the batch's writers must be woken: they wait for this event.
        try:
            try:
                if batch.members:
                    if (batch.last_seq, batch.last_out_seq) != (
                        batch.stored_seq,
                        batch.stored_out_seq,
                    ):
                        # Once per batch, not per writer: every writer's events are in by now.
                        events.store_last_seqs(batch.connection, batch.last_seq, batch.last_out_seq)
                    batch.session.commit()
                else:
                    batch.session.rollback()
            except BaseException as exc:
                batch.error = exc
                self.waiting.invalidate()
                # A connection whose commit failed may still hold its transaction, and the
                # pool would hand that to the next batch, whose commit would then carry this
                # batch's work: drop the connection instead.
                batch.connection.invalidate()
            finally:
                batch.session.close()
            if batch.error is None:
                self.hub.publish(batch.messages)
        finally:
            batch.committed.set()
