"""The centre server's typed settings (environment prefix ``FOLENI_``)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from centre_core.sync_wire import MAX_BATCH_ROWS, MAX_WAIT_SECONDS

PACKAGE_ROOT = Path(__file__).resolve().parent
# The example centre shipped in the repository; a real centre names its own file.
EXAMPLE_CENTRE_FILE = PACKAGE_ROOT.parent / "examples" / "huduma-nairobi.toml"


class UnsafeSettingsError(ValueError):
    """Production mode refused a setting that is only fit for development."""


class Settings(BaseSettings):
    """Everything the centre server reads from its environment, validated once at start."""

    model_config = SettingsConfigDict(env_prefix="FOLENI_", extra="ignore")

    mode: Literal["development", "production"] = "development"
    data_dir: Path = Path("./foleni-data")
    database_url: str | None = None
    centre_file: Path = EXAMPLE_CENTRE_FILE
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    public_base_url: str | None = None
    # How many events back a resuming client may ask for before it gets a snapshot instead.
    stream_replay_window: int = Field(default=5000, ge=1)
    stream_queue_size: int = Field(default=1000, ge=1)
    stream_heartbeat_seconds: float = Field(default=5.0, gt=0)
    staff_session_hours: float = Field(default=12.0, gt=0)
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0)
    demo: bool = False
    # The demo can be tried at night; a real centre keeps the hours of its centre file.
    ignore_opening_hours: bool = False
    # The national service (docs/sync.md); without a URL the centre runs alone.
    national_url: str | None = None
    national_credential: str | None = None
    sync_batch_rows: int = Field(default=MAX_BATCH_ROWS, ge=1, le=MAX_BATCH_ROWS)
    # Retries after a failure wait a random time up to a cap that doubles to this.
    sync_backoff_max_seconds: float = Field(default=60.0, gt=0)
    sync_long_poll_seconds: float = Field(default=25.0, ge=0, le=MAX_WAIT_SECONDS)
    sync_timeout_seconds: float = Field(default=15.0, gt=0)
    # How often the up-link looks for new outbox rows, and sends a heartbeat when idle.
    sync_poll_seconds: float = Field(default=0.5, gt=0)
    sync_heartbeat_seconds: float = Field(default=20.0, gt=0)
    # The alert worker (centre_core/alerts.py): how often it looks at a quiet hall; 0 turns it
    # off (tests that count every event of a scripted day).
    alert_check_seconds: float = Field(default=10.0, ge=0)
    # The hall summary for the nation's overview (centre_server/summary_worker.py): how often it
    # is looked at (sent only when changed, at least every 10 minutes); 0 turns it off.
    summary_seconds: float = Field(default=60.0, ge=0)

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.mode != "production":
            return self
        problems = []
        if self.demo:
            problems.append("demo credentials are not allowed in production")
        if self.ignore_opening_hours:
            problems.append("opening hours must be kept in production")
        url = self.resolved_database_url()
        if url.startswith("sqlite"):
            path = url.split("///", 1)[-1]
            if path in ("", ":memory:") or Path(path).resolve().is_relative_to(
                Path(tempfile.gettempdir()).resolve()
            ):
                problems.append(f"the database {url} would not survive a reboot")
        if (self.national_url is None) != (self.national_credential is None):
            problems.append("FOLENI_NATIONAL_URL and FOLENI_NATIONAL_CREDENTIAL go together")
        if self.public_base_url is None:
            problems.append("FOLENI_PUBLIC_BASE_URL must be set (printed on every ticket)")
        if problems:
            raise UnsafeSettingsError("production mode refuses: " + "; ".join(problems))
        return self

    def resolved_database_url(self) -> str:
        """Return the database URL, defaulting to an SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'foleni.sqlite3').resolve()}"

    def resolved_public_base_url(self) -> str:
        """Return the base URL printed in QR codes (default: the bound host and port)."""
        if self.public_base_url:
            return self.public_base_url.rstrip("/")
        return f"http://{self.host}:{self.port}"
