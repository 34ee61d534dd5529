"""Bring the national database to the latest schema (Alembic, programmatic)."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

# PostgreSQL holds the inbox as partitions inbox_p00..inbox_p15 (migration n0001).
INBOX_PARTITION_PREFIX = "inbox_p"


def _config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", "national:migrations")
    # Alembic's config is a ConfigParser: a literal % must be doubled.
    url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
    config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(engine: Engine) -> None:
    """Apply every national migration."""
    config = _config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def is_current(engine: Engine) -> bool:
    """Whether the database is at the newest national revision."""
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current == ScriptDirectory.from_config(_config(engine)).get_current_head()


def not_a_partition(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave the inbox's partitions (and their indexes) out of schema comparisons."""
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", "")
    return not (reflected and str(table).startswith(INBOX_PARTITION_PREFIX))
