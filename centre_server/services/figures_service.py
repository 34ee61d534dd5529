"""A staff member's figures for the day, from the service times recorded at each finish."""

from __future__ import annotations

from sqlalchemy import func, select

from centre_core.clock import business_day_bounds
from centre_core.wire import StaffFiguresOut
from centre_server.context import ServerContext
from centre_server.db.tables import ServiceTimeRow


def staff_figures(context: ServerContext, *, staff_number: str) -> StaffFiguresOut:
    """Return what a staff member finished today (centre-local) and how long it took."""
    start, end = business_day_bounds(context.now(), timezone=context.centre.timezone)
    with context.db.read() as session:
        # Read by label: mypy types the unpacking of a row of untyped aggregates as `object`.
        figures = session.execute(
            select(
                func.count(ServiceTimeRow.id).label("served"),
                func.avg(ServiceTimeRow.seconds).label("mean"),
                func.max(ServiceTimeRow.seconds).label("longest"),
            ).where(
                ServiceTimeRow.staff_number == staff_number,
                ServiceTimeRow.finished_at >= start,
                ServiceTimeRow.finished_at < end,
            )
        ).one()
    return StaffFiguresOut(
        served=figures.served,
        mean_handling_seconds=None if figures.mean is None else float(figures.mean),
        longest_handling_seconds=None if figures.longest is None else float(figures.longest),
    )
