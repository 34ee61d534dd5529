"""The sync protocol between a centre and the national service, used by both sides.

Up: the centre posts ordered batches of its outbox (`UpBatch`, gzip) and the nation answers the
highest contiguous seq it holds (`UpAck`); the centre resends from there. Down: the centre asks
for the changes after its cursor (`ChangeBatch`, long-poll); a cursor the nation no longer
holds answers 410 `cursor_expired` and the centre takes a `SyncSnapshot`. The nation owns the
booking facts (`AppointmentFact`, versioned), the centre the attendance facts (`Attendance`).
docs/sync.md describes the routes, the acknowledgement, the cursor and the conflict table.
"""

from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from centre_core.wire import WireModel

UP_PATH = "/api/v1/sync/up"
CHANGES_PATH = "/api/v1/sync/changes"
SNAPSHOT_PATH = "/api/v1/sync/snapshot"
# The centre's own sync state as the nation sees it (the centre's credential).
STATE_PATH = "/api/v1/sync/state"
# Every centre's link as the nation sees it (an operator's key).
CENTRES_SYNC_PATH = "/api/v1/centres/sync"

# Bounds of one up batch: rows, and bytes of its JSON before compression (the nation refuses
# a larger body with 413 `batch_too_large` before reading it all).
MAX_BATCH_ROWS = 500
MAX_BATCH_BYTES = 1_000_000
# The longest long-poll the nation grants; a centre asking longer is answered sooner.
MAX_WAIT_SECONDS = 30.0
MAX_CHANGES = 1000
# How many days of appointments a snapshot holds, from the centre's today.
SNAPSHOT_DAYS = 14


class SyncErrorCode(StrEnum):
    """Stable codes of the sync routes (in the usual `{"error": {code, message}}` body)."""

    unauthenticated = "unauthenticated"
    invalid_credentials = "invalid_credentials"
    forbidden = "forbidden"
    invalid_batch = "invalid_batch"
    invalid_payload = "invalid_payload"
    batch_too_large = "batch_too_large"
    seq_from_future = "seq_from_future"
    cursor_expired = "cursor_expired"
    cursor_from_future = "cursor_from_future"


SYNC_STATUS_BY_CODE: dict[str, int] = {
    SyncErrorCode.unauthenticated: 401,
    SyncErrorCode.invalid_credentials: 401,
    SyncErrorCode.forbidden: 403,
    SyncErrorCode.seq_from_future: 409,
    SyncErrorCode.cursor_from_future: 409,
    SyncErrorCode.cursor_expired: 410,
    SyncErrorCode.batch_too_large: 413,
    SyncErrorCode.invalid_batch: 422,
    SyncErrorCode.invalid_payload: 422,
}


class SyncRequest(BaseModel):
    """Base of what a centre sends: frozen, unknown fields refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class OutboxItem(SyncRequest):
    """One outbox row: its gapless per-centre `seq`, its national topic and payload."""

    seq: int = Field(ge=1)
    topic: str = Field(min_length=1, max_length=64)
    at: AwareDatetime
    payload: dict[str, Any]


class UpBatch(SyncRequest):
    """Outbox rows in ascending, contiguous seq order; `last_seq` is the centre's newest.

    An empty batch is a heartbeat: it tells the nation how far the centre is.
    """

    centre: str = Field(min_length=1, max_length=32)
    last_seq: int = Field(ge=0)
    rows: list[OutboxItem] = Field(default_factory=list, max_length=MAX_BATCH_ROWS)

    @model_validator(mode="after")
    def _contiguous(self) -> Self:
        seqs = [row.seq for row in self.rows]
        if seqs and seqs != list(range(seqs[0], seqs[0] + len(seqs))):
            raise ValueError("rows must have ascending, contiguous seqs")
        if seqs and seqs[-1] > self.last_seq:
            raise ValueError("last_seq must be at least the seq of the last row")
        return self


class UpAck(WireModel):
    """The nation holds every row of this centre up to `acked_through`, and none after it."""

    acked_through: int
    stored: int
    duplicates: int


class BookingStatus(StrEnum):
    """The nation's booking fact: booked (a reschedule is a new version) or cancelled."""

    booked = "booked"
    cancelled = "cancelled"


class Attendance(StrEnum):
    """The centre's attendance fact; it only moves forward (`ATTENDANCE_ORDER`)."""

    none = "none"
    checked_in = "checked_in"
    called = "called"
    no_show = "no_show"
    served = "served"


ATTENDANCE_ORDER = {attendance: rank for rank, attendance in enumerate(Attendance)}


class AppointmentFact(WireModel):
    """A booking as the nation owns it; a higher `version` replaces a lower one."""

    ref: str
    service_code: str
    slot_start: AwareDatetime
    status: BookingStatus
    version: int = Field(ge=1)
    channel: str
    # The phone stays readable because the kiosk checks in by phone; the ID number is masked.
    phone: str | None = None
    id_number_masked: str | None = None


class Requirement(WireModel):
    """One thing to bring, in both languages."""

    en: str
    sw: str


class ServiceInfo(WireModel):
    """What the nation says about a service: what to bring, the official fee, the daily cap."""

    code: str
    requirements: tuple[Requirement, ...] = ()
    fee_kes: int | None = Field(default=None, ge=0)
    fee_note_en: str | None = None
    fee_note_sw: str | None = None
    daily_cap: int | None = Field(default=None, ge=0)


class Holiday(WireModel):
    """A public holiday: the centre is closed, nobody can book it."""

    day: date
    name_en: str
    name_sw: str


class ServiceNotice(WireModel):
    """A notice for citizens ("agency system down"), for one service or the whole centre."""

    id: str
    service_code: str | None = None
    text_en: str
    text_sw: str
    starts_at: AwareDatetime
    ends_at: AwareDatetime | None = None


class CentreConfigFact(WireModel):
    """The nation's configuration of one centre, sent whole; a higher `version` replaces it."""

    version: int = Field(ge=1)
    services: tuple[ServiceInfo, ...] = ()
    holidays: tuple[Holiday, ...] = ()
    notices: tuple[ServiceNotice, ...] = ()


class AppointmentChange(WireModel):
    """A booking was made, rescheduled or cancelled."""

    kind: Literal["appointment"] = "appointment"
    cursor: int = Field(ge=1)
    at: AwareDatetime
    appointment: AppointmentFact


class ConfigChange(WireModel):
    """The centre's national configuration changed."""

    kind: Literal["config"] = "config"
    cursor: int = Field(ge=1)
    at: AwareDatetime
    config: CentreConfigFact


Change = Annotated[AppointmentChange | ConfigChange, Field(discriminator="kind")]


class ChangeBatch(WireModel):
    """The changes after the asked cursor, in cursor order (gapless per centre).

    `cursor` is where to ask next: the last change's, or the asked one when nothing came.
    """

    cursor: int = Field(ge=0)
    changes: tuple[Change, ...]
    more: bool


class SyncSnapshot(WireModel):
    """Everything the centre needs from the nation, as of feed position `cursor`."""

    cursor: int = Field(ge=0)
    from_day: date
    days: int
    appointments: tuple[AppointmentFact, ...]
    config: CentreConfigFact | None = None


class CentreSyncState(WireModel):
    """The nation's view of one centre's link: what it holds, what is pending, how late."""

    centre: str
    name: str
    acked_through: int
    centre_last_seq: int
    pending: int
    last_contact: AwareDatetime | None
    lag_seconds: float | None
    feed_cursor: int
    centre_cursor: int | None
    dead_letters: int
