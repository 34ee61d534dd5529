"""The async client of the centre's REST API: commands in the staff's words, typed results."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, Unpack

import httpx
from pydantic import BaseModel, ValidationError

from centre_client.errors import INVALID_RESPONSE, CentreApiError, CentreUnavailable
from centre_client.retry import new_request_id, retry_transient
from centre_core.tickets import TransferTarget
from centre_core.wire import (
    CheckInOut,
    CounterCommandOut,
    CounterQueueOut,
    DeviceStatusOut,
    ErrorOut,
    HallSnapshot,
    Health,
    PrinterStatus,
    ServicesOut,
    SoundStatus,
    StaffFiguresOut,
    StaffLoginOut,
    TicketPublic,
)

M = TypeVar("M", bound=BaseModel)
API = "/api/v1"
# Statuses a gateway answers with when the centre server behind it is down.
GATEWAY_DOWN = frozenset({502, 503, 504})


class CentreClient:
    """Talks to one centre server with one token (a device's, or a staff session's).

    Every command carries a `request_id`: pass your own to retry a command later (a kiosk's
    "try again" button), or leave it out and one is generated per call. Within a call,
    transient network errors are retried with the same id, so the server applies the command
    once. Refusals raise `CentreApiError` with the server's code; an unreachable server raises
    `CentreUnavailable` (code `server_unreachable`).
    """

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: float = 10.0,
        retries: int = 2,
        retry_delay: float = 0.25,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.token = token
        self._retries = retries
        self._retry_delay = retry_delay
        self._sleep = sleep
        # Devices talk to their centre on the LAN: proxies from the environment do not apply.
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), timeout=timeout, transport=transport, trust_env=False
        )

    async def __aenter__(self) -> CentreClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections."""
        await self._http.aclose()

    # Anyone ----------------------------------------------------------------------------------

    async def health(self) -> Health:
        """Tell whether the server and its database are up, and its newest seq."""
        return await self._get("/healthz", Health)

    async def ticket_status(self, token: str) -> TicketPublic:
        """Return a ticket's public status by the token printed in its QR code."""
        return await self._get(f"{API}/tickets/status/{token}", TicketPublic)

    # Kiosk -----------------------------------------------------------------------------------

    async def list_services(self) -> ServicesOut:
        """Return the service menu with waiting counts, estimated waits and priorities."""
        return await self._get(f"{API}/services", ServicesOut)

    async def issue_ticket(
        self,
        *,
        service_code: str,
        priority: str | None = None,
        phone: str | None = None,
        request_id: str | None = None,
    ) -> TicketPublic:
        """Issue a walk-in ticket (once per `request_id`, however often it is retried)."""
        body = {"service_code": service_code, "priority": priority, "phone": phone}
        return await self._command(f"{API}/tickets", body, TicketPublic, request_id)

    async def check_in(
        self,
        *,
        reference: str | None = None,
        phone: str | None = None,
        request_id: str | None = None,
    ) -> CheckInOut:
        """Check an appointment in by booking reference or phone; return its ticket."""
        body = {"reference": reference, "phone": phone}
        return await self._command(f"{API}/appointments/check-in", body, CheckInOut, request_id)

    async def report_device_status(
        self,
        *,
        printer: PrinterStatus | None = None,
        sound: SoundStatus | None = None,
        message: str | None = None,
    ) -> DeviceStatusOut:
        """Report this device's state (printer, sound, a line of text) to the managers."""
        body: dict[str, Any] = {"message": message}
        if printer is not None:
            body["printer"] = printer.model_dump(exclude_none=True)
        if sound is not None:
            body["sound"] = sound.model_dump(exclude_none=True)
        # A state report is safe to repeat: the newest report wins.
        return await self._send("POST", f"{API}/devices/status", body, DeviceStatusOut, True)

    # Staff at a counter ----------------------------------------------------------------------

    async def login_staff(
        self, *, staff_number: str, pin: str, counter: str | None = None
    ) -> StaffLoginOut:
        """Log staff in (at a counter, which opens); this client then uses their session."""
        body = {"staff_number": staff_number, "pin": pin, "counter": counter}
        session = await self._send("POST", f"{API}/auth/staff", body, StaffLoginOut, False)
        self.token = session.token
        return session

    async def logout(self) -> None:
        """End the staff session (its counter closes) and forget its token."""
        await self._request("POST", f"{API}/auth/logout", None, True)
        self.token = None

    async def call_next(self, *, counter: str, request_id: str | None = None) -> CounterCommandOut:
        """Call the next ticket the calling policy chooses for `counter`."""
        return await self._counter(counter, "call-next", {}, request_id)

    async def serve_ticket(
        self, *, counter: str, ticket: str, request_id: str | None = None
    ) -> CounterCommandOut:
        """Call one particular waiting ticket (by id) to `counter`."""
        return await self._counter(counter, "call", {"ticket_id": ticket}, request_id)

    async def recall(
        self, *, counter: str, ticket: str | None = None, request_id: str | None = None
    ) -> CounterCommandOut:
        """Announce the held ticket again (`ticket` guards against acting on another)."""
        return await self._counter(counter, "recall", {"ticket_id": ticket}, request_id)

    async def start_serving(
        self, *, counter: str, ticket: str | None = None, request_id: str | None = None
    ) -> CounterCommandOut:
        """Start serving the held ticket: the citizen has arrived at the counter."""
        return await self._counter(counter, "start", {"ticket_id": ticket}, request_id)

    async def finish(
        self, *, counter: str, ticket: str | None = None, request_id: str | None = None
    ) -> CounterCommandOut:
        """Finish the held ticket (done, or on to the next stage of its journey)."""
        return await self._counter(counter, "finish", {"ticket_id": ticket}, request_id)

    async def mark_no_show(
        self, *, counter: str, ticket: str | None = None, request_id: str | None = None
    ) -> CounterCommandOut:
        """Mark the held ticket as a no-show."""
        return await self._counter(counter, "no-show", {"ticket_id": ticket}, request_id)

    async def transfer(
        self,
        *,
        counter: str,
        ticket: str | None = None,
        request_id: str | None = None,
        **target: Unpack[TransferTarget],
    ) -> CounterCommandOut:
        """Send the held ticket to another service (stage) and/or counter, keeping its number."""
        body = {"ticket_id": ticket, **target}
        return await self._counter(counter, "transfer", body, request_id)

    async def pause(
        self, *, counter: str, reason: str = "break", request_id: str | None = None
    ) -> CounterCommandOut:
        """Pause `counter` (it must hold no ticket)."""
        return await self._counter(counter, "pause", {"reason": reason}, request_id)

    async def resume(self, *, counter: str, request_id: str | None = None) -> CounterCommandOut:
        """Resume calling at `counter` after a pause."""
        return await self._counter(counter, "resume", {}, request_id)

    async def counter_queue(self, *, counter: str, limit: int = 5) -> CounterQueueOut:
        """Return the counter's view: state, held ticket, waiting per queue, next in order."""
        return await self._get(f"{API}/counters/{counter}/queue", CounterQueueOut, limit=limit)

    async def staff_figures(self) -> StaffFiguresOut:
        """Return the logged-in staff member's figures for the day (a counter session only)."""
        return await self._get(f"{API}/staff/me/figures", StaffFiguresOut)

    # Displays and managers -------------------------------------------------------------------

    async def hall_snapshot(self) -> HallSnapshot:
        """Return the whole hall at one seq (services, counters, calls, tickets)."""
        return await self._get(f"{API}/hall", HallSnapshot)

    # Plumbing --------------------------------------------------------------------------------

    async def _counter(
        self, counter: str, action: str, body: dict[str, Any], request_id: str | None
    ) -> CounterCommandOut:
        path = f"{API}/counters/{counter}/{action}"
        return await self._command(path, body, CounterCommandOut, request_id)

    async def _command(
        self, path: str, body: dict[str, Any], result: type[M], request_id: str | None
    ) -> M:
        # One id for the logical command, generated once: every retry below repeats it.
        body = {**body, "request_id": request_id or new_request_id()}
        return await self._send("POST", path, body, result, True)

    async def _get(self, path: str, result: type[M], **params: Any) -> M:
        return await self._send("GET", path, None, result, True, params=params)

    async def _send(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None,
        result: type[M],
        idempotent: bool,
        *,
        params: dict[str, Any] | None = None,
    ) -> M:
        response = await self._request(method, path, body, idempotent, params=params)
        try:
            return result.model_validate_json(response.content)
        except ValidationError as error:
            raise CentreApiError(
                INVALID_RESPONSE, f"{method} {path}: {error}", response.status_code
            ) from error

    async def _request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None,
        idempotent: bool,
        *,
        params: dict[str, Any] | None = None,
    ) -> httpx.Response:
        """Send with retries of transient errors; return the answer or raise its refusal."""
        # Unset (None) fields are left out: the server reads an absent optional field as null.
        payload = None if body is None else {k: v for k, v in body.items() if v is not None}
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}

        async def attempt() -> httpx.Response:
            return await self._http.request(
                method, path, json=payload, params=params, headers=headers
            )

        try:
            response = await retry_transient(
                attempt,
                retries=self._retries,
                delay=self._retry_delay,
                idempotent=idempotent,
                sleep=self._sleep,
            )
        except httpx.TransportError as error:
            raise CentreUnavailable(f"{method} {path}: {type(error).__name__}") from error
        if response.is_error:
            raise _refusal(response)
        return response


def _refusal(response: httpx.Response) -> CentreApiError:
    """Decode an error response into the exception carrying its code."""
    try:
        error = ErrorOut.model_validate_json(response.content).error
    except ValidationError:
        if response.status_code in GATEWAY_DOWN:
            return CentreUnavailable(f"HTTP {response.status_code} from a gateway")
        return CentreApiError(INVALID_RESPONSE, response.text[:200], response.status_code)
    return CentreApiError(error.code, error.message, response.status_code)
