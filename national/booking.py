"""Booking: a service's slots, and book, reschedule, cancel, each one transaction, idempotent.

Rules:

- A slot is offered when it starts on the service's grid (every `slot_minutes` from the centre's
  opening time, ending by its closing time), on a day the centre is open and not a holiday, and
  has not begun. `ignore_opening_hours` (development) opens every day from 00:00 to 24:00;
  a holiday still closes it.
- A slot holds at most `slot_capacity` live bookings, a service's day at most its `daily_cap`,
  and a person (the keyed hash of the ID number) one live booking per service and day.
- A command carries a `request_id`: the same id with the same body (and caller) answers the
  first result and changes nothing; the same id with another body is `request_id_reused`.
- Each version of a booking goes to its centre's change feed in the transaction that made it.

Why the counts hold under concurrency: a command first claims its request id (a twin of a
request in flight waits for the first to commit and answers its result), then takes its locks
in one order: the booking row, then its slot rows (`SlotUsageRow`, created if missing and
locked `FOR UPDATE`, in start order), then the centre's sync row (which the feed needs anyway).
The slot lock serialises the capacity check with every other change of that slot; the centre
lock, held to commit by every booking change of the centre, makes the person and day-cap
counts read after it exact. One order means no deadlock. SQLite takes its write lock at
`BEGIN IMMEDIATE`, which serialises everything. The partial unique index on (person, service,
day) backs the person rule; a race it catches is answered `already_booked` like the check.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, Select, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from centre_core import appointment_sync
from centre_core.booking_wire import (
    BookIn,
    BookingErrorCode,
    BookingOut,
    CancelIn,
    Channel,
    RescheduleIn,
    SlotOut,
    SlotsOut,
)
from centre_core.errors import QueueError, ServerErrorCode
from centre_core.sync_wire import Attendance, BookingStatus, SyncErrorCode
from national import feed
from national.auth import Caller
from national.catalogue import opening_interval
from national.db.session import lock_centre, transaction
from national.db.tables import (
    ALL_CENTRES,
    BookingRequestRow,
    BookingRow,
    CentreRow,
    CentreServiceRow,
    HolidayRow,
    SlotUsageRow,
)
from national.security import person_hash

# Read aloud over USSD and SMS: no 0/O or 1/I to confuse; 32**8 (40 bits) of randomness.
REF_PREFIX = "HB-"
REF_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
REF_LENGTH = 8
# Kenyan mobile (7..) and newer (1..) numbers, written +254..., 254... or 0...
_PHONE = re.compile(r"^(?:\+254|254|0)([17]\d{8})$")
_PHONE_SEPARATORS = re.compile(r"[\s\-()]")
_ID_NUMBER = re.compile(r"^\d{6,10}$")
SLOT_USAGE = SlotUsageRow.__table__
REQUESTS = BookingRequestRow.__table__


@dataclass(frozen=True)
class Outcome:
    """A command's answer, and whether it repeats an earlier request (nothing changed)."""

    booking: BookingOut
    repeated: bool


def normalise_phone(raw: str) -> str:
    """Return a Kenyan number in E.164 (`+2547XXXXXXXX`), or raise `invalid_phone`."""
    found = _PHONE.match(_PHONE_SEPARATORS.sub("", raw))
    if found is None:
        raise QueueError(
            BookingErrorCode.invalid_phone, "a Kenyan phone is 07XXXXXXXX, 01XXXXXXXX or +254..."
        )
    return f"+254{found.group(1)}"


def mask_id_number(raw: str) -> str:
    """Validate an ID number (6-10 digits) and return its mask (`****5678`)."""
    digits = raw.strip()
    if _ID_NUMBER.match(digits) is None:
        raise QueueError(BookingErrorCode.invalid_id_number, "an ID number is 6 to 10 digits")
    return "*" * (len(digits) - 4) + digits[-4:]


