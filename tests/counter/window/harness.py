"""Drive the real counter window: keys, touches, waits and screenshots."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit

from kivy.core.window import Keyboard, Window
from kivy.tests.common import UnitTestTouch
from kivy.uix.widget import Widget

from centre_client.api import CentreClient
from counter.app import CounterApp, run_app
from counter.centre_link import CentreCounterLink
from counter.model import Session
from counter.view_models import CounterViewModel


class WindowSession:
    """One counter window for a whole test module, on one asyncio loop.

    Kivy keeps one window per process, and its clock belongs to the loop it first ran on: the
    app runs as a task of a loop kept for the module, and each test runs its scenario on it
    (log in at the login form, act, log out).
    """

    def __init__(self, url: str) -> None:
        self.loop = asyncio.new_event_loop()
        # The window reaches the centre through a proxy a test can cut: a real network outage.
        self.proxy = LoopbackProxy(url)
        self.loop.run_until_complete(self.proxy.open())
        self.link = CentreCounterLink(self.proxy.url)
        self.app = CounterApp(link=self.link)
        self._task = self.loop.create_task(run_app(self.app))
        self.run(lambda: wait_for(lambda: self.app.root is not None, within=20))

    def run(self, scenario: Callable[[], Awaitable[None]]) -> None:
        """Run `scenario` while the window lives; a failure is raised after a log-out."""
        self.loop.run_until_complete(self._guarded(scenario))

    async def _guarded(self, scenario: Callable[[], Awaitable[None]]) -> None:
        try:
            await frames(2)
            await scenario()
        finally:
            await self._back_to_login()

    async def _back_to_login(self) -> None:
        vm = self.app.vm
        if vm is None:
            return
        await vm.settle()
        vm.close_dialog()
        if vm.has_ticket:
            await vm.finish()
        if vm.counter_status == "paused":
            await vm.resume()
        await vm.log_out()
        await wait_for(lambda: self.app.root.current == "login")

    def close(self) -> None:
        """Close the window and end the loop."""
        self.app.stop()
        self.loop.run_until_complete(self._task)
        self.loop.run_until_complete(self.link.aclose())
        self.loop.run_until_complete(self.proxy.cut())
        self.loop.close()


class LoopbackProxy:
    """A TCP proxy on 127.0.0.1 in front of the centre; `cut()` is the network going down."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self._target = (parts.hostname or "127.0.0.1", parts.port or 80)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    @property
    def url(self) -> str:
        """The proxy's URL (fixed once opened)."""
        return f"http://127.0.0.1:{self.port}"

    async def open(self) -> None:
        """Listen (again, on the same port after a cut)."""
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        """Stop listening and drop every open connection."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self._target)
        except OSError:
            writer.transport.abort()
            return
        self._writers |= {writer, up_writer}
        await asyncio.gather(
            _pipe(reader, up_writer), _pipe(up_reader, writer), return_exceptions=True
        )
        self._writers -= {writer, up_writer}


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    finally:
        writer.transport.abort()


async def frames(count: int = 2) -> None:
    """Let Kivy draw a few frames (bindings settle, the canvas updates)."""
    for _ in range(count):
        await asyncio.sleep(1 / 30)


async def wait_for(condition: Callable[[], object], *, within: float = 5.0) -> None:
    """Wait until `condition()` holds, checking between frames."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(0.02)


def key_down(key: str, *, ctrl: bool = False) -> None:
    """Press and release one key on the window now (what it starts runs on the loop)."""
    code = Keyboard.keycodes[key]
    Window.dispatch("on_key_down", code, 0, None, ["ctrl"] if ctrl else [])
    Window.dispatch("on_key_up", code, 0)


async def press(key: str, *, ctrl: bool = False) -> None:
    """Press and release one key on the window, then let a frame pass."""
    key_down(key, ctrl=ctrl)
    await frames(1)


async def click(widget: Widget) -> None:
    """Touch the middle of a widget and lift the finger."""
    x, y = widget.to_window(*widget.center)
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    touch.touch_up()
    await frames(1)


async def type_text(field: Widget, text: str) -> None:
    """Focus a text field, clear it and type into it."""
    field.focus = True
    field.text = ""
    field.insert_text(text)
    await frames(1)


async def screenshot(directory: Path, name: str) -> Path:
    """Save the window as `name`.png (Kivy numbers its files: rename to the plain name)."""
    await frames(3)
    return _save_window(directory / f"{name}.png")


def _save_window(target: Path) -> Path:
    saved = Window.screenshot(name=str(target))
    Path(saved).replace(target)
    return target


async def log_in_window(
    app: CounterApp, *, staff_number: str, pin: str, counter: str
) -> CounterViewModel:
    """Log in through the login form (typing, then Enter) and wait for the counter screen."""
    screen = app.root.get_screen("login")
    await type_text(screen.ids.staff_number, staff_number)
    await type_text(screen.ids.pin, pin)
    await type_text(screen.ids.counter, counter)
    screen.ids.counter.focus = False
    await press("enter")
    await wait_for(lambda: app.vm is not None and app.root.current == "counter", within=10)
    vm = app.vm
    await wait_for(lambda: vm.online and vm.services_text, within=10)
    return vm


async def second_counter(
    url: str, staff: dict[str, str]
) -> tuple[CounterViewModel, CentreCounterLink]:
    """Another counter's view-model and link in this process (Kivy has one window per process)."""
    link = CentreCounterLink(url)
    session: Session = await link.log_in(
        staff_number=staff["staff_number"], pin=staff["pin"], counter=staff["counter"]
    )
    vm = CounterViewModel(link=link, session=session)
    await vm.start()
    await wait_for(lambda: vm.online, within=10)
    return vm, link


async def drain(link: CentreCounterLink) -> None:
    """Call and finish at a counter until nobody waits for it (the demo's tickets included)."""
    while (await link.counter_queue(limit=1)).waiting.count:
        held = await link.call_next()
        await link.finish(held.ticket_id)


async def issue(url: str, token: str, service_code: str, **fields: str) -> str:
    """Issue a walk-in ticket as the kiosk does; return its number."""
    async with CentreClient(url, token) as kiosk:
        ticket = await kiosk.issue_ticket(service_code=service_code, **fields)
    return ticket.number
