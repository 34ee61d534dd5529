"""The Core tables behind the mapped row classes, for statements built once at import."""

from sqlalchemy import Table
from sqlalchemy.orm import DeclarativeBase


def table_of(row_class: type[DeclarativeBase]) -> Table:
    """Return the `Table` of a mapped class (SQLAlchemy types `__table__` as any FromClause)."""
    table = row_class.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{row_class.__name__} is not mapped to a table")
    return table
