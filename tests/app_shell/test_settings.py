import argparse

import pytest

from app_shell.settings import CentreOptions, SettingsError

KIOSK = CentreOptions("kiosk")


def parse(argv):
    parser = argparse.ArgumentParser()
    KIOSK.add_to(parser)
    return parser.parse_args(argv)


def test_options_come_before_the_environment_and_lose_a_trailing_slash():
    env = {"FOLENI_KIOSK_SERVER": "http://env.lan:8000/", "FOLENI_KIOSK_TOKEN": "from-env"}
    assert KIOSK.read(parse([]), env) == ("http://env.lan:8000", "from-env")
    args = parse(["--server", "https://c.example/", "--token", "typed"])
    assert KIOSK.read(args, env) == ("https://c.example", "typed")


@pytest.mark.parametrize(
    ("server_url", "token", "code"),
    [
        ("centre.lan:8000", "t", "invalid_server_url"),
        ("ftp://centre.lan", "t", "invalid_server_url"),
        ("http://", "t", "invalid_server_url"),
        ("http://centre.lan", "", "missing_token"),
    ],
)
def test_an_unusable_server_or_a_missing_token_is_refused_by_code(server_url, token, code):
    with pytest.raises(SettingsError) as refused:
        KIOSK.check(server_url, token)
    assert refused.value.code == code


def test_a_missing_token_names_the_variable_to_set():
    with pytest.raises(SettingsError) as refused:
        CentreOptions("display").check("http://centre.lan", "")
    assert "FOLENI_DISPLAY_TOKEN" in refused.value.message
