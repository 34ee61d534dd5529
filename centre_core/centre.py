"""A centre's configuration: services, stages, counters, priority categories, policy settings.

Every object checks its own fields when built, so a configuration assembled in code is held to
the same rules as one read from TOML by `centre_core.centre_file`, which adds the file name and
line to the error.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType
from typing import Literal, TypeAlias, TypeVar
from zoneinfo import ZoneInfo

from centre_core.clock import local_time
from centre_core.errors import CentreConfigError, ErrorCode, QueueError
from centre_core.hours import OpeningHours
from centre_core.toml_lines import FieldPath

__all__ = [
    "CentreConfig",
    "CounterConfig",
    "NamedCode",
    "OpeningHours",
    "PolicySettings",
    "PriorityCategory",
    "Service",
    "Stage",
]

_SERVICE_CODE = re.compile(r"[A-Z][A-Z0-9]{0,11}")
_PREFIX = re.compile(r"[A-Z]{1,2}")
_LOWER_CODE = re.compile(r"[a-z][a-z0-9_]{0,31}")
_COUNTER_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,15}")


def _fail(path: FieldPath, problem: str) -> CentreConfigError:
    return CentreConfigError(path=path, problem=problem)


def _check_code(value: str, pattern: re.Pattern[str], path: FieldPath, rule: str) -> None:
    if not isinstance(value, str) or pattern.fullmatch(value) is None:
        raise _fail(path, f"{rule} (got {value!r})")


def _check_text(value: str, path: FieldPath) -> None:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, "must be a non-empty string")


def _check_int(value: int, path: FieldPath, *, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(path, f"must be a whole number from {low} to {high} (got {value!r})")


@dataclass(frozen=True)
class NamedCode:
    """A lower_snake_case code with its English and Swahili names (a stage, a priority group)."""

    code: str
    name_en: str
    name_sw: str

    def __post_init__(self) -> None:
        _check_code(self.code, _LOWER_CODE, ("code",), "must be lower_snake_case")
        _check_text(self.name_en, ("name_en",))
        _check_text(self.name_sw, ("name_sw",))


# One step of a multi-stage journey, e.g. biometrics capture.
Stage: TypeAlias = NamedCode
# A group served ahead at the policy's ratio: elderly, disability, pregnant or with infant.
PriorityCategory: TypeAlias = NamedCode


@dataclass(frozen=True)
class Service:
    """A service citizens queue for, with its ticket prefix, target wait and optional stages."""

    code: str
    name_en: str
    name_sw: str
    prefix: str
    target_wait_minutes: int
    stages: tuple[Stage, ...] = ()
    daily_cap: int | None = None
    hours: OpeningHours | None = None
    priority_allowed: bool = True
    collection: bool = False
    prior_service_minutes: float = 8.0

    def __post_init__(self) -> None:
        _check_code(self.code, _SERVICE_CODE, ("code",), "must be 1-12 capital letters or digits")
        _check_text(self.name_en, ("name_en",))
        _check_text(self.name_sw, ("name_sw",))
        _check_code(self.prefix, _PREFIX, ("prefix",), "must be 1-2 capital letters")
        _check_int(self.target_wait_minutes, ("target_wait_minutes",), low=1, high=24 * 60)
        object.__setattr__(self, "stages", tuple(self.stages))
        if len(self.stages) == 1:
            raise _fail(("stages",), "a staged service needs at least 2 stages")
        seen: set[str] = set()
        for index, stage in enumerate(self.stages):
            if stage.code in seen:
                raise _fail(("stages", index, "code"), f"duplicate stage code {stage.code!r}")
            seen.add(stage.code)
        if self.daily_cap is not None:
            _check_int(self.daily_cap, ("daily_cap",), low=1, high=99_999)
        prior = self.prior_service_minutes
        if isinstance(prior, bool) or not isinstance(prior, int | float) or not 0 < prior <= 480:
            raise _fail(("prior_service_minutes",), f"must be a number in (0, 480] (got {prior!r})")

    @property
    def stage_count(self) -> int:
        """Number of stages; a service without stages has one implicit stage."""
        return max(1, len(self.stages))

    def queue_key(self, stage_index: int) -> str:
        """Return the queue a ticket of this service waits in at `stage_index`."""
        if not 0 <= stage_index < self.stage_count:
            raise ValueError(f"{self.code} has no stage {stage_index}")
        if not self.stages:
            return self.code
        return f"{self.code}.{self.stages[stage_index].code}"

    @property
    def queue_keys(self) -> tuple[str, ...]:
        """The queues of this service, one per stage, in journey order."""
        return tuple(self.queue_key(index) for index in range(self.stage_count))


@dataclass(frozen=True)
class CounterConfig:
    """A counter and the queues it serves, each with a weight >= 1.

    A selector is a service code (every stage of it) or a stage key such as `NID.biometrics`
    (that stage only); a stage key's own weight wins over its service's.
    """

    code: str
    name: str
    services: Mapping[str, int]
    zone: str | None = None

    def __post_init__(self) -> None:
        _check_code(self.code, _COUNTER_CODE, ("code",), "must be 1-16 letters, digits, - or _")
        _check_text(self.name, ("name",))
        if self.zone is not None:
            _check_text(self.zone, ("zone",))
        if not self.services:
            raise _fail(("services",), "a counter must serve at least one service")
        for selector, weight in self.services.items():
            _check_int(weight, ("services", selector), low=1, high=100)
        object.__setattr__(self, "services", MappingProxyType(dict(self.services)))

    def weight_for(self, queue_key: str) -> int:
        """Return this counter's weight for a queue, 0 when it does not serve it."""
        if queue_key in self.services:
            return self.services[queue_key]
        return self.services.get(queue_key.split(".", 1)[0], 0)

    def serves(self, queue_key: str) -> bool:
        """Whether this counter may call tickets from this queue."""
        return self.weight_for(queue_key) > 0


