"""The REST client against httpx's MockTransport: bodies, error codes, retries with one id."""

import json
from collections.abc import Callable

import httpx
import pytest

from centre_client.api import CentreClient
from centre_client.errors import CentreApiError, CentreUnavailable
from centre_core.wire import PrinterStatus

pytestmark = pytest.mark.anyio

TICKET = {
    "ticket_id": "t1",
    "number": "N-001",
    "token": "tok-abcdefgh",
    "status": "waiting",
    "service_code": "NID",
    "service_name_en": "National ID",
    "service_name_sw": "Kitambulisho",
    "queue_key": "NID",
    "stage_index": 0,
    "priority": None,
    "source": "walk_in",
    "business_day": "2026-11-23",
    "issued_at": "2026-11-23T07:00:00Z",
    "appointment_slot": None,
    "people_ahead": 3,
    "estimated_wait_minutes": 12,
    "counter": None,
    "status_url": "http://centre.local/t/tok-abcdefgh",
    "centre_name": "Huduma Centre GPO",
}
COUNTER = {
    "code": "C1",
    "name": "Counter 1",
    "status": "open",
    "staff_number": "S1",
    "ticket_id": "t1",
    "number": "N-001",
    "pause_reason": None,
    "status_since": "2026-11-23T07:00:00Z",
}
STAFF_TICKET = {
    **{k: TICKET[k] for k in ("ticket_id", "number", "service_code", "queue_key", "source")},
    "status": "called",
    "stage_index": 0,
    "priority": None,
    "issued_at": "2026-11-23T07:00:00Z",
    "queued_at": "2026-11-23T07:00:00Z",
    "ready_at": "2026-11-23T07:00:00Z",
    "called_at": "2026-11-23T07:10:00Z",
    "serving_at": None,
    "finished_at": None,
    "counter": "C1",
    "target_counter": None,
    "recalls": 0,
    "appointment_ref": None,
    "appointment_slot": None,
    "note": None,
    "phone_masked": None,
}
COMMAND_RESULT = {
    "counter": COUNTER,
    "ticket": STAFF_TICKET,
    "reason": {"code": "first_in_line", "explanation": "first in line"},
    "seq": 7,
}


class Recorder:
    """A mock server: records requests and answers from a list of handlers in turn."""

    def __init__(self, *answers: Callable[[httpx.Request], httpx.Response]) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return answer(request)

    def bodies(self) -> list[dict]:
        return [json.loads(request.content) for request in self.requests]


def reply(status: int, body: object) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(status, json=body)


def fail(error: type[httpx.TransportError]) -> Callable[[httpx.Request], httpx.Response]:
    def raise_(request: httpx.Request) -> httpx.Response:
        raise error("network blip", request=request)

    return raise_


async def no_sleep(delay: float) -> None:
    return None


def client_for(recorder: Recorder, token: str | None = "kiosk-token") -> CentreClient:
    return CentreClient(
        "http://centre.test",
        token,
        transport=httpx.MockTransport(recorder),
        sleep=no_sleep,
    )


async def test_issue_ticket_posts_the_command_and_returns_a_typed_ticket() -> None:
    server = Recorder(reply(201, TICKET))
    async with client_for(server) as client:
        ticket = await client.issue_ticket(service_code="NID", priority="elderly")
    assert (ticket.number, ticket.people_ahead, ticket.issued_at.year) == ("N-001", 3, 2026)
    [request] = server.requests
    assert (request.method, request.url.path) == ("POST", "/api/v1/tickets")
    assert request.headers["Authorization"] == "Bearer kiosk-token"
    body = json.loads(request.content)
    assert body.keys() == {"service_code", "priority", "request_id"}
    assert (body["service_code"], body["priority"]) == ("NID", "elderly")


async def test_a_retry_after_a_timeout_repeats_the_same_request_id() -> None:
    server = Recorder(fail(httpx.ReadTimeout), fail(httpx.RemoteProtocolError), reply(201, TICKET))
    async with client_for(server) as client:
        ticket = await client.issue_ticket(service_code="NID")
    assert ticket.ticket_id == "t1"
    ids = [body["request_id"] for body in server.bodies()]
    assert len(ids) == 3
    assert len(set(ids)) == 1


async def test_each_logical_command_gets_its_own_request_id_unless_given() -> None:
    server = Recorder(reply(201, TICKET))
    async with client_for(server) as client:
        await client.issue_ticket(service_code="NID")
        await client.issue_ticket(service_code="NID")
        await client.issue_ticket(service_code="NID", request_id="kiosk-1-press-42")
        await client.issue_ticket(service_code="NID", request_id="kiosk-1-press-42")
    ids = [body["request_id"] for body in server.bodies()]
    assert ids[0] != ids[1]
    assert ids[2:] == ["kiosk-1-press-42", "kiosk-1-press-42"]


async def test_an_unreachable_server_raises_server_unreachable_after_the_retries() -> None:
    server = Recorder(fail(httpx.ConnectError))
    async with client_for(server) as client:
        with pytest.raises(CentreUnavailable) as raised:
            await client.list_services()
    assert (raised.value.code, raised.value.status) == ("server_unreachable", None)
    assert len(server.requests) == 3


@pytest.mark.parametrize(
    ("status", "code"),
    [(409, "no_waiting_tickets"), (401, "unauthenticated"), (422, "invalid_request")],
)
async def test_error_bodies_become_exceptions_with_the_code(status: int, code: str) -> None:
    server = Recorder(reply(status, {"error": {"code": code, "message": "words"}}))
    async with client_for(server) as client:
        with pytest.raises(CentreApiError) as raised:
            await client.call_next(counter="C1")
    assert (raised.value.code, raised.value.status) == (code, status)
    assert not isinstance(raised.value, CentreUnavailable)
    assert len(server.requests) == 1


