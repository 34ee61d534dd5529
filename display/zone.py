"""A display's zone: the services and counters whose calls and queues it shows."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Zone:
    """Services and counters one board covers; an empty set means no filter on that axis."""

    services: frozenset[str] = field(default_factory=frozenset)
    counters: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, *, services: Iterable[str] = (), counters: Iterable[str] = ()) -> Zone:
        """Build a zone from any iterables of service and counter codes."""
        return cls(services=frozenset(services), counters=frozenset(counters))

    @property
    def is_whole_centre(self) -> bool:
        """True when the board shows every service and counter."""
        return not self.services and not self.counters

    def shows_call(self, *, service_code: str, counter: str | None) -> bool:
        """Whether a call of a ticket of `service_code` to `counter` belongs on this board."""
        if self.services and service_code not in self.services:
            return False
        return not self.counters or counter in self.counters

    def shows_service(
        self, service_code: str, *, services_of: Mapping[str, Collection[str]]
    ) -> bool:
        """Whether the waiting tile of a service belongs on this board.

        A zone of counters shows the services at least one of its counters serves
        (`services_of`: each counter's services, from the server's hall).
        """
        if self.services and service_code not in self.services:
            return False
        return not self.counters or any(
            service_code in services_of.get(counter, ()) for counter in self.counters
        )


WHOLE_CENTRE = Zone()
