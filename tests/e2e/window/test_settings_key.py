"""F1 on any Foleni window must not open Kivy's own settings panel.

F1 is the counter's "call next" key, so staff press it by habit, also on the login form. Kivy's
`App` opens its settings panel on F1 (`App._on_keyboard_settings`, bound in `App._run_prepare`)
unless the app's own key handler consumed the key or the app overrides `open_settings`: the
panel covers the app and lets anyone switch full screen off, change logging or the keyboard
mode, and writes Kivy's config file. The apps run with no server here: the windows they show
while they cannot reach it are enough.
"""

import socket
import time

import pytest

from tests.e2e.window.apps import ObservedApp

pytestmark = [pytest.mark.window, pytest.mark.timeout(120)]

SETTLE_SECONDS = 2.0


@pytest.fixture
def nowhere():
    """A loopback URL that refuses connections: a port bound by the test, never listening."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{held.getsockname()[1]}"


@pytest.mark.parametrize(
    ("app", "args"),
    [
        ("counter", ["--counter", "C11", "--windowed"]),
        ("kiosk", ["--token", "unused-token", "--windowed"]),
        ("display", ["--token", "unused-token", "--windowed", "--mute"]),
    ],
)
def test_f1_leaves_the_window_to_the_app(app, args, nowhere, screen, tmp_path):
    window = ObservedApp(
        app,
        ["--server", nowhere, *args],
        env={"KIVY_NO_FILELOG": "1", "KCFG_KIVY_LOG_LEVEL": "info"},
        screen=screen,
        folder=tmp_path,
    )
    try:
        window.wait_for(lambda: window.look()["widgets"], "the window")
        window.bring_forward()
        window.press("F1")
        deadline = time.monotonic() + SETTLE_SECONDS
        opened = []
        while not opened and time.monotonic() < deadline:
            opened = [w["class"] for w in window.look()["widgets"] if "Settings" in w["class"]]
            time.sleep(0.1)
        assert opened == []
    finally:
        window.stop()
