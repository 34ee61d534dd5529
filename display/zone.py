"""A display's zone: the services and counters whose calls and queues it shows."""

from __future__ import annotations

from collections.abc import Iterable
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

    def shows_service(self, service_code: str) -> bool:
        """Whether the waiting tile of a service belongs on this board.

        Only a service filter narrows the tiles: the server's hall does not say which queues
        each counter serves, so a zone of counters shows every service's waiting line.
        """
        return not self.services or service_code in self.services


WHOLE_CENTRE = Zone()
