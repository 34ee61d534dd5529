"""The national tables: centres, their sync state, inbox and change feed, and the booking book.

Every per-centre table leads its key with the centre, so that the inbox can be partitioned by
centre in PostgreSQL now and every table distributed by centre with Citus later (docs/sync.md).
"""

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
    Text,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from service_kit.db_types import NAMING_CONVENTION, UtcDateTime

# The `holidays.centre` of a holiday every centre keeps.
ALL_CENTRES = "*"


class Base(DeclarativeBase):
    """Declarative base of the national tables."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    __table__: ClassVar[Table]
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime(),
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


class CentreRow(Base):
    """A registered centre: its credential (SHA-256 of a random token) and opening hours."""

    __tablename__ = "centres"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(64), default="Africa/Nairobi")
    credential_hash: Mapped[str] = mapped_column(String(64), unique=True)
    credential_rotated_at: Mapped[datetime]
    # {"mon": ["08:00", "17:00"], ...}; a day missing is closed.
    hours: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    config_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]


class SyncStateRow(Base):
    """One centre's link: how far its inbox is contiguous, and where its change feed stands.

    The row is the lock of both directions: ingest takes it before storing a batch, and a new
    change takes it to get the next cursor, so cursors commit in order (no reader skips one).
    """

    __tablename__ = "sync_state"

    centre: Mapped[str] = mapped_column(String(32), primary_key=True)
    acked_through: Mapped[int] = mapped_column(BigInteger, default=0)
    centre_last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_contact: Mapped[datetime | None]
    feed_cursor: Mapped[int] = mapped_column(BigInteger, default=0)
    # Changes at or below the horizon were compacted: a centre asking from below takes a snapshot.
    feed_horizon: Mapped[int] = mapped_column(BigInteger, default=0)
    centre_cursor: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(String(300))


class InboxRow(Base):
    """One outbox row a centre sent, stored once by (centre, seq), with its processing status."""

    __tablename__ = "inbox"
    __table_args__ = (
        Index("ix_inbox_status_centre", "status", "centre"),
        # The processing queue: a centre's pending rows in seq order, without scanning (or
        # sorting) the rows already done; a catch-up brings 100,000 of them at once.
        Index(
            "ix_inbox_pending",
            "centre",
            "seq",
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    centre: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    topic: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime]
    # pending -> done, or dead after `processing.MAX_ATTEMPTS` failures (replayable).
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class ChangeRow(Base):
    """One change in a centre's feed: a booking fact or the centre's configuration."""

    __tablename__ = "changes"

    centre: Mapped[str] = mapped_column(String(32), primary_key=True)
    cursor: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]
    body: Mapped[dict[str, Any]] = mapped_column(JSON)


class CentreServiceRow(Base):
    """A service a centre offers: what to bring, the fee, the daily cap and booking slots."""

    __tablename__ = "centre_services"

    centre: Mapped[str] = mapped_column(String(32), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_sw: Mapped[str] = mapped_column(String(120))
    requirements: Mapped[list[Any]] = mapped_column(JSON, default=list)
    fee_kes: Mapped[int | None] = mapped_column(Integer)
    fee_note_en: Mapped[str | None] = mapped_column(String(200))
    fee_note_sw: Mapped[str | None] = mapped_column(String(200))
    daily_cap: Mapped[int | None] = mapped_column(Integer)
    slot_minutes: Mapped[int] = mapped_column(Integer, default=30)
    slot_capacity: Mapped[int] = mapped_column(Integer, default=0)
    # The service's own hours (`CentreRow.hours`' shape); None: the centre's.
    hours: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class HolidayRow(Base):
    """A day a centre (or every centre: `ALL_CENTRES`) is closed."""

    __tablename__ = "holidays"

    centre: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_sw: Mapped[str] = mapped_column(String(120))


class NoticeRow(Base):
    """A service notice for citizens ("agency system down"), for one service or a centre."""

    __tablename__ = "notices"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    centre: Mapped[str] = mapped_column(String(32), index=True)
    service_code: Mapped[str | None] = mapped_column(String(32))
    text_en: Mapped[str] = mapped_column(String(300))
    text_sw: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]


class BookingRow(Base):
    """A booking (the nation's fact, versioned) with the attendance the centre reported."""

    __tablename__ = "bookings"
    __table_args__ = (
        Index("ix_bookings_centre_day", "centre", "day"),
        # One live booking per person, service and day (cancelled ones do not count).
        Index(
            "uq_bookings_person_service_day",
            "person_hash",
            "service_code",
            "day",
            unique=True,
            sqlite_where=text("status = 'booked'"),
            postgresql_where=text("status = 'booked'"),
        ),
    )

    ref: Mapped[str] = mapped_column(String(16), primary_key=True)
    centre: Mapped[str] = mapped_column(String(32))
    service_code: Mapped[str] = mapped_column(String(32))
    slot_start: Mapped[datetime]
    day: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(32))
    agent_id: Mapped[str | None] = mapped_column(String(64))
    person_hash: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(20))
    id_number_masked: Mapped[str | None] = mapped_column(String(20))
    attendance: Mapped[str] = mapped_column(String(16), default="none")
    # Cancelled after the citizen checked in: the centre kept them; someone must follow up.
    follow_up: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class SlotUsageRow(Base):
    """How many live bookings hold one slot (the capacity check locks this row)."""

    __tablename__ = "slot_usage"

    centre: Mapped[str] = mapped_column(String(32), primary_key=True)
    service_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    slot_start: Mapped[datetime] = mapped_column(primary_key=True)
    booked: Mapped[int] = mapped_column(Integer, default=0)


