"""Numbers, dates and times as each language writes them, in the centre's time zone."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from translations import formats
from translations.messages import Message

NAIROBI = ZoneInfo("Africa/Nairobi")
MOMENT = datetime(2026, 11, 23, 6, 42, tzinfo=UTC)  # 09:42 in Nairobi


def test_numbers_are_grouped_the_locale_s_way():
    assert formats.number(1234, "en") == "1,234"
    assert formats.number(1234, "sw") == "1,234"
    assert formats.number(7, "sw") == "7"


def test_times_and_dates_are_kenyan_day_first_and_on_the_24_hour_clock():
    assert formats.time_of_day(MOMENT, "en", timezone=NAIROBI) == "09:42"
    assert formats.date_and_time(MOMENT, "sw", timezone=NAIROBI) == "23/11/2026 09:42"
    assert formats.time_of_day(MOMENT.astimezone(NAIROBI), "en") == "09:42"


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        formats.time_of_day(datetime(2026, 11, 23, 9, 42), "en")


def test_a_language_without_a_kenyan_locale_formats_as_the_language():
    assert formats.locale_of("sw").territory == "KE"
    assert str(formats.locale_of("ar")) == "ar"
    assert formats.direction("ar") == "rtl"
    assert formats.direction("sw") == "ltr"


def test_languages_are_named_in_themselves():
    assert [formats.language_name(code) for code in ("en", "sw", "ar")] == [
        "English",
        "Kiswahili",
        "العربية",
    ]


def test_numbers_put_into_a_text_are_written_the_locale_s_way():
    assert Message("People ahead of you: {count}").say("sw", count=1500) == (
        "Watu mbele yako: 1,500"
    )
    with pytest.raises(TypeError):
        Message("{count} person waiting", plural="{count} people waiting").say("en", count="2")
