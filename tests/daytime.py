"""A time zone where it is late morning now: the demo runs at any hour, its day must not end."""

from datetime import UTC, datetime

LOCAL_HOUR = 11


def daytime_zone(now: datetime | None = None) -> str:
    """Return an `Etc/GMT` zone in which the wall clock now reads LOCAL_HOUR:xx."""
    hour = (now or datetime.now(UTC)).hour
    # UTC offsets run from -12 to +14 hours.
    offset = (LOCAL_HOUR - hour + 12) % 24 - 12
    # POSIX signs: Etc/GMT-3 is three hours ahead of UTC.
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"