async def test_an_error_without_the_envelope_is_an_invalid_response() -> None:
    server = Recorder(lambda request: httpx.Response(500, text="<html>oops</html>"))
    async with client_for(server) as client:
        with pytest.raises(CentreApiError) as raised:
            await client.hall_snapshot()
    assert (raised.value.code, raised.value.status) == ("invalid_response", 500)


async def test_a_gateway_answering_for_a_dead_server_means_unreachable() -> None:
    server = Recorder(lambda request: httpx.Response(502, text="Bad Gateway"))
    async with client_for(server) as client:
        with pytest.raises(CentreUnavailable):
            await client.health()


async def test_a_success_body_of_the_wrong_shape_is_an_invalid_response() -> None:
    server = Recorder(reply(200, {"status": "ok"}))
    async with client_for(server) as client:
        with pytest.raises(CentreApiError) as raised:
            await client.health()
    assert raised.value.code == "invalid_response"


async def test_login_is_not_resent_once_it_may_have_arrived_and_then_uses_the_session() -> None:
    login = {
        "token": "staff-session",
        "expires_at": "2026-11-23T15:00:00Z",
        "staff_number": "S1",
        "name": "Amina",
        "roles": ["counter"],
        "counter": "C1",
    }
    server = Recorder(fail(httpx.ReadTimeout))
    async with client_for(server, token=None) as client:
        with pytest.raises(CentreUnavailable):
            await client.login_staff(staff_number="S1", pin="1234", counter="C1")
        assert len(server.requests) == 1
        assert "Authorization" not in server.requests[0].headers
        server.answers = [reply(200, login), reply(200, COMMAND_RESULT)]
        session = await client.login_staff(staff_number="S1", pin="1234", counter="C1")
        assert session.counter == "C1"
        await client.call_next(counter="C1")
    assert server.requests[-1].headers["Authorization"] == "Bearer staff-session"


@pytest.mark.parametrize(
    ("command", "kwargs", "path", "body"),
    [
        ("call_next", {}, "call-next", {}),
        ("serve_ticket", {"ticket": "t9"}, "call", {"ticket_id": "t9"}),
        ("recall", {"ticket": "t1"}, "recall", {"ticket_id": "t1"}),
        ("start_serving", {}, "start", {}),
        ("finish", {"ticket": "t1"}, "finish", {"ticket_id": "t1"}),
        ("mark_no_show", {}, "no-show", {}),
        (
            "transfer",
            {"to_service": "BC", "to_counter": "C7", "note": "needs birth cert"},
            "transfer",
            {"to_service": "BC", "to_counter": "C7", "note": "needs birth cert"},
        ),
        ("pause", {"reason": "lunch"}, "pause", {"reason": "lunch"}),
        ("resume", {}, "resume", {}),
    ],
)
async def test_counter_commands_post_to_their_routes(
    command: str, kwargs: dict, path: str, body: dict
) -> None:
    server = Recorder(reply(200, COMMAND_RESULT))
    async with client_for(server) as client:
        result = await getattr(client, command)(counter="C1", **kwargs)
    assert (result.seq, result.counter.code, result.ticket.number) == (7, "C1", "N-001")
    [request] = server.requests
    assert (request.method, request.url.path) == ("POST", f"/api/v1/counters/C1/{path}")
    sent = json.loads(request.content)
    assert len(sent.pop("request_id")) >= 8
    assert sent == body


async def test_check_in_by_reference_and_the_device_status_report() -> None:
    checked_in = {"reference": "HC-123", "timing": "on_time", "ticket": TICKET}
    server = Recorder(reply(201, checked_in), reply(200, {"seq": 9}))
    async with client_for(server) as client:
        result = await client.check_in(reference="HC-123")
        report = await client.report_device_status(
            printer=PrinterStatus(online=True, paper="low"), message="paper low"
        )
    assert (result.timing, result.ticket.number, report.seq) == ("on_time", "N-001", 9)
    check_in, status = server.bodies()
    assert check_in.keys() == {"reference", "request_id"}
    assert status == {"printer": {"online": True, "paper": "low"}, "message": "paper low"}


async def test_reads_go_to_their_routes() -> None:
    server = Recorder(reply(200, {"status": "ok", "centre": "GPO", "seq": 3}), reply(200, TICKET))
    async with client_for(server) as client:
        health = await client.health()
        status = await client.ticket_status("tok-abcdefgh")
    assert (health.seq, status.token) == (3, "tok-abcdefgh")
    assert [r.url.path for r in server.requests] == [
        "/healthz",
        "/api/v1/tickets/status/tok-abcdefgh",
    ]


async def test_staff_figures_read_the_sessions_own_day() -> None:
    figures = {"served": 3, "mean_handling_seconds": 400.0, "longest_handling_seconds": 1322.0}
    server = Recorder(
        reply(200, figures),
        reply(
            200,
            {
                **figures,
                "served": 0,
                "mean_handling_seconds": None,
                "longest_handling_seconds": None,
            },
        ),
    )
    async with client_for(server, token="session-token") as client:
        mine = await client.staff_figures()
        empty = await client.staff_figures()
    assert (mine.served, mine.mean_handling_seconds, mine.longest_handling_seconds) == (
        3,
        400.0,
        1322.0,
    )
    assert (empty.served, empty.mean_handling_seconds) == (0, None)
    assert [r.url.path for r in server.requests] == ["/api/v1/staff/me/figures"] * 2
    assert server.requests[0].headers["authorization"] == "Bearer session-token"
