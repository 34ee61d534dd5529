"""The row mapping: every field of a core object is a column of its row, stored as plain values."""

import pytest

from centre_core.appointments import Appointment
from centre_core.counters import CounterState, CounterStatus
from centre_core.tickets import Ticket
from centre_server.db.tables import AppointmentRow, CounterRow, TicketRow
from centre_server.repositories.rows import column_values, field_names


@pytest.mark.parametrize(
    ("kind", "row"),
    [(Ticket, TicketRow), (CounterState, CounterRow), (Appointment, AppointmentRow)],
)
def test_every_field_of_a_core_object_is_a_column_of_its_row(kind, row):
    assert set(field_names(kind)) <= set(row.__table__.columns.keys())


def test_column_values_store_an_enum_as_its_plain_value():
    values = column_values(CounterState(code="C07", status=CounterStatus.paused), ("status",))
    assert values == {"status": "paused"}
    assert type(values["status"]) is str
