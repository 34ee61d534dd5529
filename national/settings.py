"""The national service's typed settings (environment prefix ``FOLENI_NATIONAL_``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_PORT = 8100
# Every worker and restart must hash alike, so the pepper is a setting, never random per process.
DEVELOPMENT_PEPPER = "foleni-development-pepper"


class UnsafeNationalSettingsError(ValueError):
    """Production mode refused a setting that is only fit for development."""


class NationalSettings(BaseSettings):
    """Everything the national service reads from its environment, validated once at start."""

    model_config = SettingsConfigDict(env_prefix="FOLENI_NATIONAL_", extra="ignore")

    mode: Literal["development", "production"] = "development"
    data_dir: Path = Path("./national-data")
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=DEFAULT_PORT, ge=0, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    # Keyed hash of ID numbers: without the pepper a stolen table cannot be matched against a
    # list of ID numbers. Production must set its own and keep it.
    id_pepper: str = DEVELOPMENT_PEPPER
    # How often a worker looks for stored rows whose processing has not run (after a crash).
    sweep_seconds: float = Field(default=2.0, gt=0)
    # How often a long-poll looks for new changes: workers share nothing but the database.
    poll_seconds: float = Field(default=0.2, gt=0)
    # The demo books at night; a real service keeps each centre's opening hours.
    ignore_opening_hours: bool = False

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> NationalSettings:
        if self.mode != "production":
            return self
        problems = []
        if self.ignore_opening_hours:
            problems.append("opening hours must be kept in production")
        if self.id_pepper == DEVELOPMENT_PEPPER:
            problems.append("FOLENI_NATIONAL_ID_PEPPER must be set")
        if self.resolved_database_url().startswith("sqlite"):
            problems.append("production runs on PostgreSQL (FOLENI_NATIONAL_DATABASE_URL)")
        if problems:
            raise UnsafeNationalSettingsError("production mode refuses: " + "; ".join(problems))
        return self

    def resolved_database_url(self) -> str:
        """Return the database URL, defaulting to an SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'national.sqlite3').resolve()}"
