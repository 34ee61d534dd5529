"""What the hall display needs from the centre: one small interface, met by the centre client."""

from __future__ import annotations

from typing import Protocol

from app_shell.ports import ChangesHandler, OnlineHandler
from centre_client.mirror import QueueMirror
from centre_core.wire import SoundStatus
from display.directory import CentreDirectory


class HallLink(Protocol):
    """The centre server as one hall display uses it.

    Reads and reports raise `centre_client.errors.CentreApiError` with the server's code when
    the centre refuses, and its subclass `CentreUnavailable` when it is out of reach.
    """

    @property
    def mirror(self) -> QueueMirror:
        """The hall's queues and recent calls, kept current while `follow` runs."""
        ...

    @property
    def online(self) -> bool:
        """Whether the centre's event stream is connected now."""
        ...

    async def directory(self) -> CentreDirectory:
        """Fetch the centre's names, counters and the server's wait figures."""
        ...

    async def report_status(self, message: str, sound: SoundStatus) -> None:
        """Tell the centre (the managers' device list and alerts) how this board is."""
        ...

    async def follow(self, *, on_changes: ChangesHandler, on_online: OnlineHandler) -> None:
        """Follow the centre's event stream until cancelled, reporting changes and reachability."""
        ...
