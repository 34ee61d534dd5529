"""A centre's national configuration (services, holidays, notices), versioned and fed down."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from centre_core.sync_wire import (
    CentreConfigFact,
    Holiday,
    Requirement,
    ServiceInfo,
    ServiceNotice,
)
from national import feed
from national.db.tables import ALL_CENTRES, CentreRow, CentreServiceRow, HolidayRow, NoticeRow


def current(session: Session, *, centre: str) -> CentreConfigFact | None:
    """Return the configuration a centre holds now (None before the first publication)."""
    row = session.get_one(CentreRow, centre)
    if row.config_version == 0:
        return None
    services = session.scalars(
        select(CentreServiceRow)
        .where(CentreServiceRow.centre == centre)
        .order_by(CentreServiceRow.code)
    ).all()
    today = datetime.now(UTC).date()
    holidays = session.scalars(
        select(HolidayRow)
        .where(or_(HolidayRow.centre == centre, HolidayRow.centre == ALL_CENTRES))
        .where(HolidayRow.day >= today)
        .order_by(HolidayRow.day)
    ).all()
    notices = session.scalars(
        select(NoticeRow)
        .where(NoticeRow.centre == centre)
        .where(or_(NoticeRow.ends_at.is_(None), NoticeRow.ends_at > datetime.now(UTC)))
        .order_by(NoticeRow.starts_at, NoticeRow.id)
    ).all()
    return CentreConfigFact(
        version=row.config_version,
        services=tuple(
            ServiceInfo(
                code=service.code,
                requirements=tuple(Requirement.model_validate(r) for r in service.requirements),
                fee_kes=service.fee_kes,
                fee_note_en=service.fee_note_en,
                fee_note_sw=service.fee_note_sw,
                daily_cap=service.daily_cap,
            )
            for service in services
        ),
        holidays=tuple(
            Holiday(day=holiday.day, name_en=holiday.name_en, name_sw=holiday.name_sw)
            for holiday in holidays
        ),
        notices=tuple(
            ServiceNotice(
                id=notice.id,
                service_code=notice.service_code,
                text_en=notice.text_en,
                text_sw=notice.text_sw,
                starts_at=notice.starts_at,
                ends_at=notice.ends_at,
            )
            for notice in notices
        ),
    )


def publish(session: Session, *, centre: str) -> CentreConfigFact:
    """Give the centre's configuration a new version and put it in the centre's feed.

    Call it in the transaction that changed services, holidays or notices.
    """
    session.flush()
    row = session.get_one(CentreRow, centre)
    row.config_version += 1
    session.flush()
    config = current(session, centre=centre)
    assert config is not None
    feed.append_config(session, centre=centre, config=config)
    return config
