"""The centre's side of sync: what to send up, what came down, and the link's state.

Down-link changes and their cursor are stored in one write transaction, so a crash between
two batches never applies a change twice or skips one; facts merge by the rules of
`centre_core.appointment_sync` (versions make stale and repeated changes no-ops).
"""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy.orm import Session

from centre_core import appointment_sync
from centre_core.appointment_sync import AppointmentRecord
from centre_core.clock import business_day
from centre_core.events import DomainEvent, EventType
from centre_core.sync_wire import (
    MAX_BATCH_BYTES,
    AppointmentChange,
    AppointmentFact,
    Attendance,
    BookingStatus,
    CentreConfigFact,
    ChangeBatch,
    OutboxItem,
    SyncSnapshot,
    UpBatch,
)
from centre_core.wire import LinkStatus
from centre_server.context import ServerContext
from centre_server.db.tables import AppointmentRow
from centre_server.db.transactions import WriteTransaction
from centre_server.repositories import outbox, sync_state

# Room left in a batch for its envelope, under the nation's byte bound.
_ENVELOPE_BYTES = 1000


def next_batch(context: ServerContext, *, max_rows: int) -> UpBatch:
    """Return the rows after what the nation acknowledged, within the row and byte bounds."""
    with context.db.read() as session:
        acked = sync_state.get(session).acked_through
        last = sync_state.last_out_seq(session)
        rows = outbox.after(session, acked, limit=max_rows)
    items: list[OutboxItem] = []
    size = _ENVELOPE_BYTES
    for row in rows:
        item = OutboxItem(seq=row.out_seq, topic=row.topic, at=row.created_at, payload=row.payload)
        size += len(item.model_dump_json()) + 1
        if items and size > MAX_BATCH_BYTES:
            break
        items.append(item)
    return UpBatch(centre=context.centre.code, last_seq=max(last, acked), rows=items)


def record_contact(
    context: ServerContext, *, acked_through: int | None = None, error: str | None = None
) -> None:
    """Store that the nation answered (and how far it holds the outbox; the other way's error)."""
    with context.db.write() as transaction:
        sync_state.record_contact(
            transaction.session, at=context.now(), acked_through=acked_through, error=error
        )


def announce_link(context: ServerContext, status: LinkStatus) -> None:
    """Tell the hall the link went up or down (a `sync.link` event)."""
    with context.db.write() as transaction:
        transaction.append(
            [
                DomainEvent(
                    type=EventType.sync_link,
                    at=context.now(),
                    data=status.model_dump(mode="json"),
                )
            ]
        )


def record_error(context: ServerContext, error: str) -> None:
    """Store why the last exchange with the nation failed."""
    with context.db.write() as transaction:
        sync_state.record_error(transaction.session, error)


def cursor(context: ServerContext) -> int:
    """Return the feed cursor the centre has applied."""
    with context.db.read() as session:
        return sync_state.get(session).cursor


def _held(row: AppointmentRow) -> AppointmentRecord | None:
    if row.version < 1:
        # Imported by hand: any national version replaces it (attendance is kept below).
        return None
    fact = AppointmentFact(
        ref=row.ref,
        service_code=row.service_code,
        slot_start=row.slot_start,
        status=BookingStatus(row.booking_status),
        version=row.version,
        channel=row.channel or "",
        phone=row.phone,
        id_number_masked=row.id_number_masked,
    )
    return AppointmentRecord(fact, Attendance(row.attendance))


def _merge(context: ServerContext, transaction: WriteTransaction, fact: AppointmentFact) -> None:
    session = transaction.session
    row = session.get(AppointmentRow, fact.ref)
    merged = appointment_sync.apply_booking(None if row is None else _held(row), fact)
    record = merged.record
    if row is not None:
        record = appointment_sync.apply_attendance(record, Attendance(row.attendance))
        merged = appointment_sync.Merged(record, merged.outcome)
    transaction.append(appointment_sync.merge_events(merged, at=context.now()))
    if merged.outcome in (
        appointment_sync.MergeOutcome.stale,
        appointment_sync.MergeOutcome.duplicate,
    ):
        return
    if row is None:
        row = AppointmentRow(ref=fact.ref, imported_at=context.now())
        session.add(row)
    held = record.fact
    row.service_code = held.service_code
    row.slot_start = held.slot_start
    row.business_day = business_day(held.slot_start, timezone=context.centre.timezone)
    row.phone = held.phone
    row.id_number_masked = held.id_number_masked
    row.version = held.version
    row.channel = held.channel
    row.booking_status = str(held.status)
    row.attendance = str(record.attendance)
    row.status = str(appointment_sync.hall_status(record))
    row.follow_up = appointment_sync.needs_follow_up(record)


def _store_config(transaction: WriteTransaction, config: CentreConfigFact) -> None:
    state = sync_state.get(transaction.session)
    held = state.config or {}
    if config.version > int(held.get("version", 0)):
        state.config = json.loads(config.model_dump_json())


def apply_changes(context: ServerContext, batch: ChangeBatch) -> int:
    """Apply a batch of changes and store its cursor in one transaction; return the cursor."""
    with context.db.write() as transaction:
        state = sync_state.get(transaction.session)
        # Changes at or below the stored cursor were applied already (a repeated answer).
        fresh = [change for change in batch.changes if change.cursor > state.cursor]
        for change in fresh:
            if isinstance(change, AppointmentChange):
                _merge(context, transaction, change.appointment)
            else:
                _store_config(transaction, change.config)
        state.cursor = max(state.cursor, batch.cursor)
        return state.cursor


def apply_snapshot(context: ServerContext, snapshot: SyncSnapshot) -> int:
    """Merge a snapshot's bookings and configuration and move the cursor to it."""
    with context.db.write() as transaction:
        for fact in snapshot.appointments:
            _merge(context, transaction, fact)
        if snapshot.config is not None:
            _store_config(transaction, snapshot.config)
        state = sync_state.get(transaction.session)
        state.cursor = snapshot.cursor
        return state.cursor


def link_status(context: ServerContext) -> LinkStatus:
    """Return the link as the centre sees it: up when the nation answered recently, no error."""
    with context.db.read() as session:
        return link_status_in(session, context)


def link_status_in(session: Session, context: ServerContext) -> LinkStatus:
    """Return the link as `link_status` does, read in the caller's session."""
    now = context.now()
    state = sync_state.get(session)
    last = sync_state.last_out_seq(session)
    oldest = sync_state.oldest_unacked_at(session, state.acked_through)
    # Judged from the stored state alone, so `foleni sync status` in another process agrees.
    up = (
        state.last_error is None
        and state.last_contact is not None
        and now - state.last_contact <= timedelta(seconds=_fresh_seconds(context))
    )
    error = state.last_error
    if context.settings.national_url is None and state.last_contact is None:
        error = "no national service configured (FOLENI_NATIONAL_URL)"
    return LinkStatus(
        link="up" if up else "down",
        last_seq=last,
        acked_through=state.acked_through,
        pending=max(0, last - state.acked_through),
        lag_seconds=0.0 if oldest is None else round(max(0.0, (now - oldest).total_seconds()), 1),
        cursor=state.cursor,
        last_error=error,
        last_contact=state.last_contact,
    )


def _fresh_seconds(context: ServerContext) -> float:
    """Return how long after the last answer the link still counts as up."""
    settings = context.settings
    return (
        settings.sync_long_poll_seconds
        + settings.sync_timeout_seconds
        + settings.sync_heartbeat_seconds
    )
