"""Alembic environment: runs on the connection handed over by `national.db.migrate`."""

from alembic import context
from sqlalchemy import Connection, create_engine

from national.db.migrate import not_a_partition
from national.db.tables import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things in place: batch mode rebuilds the table.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=not_a_partition,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    with create_engine(context.config.get_main_option("sqlalchemy.url") or "").connect() as conn:
        _run(conn)
