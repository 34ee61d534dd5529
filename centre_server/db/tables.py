"""The typed tables holding a centre's mutable state (the schema itself comes from migrations)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from service_kit.db_types import NAMING_CONVENTION, UtcDateTime

# The id of the one `centre_state` row.
CENTRE_ROW_ID = 1


class Base(DeclarativeBase):
    """Declarative base with the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # Every row class maps one plain table: typed as such, its columns serve Core statements.
    __table__: ClassVar[Table]
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime(),
        dict[str, Any]: JSON(),
    }


class CentreStateRow(Base):
    """The single row every write transaction locks first; it also holds the last event seq."""

    __tablename__ = "centre_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    # The outbox's own gapless seq, assigned under the same lock (the nation acknowledges it).
    last_out_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class DailySequenceRow(Base):
    """The last ticket number issued per service and centre-local day."""

    __tablename__ = "daily_sequences"

    business_day: Mapped[date] = mapped_column(Date, primary_key=True)
    service_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class TicketRow(Base):
    """One ticket through all its stages (the number and arrival time never change)."""

    __tablename__ = "tickets"
    __table_args__ = (
        # The number's prefix and sequence belong to the service that issued the ticket; a
        # transfer changes `service_code` but never the number.
        UniqueConstraint("business_day", "issued_service_code", "sequence"),
        Index("ix_tickets_status_queue_key", "status", "queue_key"),
        # Second wall behind the write lock: a counter holds at most one active ticket.
        Index(
            "uq_tickets_active_counter",
            "counter",
            unique=True,
            sqlite_where=text("status IN ('called', 'serving')"),
            postgresql_where=text("status IN ('called', 'serving')"),
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    number: Mapped[str] = mapped_column(String(16))
    sequence: Mapped[int] = mapped_column(Integer)
    issued_service_code: Mapped[str] = mapped_column(String(32))
    service_code: Mapped[str] = mapped_column(String(32))
    stage_index: Mapped[int] = mapped_column(Integer, default=0)
    stage_code: Mapped[str | None] = mapped_column(String(32))
    queue_key: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    priority: Mapped[str | None] = mapped_column(String(32))
    business_day: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime]
    queued_at: Mapped[datetime]
    ready_at: Mapped[datetime]
    appointment_ref: Mapped[str | None] = mapped_column(String(64))
    appointment_slot: Mapped[datetime | None]
    counter: Mapped[str | None] = mapped_column(String(32))
    target_counter: Mapped[str | None] = mapped_column(String(32))
    called_at: Mapped[datetime | None]
    serving_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    recalls: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str | None] = mapped_column(String(500))
    # E.164, kept only for a later SMS; every response masks it.
    phone: Mapped[str | None] = mapped_column(String(20))


class CounterRow(Base):
    """The live state of one counter of the centre file."""

    __tablename__ = "counters"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    staff_number: Mapped[str | None] = mapped_column(String(32))
    current_ticket_id: Mapped[str | None] = mapped_column(String(32))
    normal_streak: Mapped[int] = mapped_column(Integer, default=0)
    pause_reason: Mapped[str | None] = mapped_column(String(200))
    status_since: Mapped[datetime | None]
    passover_anchor: Mapped[datetime | None]
    passover_count: Mapped[int] = mapped_column(Integer, default=0)


class AppointmentRow(Base):
    """A booked appointment (imported now, fed by the national system later)."""

    __tablename__ = "appointments"
    __table_args__ = (Index("ix_appointments_phone_business_day", "phone", "business_day"),)

    ref: Mapped[str] = mapped_column(String(64), primary_key=True)
    service_code: Mapped[str] = mapped_column(String(32))
    slot_start: Mapped[datetime]
    business_day: Mapped[date] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(20))
    # Only the masked form is kept: the centre never needs the full ID number back.
    id_number_masked: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(16))
    checked_in_at: Mapped[datetime | None]
    ticket_id: Mapped[str | None] = mapped_column(String(32))
    imported_at: Mapped[datetime]
    # The nation's booking fact (0: imported by hand) and the centre's attendance (sync merge).
    version: Mapped[int] = mapped_column(Integer, default=0)
    channel: Mapped[str | None] = mapped_column(String(32))
    booking_status: Mapped[str] = mapped_column(String(16), default="booked")
    attendance: Mapped[str] = mapped_column(String(16), default="none")
    # Cancelled by the nation after the citizen checked in: kept in the hall, to follow up.
    follow_up: Mapped[bool] = mapped_column(Boolean, default=False)


