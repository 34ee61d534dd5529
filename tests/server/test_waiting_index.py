"""The writer's in-memory index of waiting tickets always equals the database."""

from dataclasses import replace

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from sqlalchemy import update
from sqlalchemy.orm import Session

from centre_core import policy
from centre_core.counters import CounterState, CounterStatus
from centre_core.errors import QueueError
from centre_core.tickets import CallOutcome, Ticket, TicketSource, TicketStatus
from centre_server.db.tables import TicketRow
from centre_server.db.waiting_index import WaitingIndex
from centre_server.repositories import tickets as ticket_repo
from tests.core.factory import MONDAY_9AM, minutes, open_state, small_centre


def index_equals_database(harness):
    context = harness.context
    queues = context.centre.queue_keys
    with context.db.read() as session:
        in_database = {t.id: t for t in ticket_repo.waiting_in(session, queues)}
    in_memory = {t.id: t for t in context.db.waiting.waiting_in(queues)}
    return in_memory == in_database


def candidates_decide_alike(harness):
    """Tell whether call-next at each counter, idle, decides alike over candidates and all."""
    context = harness.context
    index = context.db.waiting
    now = context.now()
    for counter in context.centre.counters:
        queues = context.counter_queues[counter.code]
        state = CounterState(counter.code, status=CounterStatus.open)
        candidates = index.candidates(queues, counter.code, now)
        everyone = index.waiting_in(queues)
        if decision(context.centre, counter, state, candidates, now) != decision(
            context.centre, counter, state, everyone, now
        ):
            return False
    return True


def test_the_index_follows_every_kind_of_change(harness):
    harness.open_counter("C01")  # NID.verification
    harness.open_counter("C07")  # BC, DC
    harness.open_counter("C08")  # BC, DC, MAR
    for service in ("NID", "BC", "BC", "DC", "BC"):
        harness.issue(service)
    harness.command("C01", "call-next")
    assert harness.context.db.waiting.loaded
    harness.command("C01", "finish")  # on to NID.biometrics: still waiting, another queue
    harness.command("C07", "call-next")
    harness.command("C07", "transfer", to_counter="C08")  # back to waiting, targeted
    harness.command("C07", "call-next")
    harness.command("C07", "no-show")
    harness.command("C07", "call-next", request_id="r" * 10)
    harness.command("C07", "call-next", request_id="r" * 10)  # a retry: nothing changes
    assert harness.command("C07", "call-next").status_code == 409  # refused: nothing changes
    assert index_equals_database(harness)
    assert candidates_decide_alike(harness)


def test_a_stale_index_is_noticed_and_rebuilt(harness):
    harness.open_counter("C07")
    first = harness.issue("BC")
    second = harness.issue("BC")
    harness.issue("PCC")  # loads the index
    assert harness.context.db.waiting.loaded
    # Behind the server's back (never done by Foleni itself): the first ticket is cancelled.
    with harness.context.db.write() as transaction:
        transaction.session.execute(
            update(TicketRow).where(TicketRow.id == first["ticket_id"]).values(status="cancelled")
        )
    called = harness.command("C07", "call-next").json()["ticket"]
    assert called["ticket_id"] == second["ticket_id"]
    assert index_equals_database(harness)


def test_a_failed_transaction_that_loaded_the_index_drops_it(harness):
    harness.issue("BC")
    with pytest.raises(RuntimeError), harness.context.db.write() as transaction:
        harness.context.db.waiting.load(
            transaction.session, ticket_repo.waiting_in(transaction.session, ["BC"])
        )
        raise RuntimeError("boom")
    assert not harness.context.db.waiting.loaded


# The candidates: call-next over them decides as over every waiting ticket ------------------

# Queue key: (service, stage index, stage) of the small centre's queues.
QUEUES = {
    "BC": ("BC", 0, None),
    "NID.verification": ("NID", 0, "verification"),
    "NID.biometrics": ("NID", 1, "biometrics"),
    "NID.card_issue": ("NID", 2, "card_issue"),
    "PCC": ("PCC", 0, None),
    "KRA": ("KRA", 0, None),
    "COL": ("COL", 0, None),
}
# Few distinct minutes, so that arrivals, slots and `now` often tie.
OFFSET = st.integers(-6, 6).map(lambda n: MONDAY_9AM + minutes(5 * n))
NOWS = [MONDAY_9AM + minutes(5 * n) for n in range(-7, 9)]


def some_of(data: st.DataObject, values: list, *, always: tuple = ()) -> st.SearchStrategy:
    """Draw from a random few of these values (and `always`), the same for the whole example."""
    few = data.draw(st.lists(st.sampled_from(values), min_size=0 if always else 1, unique=True))
    return st.sampled_from([*always, *few])


def ticket_fields(data: st.DataObject, served: list[str]) -> st.SearchStrategy[dict]:
    """Tickets of one example; rarer mixes come up often (each knob keeps a random few)."""
    return st.fixed_dictionaries(
        {
            "queue": some_of(data, list(QUEUES), always=tuple(served)),
            "source": some_of(data, list(TicketSource)),
            "priority": some_of(data, ["elderly", "disability"], always=(None,)),
            "slot": some_of(data, [None, "slot"]).flatmap(
                lambda slot: OFFSET if slot else st.none()
            ),
            "queued_at": OFFSET,
            "ready_at": OFFSET,
            "target_counter": some_of(data, ["C1", "C2", "C3"], always=(None,)),
        }
    )


