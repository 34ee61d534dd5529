"""Up: batches are stored once by (centre, seq), acknowledged contiguously, bad input refused."""

import gzip
import json
from datetime import UTC, datetime

from sqlalchemy import func, select

from centre_core.sync_wire import MAX_BATCH_BYTES, STATE_PATH, UP_PATH
from national import centres, processing
from national.db.session import transaction
from national.db.tables import CentreDayFiguresRow, InboxRow
from tests.sync.centre import wait_until

AT = datetime(2026, 12, 4, 7, 0, tzinfo=UTC)


def issued(seq: int, *, service: str = "B") -> dict:
    """Return an outbox row of a ticket.issued payload."""
    return {
        "seq": seq,
        "topic": "ticket.issued",
        "at": AT.isoformat(),
        "payload": {
            "at": AT.isoformat(),
            "ticket_id": f"t{seq}",
            "number": f"{service}-{seq:03d}",
            "service_code": service,
            "queue_key": service,
            "stage_index": 0,
            "status": "waiting",
            "source": "walk_in",
            "priority": None,
            "counter": None,
            "recalls": 0,
            "issued_at": AT.isoformat(),
        },
    }


def batch(first: int, last: int, *, centre: str = "NRB-GPO", last_seq: int | None = None) -> dict:
    """Return an up batch of seqs first..last."""
    return {
        "centre": centre,
        "last_seq": last if last_seq is None else last_seq,
        "rows": [issued(seq) for seq in range(first, last + 1)],
    }


def stored(nation) -> list[int]:
    with transaction(nation.engine) as session:
        return list(session.scalars(select(InboxRow.seq).order_by(InboxRow.seq)))


def stored_rows(nation) -> list[InboxRow]:
    with transaction(nation.engine) as session:
        return list(session.scalars(select(InboxRow).order_by(InboxRow.seq)))


def error_code(response) -> str:
    return response.json()["error"]["code"]


def test_a_batch_is_stored_once_and_acknowledged_contiguously(nation):
    with nation.client() as client:
        first = client.post(UP_PATH, json=batch(1, 5))
        assert first.status_code == 200
        assert first.json() == {"acked_through": 5, "stored": 5, "duplicates": 0}
        # A resend overlapping what is held: the old rows are counted, not stored again.
        again = client.post(UP_PATH, json=batch(3, 8))
        assert again.json() == {"acked_through": 8, "stored": 3, "duplicates": 3}
        state = client.get(STATE_PATH).json()
    assert stored(nation) == list(range(1, 9))
    assert state["acked_through"] == 8 and state["pending"] == 0


def test_a_gzipped_batch_is_read_and_processed_into_the_figures(nation):
    body = gzip.compress(json.dumps(batch(1, 3)).encode())
    with nation.client() as client:
        response = client.post(
            UP_PATH,
            content=body,
            headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
        )
    assert response.json()["acked_through"] == 3

    def processed():
        with transaction(nation.engine) as session:
            issued_today = session.scalar(select(func.sum(CentreDayFiguresRow.issued)))
            statuses = set(session.scalars(select(InboxRow.status)))
        return issued_today == 3 and statuses == {"done"}

    # The worker's sweeper processes stored rows after the acknowledgement.
    wait_until(processed, what="the rows processed into the figures")


def test_a_batch_after_a_gap_is_refused_and_nothing_changes(nation):
    with nation.client() as client:
        client.post(UP_PATH, json=batch(1, 2))
        response = client.post(UP_PATH, json=batch(5, 6))
    assert response.status_code == 409 and error_code(response) == "seq_from_future"
    assert stored(nation) == [1, 2]


def test_bad_input_gets_a_coded_error_and_changes_nothing(nation):
    with nation.client() as client:
        client.post(UP_PATH, json=batch(1, 2))
        not_contiguous = {**batch(3, 4), "rows": [issued(3), issued(5)], "last_seq": 5}
        bad_payload = batch(3, 3)
        del bad_payload["rows"][0]["payload"]["number"]
        unknown_topic = batch(3, 3)
        unknown_topic["rows"][0]["topic"] = "ticket.teleported"
        answers = {
            "malformed": client.post(
                UP_PATH, content=b"{not json", headers={"Content-Type": "application/json"}
            ),
            "not_contiguous": client.post(UP_PATH, json=not_contiguous),
            "bad_payload": client.post(UP_PATH, json=bad_payload),
            "unknown_topic": client.post(UP_PATH, json=unknown_topic),
            "other_centre": client.post(UP_PATH, json=batch(3, 3, centre="MSA-01")),
            "oversized": client.post(UP_PATH, content=b" " * (MAX_BATCH_BYTES + 1)),
            "not_gzip": client.post(
                UP_PATH, content=b"plain", headers={"Content-Encoding": "gzip"}
            ),
        }
    with nation.client("not-a-credential") as stranger:
        answers["wrong_credential"] = stranger.post(UP_PATH, json=batch(3, 3))
    answers["no_credential"] = __import__("httpx").post(nation.url + UP_PATH, json=batch(3, 3))
    codes = {name: (r.status_code, error_code(r)) for name, r in answers.items()}
    assert codes == {
        "malformed": (422, "invalid_batch"),
        "not_contiguous": (422, "invalid_batch"),
        "bad_payload": (422, "invalid_payload"),
        "unknown_topic": (422, "invalid_payload"),
        "other_centre": (403, "forbidden"),
        "oversized": (413, "batch_too_large"),
        "not_gzip": (422, "invalid_batch"),
        "wrong_credential": (401, "invalid_credentials"),
        "no_credential": (401, "unauthenticated"),
    }
    assert stored(nation) == [1, 2]
    (state,) = centres.sync_states(nation.engine)
    assert state.acked_through == 2


def test_a_row_whose_processing_fails_is_a_dead_letter_and_can_be_replayed(nation, monkeypatch):
    def broken(work, payload):
        raise RuntimeError("projection bug")

    monkeypatch.setitem(processing.HANDLERS, "ticket.issued", broken)
    with nation.client() as client:
        ack = client.post(UP_PATH, json=batch(1, 1)).json()
    # Acknowledged although its processing failed: one bad row never blocks the link.
    assert ack["acked_through"] == 1
    # The sweeper tries it MAX_ATTEMPTS times, then it is a dead letter.
    (dead,) = wait_until(lambda: processing.dead_letters(nation.engine), what="a dead letter")
    assert (dead.seq, dead.attempts) == (1, processing.MAX_ATTEMPTS)
    assert "projection bug" in (dead.last_error or "")
    monkeypatch.undo()
    assert processing.replay(nation.engine, centre=nation.centre) == 1
    wait_until(
        lambda: [row.status for row in stored_rows(nation)] == ["done"], what="the replayed row"
    )
    assert processing.dead_letters(nation.engine) == []
