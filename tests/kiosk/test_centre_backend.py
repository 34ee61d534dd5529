"""The kiosk's backend over `CentreClient`: wire answers become kiosk types and error kinds."""

import asyncio
import json

import httpx
import pytest

from centre_client.api import CentreClient
from centre_client.errors import CentreApiError, CentreUnavailable
from kiosk.centre_backend import CentreBackend, printer_report

MENU = {
    "centre_code": "GPO",
    "centre_name": "Huduma Centre GPO",
    "services": [
        {
            "code": "NID",
            "name_en": "National ID",
            "name_sw": "Kitambulisho cha Taifa",
            "prefix": "N",
            "waiting": 4,
            "estimated_wait_minutes": 22,
            "is_open": False,
            "closed_reason": "closed_for_the_day",
            "priority_allowed": True,
            "collection": False,
            "counters_open": 2,
            "notices": [
                {
                    "notice_id": "n1",
                    "service_code": "NID",
                    "text_en": "Old notice",
                    "text_sw": None,
                    "posted_at": "2026-12-04T06:00:00Z",
                    "ends_at": None,
                },
                {
                    "notice_id": "n2",
                    "service_code": "NID",
                    "text_en": "System slow",
                    "text_sw": "Mfumo ni wa polepole",
                    "posted_at": "2026-12-04T07:00:00Z",
                    "ends_at": None,
                },
            ],
        }
    ],
    "priorities": [{"code": "elderly", "name_en": "Elderly", "name_sw": "Wazee"}],
}
TICKET = {
    "ticket_id": "t1",
    "number": "N-007",
    "token": "tok",
    "status": "waiting",
    "service_code": "NID",
    "service_name_en": "National ID",
    "service_name_sw": "Kitambulisho cha Taifa",
    "queue_key": "NID",
    "stage_index": 0,
    "priority": "elderly",
    "source": "walk_in",
    "business_day": "2026-11-23",
    "issued_at": "2026-11-23T06:00:00+00:00",
    "appointment_slot": None,
    "people_ahead": 4,
    "estimated_wait_minutes": 22,
    "counter": None,
    "status_url": "http://127.0.0.1:8000/t/tok",
    "centre_name": "Huduma Centre GPO",
}


def backend_answering(handler) -> CentreBackend:
    client = CentreClient(
        "http://127.0.0.1:9", "kiosk-token", transport=httpx.MockTransport(handler), retries=0
    )
    return CentreBackend(client)


def test_the_menu_and_a_ticket_become_kiosk_types():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, request.url.path, request.content))
        if request.url.path == "/api/v1/services":
            return httpx.Response(200, json=MENU)
        return httpx.Response(201, json=TICKET)

    async def scenario():
        backend = backend_answering(handler)
        menu = await backend.fetch_menu()
        ticket = await backend.issue_ticket(
            service_code="NID", priority="elderly", phone=None, request_id="req-12345678"
        )
        await backend.aclose()
        return menu, ticket

    menu, ticket = asyncio.run(scenario())
    nid = menu.services[0]
    assert (nid.is_open, nid.closed_reason, menu.priorities[0].name_sw) == (
        False,
        "closed_for_the_day",
        "Wazee",
    )
    # The newest notice is the one a tile shows.
    assert (nid.notice_en, nid.notice_sw) == ("System slow", "Mfumo ni wa polepole")
    assert (ticket.number, ticket.priority_label, ticket.qr_payload) == (
        "N-007",
        "Elderly / Wazee",
        "http://127.0.0.1:8000/t/tok",
    )
    assert json.loads(seen[1][2]) == {
        "service_code": "NID",
        "priority": "elderly",
        "request_id": "req-12345678",
    }


def test_a_refusal_keeps_the_servers_code():
    def handler(request):
        return httpx.Response(
            404, json={"error": {"code": "appointment_not_found", "message": "no such booking"}}
        )

    backend = backend_answering(handler)
    with pytest.raises(CentreApiError) as refused:
        asyncio.run(backend.check_in(reference="ZZ99", phone=None, request_id="req-12345678"))
    assert refused.value.code == "appointment_not_found"


def test_a_server_out_of_reach_is_unreachable():
    def handler(request):
        raise httpx.ConnectError("refused", request=request)

    backend = backend_answering(handler)
    with pytest.raises(CentreUnavailable):
        asyncio.run(backend.fetch_menu())


def test_printer_states_become_the_servers_printer_report():
    assert printer_report("ok").model_dump() == {
        "online": True,
        "paper": "ok",
        "cover_open": None,
        "error": None,
    }
    assert (printer_report("paper_low").paper, printer_report("paper_low").error) == ("low", None)
    assert (printer_report("paper_out").paper, printer_report("paper_out").error) == (
        "out",
        "paper_out",
    )
    assert printer_report("printer_offline").error == "printer_offline"
