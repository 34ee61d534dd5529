"""What needs a manager's attention now: the alert rules, pure, over the hall and its devices.

The server evaluates them every few seconds and after events; an alert is raised when its
condition first holds and cleared when it no longer does (`centre_server/services/
alert_service.py` keeps them, with their events). Each condition is identified by its kind and
subject (a service, counter or device), so the same problem is one alert however often it is
seen.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from centre_core.centre import AlertThresholds, CentreConfig
from centre_core.wire import DeviceOut, HallSnapshot


class AlertKind(StrEnum):
    """What an alert is about."""

    wait_over_target = "wait_over_target"
    printer_fault = "printer_fault"
    board_sound = "board_sound"
    device_silent = "device_silent"
    counter_paused_long = "counter_paused_long"
    counter_idle = "counter_idle"
    link_down = "link_down"
    link_lagging = "link_lagging"


# How often a kiosk and a board report their state even when nothing changed, so that
# silence means the device is gone (a crash, a cable, a power cut at that end of the hall).
DEVICE_REPORT_SECONDS = 120.0
# Printer states that mean no slip comes out.
PRINTER_FAULTS = frozenset(
    {"paper_out", "cover_open", "printer_offline", "printer_error", "not_configured"}
)


@dataclass(frozen=True)
class AlertCondition:
    """A condition that holds now: its kind, its subject, what to show, since when if known."""

    kind: AlertKind
    subject: str
    detail: Mapping[str, Any]
    since: datetime | None = None

    @property
    def key(self) -> tuple[str, str]:
        """Return what makes two sightings the same alert."""
        return (str(self.kind), self.subject)


def printer_state(status: Mapping[str, Any] | None) -> str | None:
    """Return a kiosk printer's state from its report (None: no printer reported)."""
    printer = (status or {}).get("printer")
    if not isinstance(printer, dict):
        return None
    if printer.get("error"):
        return str(printer["error"])
    if printer.get("online") is False:
        return "printer_offline"
    return {"out": "paper_out", "low": "paper_low"}.get(str(printer.get("paper")), "ok")


def sound_state(status: Mapping[str, Any] | None) -> tuple[str, str | None] | None:
    """Return a board's sound (ok, off or fault, and the fault) from its report, if it said."""
    sound = (status or {}).get("sound")
    if not isinstance(sound, dict) or sound.get("state") not in ("ok", "off", "fault"):
        return None
    error = sound.get("error")
    return str(sound["state"]), error if isinstance(error, str) else None


def conditions(
    snapshot: HallSnapshot,
    *,
    centre: CentreConfig,
    thresholds: AlertThresholds,
    idle_since: Mapping[str, datetime],
    linked: bool,
) -> list[AlertCondition]:
    """Return every alert condition that holds in the hall at `snapshot.at`.

    `idle_since`: per open counter holding nobody, since when (its last call or finish, or
    when it opened); `linked`: whether the centre has a national link at all.
    """
    now = snapshot.at
    return [
        *_waits(snapshot, centre, thresholds),
        *_devices(snapshot.devices or (), thresholds, now),
        *_counters(snapshot, thresholds, idle_since, now),
        *(_link(snapshot, thresholds, now) if linked else ()),
    ]


def _waits(
    snapshot: HallSnapshot, centre: CentreConfig, thresholds: AlertThresholds
) -> Iterator[AlertCondition]:
    for service in snapshot.services:
        target = centre.service(service.code).target_wait_minutes
        limit = target * thresholds.wait_over_target_percent / 100
        if service.waiting and service.longest_wait_minutes > limit:
            yield AlertCondition(
                AlertKind.wait_over_target,
                service.code,
                {"longest_wait_minutes": service.longest_wait_minutes, "target_minutes": target},
                since=snapshot.at - timedelta(minutes=service.longest_wait_minutes - limit),
            )


def _devices(
    devices: Sequence[DeviceOut], thresholds: AlertThresholds, now: datetime
) -> Iterator[AlertCondition]:
    silent = timedelta(minutes=thresholds.device_silent_minutes)
    for device in devices:
        if device.role not in ("kiosk", "display"):
            continue
        if device.status_at is None or now - device.status_at > silent:
            yield AlertCondition(
                AlertKind.device_silent,
                device.device_id,
                {"name": device.name, "last_report": _iso(device.status_at)},
                since=None if device.status_at is None else device.status_at + silent,
            )
            continue
        printer = printer_state(device.status)
        if printer in PRINTER_FAULTS:
            yield AlertCondition(
                AlertKind.printer_fault, device.device_id, {"name": device.name, "state": printer}
            )
        sound = sound_state(device.status)
        if sound is not None and sound[0] != "ok":
            yield AlertCondition(
                AlertKind.board_sound,
                device.device_id,
                {"name": device.name, "state": sound[0], "error": sound[1]},
            )


def _counters(
    snapshot: HallSnapshot,
    thresholds: AlertThresholds,
    idle_since: Mapping[str, datetime],
    now: datetime,
) -> Iterator[AlertCondition]:
    paused = timedelta(minutes=thresholds.counter_paused_minutes)
    idle = timedelta(minutes=thresholds.counter_idle_minutes)
    waiting = {service.code: service.waiting for service in snapshot.services}
    for counter in snapshot.counters:
        since = counter.status_since
        if counter.status == "paused" and since is not None and now - since > paused:
            yield AlertCondition(
                AlertKind.counter_paused_long,
                counter.code,
                {"name": counter.name, "reason": counter.pause_reason, "since": _iso(since)},
                since=since + paused,
            )
        quiet = idle_since.get(counter.code)
        queued = sum(waiting.get(code, 0) for code in counter.services)
        if (
            counter.status == "open"
            and counter.ticket_id is None
            and quiet is not None
            and queued
            and now - quiet > idle
        ):
            yield AlertCondition(
                AlertKind.counter_idle,
                counter.code,
                {"name": counter.name, "waiting": queued, "since": _iso(quiet)},
                since=quiet + idle,
            )


def _link(
    snapshot: HallSnapshot, thresholds: AlertThresholds, now: datetime
) -> Iterator[AlertCondition]:
    link = snapshot.national_link
    if link is None:
        return
    down = timedelta(minutes=thresholds.link_down_minutes)
    if link.link == "down" and (link.last_contact is None or now - link.last_contact > down):
        yield AlertCondition(
            AlertKind.link_down,
            "national",
            {"last_contact": _iso(link.last_contact), "pending": link.pending},
            since=None if link.last_contact is None else link.last_contact + down,
        )
    elif link.lag_seconds > thresholds.link_lag_minutes * 60:
        yield AlertCondition(
            AlertKind.link_lagging,
            "national",
            {"lag_minutes": int(link.lag_seconds // 60), "pending": link.pending},
        )


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
