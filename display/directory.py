"""What the board knows about the centre's services and counters, from the server's hall."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceInfo:
    """A service as the hall sees it: names in both languages and the server's figures.

    `counters_open` and `estimated_wait_minutes` are the server's (it knows which counters
    serve the service and the recent service times); they are fetched again shortly after
    queue events.
    """

    code: str
    name_en: str
    name_sw: str
    estimated_wait_minutes: int | None = None
    counters_open: int = 0


@dataclass(frozen=True)
class CounterInfo:
    """A counter's code, the name painted above it and the codes of the services it serves."""

    code: str
    name: str
    services: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CentreDirectory:
    """The centre's name, services and counters by code."""

    name: str = ""
    services: tuple[ServiceInfo, ...] = ()
    counters: tuple[CounterInfo, ...] = ()
    # The managers' notices now, each in its words for the hall ("Birth certificate: ...").
    notices: tuple[str, ...] = ()

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

    def services_of_counters(self) -> dict[str, frozenset[str]]:
        """Return the services each counter serves, by counter code."""
        return {counter.code: counter.services for counter in self.counters}


def service_of_selector(selector: str) -> str:
    """Return the service code of a queue key or selector (`NID.biometrics` -> `NID`)."""
    return selector.split(".", 1)[0]
