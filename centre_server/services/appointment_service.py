"""Appointments: import (admin; the national feed comes later), check-in, the day's list."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from centre_core import appointments as appointment_rules
from centre_core.appointments import Appointment, AppointmentStatus
from centre_core.clock import business_day
from centre_core.errors import ErrorCode, QueueError, ServerErrorCode
from centre_core.phones import mask_phone
from centre_core.sync_wire import Attendance, BookingStatus
from centre_core.wire import AppointmentImportOut, AppointmentListOut, AppointmentOut, CheckInOut
from centre_server.context import ServerContext
from centre_server.db.tables import AppointmentRow
from centre_server.db.transactions import WriteTransaction
from centre_server.phones import mask_id_number, normalise_phone
from centre_server.repositories.rows import from_row
from centre_server.schemas import AppointmentIn
from centre_server.services import queue_service
from centre_server.services.idempotency import run_once


def import_appointments(
    context: ServerContext, *, appointments: list[AppointmentIn]
) -> AppointmentImportOut:
    """Create or update appointments by reference (a checked-in one is left as it is)."""
    now = context.now()
    prepared = []
    for item in appointments:
        context.centre.service(item.service_code)
        if item.slot_start.tzinfo is None:
            raise QueueError(
                ServerErrorCode.invalid_request, f"{item.reference}: slot_start needs a time zone"
            )
        phone = normalise_phone(item.phone) if item.phone is not None else None
        id_masked = mask_id_number(item.id_number) if item.id_number is not None else None
        prepared.append((item, phone, id_masked))
    created = updated = 0
    with context.db.write() as transaction:
        for item, phone, id_masked in prepared:
            row = transaction.session.get(AppointmentRow, item.reference)
            if row is None:
                row = AppointmentRow(ref=item.reference, imported_at=now, status=item.status)
                transaction.session.add(row)
                created += 1
            elif row.status == AppointmentStatus.checked_in:
                continue
            else:
                updated += 1
            row.service_code = item.service_code
            row.slot_start = item.slot_start
            row.business_day = business_day(item.slot_start, timezone=context.centre.timezone)
            row.phone = phone
            row.id_number_masked = id_masked
            row.status = item.status
            row.booking_status = (
                BookingStatus.cancelled
                if item.status == AppointmentStatus.cancelled
                else BookingStatus.booked
            )
    return AppointmentImportOut(created=created, updated=updated)


def _find(
    context: ServerContext,
    transaction: WriteTransaction,
    *,
    reference: str | None,
    phone: str | None,
) -> AppointmentRow:
    session = transaction.session
    if reference is not None:
        row = session.get(AppointmentRow, reference.strip())
        if row is None:
            raise QueueError(ErrorCode.appointment_not_found, "no appointment with this reference")
        return row
    assert phone is not None
    today = business_day(context.now(), timezone=context.centre.timezone)
    rows = list(
        session.scalars(
            select(AppointmentRow)
            .where(AppointmentRow.phone == phone, AppointmentRow.business_day == today)
            .order_by(AppointmentRow.slot_start)
        )
    )
    booked = [row for row in rows if row.status == AppointmentStatus.booked]
    if booked:
        return booked[0]
    if rows:
        return rows[0]  # the core says why it cannot be checked in (already, cancelled)
    raise QueueError(ErrorCode.appointment_not_found, "no appointment today for this phone")


def check_in(
    context: ServerContext,
    *,
    reference: str | None = None,
    phone: str | None = None,
    request_id: str | None = None,
) -> CheckInOut:
    """Check a citizen in by booking reference or phone, issuing their ticket."""
    if (reference is None) == (phone is None):
        raise QueueError(ServerErrorCode.invalid_request, "give a reference or a phone number")
    e164 = normalise_phone(phone) if phone is not None else None

    def run(transaction: WriteTransaction) -> CheckInOut:
        row = _find(context, transaction, reference=reference, phone=e164)
        decided = appointment_rules.check_in(
            from_row(Appointment, row), centre=context.centre, now=context.now()
        )
        transaction.append(decided.events)
        ticket = queue_service.issue_in(
            context,
            transaction,
            service_code=row.service_code,
            priority=None,
            phone=row.phone,
            source=decided.source,
            appointment_ref=row.ref,
            appointment_slot=row.slot_start,
            ready_at=decided.ready_at,
        )
        row.status = str(decided.appointment.status)
        # The centre's attendance fact, which travels up with the check-in event.
        row.attendance = str(Attendance.checked_in)
        row.checked_in_at = decided.appointment.checked_in_at
        row.ticket_id = ticket.id
        return CheckInOut(
            reference=row.ref,
            timing=str(decided.timing),
            ticket=queue_service.public_view(context, transaction, ticket, phone=row.phone),
        )

    return run_once(
        context,
        command="appointment.check_in",
        request_id=request_id,
        args={"reference": reference, "phone": e164},
        model=CheckInOut,
        run=run,
    )


def list_appointments(context: ServerContext, *, day: date | None) -> AppointmentListOut:
    """Return a day's appointments (today by default), personal numbers masked."""
    day = day or business_day(context.now(), timezone=context.centre.timezone)
    with context.db.read() as session:
        rows = list(
            session.scalars(
                select(AppointmentRow)
                .where(AppointmentRow.business_day == day)
                .order_by(AppointmentRow.slot_start, AppointmentRow.ref)
            )
        )
        return AppointmentListOut(
            business_day=day,
            appointments=[
                AppointmentOut(
                    reference=row.ref,
                    service_code=row.service_code,
                    slot_start=row.slot_start,
                    status=AppointmentStatus(row.status),
                    phone_masked=mask_phone(row.phone),
                    id_number_masked=row.id_number_masked,
                    checked_in_at=row.checked_in_at,
                    ticket_id=row.ticket_id,
                )
                for row in rows
            ],
        )