def _authorise(caller: Caller, *, centre: str, channel: Channel | None = None) -> None:
    """Refuse a caller who may not act on (or, without `channel`, read) this centre's bookings."""
    if caller.role == "centre":
        if caller.centre != centre:
            raise QueueError(SyncErrorCode.forbidden, f"this credential is not centre {centre}'s")
        if channel not in (None, Channel.centre):
            raise QueueError(SyncErrorCode.forbidden, "a centre books on the channel 'centre'")
    elif caller.role == "channel":
        if channel == Channel.centre:
            raise QueueError(SyncErrorCode.forbidden, "only a centre books on the channel 'centre'")
    elif not (caller.role == "operator" and channel is None):
        raise QueueError(SyncErrorCode.forbidden, "this key may not change bookings")


def _bookable(session: Session, centre: str, service: str) -> tuple[CentreRow, CentreServiceRow]:
    centre_row = session.get(CentreRow, centre)
    if centre_row is None:
        raise QueueError(BookingErrorCode.centre_not_found, f"no centre {centre}")
    service_row = session.get(CentreServiceRow, (centre, service))
    if service_row is None or service_row.slot_capacity <= 0:
        raise QueueError(
            BookingErrorCode.service_not_bookable, f"{service} cannot be booked at {centre}"
        )
    return centre_row, service_row


def _holiday(session: Session, centre: str, day: date) -> HolidayRow | None:
    return session.scalars(
        select(HolidayRow)
        .where(HolidayRow.centre.in_((centre, ALL_CENTRES)), HolidayRow.day == day)
        # The centre's own gazetted day names it over the national one.
        .order_by(HolidayRow.centre == ALL_CENTRES)
    ).first()


def _slot_starts(
    centre: CentreRow, service: CentreServiceRow, day: date, *, ignore_opening_hours: bool
) -> list[datetime]:
    """Return the starts of a day's slots in the centre's time, ignoring holidays and the clock."""
    zone = ZoneInfo(centre.timezone)
    if ignore_opening_hours:
        opens = datetime.combine(day, time(0, 0), zone)
        closes = datetime.combine(day + timedelta(days=1), time(0, 0), zone)
    else:
        # A service with its own hours (a back office closed on Saturdays) keeps them.
        interval = opening_interval(service.hours or centre.hours, day)
        if interval is None:
            return []
        opens = datetime.combine(day, interval[0], zone)
        closes = datetime.combine(day, interval[1], zone)
    step = timedelta(minutes=service.slot_minutes)
    starts = []
    start = opens
    while start + step <= closes:
        starts.append(start)
        start += step
    return starts


def _offered_slot(
    session: Session,
    centre_code: str,
    service_code: str,
    slot_start: datetime,
    *,
    now: datetime,
    ignore_opening_hours: bool,
) -> tuple[CentreRow, CentreServiceRow, date]:
    """Return the centre, the service and the centre-local day of an offered slot, or refuse."""
    centre, service = _bookable(session, centre_code, service_code)
    day = slot_start.astimezone(ZoneInfo(centre.timezone)).date()
    # A slot is offered until it ends: a citizen may book the slot under way and come now.
    if slot_start + timedelta(minutes=service.slot_minutes) <= now:
        raise QueueError(BookingErrorCode.slot_not_offered, "this slot has ended")
    holiday = _holiday(session, centre.code, day)
    if holiday is not None:
        raise QueueError(BookingErrorCode.slot_not_offered, f"{day} is {holiday.name_en}")
    if slot_start not in _slot_starts(
        centre, service, day, ignore_opening_hours=ignore_opening_hours
    ):
        raise QueueError(
            BookingErrorCode.slot_not_offered,
            f"{service.code} has no slot starting at {slot_start.isoformat()}",
        )
    return centre, service, day


