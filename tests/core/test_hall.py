"""The hall's figures from the queue's state: waiting, open counters, waits, the snapshot."""

from centre_core import tickets
from centre_core.counters import CounterState
from centre_core.hall import HallFigures
from centre_core.wire import CallRecord, TicketRecord
from tests.core.factory import MONDAY_9AM, issue, minutes, open_state, small_centre

CENTRE = small_centre()


def test_the_menu_and_the_hall_count_what_waits_and_who_serves() -> None:
    first = issue(CENTRE, "BC", MONDAY_9AM)
    second = issue(CENTRE, "BC", MONDAY_9AM + minutes(5))
    nid = issue(CENTRE, "NID", MONDAY_9AM + minutes(6))
    call = tickets.call_ticket(first, counter=open_state("C2"), now=MONDAY_9AM + minutes(8))
    assert call.counter is not None
    figures = HallFigures(
        centre=CENTRE,
        tickets=[call.ticket, second, nid],
        counters=[CounterState("C1"), call.counter, CounterState("C3"), CounterState("C4")],
        means={"BC": 600.0},
        now=MONDAY_9AM + minutes(20),
    )
    menu = {service.code: service for service in figures.services_menu().services}
    assert (menu["BC"].waiting, menu["BC"].counters_open, menu["KRA"].counters_open) == (1, 1, 0)
    # One ahead at C2, which shares its time between BC (weight 2) and the waiting NID (1).
    assert menu["BC"].estimated_wait_minutes == 15

    called = CallRecord.of(TicketRecord.of(call.ticket), seq=4, at=MONDAY_9AM + minutes(8))
    hall = figures.hall_snapshot(seq=4, recent_calls=[called], devices=None)
    bc = next(service for service in hall.services if service.code == "BC")
    assert (bc.waiting, bc.longest_wait_minutes) == (1, 15)
    assert (hall.totals.waiting, hall.totals.counters_serving, hall.totals.counters_closed) == (
        2,
        1,
        3,
    )
    [counter] = [c for c in hall.counters if c.code == "C2"]
    assert (counter.number, counter.staff_number, counter.services) == (
        first.number,
        None,
        ["BC", "NID"],
    )
    assert [c.number for c in hall.called_now] == [call.ticket.number]
    assert hall.recent_calls == [called]
    assert {t.ticket_id for t in hall.tickets} == {first.id, second.id, nid.id}
