import pytest

from counter.__main__ import parse_args


def test_options_and_their_environment_fallbacks(monkeypatch):
    monkeypatch.setenv("FOLENI_COUNTER_SERVER", "http://centre.lan:8000")
    monkeypatch.setenv("FOLENI_COUNTER_COUNTER", "C07")
    args = parse_args([])
    assert (args.server, args.counter, args.windowed) == ("http://centre.lan:8000", "C07", False)

    args = parse_args(["--server", "https://c.example", "--counter", "C01", "--windowed"])
    assert (args.server, args.counter, args.windowed) == ("https://c.example", "C01", True)


@pytest.mark.parametrize("argv", [[], ["--server", "centre.lan:8000"]])
def test_a_missing_or_malformed_server_stops_with_usage(monkeypatch, argv):
    monkeypatch.delenv("FOLENI_COUNTER_SERVER", raising=False)
    with pytest.raises(SystemExit) as stopped:
        parse_args(argv)
    assert stopped.value.code == 2


def test_the_language_is_a_setting_among_the_catalogs(monkeypatch):
    monkeypatch.delenv("FOLENI_COUNTER_LANGUAGE", raising=False)
    assert parse_args(["--server", "http://c"]).language == "en"
    assert parse_args(["--server", "http://c", "--language", "sw"]).language == "sw"
    monkeypatch.setenv("FOLENI_COUNTER_LANGUAGE", "sw")
    assert parse_args(["--server", "http://c"]).language == "sw"
    with pytest.raises(SystemExit) as stopped:
        parse_args(["--server", "http://c", "--language", "xx"])
    assert stopped.value.code == 2