@dataclass(frozen=True)
class PolicySettings:
    """The tunable numbers of the calling policy and of appointment check-in.

    `priority_every=2`: at most 2 normal tickets called in a row at a counter while a priority
    ticket waits there, then 1 priority ticket (0: priority tickets always first).
    `max_pass_over`: the oldest ticket a counter can call is passed over by at most this many
    later arrivals at that counter, then it is called next.
    """

    mode: Literal["urgency", "fifo"] = "urgency"
    priority_every: int = 2
    recall_limit: int = 3
    appointment_early_minutes: int = 30
    appointment_late_minutes: int = 15
    max_pass_over: int = 20

    def __post_init__(self) -> None:
        if self.mode not in ("urgency", "fifo"):
            raise _fail(("mode",), f'must be "urgency" or "fifo" (got {self.mode!r})')
        _check_int(self.priority_every, ("priority_every",), low=0, high=100)
        _check_int(self.recall_limit, ("recall_limit",), low=0, high=20)
        _check_int(self.appointment_early_minutes, ("appointment_early_minutes",), low=0, high=720)
        _check_int(self.appointment_late_minutes, ("appointment_late_minutes",), low=0, high=720)
        _check_int(self.max_pass_over, ("max_pass_over",), low=0, high=1000)


@dataclass(frozen=True)
class AlertThresholds:
    """When each alert is raised (the centre file's `[alerts]` table); minutes unless named.

    `wait_over_target_percent`: a service's longest wait above this share of its target
    (100: any wait over target). `device_silent_minutes`: a kiosk or board that has not
    reported for this long (they report at least every
    `centre_core.alerts.DEVICE_REPORT_SECONDS`).
    `counter_idle_minutes`: an open counter holding nobody this long while its services have
    people waiting.
    """

    wait_over_target_percent: int = 100
    device_silent_minutes: int = 5
    counter_paused_minutes: int = 20
    counter_idle_minutes: int = 10
    link_down_minutes: int = 10
    link_lag_minutes: int = 30

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            _check_int(value, (name,), low=1, high=1440)


