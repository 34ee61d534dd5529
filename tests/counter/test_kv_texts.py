"""The counter's kv files show no text of their own: every word comes from the catalogs."""

import re
from pathlib import Path

import pytest

import counter

KV_FILES = sorted(Path(counter.__file__).parent.glob("*.kv"))
# A property that puts words on the screen, given a quoted literal that holds a letter.
LITERAL_TEXT = re.compile(r"^\s*(text|title|hint_text|name)\s*:\s*(['\"]).*[A-Za-z].*\2\s*$")
# Screen names are ids the code switches by, never shown.
SCREEN_NAMES = {'name: "login"', 'name: "counter"'}


@pytest.mark.parametrize("kv", KV_FILES, ids=lambda path: path.name)
def test_no_kv_file_writes_a_text_of_its_own(kv: Path) -> None:
    literals = [
        line.strip()
        for line in kv.read_text(encoding="utf-8").splitlines()
        if LITERAL_TEXT.match(line) and line.strip() not in SCREEN_NAMES
    ]
    assert literals == []


def test_the_check_finds_a_literal() -> None:
    assert LITERAL_TEXT.match('            title: "Call next"')
    assert not LITERAL_TEXT.match('            title: root.vm.texts["call_next"]')
