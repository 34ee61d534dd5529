"""The body of both services' Alembic `env.py`: migrate on the connection handed over."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alembic import context
from sqlalchemy import Connection, MetaData, create_engine


def run_migrations(
    metadata: MetaData, *, include_object: Callable[..., bool] | None = None
) -> None:
    """Run the migrations on `config.attributes["connection"]`, else on the configured URL."""

    def run(connection: Connection) -> None:
        options: dict[str, Any] = (
            {} if include_object is None else {"include_object": include_object}
        )
        context.configure(
            connection=connection,
            target_metadata=metadata,
            # SQLite cannot ALTER most things in place: batch mode rebuilds the table.
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            **options,
        )
        with context.begin_transaction():
            context.run_migrations()

    connection = context.config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url") or ""
    with create_engine(url).connect() as own:
        run(own)
