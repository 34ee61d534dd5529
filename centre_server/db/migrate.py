"""Bring a database to the latest schema with Alembic (programmatic, no alembic.ini)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine


def alembic_config(engine: Engine) -> Config:
    """Build an Alembic configuration pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", "centre_server:migrations")
    # Alembic's config is a ConfigParser: a literal % (URL-encoded options) must be doubled.
    url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
    config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(engine: Engine, *, revision: str = "head") -> None:
    """Apply every migration up to `revision` on the engine's database."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    """Return the revision the database is at (None when never migrated)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    """Return the newest revision shipped with this code."""
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
