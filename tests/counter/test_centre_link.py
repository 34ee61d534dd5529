import json
from datetime import UTC, datetime

import httpx
import pytest

from centre_client.api import CentreClient
from centre_client.errors import CentreApiError
from counter.centre_link import CentreCounterLink
from counter.model import StaffFigures

pytestmark = pytest.mark.anyio
AT = "2026-03-02T06:30:00+00:00"


def ticket(number, status, **fields):
    return {
        "ticket_id": f"id-{number}",
        "number": number,
        "status": status,
        "service_code": "NID",
        "queue_key": "NID.verification",
        "stage_index": 0,
        "priority": None,
        "source": "walk_in",
        "issued_at": AT,
        "queued_at": AT,
        "ready_at": AT,
        "called_at": None,
        "serving_at": None,
        "finished_at": None,
        "counter": None,
        "target_counter": None,
        "recalls": 0,
        "appointment_ref": None,
        "appointment_slot": None,
        "note": None,
        "phone_masked": None,
        **fields,
    }


COUNTER = {
    "code": "C02",
    "name": "Counter 2",
    "status": "open",
    "staff_number": "D102",
    "ticket_id": None,
    "number": None,
    "pause_reason": None,
    "status_since": AT,
}


def centre(requests, figures=None):
    """A fake centre; `figures` None: a centre older than the figures route."""

    def answer(request: httpx.Request) -> httpx.Response:
        requests.append((request.method, request.url.path, request.content))
        path = request.url.path
        if path == "/api/v1/auth/staff":
            return httpx.Response(
                200,
                json={
                    "token": "session-token",
                    "expires_at": AT,
                    "staff_number": "D102",
                    "name": "Amina Wanjiru",
                    "roles": ["counter"],
                    "counter": "C02",
                },
            )
        if path == "/api/v1/counters/C02/queue":
            return httpx.Response(
                200,
                json={
                    "counter": COUNTER,
                    "current": ticket("A-001", "serving", phone_masked="+254 7** *** 678"),
                    "queues": [{"queue_key": "NID.verification", "waiting": 2}],
                    "next": [
                        {
                            "ticket": ticket("A-003", "waiting", priority="elderly"),
                            "reason": {
                                "code": "priority_turn",
                                "explanation": "priority (Elderly)",
                                "figures": {"priority": "elderly", "only_priority": 0},
                            },
                        }
                    ],
                    "waiting_total": 2,
                },
            )
        if path == "/api/v1/counters/C02/recall":
            held = ticket("A-001", "no_show", recalls=3)
            return httpx.Response(200, json={"counter": COUNTER, "ticket": held, "seq": 9})
        if path == "/api/v1/staff/me/figures" and figures is not None:
            return httpx.Response(200, json=figures)
        if path == "/api/v1/staff/me/figures":
            return httpx.Response(404, json={"error": {"code": "not_found", "message": "no"}})
        if path == "/api/v1/counters/C02/call-next":
            return httpx.Response(200, json={"counter": COUNTER, "ticket": None, "seq": 9})
        return httpx.Response(
            409, json={"error": {"code": "no_waiting_tickets", "message": "nobody"}}
        )

    return httpx.MockTransport(answer)


def make_link(figures=None):
    requests = []
    transport = centre(requests, figures)
    client = CentreClient("http://centre.test", transport=transport, retries=0)
    link = CentreCounterLink("http://centre.test", client=client)
    link.requests = requests
    return link


@pytest.fixture
async def link():
    link = make_link()
    yield link
    await link.aclose()


async def test_login_binds_the_session_to_its_counter(link):
    session = await link.log_in(staff_number="D102", pin="1234", counter="C02")
    assert (session.counter, session.staff_name) == ("C02", "Amina Wanjiru")
    assert link.client.token == "session-token"


async def test_the_counter_queue_reads_as_the_screen_needs_it(link):
    await link.log_in(staff_number="D102", pin="1234", counter="C02")
    queue = await link.counter_queue(limit=5)
    assert link.requests[-1][1] == "/api/v1/counters/C02/queue"
    assert queue.queues == ("NID.verification",)
    assert (queue.state.status, queue.state.held.number) == ("open", "A-001")
    assert queue.state.held.phone_masked == "+254 7** *** 678"
    assert queue.waiting.count == 2
    assert queue.waiting.longest_since == datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
    (upcoming,) = queue.waiting.upcoming
    assert (upcoming.number, upcoming.reason_code, upcoming.priority) == (
        "A-003",
        "priority_turn",
        "elderly",
    )
    assert upcoming.reason_figures == {"priority": "elderly", "only_priority": 0}


async def test_a_recall_past_the_limit_is_no_ticket_held(link):
    await link.log_in(staff_number="D102", pin="1234", counter="C02")
    assert await link.recall("id-A-001") is None
    assert json.loads(link.requests[-1][2])["ticket_id"] == "id-A-001"


async def test_a_call_answered_without_a_ticket_is_an_invalid_response(link):
    await link.log_in(staff_number="D102", pin="1234", counter="C02")
    with pytest.raises(CentreApiError) as refused:
        await link.call_next()
    assert refused.value.code == "invalid_response"


async def test_refusals_keep_the_centres_code(link):
    await link.log_in(staff_number="D102", pin="1234", counter="C02")
    with pytest.raises(CentreApiError) as refused:
        await link.serve_ticket("id-A-009")
    assert refused.value.code == "no_waiting_tickets"


async def test_staff_figures_come_from_the_centre():
    figures = {"served": 31, "mean_handling_seconds": 400.0, "longest_handling_seconds": 1322.0}
    link = make_link(figures)
    try:
        await link.log_in(staff_number="D102", pin="1234", counter="C02")
        assert await link.staff_figures() == StaffFigures(
            served=31, mean_handling_seconds=400.0, longest_handling_seconds=1322.0
        )
        assert link.requests[-1][1] == "/api/v1/staff/me/figures"
    finally:
        await link.aclose()


async def test_a_centre_without_the_figures_route_leaves_the_counter_its_tally(link):
    await link.log_in(staff_number="D102", pin="1234", counter="C02")
    assert await link.staff_figures() is None
