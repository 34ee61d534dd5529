"""Small builders for the core tests: a test centre, Nairobi times, tickets in a few lines."""

from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Literal, TypedDict, Unpack
from zoneinfo import ZoneInfo

from centre_core import counters, tickets
from centre_core.centre import (
    CentreConfig,
    CounterConfig,
    PolicySettings,
    PriorityCategory,
    Service,
    Stage,
)
from centre_core.centre_file import load_centre_config
from centre_core.counters import CounterState
from centre_core.tickets import Ticket, TicketSource

NAIROBI = ZoneInfo("Africa/Nairobi")
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "huduma-nairobi.toml"
# Monday 23 November 2026, 09:00 in Nairobi.
MONDAY_9AM = datetime(2026, 11, 23, 9, 0, tzinfo=NAIROBI).astimezone(UTC)

_ids = count(1)


class PolicyOptions(TypedDict, total=False):
    """The `PolicySettings` fields a test may set."""

    mode: Literal["urgency", "fifo"]
    priority_every: int
    recall_limit: int
    appointment_early_minutes: int
    appointment_late_minutes: int
    max_pass_over: int


class AppointmentOptions(TypedDict, total=False):
    """The keywords of `issue_ticket` that place an appointment's ticket."""

    appointment_ref: str | None
    appointment_slot: datetime | None
    ready_at: datetime | None


class IssueOptions(AppointmentOptions, total=False):
    """The optional keywords of `issue_ticket` a test may set."""

    source: TicketSource
    priority: str | None


def nairobi(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NAIROBI).astimezone(UTC)


def minutes(value: float) -> timedelta:
    return timedelta(minutes=value)


def example_centre() -> CentreConfig:
    return load_centre_config(EXAMPLE.read_text(encoding="utf-8"), source=EXAMPLE.name)


def small_centre(**policy: Unpack[PolicyOptions]) -> CentreConfig:
    """Four queues' worth of services and four counters, always open."""
    return CentreConfig(
        code="TEST",
        name="Test centre",
        services=(
            Service("BC", "Birth certificate", "Cheti cha Kuzaliwa", "B", 20),
            Service(
                "NID",
                "National ID card",
                "Kitambulisho cha Taifa",
                "A",
                30,
                stages=(
                    Stage("verification", "Verification", "Uhakiki"),
                    Stage("biometrics", "Biometrics", "Alama za vidole"),
                    Stage("card_issue", "Card issue", "Kupokea kitambulisho"),
                ),
            ),
            Service("PCC", "Police clearance", "Cheti cha Tabia Njema", "P", 10, daily_cap=3),
            Service("KRA", "KRA PIN", "PIN ya KRA", "K", 60, priority_allowed=False),
            Service("COL", "Collection", "Kuchukua", "CL", 10, collection=True),
        ),
        counters=(
            CounterConfig("C1", "Counter 1", {"BC": 1}),
            CounterConfig("C2", "Counter 2", {"NID": 1, "BC": 2}),
            CounterConfig("C3", "Counter 3", {"NID.biometrics": 2, "PCC": 1, "KRA": 1}),
            CounterConfig("C4", "Counter 4", {"COL": 1, "KRA": 3}),
        ),
        priority_categories=(
            PriorityCategory("elderly", "Elderly", "Wazee"),
            PriorityCategory("disability", "Disability", "Ulemavu"),
        ),
        policy=PolicySettings(**policy),
    )


def issue_outcome(
    centre: CentreConfig,
    service_code: str,
    at: datetime,
    *,
    sequence: int | None = None,
    **options: Unpack[IssueOptions],
) -> tickets.TicketOutcome:
    """Issue a ticket with the next test id and token; return it with its events."""
    number = next(_ids)
    return tickets.issue_ticket(
        centre=centre,
        service_code=service_code,
        sequence=sequence if sequence is not None else number,
        ticket_id=f"t{number:05d}",
        token=f"token-{number:05d}-abcdefghijklmnop",
        now=at,
        issued_today=0,
        **options,
    )


def issue(
    centre: CentreConfig,
    service_code: str,
    at: datetime,
    *,
    sequence: int | None = None,
    **options: Unpack[IssueOptions],
) -> Ticket:
    return issue_outcome(centre, service_code, at, sequence=sequence, **options).ticket


def appointment_ticket(
    centre: CentreConfig, service_code: str, *, slot: datetime, checked_in: datetime
) -> Ticket:
    return issue(
        centre,
        service_code,
        checked_in,
        source=TicketSource.appointment,
        appointment_ref=f"APT-{next(_ids)}",
        appointment_slot=slot,
        ready_at=max(slot, checked_in),
    )


def counter_after(outcome: tickets.CallOutcome) -> CounterState:
    """The counter a counter command leaves; only a transfer made without a counter has none."""
    assert outcome.counter is not None
    return outcome.counter


def open_state(code: str, at: datetime = MONDAY_9AM) -> CounterState:
    return counters.open_counter(CounterState(code), staff_number="S-1", now=at).counter
