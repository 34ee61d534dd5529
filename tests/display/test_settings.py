"""The display's command line and the settings it refuses."""

from pathlib import Path

import pytest

from display.settings import SettingsError, parse_settings
from display.zone import Zone
from tests.translations.catalog_files import one_more_catalog

GOOD = ["--server", "http://centre", "--token", "t"]


def test_the_command_line_gives_typed_settings() -> None:
    settings = parse_settings(
        [
            "--server",
            "http://127.0.0.1:8000/",
            "--token",
            "t0k",
            "--zone-services",
            "NID, BC",
            "--zone-counters",
            "3,4",
            "--languages",
            "sw,en",
            "--volume",
            "60",
            "--audio-dir",
            "/tmp/calls",
            "--mute",
            "--windowed",
            "--centre-name",
            "Huduma Centre Kisumu",
            "--notice",
            "Karibu",
        ],
        environ={},
    )
    assert settings.server_url == "http://127.0.0.1:8000"
    assert settings.zone == Zone.of(services=["NID", "BC"], counters=["3", "4"])
    assert settings.languages == ("sw", "en")
    assert (settings.volume_percent, settings.audio_dir) == (60, Path("/tmp/calls"))
    assert (settings.play_audio, settings.windowed) == (False, True)
    assert (settings.centre_name, settings.notice) == ("Huduma Centre Kisumu", "Karibu")


def test_server_and_token_may_come_from_the_environment() -> None:
    environ = {"FOLENI_DISPLAY_SERVER": "https://centre.lan", "FOLENI_DISPLAY_TOKEN": "abc"}
    settings = parse_settings([], environ=environ)
    assert (settings.server_url, settings.token) == ("https://centre.lan", "abc")
    assert settings.zone.is_whole_centre
    assert settings.languages == ("en", "sw")
    assert settings.play_audio and not settings.windowed


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["--token", "t"], "invalid_server_url"),
        (["--server", "ftp://centre", "--token", "t"], "invalid_server_url"),
        (["--server", "http://centre"], "missing_token"),
        (
            ["--server", "http://centre", "--token", "t", "--languages", "en,fr"],
            "unsupported_language",
        ),
        (["--server", "http://centre", "--token", "t", "--languages", ","], "unsupported_language"),
        (["--server", "http://centre", "--token", "t", "--volume", "101"], "invalid_volume"),
        (["--server", "http://centre", "--token", "t", "--recent", "0"], "invalid_recent_count"),
        (
            ["--server", "http://centre", "--token", "t", "--highlight-seconds", "0"],
            "invalid_duration",
        ),
    ],
)
def test_unusable_settings_are_refused_with_a_code(argv: list[str], code: str) -> None:
    with pytest.raises(SettingsError) as refused:
        parse_settings(argv, environ={})
    assert refused.value.code == code


def test_any_language_with_a_catalog_may_be_announced(tmp_path: Path) -> None:
    argv = [*GOOD, "--languages", "sw,ar,en"]
    with one_more_catalog(tmp_path, "ar", ""):
        assert parse_settings(argv, environ={}).languages == ("sw", "ar", "en")
    with pytest.raises(SettingsError):
        parse_settings(argv, environ={})


def test_main_reports_a_refused_setting_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    from display.__main__ import main

    assert main(["--server", "http://centre"]) == 2
    assert "missing_token" in capsys.readouterr().err
