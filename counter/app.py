"""The counter app: its screens (one kv file each), keys bound to actions, one asyncio loop.

Import it only after `counter.window_setup.configure()`: Kivy fixes the window on import.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.clock import Clock as KivyClock
from kivy.clock import ClockEvent
from kivy.core.window import Keyboard, Window
from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.modalview import ModalView
from kivy.uix.screenmanager import NoTransition, Screen, ScreenManager

from app_shell.app import FoleniApp
from app_shell.tasks import TaskSet
from centre_core.clock import Clock
from counter.centre_link import CentreCounterLink
from counter.model import Session
from counter.ports import CounterLink
from counter.shortcuts import CLOSE_DIALOG_KEY, action_for
from counter.view_models import CounterViewModel, LoginViewModel
from counter.widgets import TargetButton
from translations.catalogs import SOURCE_LANGUAGE

# Shared widgets first: the screens' files use their rules and colours.
KV_FILES = tuple(
    Path(__file__).with_name(name)
    for name in (
        "widgets.kv",
        "login.kv",
        "counter_screen.kv",
        "pause_dialog.kv",
        "transfer_dialog.kv",
    )
)
KEY_NAMES = {code: name for name, code in Keyboard.keycodes.items()}
ENTER_KEYS = frozenset({"enter", "numpadenter"})


class LoginScreen(Screen):
    """The login form."""

    vm = ObjectProperty(None, rebind=True)


class CounterScreen(Screen):
    """The counter screen."""

    vm = ObjectProperty(None, rebind=True)


class PauseDialog(ModalView):
    """Asks why the counter pauses."""

    vm = ObjectProperty(None, rebind=True)


class TransferDialog(ModalView):
    """Asks where the held ticket goes (a service or a counter) and an optional note."""

    vm = ObjectProperty(None, rebind=True)
    target_kind = StringProperty("")
    target_code = StringProperty("")

    def on_kv_post(self, base_widget: Any) -> None:
        """Fill the target lists from the view-model's choices."""
        for kind, rows, box in (
            ("service", self.vm.transfer_services, self.ids.services),
            ("counter", self.vm.transfer_counters, self.ids.counters),
        ):
            for row in rows:
                button = TargetButton(text=row["label"], code=row["code"], kind=kind)
                button.bind(state=self._chosen)
                box.add_widget(button)

    def _chosen(self, button: Any, state: str) -> None:
        if state == "down":
            self.target_kind, self.target_code = button.kind, button.code
        elif self.target_code == button.code and self.target_kind == button.kind:
            self.target_kind = self.target_code = ""

    def choose(self, *, kind: str, code: str) -> bool:
        """Select a target as if its button were pressed (keyboard and tests)."""
        for box in (self.ids.services, self.ids.counters):
            for button in box.children:
                if button.kind == kind and button.code == code:
                    button.state = "down"
                    return True
        return False

    def confirm(self) -> bool:
        """Send the ticket to the chosen target."""
        target = {f"to_{self.target_kind}": self.target_code} if self.target_code else {}
        return self.vm.confirm_transfer(note=self.ids.note.text.strip(), **target)


class CounterApp(FoleniApp):
    """The staff's counter: log in, then call and serve citizens."""

    title = "Foleni counter"
    kv_files = KV_FILES
    login_vm = ObjectProperty(None)
    vm = ObjectProperty(None, allownone=True)

    def __init__(
        self,
        *,
        link: CounterLink,
        counter: str | None = None,
        clock: Clock | None = None,
        language: str = SOURCE_LANGUAGE,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.link = link
        self._clock = clock
        self._tasks = TaskSet()
        self._ticker: ClockEvent | None = None
        self._dialog: ModalView | None = None
        self.login_vm = LoginViewModel(link=link, counter=counter, language=language)
        self.login_vm.bind(on_logged_in=self._logged_in)

    def build(self) -> ScreenManager:
        """Load the layout and show the login form."""
        self.load_kv_files()
        manager = ScreenManager(transition=NoTransition())
        manager.add_widget(LoginScreen(vm=self.login_vm))
        Window.bind(on_key_down=self.key_down)
        return manager

    def on_stop(self) -> None:
        """Unbind the keys and stop the clock tick when the window closes."""
        Window.unbind(on_key_down=self.key_down)
        self._stop_ticker()

    async def aclose(self) -> None:
        """End the counter's background work (after the window closed)."""
        if self.vm is not None:
            await self.vm.stop()
        await self._tasks.cancel_all()

    @property
    def screens(self) -> ScreenManager:
        """The screen manager (the root widget)."""
        return self.root

    @property
    def dialog(self) -> ModalView | None:
        """The open dialog, if any."""
        return self._dialog

    # Keys ------------------------------------------------------------------------------------

    def key_down(
        self, window: Any, key: int, scancode: int, codepoint: str | None, modifiers: list[str]
    ) -> bool:
        """Turn a key press into the action the shortcuts bind it to."""
        name = KEY_NAMES.get(key, codepoint or "")
        if self.screens is None or self.screens.current == "login":
            if name in ENTER_KEYS:
                self.login_vm.submit()
                return True
            return False
        vm = self.vm
        if vm is None:
            return False
        if vm.dialog:
            if name == CLOSE_DIALOG_KEY:
                vm.close_dialog()
                return True
            if vm.dialog == "pause":
                return vm.pause_key(name)
            if name in ENTER_KEYS and isinstance(self._dialog, TransferDialog):
                self._dialog.confirm()
                return True
            return False  # typing the transfer note
        if name == CLOSE_DIALOG_KEY:
            return True  # Esc never closes the counter
        action = action_for(name, ctrl="ctrl" in modifiers)
        if action is None:
            return False
        vm.perform(action)
        return True

    # Sessions --------------------------------------------------------------------------------

    def _logged_in(self, login_vm: LoginViewModel, session: Session) -> None:
        vm = CounterViewModel(
            link=self.link, session=session, clock=self._clock, language=login_vm.language
        )
        vm.bind(on_logged_out=self._logged_out, dialog=self._dialog_changed)
        self.vm = vm
        screens = self.screens
        if screens.has_screen("counter"):
            screens.remove_widget(screens.get_screen("counter"))
        screens.add_widget(CounterScreen(vm=vm))
        screens.current = "counter"
        self._tasks.spawn(vm.start())
        self._ticker = KivyClock.schedule_interval(lambda _dt: vm.tick(), 1.0)

    def _logged_out(self, vm: CounterViewModel, reason: str) -> None:
        self.login_vm.logged_out(reason)
        self._stop_ticker()
        self._close_dialog()
        self.screens.current = "login"
        self.vm = None

    def _stop_ticker(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None

    def _dialog_changed(self, vm: CounterViewModel, dialog: str) -> None:
        self._close_dialog()
        if dialog == "pause":
            self._dialog = PauseDialog(vm=vm)
        elif dialog == "transfer":
            self._dialog = TransferDialog(vm=vm)
        if self._dialog is not None:
            self._dialog.open(animation=False)

    def _close_dialog(self) -> None:
        if self._dialog is not None:
            self._dialog.dismiss(animation=False)
            self._dialog = None


async def run_app(app: CounterApp) -> None:
    """Run the window and the counter's tasks on the running asyncio loop until it closes."""
    try:
        await app.async_run(async_lib="asyncio")
    finally:
        await app.aclose()


async def run_counter(*, server: str, counter: str | None, language: str) -> None:
    """Run the counter against the centre server at `server` until the window closes."""
    link = CentreCounterLink(server)
    try:
        await run_app(CounterApp(link=link, counter=counter, language=language))
    finally:
        await link.aclose()
