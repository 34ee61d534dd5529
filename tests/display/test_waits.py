"""The estimated wait as worded on the board."""

import pytest

from display.waits import wait_text


@pytest.mark.parametrize(
    ("waiting", "counters_open", "minutes", "text"),
    [
        (0, 1, None, "0 min"),
        (0, 2, 0, "0 min"),
        (4, 1, 1, "5 min"),
        (4, 1, 20, "20 min"),
        (9, 2, 21, "25 min"),
        (30, 1, 60, "1 h"),
        (30, 1, 61, "1 h 05"),
        (30, 1, 150, "2 h 30"),
        (3, 0, 20, "–"),  # no counter open: the server's figure would be a promise nobody keeps
        (0, 0, None, "–"),
        (3, 1, None, "–"),
    ],
)
def test_waits_are_rounded_up_to_five_minutes_and_blank_when_unknown(
    waiting: int, counters_open: int, minutes: int | None, text: str
) -> None:
    assert (
        wait_text(waiting=waiting, counters_open=counters_open, estimated_minutes=minutes) == text
    )