class StaffRow(Base):
    """A member of staff who logs in at a counter or as a manager."""

    __tablename__ = "staff"

    staff_number: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    pin_hash: Mapped[str] = mapped_column(String(255))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class StaffSessionRow(Base):
    """A staff login: a random token stored hashed, bound to a counter, expiring."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_number: Mapped[str] = mapped_column(ForeignKey("staff.staff_number"))
    counter: Mapped[str | None] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class DeviceRow(Base):
    """A kiosk, display, manager screen or admin tool holding a device token (stored hashed)."""

    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    status: Mapped[dict[str, Any] | None]
    status_at: Mapped[datetime | None]


class EventRow(Base):
    """One domain event; `seq` is the centre's monotonic, gapless event number."""

    __tablename__ = "events"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    data: Mapped[dict[str, Any]]


class OutboxRow(Base):
    """What the nation must receive, written with the change; `out_seq` is gapless per centre.

    Not an autoincrement: PostgreSQL identities commit out of order and leave gaps, and the
    nation acknowledges the highest contiguous seq. The write path assigns it under the lock.
    Rows stay after they are acknowledged (the sync state says how far); nothing is deleted
    here that the nation has not confirmed.
    """

    __tablename__ = "outbox"

    out_seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    event_seq: Mapped[int | None] = mapped_column(ForeignKey("events.seq"))
    topic: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class SyncStateRow(Base):
    """The centre's side of its national link (one row): acknowledged seq, feed cursor, contact."""

    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    acked_through: Mapped[int] = mapped_column(BigInteger, default=0)
    cursor: Mapped[int] = mapped_column(BigInteger, default=0)
    last_contact: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(300))
    # The nation's configuration of this centre (`CentreConfigFact` as JSON), once received.
    config: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class IdempotencyRow(Base):
    """The first response to a command carrying a client `request_id`."""

    __tablename__ = "idempotency_keys"

    request_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    command: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class ServiceTimeRow(Base):
    """How long one stage of one ticket took at a counter, and who served it.

    Input of the wait estimate and of a staff member's figures for the day. The ticket row
    cannot say who served it: the next stage overwrites its counter and times.
    """

    __tablename__ = "service_times"
    __table_args__ = (
        Index("ix_service_times_queue_key_finished_at", "queue_key", "finished_at"),
        Index("ix_service_times_staff_number_finished_at", "staff_number", "finished_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    queue_key: Mapped[str] = mapped_column(String(80))
    counter: Mapped[str] = mapped_column(String(32))
    finished_at: Mapped[datetime]
    seconds: Mapped[float] = mapped_column(Float)
    # The staff member logged in at the counter when the stage finished (None before 0002).
    staff_number: Mapped[str | None] = mapped_column(String(32))


class AuditRow(Base):
    """One action a manager (or the CLI) took: who, what, on what, written with the change."""

    __tablename__ = "audit"
    __table_args__ = (Index("ix_audit_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    # A staff number, `device:<id>` for a manager device, or `cli`.
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(120))
    detail: Mapped[dict[str, Any]]


class ServiceNoticeRow(Base):
    """A manager's notice for one service (or the whole centre: `service_code` null)."""

    __tablename__ = "service_notices"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    service_code: Mapped[str | None] = mapped_column(String(32))
    text_en: Mapped[str] = mapped_column(String(400))
    text_sw: Mapped[str | None] = mapped_column(String(400))
    posted_at: Mapped[datetime]
    posted_by: Mapped[str] = mapped_column(String(64))
    ends_at: Mapped[datetime | None]
    cleared_at: Mapped[datetime | None] = mapped_column(index=True)


class ServiceDayRow(Base):
    """What a manager decided about a service for one business day: closed, today's cap."""

    __tablename__ = "service_days"

    business_day: Mapped[date] = mapped_column(Date, primary_key=True)
    service_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    closed_reason: Mapped[str | None] = mapped_column(String(200))
    daily_cap: Mapped[int | None] = mapped_column(Integer)


class CounterServicesRow(Base):
    """The queues a counter serves for one business day, set by a manager ({selector: weight})."""

    __tablename__ = "counter_services"

    business_day: Mapped[date] = mapped_column(Date, primary_key=True)
    counter_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    services: Mapped[dict[str, Any]]


class AlertRow(Base):
    """An alert: raised when its condition first held, cleared when it no longer did."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index("ix_alerts_raised_at", "raised_at"),
        Index(
            "uq_alerts_open",
            "kind",
            "subject",
            unique=True,
            sqlite_where=text("cleared_at IS NULL"),
            postgresql_where=text("cleared_at IS NULL"),
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    # A service or counter code, a device id, or "national".
    subject: Mapped[str] = mapped_column(String(80))
    detail: Mapped[dict[str, Any]]
    raised_at: Mapped[datetime]
    cleared_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
