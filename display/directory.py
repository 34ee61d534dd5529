"""What the board knows about the centre's services and counters: names and who serves what."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ServiceInfo:
    """A service as the hall sees it: code, names in both languages, the server's wait estimate."""

    code: str
    name_en: str
    name_sw: str
    estimated_wait_minutes: int | None = None


@dataclass(frozen=True)
class CounterInfo:
    """A counter's code, the name painted above it and the queues it serves."""

    code: str
    name: str
    services: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class CentreDirectory:
    """The centre's services and counters by code, fetched once per connection."""

    name: str = ""
    services: tuple[ServiceInfo, ...] = ()
    counters: tuple[CounterInfo, ...] = ()

    def service(self, code: str) -> ServiceInfo:
        """Return the service with this code (a placeholder named by the code if unknown)."""
        for service in self.services:
            if service.code == code:
                return service
        return ServiceInfo(code=code, name_en=code, name_sw=code)

    def counter(self, code: str) -> CounterInfo:
        """Return the counter with this code (a placeholder named by the code if unknown)."""
        for counter in self.counters:
            if counter.code == code:
                return counter
        return CounterInfo(code=code, name=code)

    def services_of(self, counter_codes: Iterable[str]) -> frozenset[str]:
        """Service codes served by any of these counters."""
        wanted = set(counter_codes)
        return frozenset(
            service for c in self.counters if c.code in wanted for service in c.services
        )

    def counters_serving(self, service_code: str) -> tuple[CounterInfo, ...]:
        """Counters that serve some stage of this service."""
        return tuple(c for c in self.counters if service_code in c.services)


def service_of_selector(selector: str) -> str:
    """Return the service code of a queue key or selector (`NID.biometrics` -> `NID`)."""
    return selector.split(".", 1)[0]


def directory_from_mapping(data: Mapping[str, object]) -> CentreDirectory:
    """Build a directory from the server's hall snapshot (centre name, services, counters).

    Counters may list the queues they serve (`services`: selectors, as in the centre's TOML);
    without them a zone of counters shows every service's queue.
    """
    services = tuple(
        ServiceInfo(
            code=str(item["code"]),
            name_en=str(item.get("name_en") or item["code"]),
            name_sw=str(item.get("name_sw") or item.get("name_en") or item["code"]),
            estimated_wait_minutes=_minutes(item.get("estimated_wait_minutes")),
        )
        for item in _records(data.get("services"))
    )
    counters = tuple(
        CounterInfo(
            code=str(item["code"]),
            name=str(item.get("name") or item["code"]),
            services=frozenset(service_of_selector(str(s)) for s in _selectors(item)),
        )
        for item in _records(data.get("counters"))
    )
    name = data.get("centre_name") or data.get("name") or ""
    return CentreDirectory(name=str(name), services=services, counters=counters)


def _records(value: object) -> list[Mapping[str, object]]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Mapping) and "code" in item]


def _selectors(item: Mapping[str, object]) -> list[object]:
    services = item.get("services")
    if isinstance(services, Mapping):
        return list(services)
    if isinstance(services, list):
        return list(services)
    return []


def _minutes(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return max(0, round(value))
