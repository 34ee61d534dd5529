"""Every centre on one page: its link, its latest hall summary of today, its open alerts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Engine, select

from centre_core.clock import business_day
from centre_core.errors import QueueError, ServerErrorCode
from centre_core.sync_wire import CentreSyncState
from national import centres
from national.db.session import transaction
from national.db.tables import CentreDayFiguresRow, CentreRow, CentreSummaryRow

# A centre heard from within this long has its link up: the centre's sync heartbeat (and a
# long-poll of the change feed) comes every 25 s or so, so two minutes is two missed beats.
LINK_UP_SECONDS = 120.0


@dataclass(frozen=True)
class CentreLine:
    """One centre as the overview shows it: link, today's summary (None: none yet today)."""

    code: str
    name: str
    timezone: str
    today: date
    link: CentreSyncState
    summary: CentreSummaryRow | None

    @property
    def link_up(self) -> bool:
        """Tell whether the centre was heard from lately."""
        lag = self.link.lag_seconds
        return lag is not None and lag <= LINK_UP_SECONDS

    @property
    def alert_kinds(self) -> list[str]:
        """Return the kinds of the alerts open in today's summary, each once, sorted."""
        if self.summary is None:
            return []
        return sorted({alert["kind"] for alert in self.summary.alerts})


@dataclass(frozen=True)
class CentreDetail:
    """One centre's page: its line, and its figures per service today."""

    line: CentreLine
    services: list[CentreDayFiguresRow]


def centre_lines(engine: Engine, *, now: datetime | None = None) -> list[CentreLine]:
    """Return every registered centre's line, by code."""
    moment = now or datetime.now(UTC)
    links = {state.centre: state for state in centres.sync_states(engine)}
    with transaction(engine) as session:
        rows = session.scalars(select(CentreRow).order_by(CentreRow.code)).all()
        days = {row.code: business_day(moment, timezone=row.timezone) for row in rows}
        summaries = {
            (summary.centre, summary.business_day): summary
            for summary in session.scalars(
                select(CentreSummaryRow).where(
                    CentreSummaryRow.business_day.in_(set(days.values()))
                )
            )
        }
    return [
        CentreLine(
            code=row.code,
            name=row.name,
            timezone=row.timezone,
            today=days[row.code],
            link=links[row.code],
            summary=summaries.get((row.code, days[row.code])),
        )
        for row in rows
        if row.code in links
    ]


def centre_detail(engine: Engine, *, code: str, now: datetime | None = None) -> CentreDetail:
    """Return one centre's page; `not_found` for a code not registered."""
    line = next((line for line in centre_lines(engine, now=now) if line.code == code), None)
    if line is None:
        raise QueueError(ServerErrorCode.not_found, f"no centre {code} is registered")
    with transaction(engine) as session:
        services = list(
            session.scalars(
                select(CentreDayFiguresRow)
                .where(CentreDayFiguresRow.centre == code, CentreDayFiguresRow.day == line.today)
                .order_by(CentreDayFiguresRow.service_code)
            )
        )
    return CentreDetail(line=line, services=services)
