"""Service notices: a manager posts and clears them; the kiosk and the board read the current."""

from __future__ import annotations

import uuid
from datetime import datetime

from centre_core import notices as notice_rules
from centre_core.wire import NoticeListOut, NoticeOut
from centre_server.context import ServerContext
from centre_server.db.transactions import WriteTransaction
from centre_server.repositories import notices as notice_repo
from centre_server.services import audit_service
from centre_server.services.idempotency import run_once


def post_notice(
    context: ServerContext,
    *,
    actor: str,
    text_en: str,
    text_sw: str | None = None,
    service_code: str | None = None,
    ends_at: datetime | None = None,
    request_id: str | None = None,
) -> NoticeOut:
    """Post a notice for one service (or, without `service_code`, the whole centre)."""

    def run(transaction: WriteTransaction) -> NoticeOut:
        now = context.now()
        outcome = notice_rules.post_notice(
            centre=context.centre,
            notice_id=uuid.uuid4().hex,
            service_code=service_code,
            text_en=text_en,
            text_sw=text_sw,
            ends_at=ends_at,
            posted_by=actor,
            now=now,
        )
        notice_repo.save(transaction.session, outcome.notice)
        transaction.append(outcome.events)
        audit_service.record(
            transaction,
            at=now,
            actor=actor,
            action="service.notice_posted",
            target=outcome.notice.service_code or "centre",
            detail=outcome.notice.data(),
        )
        return NoticeOut.of(outcome.notice)

    return run_once(
        context,
        command="notice.post",
        request_id=request_id,
        args={
            "actor": actor,
            "text_en": text_en,
            "text_sw": text_sw,
            "service_code": service_code,
            "ends_at": ends_at,
        },
        model=NoticeOut,
        run=run,
    )


def clear_notice(
    context: ServerContext, *, actor: str, notice_id: str, request_id: str | None = None
) -> NoticeOut:
    """Take a notice down (refused with `invalid_transition` once it is no longer shown)."""

    def run(transaction: WriteTransaction) -> NoticeOut:
        now = context.now()
        outcome = notice_rules.clear_notice(
            notice_repo.load(transaction.session, notice_id), now=now
        )
        notice_repo.save(transaction.session, outcome.notice)
        transaction.append(outcome.events)
        audit_service.record(
            transaction,
            at=now,
            actor=actor,
            action="service.notice_cleared",
            target=outcome.notice.service_code or "centre",
            detail={"notice_id": notice_id},
        )
        return NoticeOut.of(outcome.notice)

    return run_once(
        context,
        command="notice.clear",
        request_id=request_id,
        args={"actor": actor, "notice_id": notice_id},
        model=NoticeOut,
        run=run,
    )


def current_notices(context: ServerContext) -> NoticeListOut:
    """Return the notices shown now, centre-wide and per service, oldest first."""
    now = context.now()
    with context.db.read() as session:
        notices = notice_repo.current(session, now)
    return NoticeListOut(
        notices=[NoticeOut.of(n) for n in sorted(notices, key=lambda n: n.posted_at)]
    )
