"""The writer's in-memory index of waiting tickets always equals the database."""

import pytest
from sqlalchemy import update

from centre_server.db.tables import TicketRow
from centre_server.repositories import tickets as ticket_repo


def index_equals_database(harness):
    context = harness.context
    queues = context.centre.queue_keys
    with context.db.read() as session:
        in_database = {t.id: t for t in ticket_repo.waiting_in(session, queues)}
    in_memory = {t.id: t for t in context.db.waiting.waiting_in(queues)}
    return in_memory == in_database


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