def _lock_slot(session: Session, *, centre: str, service: str, start: datetime) -> SlotUsageRow:
    """Create the slot's usage row if missing and lock it until commit."""
    start = start.astimezone(UTC)
    session.execute(
        _insert(session)(SLOT_USAGE)
        .values(centre=centre, service_code=service, slot_start=start, booked=0)
        .on_conflict_do_nothing()
    )
    return session.scalars(
        select(SlotUsageRow)
        .where(
            SlotUsageRow.centre == centre,
            SlotUsageRow.service_code == service,
            SlotUsageRow.slot_start == start,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _lock_booking(session: Session, ref: str) -> BookingRow:
    row = session.scalars(
        select(BookingRow)
        .where(BookingRow.ref == ref)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if row is None:
        raise QueueError(BookingErrorCode.booking_not_found, f"no booking {ref}")
    return row


def _live(service: CentreServiceRow, day: date, moving: str | None) -> Select[Any]:
    """Select the refs of the service's live bookings that day (but the one being moved)."""
    live = select(BookingRow.ref).where(
        BookingRow.centre == service.centre,
        BookingRow.service_code == service.code,
        BookingRow.day == day,
        BookingRow.status == BookingStatus.booked,
    )
    return live if moving is None else live.where(BookingRow.ref != moving)


def _check_person(
    session: Session, service: CentreServiceRow, day: date, person: str, moving: str | None = None
) -> None:
    """Refuse a second live booking of the person that day (read under the centre's lock)."""
    mine = _live(service, day, moving).where(BookingRow.person_hash == person).limit(1)
    if session.scalar(mine) is not None:
        raise QueueError(
            BookingErrorCode.already_booked, f"this person already has {service.code} on {day}"
        )


def _check_day(
    session: Session, service: CentreServiceRow, day: date, moving: str | None = None
) -> None:
    """Refuse a booking past the service's daily cap (read under the centre's lock)."""
    if service.daily_cap is None:
        return
    count = session.scalar(select(func.count()).select_from(_live(service, day, moving).subquery()))
    if (count or 0) >= service.daily_cap:
        raise QueueError(BookingErrorCode.day_full, f"{service.code} is fully booked on {day}")


def _check_room(usage: SlotUsageRow, service: CentreServiceRow) -> None:
    if usage.booked >= service.slot_capacity:
        raise QueueError(BookingErrorCode.slot_full, "this slot is fully booked")


def _new_ref(session: Session) -> str:
    while True:
        ref = REF_PREFIX + "".join(secrets.choice(REF_ALPHABET) for _ in range(REF_LENGTH))
        if session.get(BookingRow, ref) is None:
            return ref


def booking_out(row: BookingRow) -> BookingOut:
    """Return a booking as the API answers it."""
    return BookingOut(
        ref=row.ref,
        centre=row.centre,
        service_code=row.service_code,
        slot_start=row.slot_start,
        status=BookingStatus(row.status),
        version=row.version,
        channel=Channel(row.channel),
        agent_id=row.agent_id,
        attendance=Attendance(row.attendance),
        follow_up=row.follow_up,
    )


def _fingerprint(command: str, caller: Caller, body: dict[str, Any]) -> str:
    # The caller is part of it: another caller presenting someone's request id learns nothing.
    material = {"command": command, "caller": [caller.role, caller.name], "body": body}
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


def _repeat(prior: BookingRequestRow, fingerprint: str) -> Outcome:
    if prior.fingerprint != fingerprint:
        raise QueueError(
            ServerErrorCode.request_id_reused, "this request_id was used for another request"
        )
    return Outcome(BookingOut.model_validate(prior.result), repeated=True)


def _insert(session: Session) -> Callable[..., Any]:
    """Return the dialect's INSERT (both have ON CONFLICT DO NOTHING)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert


def _claim_request(
    session: Session, *, request_id: str, fingerprint: str, now: datetime
) -> BookingRequestRow | None:
    """Claim a request id for this transaction; return the earlier request's row if there is one.

    A twin sent while the first is in flight waits on the key (PostgreSQL) or the write lock
    (SQLite) until the first commits, then finds it; if the first failed, the twin runs itself.
    """
    claimed = session.scalar(
        _insert(session)(REQUESTS)
        .values(request_id=request_id, fingerprint=fingerprint, result={}, created_at=now)
        .on_conflict_do_nothing()
        .returning(REQUESTS.c.request_id)
    )
    if claimed is not None:
        return None
    return session.get_one(BookingRequestRow, request_id)


def _once(
    engine: Engine,
    *,
    request_id: str,
    fingerprint: str,
    now: datetime,
    command: Callable[[Session], BookingRow],
) -> Outcome:
    """Run a command once per request id, in one transaction, recording its answer."""
    try:
        with transaction(engine) as session:
            prior = _claim_request(session, request_id=request_id, fingerprint=fingerprint, now=now)
            if prior is not None:
                return _repeat(prior, fingerprint)
            answer = booking_out(command(session))
            session.execute(
                update(REQUESTS)
                .where(REQUESTS.c.request_id == request_id)
                .values(result=answer.model_dump(mode="json"))
            )
            return Outcome(answer, repeated=False)
    except IntegrityError as exc:
        # The person's other booking that day committed between the check and the insert: the
        # partial unique index caught what the check could not see yet.
        raise QueueError(
            BookingErrorCode.already_booked, "this person already has this service that day"
        ) from exc


def slots(
    engine: Engine,
    *,
    centre: str,
    service: str,
    day: date,
    now: datetime,
    ignore_opening_hours: bool = False,
) -> SlotsOut:
    """Return a service's slots on a day with how full each is (none on a holiday or closed)."""
    with transaction(engine) as session:
        centre_row, service_row = _bookable(session, centre, service)
        holiday = _holiday(session, centre, day)
        if holiday is not None:
            return SlotsOut(
                centre=centre, service_code=service, day=day, slots=(), closed=holiday.name_en
            )
        starts = _slot_starts(
            centre_row, service_row, day, ignore_opening_hours=ignore_opening_hours
        )
        if not starts:
            return SlotsOut(
                centre=centre,
                service_code=service,
                day=day,
                slots=(),
                closed=f"closed on {day:%A}s",
            )
        booked: dict[datetime, int] = {
            usage.slot_start: usage.booked
            for usage in session.scalars(
                select(SlotUsageRow).where(
                    SlotUsageRow.centre == centre,
                    SlotUsageRow.service_code == service,
                    SlotUsageRow.slot_start >= starts[0],
                    SlotUsageRow.slot_start <= starts[-1],
                )
            )
        }
    capacity = service_row.slot_capacity
    return SlotsOut(
        centre=centre,
        service_code=service,
        day=day,
        slots=tuple(
            SlotOut(
                start=start,
                capacity=capacity,
                booked=booked.get(start, 0),
                available=max(0, capacity - booked.get(start, 0)),
            )
            for start in starts
            if start + timedelta(minutes=service_row.slot_minutes) > now
        ),
    )


def book(
    engine: Engine,
    *,
    request: BookIn,
    caller: Caller,
    pepper: str,
    now: datetime,
    ignore_opening_hours: bool = False,
) -> Outcome:
    """Book a slot for a person; a repeat of the request answers the first booking."""
    _authorise(caller, centre=request.centre, channel=request.channel)
    masked = mask_id_number(request.id_number)
    phone = None if request.phone is None else normalise_phone(request.phone)
    person = person_hash(request.id_number.strip(), pepper=pepper)
    body = request.model_dump(mode="json") | {"id_number": person}

    def command(session: Session) -> BookingRow:
        centre, service, day = _offered_slot(
            session,
            request.centre,
            request.service_code,
            request.slot_start,
            now=now,
            ignore_opening_hours=ignore_opening_hours,
        )
        usage = _lock_slot(
            session, centre=centre.code, service=service.code, start=request.slot_start
        )
        lock_centre(session, centre.code)
        _check_person(session, service, day, person)
        _check_room(usage, service)
        _check_day(session, service, day)
        usage.booked += 1
        row = BookingRow(
            ref=_new_ref(session),
            centre=centre.code,
            service_code=service.code,
            slot_start=request.slot_start.astimezone(UTC),
            day=day,
            status=BookingStatus.booked,
            version=1,
            channel=request.channel,
            agent_id=request.agent_id,
            person_hash=person,
            phone=phone,
            id_number_masked=masked,
            attendance=Attendance.none,
            follow_up=False,
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        feed.append_appointment(session, row)
        return row

    return _once(
        engine,
        request_id=request.request_id,
        fingerprint=_fingerprint("book", caller, body),
        now=now,
        command=command,
    )


def reschedule(
    engine: Engine,
    *,
    ref: str,
    request: RescheduleIn,
    caller: Caller,
    now: datetime,
    ignore_opening_hours: bool = False,
) -> Outcome:
    """Move a live booking to another offered slot of its service (a new version)."""

    def command(session: Session) -> BookingRow:
        row = _lock_booking(session, ref)
        _authorise(caller, centre=row.centre, channel=request.channel)
        if row.status == BookingStatus.cancelled:
            raise QueueError(BookingErrorCode.booking_cancelled, f"{ref} is cancelled")
        if row.attendance != Attendance.none:
            raise QueueError(
                BookingErrorCode.booking_attended, f"{ref} is {row.attendance} at the centre"
            )
        centre, service, day = _offered_slot(
            session,
            row.centre,
            row.service_code,
            request.slot_start,
            now=now,
            ignore_opening_hours=ignore_opening_hours,
        )
        target = request.slot_start.astimezone(UTC)
        if target == row.slot_start:
            return row
        usages = {
            start: _lock_slot(session, centre=centre.code, service=service.code, start=start)
            for start in sorted((row.slot_start, target))
        }
        lock_centre(session, centre.code)
        _check_person(session, service, day, row.person_hash, moving=row.ref)
        _check_room(usages[target], service)
        _check_day(session, service, day, moving=row.ref)
        usages[row.slot_start].booked = max(0, usages[row.slot_start].booked - 1)
        usages[target].booked += 1
        row.slot_start, row.day = target, day
        _new_version(row, channel=request.channel, agent_id=request.agent_id, now=now)
        session.flush()
        feed.append_appointment(session, row)
        return row

    return _once(
        engine,
        request_id=request.request_id,
        fingerprint=_fingerprint(
            "reschedule", caller, {"ref": ref, **request.model_dump(mode="json")}
        ),
        now=now,
        command=command,
    )


def _new_version(row: BookingRow, *, channel: Channel, agent_id: str | None, now: datetime) -> None:
    row.version += 1
    row.channel = channel
    row.agent_id = agent_id
    row.updated_at = now


def cancel(
    engine: Engine, *, ref: str, request: CancelIn, caller: Caller, now: datetime
) -> Outcome:
    """Cancel a booking and free its slot; after check-in the centre keeps the citizen."""

    def command(session: Session) -> BookingRow:
        row = _lock_booking(session, ref)
        _authorise(caller, centre=row.centre, channel=request.channel)
        if row.status == BookingStatus.cancelled:
            return row
        usage = _lock_slot(
            session, centre=row.centre, service=row.service_code, start=row.slot_start
        )
        lock_centre(session, row.centre)
        held = appointment_sync.AppointmentRecord(
            fact=feed.booking_fact(row), attendance=Attendance(row.attendance)
        )
        cancelled = held.fact.model_copy(
            update={"status": BookingStatus.cancelled, "version": held.fact.version + 1}
        )
        merged = appointment_sync.apply_booking(held, cancelled).record
        row.status = merged.fact.status
        # Checked in already: the hall keeps the citizen; staff settle it with them.
        row.follow_up = appointment_sync.needs_follow_up(merged)
        usage.booked = max(0, usage.booked - 1)
        _new_version(row, channel=request.channel, agent_id=request.agent_id, now=now)
        session.flush()
        feed.append_appointment(session, row)
        return row

    return _once(
        engine,
        request_id=request.request_id,
        fingerprint=_fingerprint("cancel", caller, {"ref": ref, **request.model_dump(mode="json")}),
        now=now,
        command=command,
    )


def get_booking(engine: Engine, *, ref: str, caller: Caller) -> BookingOut:
    """Return a booking (a centre sees only its own)."""
    with transaction(engine) as session:
        row = session.get(BookingRow, ref)
        if row is None:
            raise QueueError(BookingErrorCode.booking_not_found, f"no booking {ref}")
        _authorise(caller, centre=row.centre)
        return booking_out(row)
