"""The booking routes every channel calls: slots, book, read, reschedule, cancel.

Plain `def` routes: FastAPI runs them in its threadpool, so a transaction never blocks the loop.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from centre_core.booking_wire import (
    BOOKING_PATH,
    BOOKINGS_PATH,
    CANCEL_PATH,
    RESCHEDULE_PATH,
    SLOTS_PATH,
    BookIn,
    BookingOut,
    CancelIn,
    RescheduleIn,
    SlotsOut,
)
from centre_core.errors import QueueError
from centre_core.sync_wire import SyncErrorCode
from national import booking
from national.auth import AnyCaller, Caller, EngineDep
from national.settings import NationalSettings

router = APIRouter(tags=["booking"])


def _settings(request: Request) -> NationalSettings:
    settings: NationalSettings = request.app.state.settings
    return settings


def booker(who: AnyCaller) -> Caller:
    """Require a channel key or a centre's credential (which centre: checked per booking)."""
    if who.role not in ("channel", "centre"):
        raise QueueError(SyncErrorCode.forbidden, "only a channel or a centre may book")
    return who


def reader(who: AnyCaller) -> Caller:
    """Require a channel key, a centre's credential or an operator key."""
    if who.role not in ("channel", "centre", "operator"):
        raise QueueError(SyncErrorCode.forbidden, "this key may not read bookings")
    return who


Booker = Annotated[Caller, Depends(booker)]
Reader = Annotated[Caller, Depends(reader)]
Settings = Annotated[NationalSettings, Depends(_settings)]


@router.get(SLOTS_PATH, response_model=SlotsOut)
def get_slots(
    centre: str,
    service: str,
    day: Annotated[date, Query()],
    _who: Reader,
    engine: EngineDep,
    settings: Settings,
) -> SlotsOut:
    """Return a service's slots on a day with how full each is."""
    return booking.slots(
        engine,
        centre=centre,
        service=service,
        day=day,
        now=datetime.now(UTC),
        ignore_opening_hours=settings.ignore_opening_hours,
    )


@router.post(BOOKINGS_PATH, response_model=BookingOut, status_code=201)
def post_booking(
    body: BookIn, response: Response, who: Booker, engine: EngineDep, settings: Settings
) -> BookingOut:
    """Book a slot: 201 with the booking, 200 with the first answer for a repeated request."""
    outcome = booking.book(
        engine,
        request=body,
        caller=who,
        pepper=settings.id_pepper,
        now=datetime.now(UTC),
        ignore_opening_hours=settings.ignore_opening_hours,
    )
    if outcome.repeated:
        response.status_code = 200
    return outcome.booking


@router.get(BOOKING_PATH, response_model=BookingOut)
def get_booking(ref: str, who: Reader, engine: EngineDep) -> BookingOut:
    """Return a booking by its reference."""
    return booking.get_booking(engine, ref=ref, caller=who)


@router.post(RESCHEDULE_PATH, response_model=BookingOut)
def post_reschedule(
    ref: str, body: RescheduleIn, who: Booker, engine: EngineDep, settings: Settings
) -> BookingOut:
    """Move a booking to another slot of its service."""
    return booking.reschedule(
        engine,
        ref=ref,
        request=body,
        caller=who,
        now=datetime.now(UTC),
        ignore_opening_hours=settings.ignore_opening_hours,
    ).booking


@router.post(CANCEL_PATH, response_model=BookingOut)
def post_cancel(ref: str, body: CancelIn, who: Booker, engine: EngineDep) -> BookingOut:
    """Cancel a booking (already cancelled: the booking as it is)."""
    return booking.cancel(engine, ref=ref, request=body, caller=who, now=datetime.now(UTC)).booking
