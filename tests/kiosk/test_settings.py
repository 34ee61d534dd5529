"""Kiosk settings from the command line."""

import pytest

from kiosk.settings import SettingsError, parse_settings, printer_settings


def test_the_command_line_of_foleni_kiosk():
    settings = parse_settings(
        [
            "--server",
            "http://127.0.0.1:8000/",
            "--token",
            "tok",
            "--printer",
            "network:10.0.0.7:9101",
            "--windowed",
            "--language",
            "sw",
        ],
        environ={},
    )
    assert settings.server_url == "http://127.0.0.1:8000"
    assert (settings.printer.kind, settings.printer.host, settings.printer.port) == (
        "network",
        "10.0.0.7",
        9101,
    )
    assert settings.windowed
    assert settings.language.value == "sw"


def test_the_token_and_printer_may_come_from_the_environment():
    settings = parse_settings(
        ["--server", "http://127.0.0.1:8000"],
        environ={"FOLENI_KIOSK_TOKEN": "tok", "FOLENI_KIOSK_PRINTER": "file:/dev/usb/lp0"},
    )
    assert settings.token == "tok"
    assert settings.printer.file_path == "/dev/usb/lp0"
    assert not settings.windowed
    windowed = parse_settings(
        ["--server", "http://127.0.0.1:8000", "--token", "t"],
        environ={"FOLENI_KIOSK_WINDOWED": "1"},
    )
    assert windowed.windowed
    assert (
        parse_settings(
            ["--server", "http://127.0.0.1:8000", "--token", "t", "--fullscreen"],
            environ={"FOLENI_KIOSK_WINDOWED": "1"},
        ).windowed
        is False
    )


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["--server", "ftp://x", "--token", "t"], "invalid_server_url"),
        (["--server", "http://127.0.0.1:8000"], "missing_token"),
        (
            ["--server", "http://127.0.0.1:8000", "--token", "t", "--timezone", "Mars/Olympus"],
            "invalid_timezone",
        ),
        (
            ["--server", "http://127.0.0.1:8000", "--token", "t", "--poll-seconds", "0"],
            "invalid_interval",
        ),
        (
            ["--server", "http://127.0.0.1:8000", "--token", "t", "--printer", "network:"],
            "invalid_printer",
        ),
        (
            ["--server", "http://127.0.0.1:8000", "--token", "t", "--printer", "laser"],
            "invalid_printer",
        ),
    ],
)
def test_unusable_settings_are_refused_with_a_code(argv, code):
    with pytest.raises(SettingsError) as refused:
        parse_settings(argv, environ={})
    assert refused.value.code == code


def test_printer_forms():
    assert printer_settings("network:printer.local").port == 9100
    assert printer_settings("usb:0x04b8:0x0202").usb_vendor_id == 0x04B8
    assert printer_settings("serial:/dev/ttyS0:19200").serial_baudrate == 19200
    assert printer_settings("recording").kind == "recording"


def test_foleni_kiosk_refuses_unusable_settings_before_opening_a_window(capsys):
    from kiosk.__main__ import main

    assert main(["--server", "http://127.0.0.1:8000"]) == 2
    assert "(missing_token)" in capsys.readouterr().err
