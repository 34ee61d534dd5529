"""The configuration commands: centre config, holidays sync and add, notice add and clear."""

import json
from datetime import UTC, datetime

from sqlalchemy import select

from national import cli
from national.db.engine import create_national_engine
from national.db.session import transaction
from national.db.tables import ChangeRow, HolidayRow
from tests.national.test_booking import EXAMPLES


def test_the_configuration_commands_publish_each_change_to_the_centres_feed(
    tmp_path, monkeypatch, capsys
):
    # The CLI passes its options on as environment variables; monkeypatch puts them back.
    monkeypatch.setenv("FOLENI_NATIONAL_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FOLENI_NATIONAL_DATABASE_URL", raising=False)

    def run(*args: str) -> str:
        assert cli.main(["--data-dir", str(tmp_path), *args]) == 0
        return capsys.readouterr().out

    run("centre", "add", "NRB-GPO", "--name", "Huduma Centre GPO", "--json")
    configured = json.loads(
        run(
            "centre", "config", "NRB-GPO", "--json",
            "--centre-file", str(EXAMPLES / "huduma-nairobi.toml"),
            "--catalogue", str(EXAMPLES / "national-services.toml"),
        )
    )  # fmt: skip
    assert len(configured["services"]) == 15 and configured["version"] == 1
    # Next year's: the configuration holds the holidays still to come.
    year = datetime.now(UTC).year + 1
    run("holidays", "sync", "--years", str(year))
    run("holidays", "add", f"{year}-11-16", "--name-en", "Census Day", "--name-sw", "Siku ya Sensa")
    notice = run(
        "notice", "add", "NRB-GPO", "--service", "PCC", "--en", "DCI system down",
        "--sw", "Mfumo wa DCI haupatikani", "--hours", "3",
    ).strip()  # fmt: skip
    run("notice", "clear", notice)
    assert cli.main(["--data-dir", str(tmp_path), "notice", "clear", "N-none"]) == 1
    assert "not_found" in capsys.readouterr().err
    engine = create_national_engine(f"sqlite:///{tmp_path / 'national.sqlite3'}")
    try:
        with transaction(engine) as session:
            configs = [row.body for row in session.scalars(select(ChangeRow).order_by("cursor"))]
            census = session.scalars(select(HolidayRow).where(HolidayRow.name_en == "Census Day"))
            assert census.one().centre == "*"
    finally:
        engine.dispose()
    assert [config["version"] for config in configs] == [1, 2, 3, 4, 5]
    assert {h["name_sw"] for h in configs[1]["holidays"]} >= {"Siku ya Madaraka", "Ijumaa Kuu"}
    assert "Census Day" in {h["name_en"] for h in configs[2]["holidays"]}
    assert [n["id"] for n in configs[3]["notices"]] == [notice]
    assert configs[4]["notices"] == []
