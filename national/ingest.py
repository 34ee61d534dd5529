"""Up: store a centre's batch once by (centre, seq) and acknowledge the highest contiguous seq.

Under the centre's lock the inbox holds exactly the seqs 1..acked_through, so a batch's rows up
to `acked_through` are repeats (skipped, counted) and the rest extend it contiguously; a batch
starting after `acked_through + 1` would leave a gap and is refused (`seq_from_future`). A
payload is checked against its topic's model before anything is stored: a batch either goes in
whole or not at all. What the rows mean (projections) is worked out after, by `processing`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import ValidationError
from sqlalchemy import Engine, insert

from centre_core.errors import QueueError
from centre_core.national_topics import PAYLOADS
from centre_core.sync_wire import SyncErrorCode, UpAck, UpBatch
from national.db.session import lock_centre, transaction
from national.db.tables import InboxRow

INBOX = InboxRow.__table__


def _check_payloads(batch: UpBatch) -> None:
    for item in batch.rows:
        model = PAYLOADS.get(item.topic)
        if model is None:
            raise QueueError(
                SyncErrorCode.invalid_payload, f"seq {item.seq}: unknown topic {item.topic!r}"
            )
        try:
            model.model_validate(item.payload)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise QueueError(
                SyncErrorCode.invalid_payload,
                f"seq {item.seq} ({item.topic}): {where}: {first['msg']}",
            ) from exc


def store_batch(engine: Engine, *, centre: str, batch: UpBatch) -> UpAck:
    """Store a centre's batch idempotently and return what the nation now holds."""
    if batch.centre != centre:
        raise QueueError(SyncErrorCode.forbidden, f"this credential belongs to centre {centre}")
    _check_payloads(batch)
    now = datetime.now(UTC)
    with transaction(engine) as session:
        state = lock_centre(session, centre)
        held = state.acked_through
        if batch.rows and batch.rows[0].seq > held + 1:
            raise QueueError(
                SyncErrorCode.seq_from_future,
                f"the nation holds seqs up to {held}; the batch starts at {batch.rows[0].seq}",
            )
        new = [item for item in batch.rows if item.seq > held]
        if new:
            session.execute(
                insert(INBOX),
                [
                    {
                        "centre": centre,
                        "seq": item.seq,
                        "topic": item.topic,
                        "at": item.at,
                        "payload": item.payload,
                        "received_at": now,
                        "status": "pending",
                        "attempts": 0,
                    }
                    for item in new
                ],
            )
            state.acked_through = new[-1].seq
        state.centre_last_seq = max(batch.last_seq, state.acked_through)
        state.last_contact = now
        return UpAck(
            acked_through=state.acked_through,
            stored=len(new),
            duplicates=len(batch.rows) - len(new),
        )
