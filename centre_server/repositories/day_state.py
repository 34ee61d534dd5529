"""Today's state set by managers: services closed or capped, counters serving other queues."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from centre_core.service_days import ServiceDay
from centre_server.db.tables import CounterServicesRow, DailySequenceRow, ServiceDayRow


def service_day(session: Session, *, business_day: date, service_code: str) -> ServiceDay:
    """Return what managers decided about a service for a day (nothing: a plain day)."""
    row = session.get(ServiceDayRow, (business_day, service_code))
    if row is None:
        return ServiceDay(service_code=service_code, business_day=business_day)
    return ServiceDay(
        service_code=service_code,
        business_day=business_day,
        closed_reason=row.closed_reason,
        daily_cap=row.daily_cap,
    )


def service_days(session: Session, *, business_day: date) -> dict[str, ServiceDay]:
    """Return every service's state for a day that a manager set, by service code."""
    rows = session.scalars(select(ServiceDayRow).where(ServiceDayRow.business_day == business_day))
    return {
        row.service_code: ServiceDay(
            service_code=row.service_code,
            business_day=row.business_day,
            closed_reason=row.closed_reason,
            daily_cap=row.daily_cap,
        )
        for row in rows
    }


def save_service_day(session: Session, day: ServiceDay) -> None:
    """Write a service's state for its day."""
    row = session.get(ServiceDayRow, (day.business_day, day.service_code))
    if row is None:
        session.add(
            ServiceDayRow(
                business_day=day.business_day,
                service_code=day.service_code,
                closed_reason=day.closed_reason,
                daily_cap=day.daily_cap,
            )
        )
    else:
        row.closed_reason = day.closed_reason
        row.daily_cap = day.daily_cap
    session.flush()


def issued_today(session: Session, *, business_day: date) -> dict[str, int]:
    """Return how many tickets each service numbered on a day, by service code."""
    rows = session.execute(
        select(DailySequenceRow.service_code, DailySequenceRow.last_number).where(
            DailySequenceRow.business_day == business_day
        )
    )
    return {code: number for code, number in rows}


def counter_services(session: Session, business_day: date) -> dict[str, dict[str, int]]:
    """Return the queues (selector: weight) managers set counters to serve on a day."""
    rows = session.scalars(
        select(CounterServicesRow).where(CounterServicesRow.business_day == business_day)
    )
    return {row.counter_code: {str(k): int(v) for k, v in row.services.items()} for row in rows}


def save_counter_services(
    session: Session, *, business_day: date, counter_code: str, services: Mapping[str, int]
) -> None:
    """Write the queues a counter serves for a day."""
    row = session.get(CounterServicesRow, (business_day, counter_code))
    if row is None:
        session.add(
            CounterServicesRow(
                business_day=business_day, counter_code=counter_code, services=dict(services)
            )
        )
    else:
        row.services = dict(services)
    session.flush()
