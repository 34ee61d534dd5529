"""`foleni report` end to end: the data dir of `foleni serve`, each format, refusals in one line."""

import io

import openpyxl
import pypdf
import pytest

from centre_server import cli
from tests.server import report_day


@pytest.fixture
def served_day(sqlite_harness, tmp_path, monkeypatch):
    report_day.play(sqlite_harness)
    # The settings `foleni serve` reads: the harness's database and the example centre.
    monkeypatch.setenv("FOLENI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("FOLENI_DATABASE_URL", str(sqlite_harness.context.db.engine.url))
    return tmp_path


def test_writes_each_format(served_day, capsys):
    for fmt in ("csv", "xlsx", "pdf"):
        out = served_day / f"day.{fmt}"
        argv = ["report", "--day", "2026-11-23", "--format", fmt, "--out", str(out)]
        assert cli.main(argv) == 0
        assert str(out) in capsys.readouterr().out
    assert "Wait mean (min),14.2" in (served_day / "day.csv").read_text(encoding="utf-8-sig")
    summary = openpyxl.load_workbook(served_day / "day.xlsx")["Summary"]
    assert {row[0].value: row[1].value for row in summary.iter_rows(min_row=2)}["Arrived"] == 7
    reader = pypdf.PdfReader(io.BytesIO((served_day / "day.pdf").read_bytes()))
    assert "Service level 80.0%" in reader.pages[0].extract_text().splitlines()


def test_a_range_and_an_empty_day(served_day):
    out = served_day / "range.csv"
    argv = ["report", "--day", "2026-11-22", "--to", "2026-11-23", "--format", "csv"]
    assert cli.main([*argv, "--out", str(out)]) == 0
    assert "Arrived,7" in out.read_text(encoding="utf-8-sig").splitlines()
    argv = ["report", "--day", "2026-11-22", "--format", "csv", "--out", str(out)]
    assert cli.main(argv) == 0
    assert "Arrived,0" in out.read_text(encoding="utf-8-sig").splitlines()


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        (["--day", "2026-02-30", "--format", "csv"], "--day '2026-02-30' is not a date"),
        (["--day", "23/11/2026", "--format", "csv"], "is not a date (YYYY-MM-DD)"),
        (["--day", "2026-11-23", "--to", "2026-11-22", "--format", "csv"], "is before --day"),
        (["--day", "2026-11-23", "--format", "docx"], "--format 'docx' is not one of"),
    ],
)
def test_refuses_bad_dates_and_formats_in_one_line(served_day, capsys, options, problem):
    out = served_day / "never.csv"
    assert cli.main(["report", *options, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("foleni: error: ") and problem in err
    assert err.count("\n") == 1
    assert not out.exists()


def test_refuses_a_database_that_is_not_migrated(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FOLENI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FOLENI_DATABASE_URL", raising=False)
    out = tmp_path / "r.csv"
    assert cli.main(["report", "--day", "2026-11-23", "--format", "csv", "--out", str(out)]) == 2
    assert "foleni db upgrade" in capsys.readouterr().err