@dataclass(frozen=True, kw_only=True)
class CentreConfig:
    """One centre: its services, counters, priority categories, hours and policy settings.

    `hours` are the centre's own opening hours, used by every service without its own
    (None: always open).
    """

    code: str
    name: str
    timezone: str = "Africa/Nairobi"
    services: tuple[Service, ...]
    counters: tuple[CounterConfig, ...]
    priority_categories: tuple[PriorityCategory, ...] = ()
    policy: PolicySettings = field(default_factory=PolicySettings)
    hours: OpeningHours | None = None
    alerts: AlertThresholds = field(default_factory=AlertThresholds)
    _services: Mapping[str, Service] = field(init=False, repr=False, compare=False)
    _counters: Mapping[str, CounterConfig] = field(init=False, repr=False, compare=False)
    _queues: Mapping[str, tuple[Service, int]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("services", "counters", "priority_categories"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        _check_code(
            self.code, _COUNTER_CODE, ("centre", "code"), "must be 1-16 letters, digits, - or _"
        )
        _check_text(self.name, ("centre", "name"))
        try:
            ZoneInfo(self.timezone)
        except (KeyError, ValueError, TypeError):
            raise _fail(
                ("centre", "timezone"), f"unknown IANA time zone {self.timezone!r}"
            ) from None
        if not self.services:
            raise _fail(("services",), "a centre needs at least one service")
        if not self.counters:
            raise _fail(("counters",), "a centre needs at least one counter")
        services = _unique(self.services, "services", lambda s: s.code, "code")
        _unique(self.services, "services", lambda s: s.prefix, "prefix")
        counters = _unique(self.counters, "counters", lambda c: c.code, "code")
        _unique(self.priority_categories, "priority_categories", lambda p: p.code, "code")
        queues = {
            service.queue_key(index): (service, index)
            for service in self.services
            for index in range(service.stage_count)
        }
        for index, counter in enumerate(self.counters):
            for selector in counter.services:
                if selector not in services and selector not in queues:
                    raise _fail(
                        ("counters", index, "services", selector),
                        f"no service or stage {selector!r} in this centre",
                    )
        for index, service in enumerate(self.services):
            for stage_index, key in enumerate(service.queue_keys):
                if not any(counter.serves(key) for counter in self.counters):
                    path: FieldPath = ("services", index)
                    if service.stages:
                        path += ("stages", stage_index)
                    raise _fail(path, f"no counter serves queue {key!r}")
        object.__setattr__(self, "_services", MappingProxyType(services))
        object.__setattr__(self, "_counters", MappingProxyType(counters))
        object.__setattr__(self, "_queues", MappingProxyType(queues))

    def service(self, code: str) -> Service:
        """Return the service with this code; raises `service_not_found`."""
        try:
            return self._services[code]
        except KeyError:
            raise QueueError(ErrorCode.service_not_found, f"no service {code!r}") from None

    def counter(self, code: str) -> CounterConfig:
        """Return the counter with this code; raises `counter_not_found`."""
        try:
            return self._counters[code]
        except KeyError:
            raise QueueError(ErrorCode.counter_not_found, f"no counter {code!r}") from None

    def priority(self, code: str) -> PriorityCategory:
        """Return the priority category with this code; raises `unknown_priority`."""
        for category in self.priority_categories:
            if category.code == code:
                return category
        raise QueueError(ErrorCode.unknown_priority, f"no priority category {code!r}")

    def queue(self, queue_key: str) -> tuple[Service, int]:
        """Return the service and stage index of a queue key; raises `service_not_found`."""
        try:
            return self._queues[queue_key]
        except KeyError:
            raise QueueError(ErrorCode.service_not_found, f"no queue {queue_key!r}") from None

    @property
    def queue_keys(self) -> tuple[str, ...]:
        """Every queue of the centre, services in file order, stages in journey order."""
        return tuple(self._queues)

    def queues_by_counter(self) -> dict[str, tuple[str, ...]]:
        """Return the queue keys each counter serves, by counter code, in `queue_keys` order."""
        return {
            counter.code: tuple(key for key in self.queue_keys if counter.serves(key))
            for counter in self.counters
        }

    def with_counter_services(self, services: Mapping[str, Mapping[str, int]]) -> "CentreConfig":
        """Return the centre with some counters serving other queues (by counter code).

        Refused with `counter_services_invalid` for an unknown selector, a weight outside 1-100,
        an empty set, or a queue no counter would serve any more; `counter_not_found` for an
        unknown counter.
        """
        changed = {code: dict(selectors) for code, selectors in services.items()}
        for code, selectors in changed.items():
            self.counter(code)
            if not selectors:
                raise QueueError(
                    ErrorCode.counter_services_invalid, f"counter {code} must serve something"
                )
            for selector, weight in selectors.items():
                if selector not in self._services and selector not in self._queues:
                    raise QueueError(
                        ErrorCode.counter_services_invalid, f"no service or stage {selector!r}"
                    )
                if (
                    isinstance(weight, bool)
                    or not isinstance(weight, int)
                    or not 1 <= weight <= 100
                ):
                    raise QueueError(
                        ErrorCode.counter_services_invalid,
                        f"weight of {selector!r} must be a whole number from 1 to 100",
                    )
        counters = tuple(
            replace(counter, services=changed[counter.code]) if counter.code in changed else counter
            for counter in self.counters
        )
        for key in self.queue_keys:
            if not any(counter.serves(key) for counter in counters):
                raise QueueError(
                    ErrorCode.counter_services_invalid, f"no counter would serve queue {key!r}"
                )
        return replace(self, counters=counters)

    def counters_serving(self, queue_key: str) -> tuple[CounterConfig, ...]:
        """Return the counters configured to serve a queue."""
        return tuple(counter for counter in self.counters if counter.serves(queue_key))

    def hours_for(self, service: Service) -> OpeningHours | None:
        """Return the service's own hours, else the centre's (None: always open)."""
        return service.hours if service.hours is not None else self.hours

    def closed_reason(self, service_code: str, now: datetime) -> str | None:
        """Why a service takes no tickets at `now`, or None when it is open."""
        hours = self.hours_for(self.service(service_code))
        if hours is None:
            return None
        return hours.closed_reason(local_time(now, timezone=self.timezone))


_Item = TypeVar("_Item")


def _unique(
    items: tuple[_Item, ...], table: str, key: Callable[[_Item], str], name: str
) -> dict[str, _Item]:
    found: dict[str, _Item] = {}
    for index, item in enumerate(items):
        value = key(item)
        if value in found:
            raise _fail((table, index, name), f"duplicate {name} {value!r}")
        found[value] = item
    return found
