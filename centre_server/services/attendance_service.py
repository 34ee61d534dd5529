"""The centre's attendance fact of a booking, moved forward as its ticket is called and served."""

from __future__ import annotations

from sqlalchemy.orm import Session

from centre_core.sync_wire import ATTENDANCE_ORDER, Attendance
from centre_core.tickets import Ticket, TicketStatus
from centre_server.db.tables import AppointmentRow

# What a ticket's status says of its booking's attendance (a stage finished leaves it waiting
# again: its booking stays `called` until the journey's end).
_ATTENDANCE_OF = {
    TicketStatus.called: Attendance.called,
    TicketStatus.serving: Attendance.called,
    TicketStatus.no_show: Attendance.no_show,
    TicketStatus.done: Attendance.served,
}


def record_attendance(session: Session, ticket: Ticket) -> None:
    """Move the attendance of a ticket's booking forward (called, no-show, served); never back."""
    attendance = _ATTENDANCE_OF.get(ticket.status)
    if attendance is None or ticket.appointment_ref is None:
        return
    row = session.get(AppointmentRow, ticket.appointment_ref)
    if (
        row is not None
        and ATTENDANCE_ORDER[attendance] > ATTENDANCE_ORDER[Attendance(row.attendance)]
    ):
        row.attendance = str(attendance)
