"""The hall display's link to a real centre: `CentreClient` for reads, `EventStream` for events."""

from __future__ import annotations

from app_shell.ports import ChangesHandler, OnlineHandler
from centre_client.api import CentreClient
from centre_client.mirror import Change, QueueMirror
from centre_client.records import from_wire
from centre_client.stream import EventStream
from centre_core.wire import HallSnapshot, NoticeOut, SoundStatus
from display.directory import CentreDirectory, CounterInfo, ServiceInfo

# Reads and reports are retried once: a board must not wait long on a blip.
FETCH_TIMEOUT_SECONDS = 5.0
FETCH_RETRIES = 1
# Calls the mirror keeps: enough for the board's list after zone filtering drops most of them.
MIRROR_CALLS = 60


class CentreHallLink:
    """One display's device session with a centre server (meets `display.ports.HallLink`)."""

    def __init__(self, base_url: str, token: str) -> None:
        self.client = CentreClient(
            base_url, token, timeout=FETCH_TIMEOUT_SECONDS, retries=FETCH_RETRIES
        )
        self._on_changes: ChangesHandler | None = None
        self._on_online: OnlineHandler | None = None
        self.stream = EventStream(
            base_url,
            token,
            mirror=QueueMirror(max_calls=MIRROR_CALLS),
            on_changes=self._changed,
            on_online=self._online_changed,
        )

    @property
    def mirror(self) -> QueueMirror:
        """The mirror the event stream keeps current."""
        return self.stream.mirror

    @property
    def online(self) -> bool:
        """Whether the event stream is connected now."""
        return self.stream.online

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self.client.aclose()

    async def directory(self) -> CentreDirectory:
        """Fetch the centre's hall (`GET /api/v1/hall`) as the board's directory."""
        return directory_from_hall(await self.client.hall_snapshot())

    async def report_status(self, message: str, sound: SoundStatus) -> None:
        """Report the board's state as a `device.status` (managers see it)."""
        await self.client.report_device_status(message=message, sound=sound)

    async def follow(self, *, on_changes: ChangesHandler, on_online: OnlineHandler) -> None:
        """Follow the centre's event stream with the display's token until cancelled."""
        self._on_changes, self._on_online = on_changes, on_online
        try:
            await self.stream.run()
        finally:
            # Closing reports the board offline, so a stopped board never shows "live".
            await self.stream.aclose()

    def _changed(self, changes: list[Change]) -> None:
        if self._on_changes is not None:
            self._on_changes(changes)

    def _online_changed(self, online: bool) -> None:
        if self._on_online is not None:
            self._on_online(online)


def _notice_text(notice: NoticeOut) -> str:
    # The board speaks both languages: a Swahili text, where the manager wrote one, follows.
    if notice.text_sw and notice.text_sw != notice.text_en:
        return f"{notice.text_en} · {notice.text_sw}"
    return notice.text_en


def directory_from_hall(hall: HallSnapshot) -> CentreDirectory:
    """Build the directory from the server's hall snapshot (`GET /api/v1/hall`)."""
    notices = [_notice_text(notice) for notice in hall.notices]
    for service in hall.services:
        notices += [f"{service.name_en}: {_notice_text(notice)}" for notice in service.notices]
    return CentreDirectory(
        name=hall.centre_name,
        services=tuple(from_wire(ServiceInfo, service) for service in hall.services),
        counters=tuple(
            from_wire(CounterInfo, c, services=frozenset(c.services)) for c in hall.counters
        ),
        notices=tuple(notices),
    )
