"""The PDF font lookup: the first installed pair, a plain error without one."""

from pathlib import Path

import pytest

from service_kit.fonts import FontMissingError, unicode_font


def test_the_first_installed_pair_is_taken(tmp_path: Path) -> None:
    missing = (tmp_path / "no.ttf", tmp_path / "no-bold.ttf")
    regular, bold = tmp_path / "a.ttf", tmp_path / "a-bold.ttf"
    regular.write_bytes(b"x")
    bold.write_bytes(b"x")
    assert unicode_font([missing, (regular, bold)]) == (regular, bold)


def test_no_font_is_a_plain_error(tmp_path: Path) -> None:
    with pytest.raises(FontMissingError, match="fonts-noto-core"):
        unicode_font([(tmp_path / "no.ttf", tmp_path / "no-bold.ttf")])