def make_ticket(number: int, fields: dict) -> Ticket:
    service_code, stage_index, stage_code = QUEUES[fields["queue"]]
    return Ticket(
        id=f"t{number:04d}",
        token=f"token-{number:04d}-abcdefghijklmnop",
        number=f"X-{number:03d}",
        service_code=service_code,
        stage_index=stage_index,
        stage_code=stage_code,
        source=fields["source"],
        priority=fields["priority"],
        business_day=MONDAY_9AM.date(),
        issued_at=MONDAY_9AM - minutes(60),
        queued_at=fields["queued_at"],
        ready_at=fields["ready_at"],
        appointment_slot=fields["slot"],
        target_counter=fields["target_counter"],
    )


def decision(centre, counter, state, waiting, now):
    try:
        return policy.call_next(
            centre=centre, counter=counter, state=state, waiting=waiting, now=now
        )
    except QueueError as error:
        return error.code


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(),
    busiest=st.sampled_from(["C1", "C2", "C3", "C4"]),
    all_queues=st.booleans(),
    mode=st.sampled_from(["urgency", "fifo"]),
    bound=st.integers(0, 6),
    every=st.integers(0, 3),
    streak=st.integers(0, 3),
    anchor=st.none() | OFFSET,
    count=st.integers(0, 4),
)
def test_call_next_over_the_candidates_decides_as_over_every_waiting_ticket(
    data, busiest, all_queues, mode, bound, every, streak, anchor, count
):
    """At every counter and instant, after changes, whatever the tickets' times (even odd ones)."""
    centre = small_centre(mode=mode, max_pass_over=bound, priority_every=every)
    # Mostly the queues of one counter, so that rules meet there.
    fields = ticket_fields(data, [key for key in QUEUES if centre.counter(busiest).serves(key)])
    tickets = [
        make_ticket(number, ticket)
        for number, ticket in enumerate(data.draw(st.lists(fields, min_size=2, max_size=40)))
    ]
    index = WaitingIndex()
    index.load(Session(), tickets)
    # Changes committed after the load: a ticket called, or back in another queue.
    changes = st.tuples(st.integers(0, len(tickets) - 1), st.booleans(), fields)
    for position, called, moved in data.draw(st.lists(changes, max_size=8)):
        before = tickets[position]
        after = (
            replace(before, status=TicketStatus.called) if called else make_ticket(position, moved)
        )
        index.apply([after])
        tickets[position] = after

    for counter in centre.counters:
        queue_keys = [key for key in centre.queue_keys if all_queues or counter.serves(key)]
        waiting = index.waiting_in(queue_keys)
        assert {t.id for t in waiting} == {
            t.id for t in tickets if t.status == TicketStatus.waiting and t.queue_key in queue_keys
        }
        state = replace(
            open_state(counter.code),
            normal_streak=streak,
            passover_anchor=anchor,
            passover_count=count,
        )
        for now in NOWS:
            candidates = index.candidates(queue_keys, counter.code, now)
            assert {t.id: t for t in candidates}.items() <= {t.id: t for t in waiting}.items()
            decided = decision(centre, counter, state, waiting, now)
            assert decision(centre, counter, state, candidates, now) == decided
            if isinstance(decided, CallOutcome):
                event(f"decided by: {decided.reason.code}")


def plain(**changes: object) -> dict:
    """A walk-in for BC in line since 09:00, sent to no counter (its fields, for make_ticket)."""
    fields = {
        "queue": "BC",
        "source": TicketSource.walk_in,
        "priority": None,
        "slot": None,
        "queued_at": MONDAY_9AM,
        "ready_at": MONDAY_9AM,
        "target_counter": None,
    }
    return fields | changes


SLOT = {"source": TicketSource.appointment}
AT = {n: MONDAY_9AM + minutes(n) for n in (10, 20, 40, 45)}
# Each case needs one split of the buckets: (tickets, then the ticket called and why).
SPLITS = {
    "an appointment goes before a walk-in arrived with it": (
        [plain(), plain(**SLOT, slot=MONDAY_9AM)],
        ("t0001", "appointment_due"),
    ),
    "tickets sent here go by when they were sent, not by arrival": (
        [
            plain(target_counter="C1", ready_at=AT[20]),
            plain(target_counter="C1", queued_at=AT[10], ready_at=AT[10]),
        ],
        ("t0000", "transfer_to_counter"),
    ),
    "an appointment without a slot is due behind one whose slot is to come": (
        [plain(**SLOT, slot=AT[40]), plain(**SLOT, queued_at=AT[45])],
        ("t0001", "appointment_due"),
    ),
}


@pytest.mark.parametrize("case", list(SPLITS))
def test_the_candidates_hold_what_each_rule_looks_for(case):
    """Cases the property test meets only now and then, one for each way the buckets split."""
    fields, (called, reason) = SPLITS[case]
    centre = small_centre(max_pass_over=3)
    tickets = [make_ticket(number, ticket) for number, ticket in enumerate(fields)]
    index = WaitingIndex()
    index.load(Session(), tickets)
    counter, state, now = centre.counter("C1"), open_state("C1"), MONDAY_9AM + minutes(30)
    decided = decision(centre, counter, state, index.candidates(["BC"], "C1", now), now)
    assert decided == decision(centre, counter, state, tickets, now)
    assert (decided.ticket.id, decided.reason.code) == (called, reason)
