import pytest
from kivy.config import Config

from app_shell.launch import launch
from app_shell.settings import SettingsError
from app_shell.window import configure_window

OPTIONS = [
    ("graphics", "fullscreen"),
    ("graphics", "width"),
    ("graphics", "height"),
    ("graphics", "show_cursor"),
    ("graphics", "resizable"),
    ("kivy", "exit_on_escape"),
    ("input", "mouse"),
]


@pytest.fixture
def config():
    saved = {option: Config.get(*option) for option in OPTIONS}
    yield lambda section, name: Config.get(section, name)
    for (section, name), value in saved.items():
        Config.set(section, name, value)


def test_a_public_screen_in_full_screen_has_no_pointer_and_ignores_escape(config):
    Config.set("kivy", "exit_on_escape", "1")
    Config.set("graphics", "show_cursor", "1")
    configure_window(windowed=False, size=(1280, 800), public=True)
    assert config("graphics", "fullscreen") == "auto"
    assert (config("graphics", "show_cursor"), config("kivy", "exit_on_escape")) == ("0", "0")


def test_a_public_screen_in_a_window_keeps_kivys_pointer_and_escape(config):
    Config.set("kivy", "exit_on_escape", "1")
    Config.set("graphics", "show_cursor", "1")
    configure_window(windowed=True, size=(1280, 720), public=True)
    assert (config("graphics", "fullscreen"), config("graphics", "height")) == ("0", "720")
    assert (config("graphics", "show_cursor"), config("kivy", "exit_on_escape")) == ("1", "1")


def test_a_staff_workstation_never_closes_on_escape_and_keeps_its_pointer(config):
    Config.set("graphics", "show_cursor", "1")
    configure_window(windowed=True, size=(1280, 800), public=False)
    assert config("kivy", "exit_on_escape") == "0"
    assert config("graphics", "show_cursor") == "1"
    assert config("graphics", "resizable") == "1"
    assert config("input", "mouse") == "mouse,disable_multitouch"


def test_launch_stops_on_unusable_settings_before_the_window(capsys):
    def refuse():
        raise SettingsError("missing_token", "a device token is needed")

    def never(_settings):
        raise AssertionError("configured or run despite unusable settings")

    assert launch("foleni kiosk", parse=refuse, configure=never, run=never) == 2
    assert capsys.readouterr().err == "foleni kiosk: a device token is needed (missing_token)\n"


def test_launch_configures_the_window_then_runs_the_app():
    steps = []

    async def run(settings):
        steps.append(("run", settings))

    status = launch(
        "foleni display",
        parse=lambda: "settings",
        configure=lambda settings: steps.append(("configure", settings)),
        run=run,
    )
    assert status == 0
    assert steps == [("configure", "settings"), ("run", "settings")]