class BookingRequestRow(Base):
    """A booking command by request id: a retry answers the first result."""

    __tablename__ = "booking_requests"

    request_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]


class ApiKeyRow(Base):
    """A key of a booking channel (web, USSD, contact centre) or an operator."""

    __tablename__ = "api_keys"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]


class CentreDayFiguresRow(Base):
    """The KPI projection of the inbox: per centre, day and service."""

    __tablename__ = "centre_day_figures"

    centre: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    service_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    issued: Mapped[int] = mapped_column(Integer, default=0)
    served: Mapped[int] = mapped_column(Integer, default=0)
    no_shows: Mapped[int] = mapped_column(Integer, default=0)
    cancelled: Mapped[int] = mapped_column(Integer, default=0)
    checked_in: Mapped[int] = mapped_column(Integer, default=0)


class CentreSummaryRow(Base):
    """A centre's latest `hall.summary` of one business day (a newer `at` replaces it)."""

    __tablename__ = "centre_summaries"

    centre: Mapped[str] = mapped_column(String(32), primary_key=True)
    business_day: Mapped[date] = mapped_column(Date, primary_key=True)
    at: Mapped[datetime]
    waiting: Mapped[int] = mapped_column(Integer)
    longest_wait_minutes: Mapped[int] = mapped_column(Integer)
    counters_open: Mapped[int] = mapped_column(Integer)
    arrived: Mapped[int] = mapped_column(Integer)
    served: Mapped[int] = mapped_column(Integer)
    no_show: Mapped[int] = mapped_column(Integer)
    never_called: Mapped[int] = mapped_column(Integer)
    wait_count: Mapped[int] = mapped_column(Integer)
    wait_sum_seconds: Mapped[float] = mapped_column(Float)
    wait_max_seconds: Mapped[float | None] = mapped_column(Float)
    with_target: Mapped[int] = mapped_column(Integer)
    within_target: Mapped[int] = mapped_column(Integer)
    # [{"kind": ..., "subject": ...}] open when the summary was taken.
    alerts: Mapped[list[Any]] = mapped_column(JSON, default=list)


class NationalStaffRow(Base):
    """A member of national staff who logs in to the overview: staff number and PIN (argon2)."""

    __tablename__ = "national_staff"

    staff_number: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    pin_hash: Mapped[str] = mapped_column(String(200))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime]


class NationalSessionRow(Base):
    """A browser session of national staff (SHA-256 of its token), ending at `expires_at`."""

    __tablename__ = "national_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_number: Mapped[str] = mapped_column(
        String(32), ForeignKey("national_staff.staff_number", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
