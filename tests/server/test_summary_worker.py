"""The hall summary for the nation: the hall now and today's figures, sent only when changed."""

from sqlalchemy import select

from centre_core.national_topics import HallSummary
from centre_server.db.tables import OutboxRow
from centre_server.services import alert_service
from centre_server.summary_worker import SummaryWorker


def _summaries(harness) -> list[HallSummary]:
    with harness.context.db.read() as session:
        rows = session.scalars(
            select(OutboxRow).where(OutboxRow.topic == "hall.summary").order_by(OutboxRow.out_seq)
        )
        return [HallSummary.model_validate(row.payload) for row in rows]


def test_a_summary_goes_to_the_outbox_only_when_the_figures_change(harness):
    worker = SummaryWorker(harness.context)
    harness.issue()
    harness.issue()
    assert worker.tick() is True
    assert worker.tick() is False  # nothing changed: nothing sent
    harness.issue()
    assert worker.tick() is True
    first, second = _summaries(harness)
    assert (first.arrived, first.waiting, first.served) == (2, 2, 0)
    assert (second.arrived, second.waiting) == (3, 3)
    assert second.business_day == harness.context.now().date()
    stream = [e for e in harness.events_after(0) if e["type"] == "hall.summary"]
    assert len(stream) == 2 and stream[-1]["data"]["arrived"] == 3


def test_a_summary_carries_the_open_alerts_and_beats_after_the_heartbeat(harness):
    alert_service.evaluate(harness.context)
    worker = SummaryWorker(harness.context, heartbeat_seconds=0)
    assert worker.tick() is True
    assert worker.tick() is True  # the heartbeat is due at once
    summary = _summaries(harness)[-1]
    assert {alert.kind for alert in summary.alerts} == {"device_silent"}
