"""Service notices a manager posts for the kiosk tiles and the board: post, clear, which apply."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from centre_core.centre import CentreConfig
from centre_core.clock import as_utc
from centre_core.errors import ErrorCode, QueueError
from centre_core.events import DomainEvent, EventType

TEXT_LIMIT = 300


@dataclass(frozen=True, kw_only=True)
class ServiceNotice:
    """A notice for one service (or the whole centre when `service_code` is None).

    It is current from `posted_at` until it is cleared or `ends_at` passes.
    """

    id: str
    service_code: str | None
    text_en: str
    text_sw: str | None
    posted_at: datetime
    posted_by: str
    ends_at: datetime | None = None
    cleared_at: datetime | None = None

    def is_current(self, now: datetime) -> bool:
        """Whether the notice is shown at `now`."""
        now = as_utc(now)
        return self.cleared_at is None and (self.ends_at is None or now < self.ends_at)

    def data(self) -> dict[str, Any]:
        """Return the notice as its events carry it (JSON-native, no staff number)."""
        return {
            "notice_id": self.id,
            "service_code": self.service_code,
            "text_en": self.text_en,
            "text_sw": self.text_sw,
            "posted_at": self.posted_at.isoformat(),
            "ends_at": self.ends_at.isoformat() if self.ends_at is not None else None,
        }


@dataclass(frozen=True)
class NoticeOutcome:
    """A notice's new state and the event of the change."""

    notice: ServiceNotice
    events: tuple[DomainEvent, ...]


def _clean(text: str | None, field: str) -> str | None:
    if text is None:
        return None
    cleaned = " ".join(text.split())
    if not cleaned:
        raise QueueError(ErrorCode.notice_invalid, f"{field} is empty")
    if len(cleaned) > TEXT_LIMIT:
        raise QueueError(ErrorCode.notice_invalid, f"{field} is longer than {TEXT_LIMIT}")
    return cleaned


def post_notice(
    *,
    centre: CentreConfig,
    notice_id: str,
    service_code: str | None,
    text_en: str,
    text_sw: str | None,
    ends_at: datetime | None,
    posted_by: str,
    now: datetime,
) -> NoticeOutcome:
    """Post a notice for a service (or the centre); refused for an unknown service or a past end."""
    now = as_utc(now)
    if service_code is not None:
        centre.service(service_code)
    english = _clean(text_en, "text_en")
    assert english is not None
    if ends_at is not None and as_utc(ends_at) <= now:
        raise QueueError(ErrorCode.notice_invalid, "the notice would end before it is shown")
    notice = ServiceNotice(
        id=notice_id,
        service_code=service_code,
        text_en=english,
        text_sw=_clean(text_sw, "text_sw"),
        posted_at=now,
        posted_by=posted_by,
        ends_at=as_utc(ends_at) if ends_at is not None else None,
    )
    event = DomainEvent(type=EventType.service_notice_posted, at=now, data=notice.data())
    return NoticeOutcome(notice, (event,))


def clear_notice(notice: ServiceNotice, *, now: datetime) -> NoticeOutcome:
    """Take a current notice down; one already cleared or ended is `invalid_transition`."""
    now = as_utc(now)
    if not notice.is_current(now):
        raise QueueError(ErrorCode.invalid_transition, "this notice is no longer shown")
    cleared = replace(notice, cleared_at=now)
    event = DomainEvent(type=EventType.service_notice_cleared, at=now, data=cleared.data())
    return NoticeOutcome(cleared, (event,))


def notices_for(
    notices: list[ServiceNotice], service_code: str | None, now: datetime
) -> list[ServiceNotice]:
    """Return the current notices of one service (None: the centre-wide ones), oldest first."""
    return sorted(
        (n for n in notices if n.service_code == service_code and n.is_current(now)),
        key=lambda n: n.posted_at,
    )
