"""What the manager page's live tiles show, read off the hall snapshot in the page's language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from centre_core.alerts import AlertKind, printer_state
from centre_core.centre import CentreConfig
from centre_core.wire import AlertOut, DeviceOut, HallSnapshot, LinkStatus


@dataclass(frozen=True)
class ServiceTile:
    """One service: who waits, the longest wait against the target, counters open for it."""

    code: str
    name: str
    waiting: int
    longest_wait_minutes: int
    target_minutes: int
    counters_open: int

    @property
    def over_target(self) -> bool:
        """Tell whether someone has waited longer than the service's target."""
        return self.waiting > 0 and self.longest_wait_minutes > self.target_minutes


@dataclass(frozen=True)
class CounterTile:
    """One counter: its state, since when, who is logged in, what it holds."""

    code: str
    name: str
    status: str
    staff: str | None
    number: str | None
    pause_reason: str | None
    minutes_in_status: int | None


@dataclass(frozen=True)
class DeviceTile:
    """One device: its role, its last report and how old that report is."""

    name: str
    role: str
    # A kiosk's printer: ok, paper_low, paper_out, printer_offline, cover_open, printer_error,
    # not_configured (None: the device has no printer or never said).
    printer: str | None
    message: str | None
    minutes_since_report: int | None

    @property
    def problem(self) -> bool:
        """Tell whether the printer cannot print a slip."""
        return self.printer not in (None, "ok", "paper_low")


@dataclass(frozen=True)
class AlertTile:
    """One open alert: what, about whom, since when, and which manager has seen it."""

    alert_id: str
    kind: str
    subject: str
    detail: Mapping[str, Any]
    raised_at: datetime
    acknowledged_by: str | None


@dataclass(frozen=True)
class HallTiles:
    """Everything the live part of the page shows, at one event seq."""

    seq: int
    at: datetime
    waiting: int
    longest_wait_minutes: int
    counters_open: int
    counters_serving: int
    counters_paused: int
    counters_closed: int
    services: tuple[ServiceTile, ...]
    counters: tuple[CounterTile, ...]
    devices: tuple[DeviceTile, ...]
    link: LinkStatus | None
    alerts: tuple[AlertTile, ...] = ()


def _minutes(since: datetime | None, now: datetime) -> int | None:
    return None if since is None else max(0, int((now - since).total_seconds() // 60))


def _device(device: DeviceOut, now: datetime) -> DeviceTile:
    status = device.status or {}
    message = status.get("message")
    return DeviceTile(
        name=device.name,
        role=device.role,
        printer=printer_state(status),
        message=message if isinstance(message, str) and message else None,
        minutes_since_report=_minutes(device.status_at, now),
    )


def hall_tiles(
    snapshot: HallSnapshot,
    *,
    centre: CentreConfig,
    language: str,
    staff: Mapping[str, str],
    linked: bool,
    alerts: Sequence[AlertOut] = (),
) -> HallTiles:
    """Return the tiles of a hall snapshot, service names in `language`.

    `staff`: who is logged in at each counter (the snapshot leaves it out: displays get it
    too); `linked`: whether the centre has a national link to show.
    """
    now = snapshot.at
    services = tuple(
        ServiceTile(
            code=service.code,
            name=service.name_sw if language == "sw" else service.name_en,
            waiting=service.waiting,
            longest_wait_minutes=service.longest_wait_minutes,
            target_minutes=centre.service(service.code).target_wait_minutes,
            counters_open=service.counters_open,
        )
        for service in snapshot.services
    )
    counters = tuple(
        CounterTile(
            code=counter.code,
            name=counter.name,
            status=counter.status,
            staff=staff.get(counter.code),
            number=counter.number,
            pause_reason=counter.pause_reason,
            minutes_in_status=_minutes(counter.status_since, now),
        )
        for counter in snapshot.counters
    )
    totals = snapshot.totals
    return HallTiles(
        seq=snapshot.seq,
        at=now,
        waiting=totals.waiting,
        longest_wait_minutes=totals.longest_wait_minutes,
        counters_open=totals.counters_open,
        counters_serving=totals.counters_serving,
        counters_paused=totals.counters_paused,
        counters_closed=totals.counters_closed,
        services=services,
        counters=counters,
        devices=tuple(_device(device, now) for device in snapshot.devices or ()),
        link=snapshot.national_link if linked else None,
        alerts=tuple(_alert(alert, centre, language) for alert in alerts),
    )


def _alert(alert: AlertOut, centre: CentreConfig, language: str) -> AlertTile:
    subject = alert.subject
    if alert.kind == AlertKind.wait_over_target:
        service = centre.service(subject)
        subject = service.name_sw if language == "sw" else service.name_en
    elif alert.kind in (AlertKind.counter_idle, AlertKind.counter_paused_long):
        subject = centre.counter(subject).name
    elif isinstance(alert.detail.get("name"), str):
        subject = str(alert.detail["name"])
    return AlertTile(
        alert_id=alert.alert_id,
        kind=alert.kind,
        subject=subject,
        detail=alert.detail,
        raised_at=alert.raised_at,
        acknowledged_by=alert.acknowledged_by,
    )
