"""Service notice rows <-> `centre_core.notices.ServiceNotice`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from centre_core.errors import ErrorCode, QueueError
from centre_core.notices import ServiceNotice
from centre_server.db.tables import ServiceNoticeRow


def to_notice(row: ServiceNoticeRow) -> ServiceNotice:
    """Build the domain notice of a row."""
    return ServiceNotice(
        id=row.id,
        service_code=row.service_code,
        text_en=row.text_en,
        text_sw=row.text_sw,
        posted_at=row.posted_at,
        posted_by=row.posted_by,
        ends_at=row.ends_at,
        cleared_at=row.cleared_at,
    )


def load(session: Session, notice_id: str) -> ServiceNotice:
    """Return a notice; raise `notice_not_found`."""
    row = session.get(ServiceNoticeRow, notice_id)
    if row is None:
        raise QueueError(ErrorCode.notice_not_found, f"no notice {notice_id!r}")
    return to_notice(row)


def current(session: Session, now: datetime) -> list[ServiceNotice]:
    """Return the notices not cleared and not ended at `now`."""
    rows = session.scalars(
        select(ServiceNoticeRow).where(
            ServiceNoticeRow.cleared_at.is_(None),
            or_(ServiceNoticeRow.ends_at.is_(None), ServiceNoticeRow.ends_at > now),
        )
    )
    return [to_notice(row) for row in rows]


def save(session: Session, notice: ServiceNotice) -> None:
    """Write a notice (new, or its clearing)."""
    row = session.get(ServiceNoticeRow, notice.id)
    if row is None:
        session.add(
            ServiceNoticeRow(
                id=notice.id,
                service_code=notice.service_code,
                text_en=notice.text_en,
                text_sw=notice.text_sw,
                posted_at=notice.posted_at,
                posted_by=notice.posted_by,
                ends_at=notice.ends_at,
                cleared_at=notice.cleared_at,
            )
        )
    else:
        row.cleared_at = notice.cleared_at
    session.flush()
