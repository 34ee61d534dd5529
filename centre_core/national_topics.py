"""What the nation learns from a centre: one payload model, with its builder, per national topic.

A national topic is an `EventType` the national service must know (attendance for analytics,
document status, feedback); the rest of the stream concerns the hall only. The outbox row of
such an event carries its topic's payload, never the hall envelope. A payload takes only the
fields its model declares from the event (an allow-list): ticket facts, never personal data
(no phone, no status-page token, no free-text note or cancellation reason).
"""

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict

from centre_core.appointments import CheckInTiming
from centre_core.events import DomainEvent, EventType
from centre_core.tickets import TicketSource, TicketStatus


class NationalPayload(BaseModel):
    """The payload of one national topic; `at` is when it happened in the centre."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    topic: ClassVar[EventType]
    at: datetime

    @classmethod
    def build(cls, event: DomainEvent) -> Self:
        """Build the payload from an event of this topic: its time and the fields declared here."""
        data = event.data
        fields = {name: data[name] for name in cls.model_fields if name in data}
        return cls.model_validate({**fields, "at": event.at})


class TicketFacts(NationalPayload):
    """A ticket as the nation sees it: where it queues, how it came, how it stands."""

    ticket_id: str
    number: str
    service_code: str
    queue_key: str
    stage_index: int
    status: TicketStatus
    source: TicketSource
    priority: str | None
    counter: str | None
    recalls: int
    issued_at: datetime


class TicketIssued(TicketFacts):
    """A citizen took a ticket (walk-in, appointment, collection)."""

    topic = EventType.ticket_issued


class TicketDone(TicketFacts):
    """A ticket's journey ended served (`counter` served its last stage)."""

    topic = EventType.ticket_done


class TicketNoShow(TicketFacts):
    """A called citizen did not come: marked by staff, or recalled past the limit."""

    topic = EventType.ticket_no_show
    reason: Literal["marked", "recall_limit"]


class TicketCancelled(TicketFacts):
    """A waiting ticket was withdrawn (its free-text reason stays in the centre)."""

    topic = EventType.ticket_cancelled


class TicketTransferred(TicketFacts):
    """A ticket moved to another queue or counter, keeping its number and arrival."""

    topic = EventType.ticket_transferred
    from_queue: str
    to_queue: str
    from_counter: str | None
    to_counter: str | None


class TicketStageAdvanced(TicketFacts):
    """A stage of a journey was finished at `finished_by`; the ticket waits for the next one."""

    topic = EventType.ticket_stage_advanced
    from_queue: str
    to_queue: str
    finished_by: str


class AppointmentCheckedIn(NationalPayload):
    """A booked citizen arrived (the nation owns the booking, the centre its attendance)."""

    topic = EventType.appointment_checked_in
    ref: str
    service_code: str
    slot_start: datetime
    timing: CheckInTiming
    source: TicketSource
    ready_at: datetime


class SummaryAlert(BaseModel):
    """An alert open in the centre: its kind and what it is about (no detail leaves the hall)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str
    subject: str


class HallSummary(NationalPayload):
    """The hall now and its business day so far, for the national overview.

    Sums rather than averages (`wait_sum_seconds` over `wait_count`), so that the nation can
    add days and centres up; percentiles cannot be added up and stay in the centre's reports.
    """

    topic = EventType.hall_summary
    business_day: date
    waiting: int
    longest_wait_minutes: int
    counters_open: int
    arrived: int
    served: int
    no_show: int
    never_called: int
    wait_count: int
    wait_sum_seconds: float
    wait_max_seconds: float | None
    with_target: int
    within_target: int
    alerts: tuple[SummaryAlert, ...]

    def event(self) -> DomainEvent:
        """Return the `hall.summary` event carrying this summary."""
        return DomainEvent(
            type=self.topic, at=self.at, data=self.model_dump(mode="json", exclude={"at"})
        )


def _by_topic(models: Iterable[type[NationalPayload]]) -> Mapping[str, type[NationalPayload]]:
    registry: dict[str, type[NationalPayload]] = {}
    for model in models:
        if model.topic in registry:
            raise ValueError(f"two payloads for {model.topic}: {registry[model.topic].__name__}")
        registry[model.topic] = model
    return MappingProxyType(registry)


# Keyed by the topic's string value, so a `DomainEvent.type` (a str) looks its payload up.
PAYLOADS = _by_topic(
    (
        TicketIssued,
        TicketDone,
        TicketNoShow,
        TicketCancelled,
        TicketTransferred,
        TicketStageAdvanced,
        AppointmentCheckedIn,
        HallSummary,
    )
)
NATIONAL_TOPICS = frozenset(EventType(topic) for topic in PAYLOADS)


def payload_for(event: DomainEvent) -> NationalPayload | None:
    """Return what the nation must learn from an event, None when it concerns the hall only."""
    model = PAYLOADS.get(event.type)
    return None if model is None else model.build(event)
