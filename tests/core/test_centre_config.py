"""The centre configuration: the example centre loads; bad files fail naming line and field."""

from datetime import time

import pytest

from centre_core.centre import (
    CentreConfig,
    CounterConfig,
    PolicySettings,
    Service,
    Stage,
)
from centre_core.centre_file import load_centre_config
from centre_core.errors import CentreConfigError, ErrorCode, QueueError
from centre_core.hours import OpeningHours
from tests.core.factory import EXAMPLE, NAIROBI, example_centre, nairobi, small_centre

TEXT = EXAMPLE.read_text(encoding="utf-8")


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line number of the n-th line containing `needle`."""
    found = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return found[occurrence - 1]


def load_error(text: str) -> CentreConfigError:
    with pytest.raises(CentreConfigError) as caught:
        load_centre_config(text, source="centre.toml")
    assert caught.value.code == ErrorCode.invalid_config
    return caught.value


def test_example_centre_is_a_realistic_huduma_centre() -> None:
    centre = example_centre()
    assert centre.timezone == "Africa/Nairobi"
    assert len(centre.services) >= 10
    assert len(centre.counters) >= 20
    names_sw = {service.name_sw for service in centre.services}
    assert {"Kitambulisho cha Taifa", "Cheti cha Kuzaliwa", "Cheti cha Tabia Njema"} <= names_sw
    nid = centre.service("NID")
    assert [stage.code for stage in nid.stages] == ["verification", "biometrics", "card_issue"]
    assert centre.service("COL").collection
    assert {p.code for p in centre.priority_categories} == {
        "elderly",
        "disability",
        "pregnant_or_infant",
    }
    for key in centre.queue_keys:
        assert centre.counters_serving(key), key
    assert any(len(counter.services) >= 2 for counter in centre.counters)


def test_example_centre_hours() -> None:
    centre = example_centre()
    assert centre.closed_reason("BC", nairobi(2026, 11, 23, 8, 0)) is None  # Monday
    assert centre.closed_reason("BC", nairobi(2026, 11, 23, 7, 59)) == "not_yet_open"
    assert centre.closed_reason("BC", nairobi(2026, 11, 23, 17, 0)) == "closed_for_the_day"
    assert centre.closed_reason("BC", nairobi(2026, 11, 28, 9, 0)) is None  # Saturday
    assert centre.closed_reason("BC", nairobi(2026, 11, 28, 13, 0)) == "closed_for_the_day"
    assert centre.closed_reason("BC", nairobi(2026, 11, 29, 10, 0)) == "closed_today"
    # NSSF keeps its own hours: closed on Saturdays.
    assert centre.closed_reason("NSSF", nairobi(2026, 11, 28, 10, 0)) == "closed_today"


def test_lookups_raise_their_codes() -> None:
    centre = small_centre()
    for call, code in [
        (lambda: centre.service("XX"), ErrorCode.service_not_found),
        (lambda: centre.counter("C99"), ErrorCode.counter_not_found),
        (lambda: centre.priority("vip"), ErrorCode.unknown_priority),
        (lambda: centre.queue("NID.photo"), ErrorCode.service_not_found),
    ]:
        with pytest.raises(QueueError) as caught:
            call()
        assert caught.value.code == code


def test_queue_keys_and_weights() -> None:
    centre = small_centre()
    nid = centre.service("NID")
    assert nid.stage_count == 3
    assert nid.queue_key(1) == "NID.biometrics"
    assert centre.service("BC").queue_key(0) == "BC"
    assert centre.queue("NID.card_issue") == (nid, 2)
    c3 = centre.counter("C3")
    assert c3.weight_for("NID.biometrics") == 2
    assert not c3.serves("NID.verification")
    assert centre.counter("C2").weight_for("NID.card_issue") == 1
    with pytest.raises(ValueError):
        nid.queue_key(3)


def test_stage_weight_overrides_service_weight() -> None:
    counter = CounterConfig("X1", "X", {"NID": 1, "NID.biometrics": 4})
    assert counter.weight_for("NID.biometrics") == 4
    assert counter.weight_for("NID.verification") == 1


@pytest.mark.parametrize(
    ("change", "field", "needle"),
    [
        # duplicate prefix: Death certificate takes Birth certificate's "B"
        (('prefix = "C"', 'prefix = "B"'), "services[2].prefix", 'prefix = "B"|2'),
        # a counter naming a service the centre does not have
        (("services = { SBP = 1 }", "services = { SBX = 1 }"), "counters[22].services.SBX", "SBX"),
        # a counter naming a stage the service does not have
        (
            ('services = { "NID.biometrics" = 1 }', 'services = { "NID.photo" = 1 }'),
            'counters[2].services."NID.photo"',
            "NID.photo|1",
        ),
        # closing before opening
        (('sat = "09:00-13:00"', 'sat = "13:00-09:00"'), "centre.hours.sat", "sat = "),
        # not a time at all
        (('mon = "08:00-16:00"', 'mon = "8am-4pm"'), "services[9].hours.mon", "8am-4pm"),
        # a misspelt time zone
        (('"Africa/Nairobi"', '"Africa/Nairoby"'), "centre.timezone", "Nairoby"),
        # a misspelt key
        (("daily_cap = 300", "daily_capp = 300"), "services[3].daily_capp", "daily_capp"),
        # the wrong type
        (
            ("target_wait_minutes = 15", 'target_wait_minutes = "15"'),
            "services[12].target_wait_minutes",
            '"15"',
        ),
        # two stages with the same code
        (
            ('code = "biometrics"', 'code = "verification"'),
            "services[0].stages[1].code",
            'code = "verification"|2',
        ),
        # a policy number out of range
        (("recall_limit = 3 ", "recall_limit = -1 "), "policy.recall_limit", "recall_limit"),
        # a duplicate counter code
        (('code = "C02"', 'code = "C01"'), "counters[1].code", 'code = "C01"|2'),
    ],
)
def test_bad_config_names_line_and_field(change: tuple[str, str], field: str, needle: str) -> None:
    old, new = change
    assert old in TEXT
    text = TEXT.replace(old, new, 1)
    error = load_error(text)
    needle_text, _, occurrence = needle.partition("|")
    expected_line = line_of(text, needle_text, int(occurrence or 1))
    assert error.field == field
    assert error.line == expected_line
    assert f"centre.toml:{expected_line}: {field}: " in error.message


def test_toml_syntax_error_names_its_line() -> None:
    text = TEXT.replace('name_sw = "Cheti cha Kifo"', 'name_sw = "Cheti cha Kifo', 1)
    error = load_error(text)
    assert error.line == line_of(text, 'name_sw = "Cheti cha Kifo')
    assert "TOML syntax error" in error.message


def test_a_queue_no_counter_serves_is_refused() -> None:
    text = TEXT.replace("services = { SBP = 1 }", "services = { BC = 1 }", 1)
    text = text.replace("ECIT = 2, KRA = 1, BRS = 1, SBP = 1", "ECIT = 2, KRA = 1, BRS = 1", 1)
    error = load_error(text)
    assert error.field == "services[13]"
    assert error.line == line_of(text, 'code = "SBP"') - 1


def test_missing_required_parts() -> None:
    assert load_error('[centre]\ncode = "X"\n').field == "centre.name"
    assert load_error('[centre]\ncode = "X"\nname = "X"\n').field == "services"
    assert load_error("").field == "centre"
    no_counters = TEXT.split("# --- Counters")[0]
    assert load_error(no_counters).field == "counters"


def test_hours_open_on_no_day_is_refused() -> None:
    start = TEXT.index("[centre.hours]")
    end = TEXT.index("[policy]")
    text = TEXT[:start] + "[centre.hours]\n\n" + TEXT[end:]
    assert load_error(text).field == "centre.hours"


def test_config_built_in_code_is_validated_too() -> None:
    with pytest.raises(CentreConfigError) as caught:
        Service("bc", "Birth", "Kuzaliwa", "B", 20)
    assert caught.value.field == "code"
    with pytest.raises(CentreConfigError) as caught:
        Service("NID", "ID", "Kitambulisho", "A", 30, stages=(Stage("only", "Only", "Pekee"),))
    assert caught.value.field == "stages"
    with pytest.raises(CentreConfigError) as caught:
        CounterConfig("C1", "Counter", {"BC": 0})
    assert caught.value.field == "services.BC"
    with pytest.raises(CentreConfigError) as caught:
        PolicySettings(mode="random")  # type: ignore[arg-type]
    assert caught.value.field == "mode"
    with pytest.raises(CentreConfigError) as caught:
        CentreConfig(code="X", name="X", timezone="Mars/Olympus", services=(), counters=())
    assert caught.value.field == "centre.timezone"


def test_opening_hours() -> None:
    hours = OpeningHours.every_day(time(8), time(17))
    assert hours.is_open(nairobi(2026, 11, 29, 12).astimezone(NAIROBI))
    assert hours.closed_reason(nairobi(2026, 11, 29, 7).astimezone(NAIROBI)) == "not_yet_open"
    with pytest.raises(ValueError):
        OpeningHours(days=((time(8), time(17)),) * 6)
    with pytest.raises(ValueError):
        OpeningHours.every_day(time(17), time(8))
