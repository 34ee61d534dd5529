"""What the nation says about its centres: services and hours, holidays, notices; each published.

A centre's services and opening hours come from its centre file (the one the centre server
reads); what to bring, the fee and how appointments are sliced come from the national
catalogue. Every change here publishes the configuration of each centre it touches in the same
transaction, so the centre's feed carries it (`centre_config.publish`).
"""

from __future__ import annotations

import secrets
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import holidays as holiday_calendars
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from centre_core.centre import CentreConfig
from centre_core.errors import ErrorCode, QueueError, ServerErrorCode
from centre_core.hours import WEEKDAYS, OpeningHours
from centre_core.sync_wire import CentreConfigFact, Requirement
from national import centre_config
from national.db.session import transaction
from national.db.tables import ALL_CENTRES, CentreRow, CentreServiceRow, HolidayRow, NoticeRow

# Slots of a service the catalogue does not name: bookable only once the catalogue says so.
DEFAULT_SLOT_MINUTES = 30
# The country whose public holidays `sync_holidays` takes (the `holidays` package's code).
COUNTRY = "KE"


class CatalogueError(ValueError):
    """The catalogue file cannot be used; the message names the field."""


class CatalogueService(BaseModel):
    """One service in the national catalogue: what to bring, the fee, its slots."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(min_length=1, max_length=32)
    requirements: tuple[Requirement, ...] = ()
    fee_kes: int | None = Field(default=None, ge=0)
    fee_note_en: str | None = Field(default=None, max_length=200)
    fee_note_sw: str | None = Field(default=None, max_length=200)
    slot_minutes: int = Field(default=DEFAULT_SLOT_MINUTES, ge=5, le=240)
    slot_capacity: int = Field(default=0, ge=0, le=1000)


class _CatalogueFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    services: tuple[CatalogueService, ...]


def load_catalogue(text: str, *, source: str = "catalogue.toml") -> dict[str, CatalogueService]:
    """Parse the national catalogue's TOML text into its services by code."""
    try:
        parsed = _CatalogueFile.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{source}: TOML syntax error: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise CatalogueError(f"{source}: {where}: {first['msg']}") from None
    by_code: dict[str, CatalogueService] = {}
    for service in parsed.services:
        if service.code in by_code:
            raise CatalogueError(f"{source}: service {service.code} is listed twice")
        by_code[service.code] = service
    return by_code


def hours_to_json(hours: OpeningHours | None) -> dict[str, list[str]]:
    """Return opening hours as `CentreRow.hours` keeps them: `{"mon": ["08:00", "17:00"]}`."""
    if hours is None:
        return {}
    return {
        day: [interval[0].strftime("%H:%M"), interval[1].strftime("%H:%M")]
        for day, interval in zip(WEEKDAYS, hours.days, strict=True)
        if interval is not None
    }


def opening_interval(hours: Mapping[str, list[str]], day: date) -> tuple[time, time] | None:
    """Return a day's opening interval from `CentreRow.hours` (None: closed that day)."""
    interval = hours.get(WEEKDAYS[day.weekday()])
    if not interval:
        return None
    return time.fromisoformat(interval[0]), time.fromisoformat(interval[1])


def _centre_row(session: Session, code: str) -> CentreRow:
    row = session.get(CentreRow, code)
    if row is None:
        raise QueueError(ServerErrorCode.not_found, f"no centre {code} is registered")
    return row


def configure_centre(
    engine: Engine,
    *,
    centre: str,
    config: CentreConfig,
    catalogue: Mapping[str, CatalogueService] | None = None,
) -> CentreConfigFact:
    """Set a centre's hours, timezone and services from its file and the catalogue; publish.

    Without a catalogue the catalogue's part of a service held already is kept; a service the
    centre file no longer lists is dropped (its bookings stay).
    """
    with transaction(engine) as session:
        row = _centre_row(session, centre)
        row.timezone = config.timezone
        row.hours = hours_to_json(config.hours)
        held = {
            service.code: service
            for service in session.scalars(
                select(CentreServiceRow).where(CentreServiceRow.centre == centre)
            )
        }
        for service in config.services:
            target = held.pop(service.code, None)
            if target is None:
                target = CentreServiceRow(
                    centre=centre,
                    code=service.code,
                    requirements=[],
                    slot_minutes=DEFAULT_SLOT_MINUTES,
                    slot_capacity=0,
                )
                session.add(target)
            target.name_en = service.name_en
            target.name_sw = service.name_sw
            target.daily_cap = service.daily_cap
            target.hours = None if service.hours is None else hours_to_json(service.hours)
            entry = None if catalogue is None else catalogue.get(service.code)
            if catalogue is not None:
                # A service the catalogue leaves out is not bookable and has no fee on record.
                entry = entry or CatalogueService(code=service.code)
            if entry is not None:
                target.requirements = [item.model_dump() for item in entry.requirements]
                target.fee_kes = entry.fee_kes
                target.fee_note_en = entry.fee_note_en
                target.fee_note_sw = entry.fee_note_sw
                target.slot_minutes = entry.slot_minutes
                target.slot_capacity = entry.slot_capacity
        for dropped in held.values():
            session.delete(dropped)
        return centre_config.publish(session, centre=centre)


def _publish_affected(session: Session, centre: str) -> list[str]:
    """Publish the configuration of a centre, or of every centre for `ALL_CENTRES`."""
    if centre == ALL_CENTRES:
        # In code order, so two publishers lock the centres in the same order.
        codes = list(session.scalars(select(CentreRow.code).order_by(CentreRow.code)))
    else:
        codes = [_centre_row(session, centre).code]
    for code in codes:
        centre_config.publish(session, centre=code)
    return codes


@dataclass(frozen=True)
class HolidaySync:
    """What a holiday sync did: the days it holds and the centres it published."""

    days: tuple[date, ...]
    centres: tuple[str, ...]


def kenyan_holidays(years: Iterable[int]) -> list[tuple[date, str, str]]:
    """Return Kenya's public holidays of these years: (day, English name, Swahili name)."""
    years = list(years)
    # The package carries Kenya's own Swahili names ("Siku ya Madaraka", "Ijumaa Kuu"); a day
    # it has no Swahili name for keeps the English one.
    english = holiday_calendars.country_holidays(COUNTRY, years=years, language="en_KE")
    swahili = holiday_calendars.country_holidays(COUNTRY, years=years, language="sw")
    return [(day, name, swahili.get(day) or name) for day, name in sorted(english.items())]


def _put_holiday(session: Session, *, centre: str, day: date, name_en: str, name_sw: str) -> None:
    row = session.get(HolidayRow, (centre, day))
    if row is None:
        session.add(HolidayRow(centre=centre, day=day, name_en=name_en, name_sw=name_sw))
    else:
        row.name_en, row.name_sw = name_en, name_sw


def sync_holidays(engine: Engine, *, years: Iterable[int]) -> HolidaySync:
    """Store Kenya's public holidays of these years for every centre; publish every centre."""
    found = kenyan_holidays(years)
    with transaction(engine) as session:
        for day, name_en, name_sw in found:
            _put_holiday(session, centre=ALL_CENTRES, day=day, name_en=name_en, name_sw=name_sw)
        published = _publish_affected(session, ALL_CENTRES)
    return HolidaySync(days=tuple(day for day, _, _ in found), centres=tuple(published))


def add_holiday(
    engine: Engine, *, day: date, name_en: str, name_sw: str, centre: str = ALL_CENTRES
) -> tuple[str, ...]:
    """Add (or rename) a gazetted holiday of one centre or all; return the centres published."""
    with transaction(engine) as session:
        if centre != ALL_CENTRES:
            _centre_row(session, centre)
        _put_holiday(session, centre=centre, day=day, name_en=name_en, name_sw=name_sw)
        return tuple(_publish_affected(session, centre))


def add_notice(
    engine: Engine,
    *,
    centre: str,
    service_code: str | None,
    text_en: str,
    text_sw: str,
    now: datetime,
    hours: float | None = None,
) -> str:
    """Put up a notice for a centre's service (or the whole centre); return its id."""
    with transaction(engine) as session:
        _centre_row(session, centre)
        if (
            service_code is not None
            and session.get(CentreServiceRow, (centre, service_code)) is None
        ):
            raise QueueError(
                ErrorCode.service_not_found, f"centre {centre} has no service {service_code}"
            )
        notice_id = f"N-{secrets.token_hex(6)}"
        session.add(
            NoticeRow(
                id=notice_id,
                centre=centre,
                service_code=service_code,
                text_en=text_en,
                text_sw=text_sw,
                starts_at=now,
                ends_at=None if hours is None else now + timedelta(hours=hours),
            )
        )
        _publish_affected(session, centre)
        return notice_id


def clear_notice(engine: Engine, *, notice_id: str, now: datetime) -> str:
    """End a notice now (it stays on record); return its centre."""
    with transaction(engine) as session:
        notice = session.get(NoticeRow, notice_id)
        if notice is None:
            raise QueueError(ServerErrorCode.not_found, f"no notice {notice_id}")
        if notice.ends_at is None or notice.ends_at > now:
            notice.ends_at = now
        _publish_affected(session, notice.centre)
        return notice.centre
