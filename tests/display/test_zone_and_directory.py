"""Zones filter calls and queues; the directory is read from the server's hall snapshot."""

from centre_core.wire import HallSnapshot
from display.centre_link import directory_from_hall
from display.directory import service_of_selector
from display.zone import Zone
from tests.display.messages import hall

SERVED = {"1": {"NID"}, "2": {"NID", "BC"}, "3": {"BC"}}


def test_an_empty_zone_shows_everything() -> None:
    zone = Zone()
    assert zone.is_whole_centre
    assert zone.shows_call(service_code="NID", counter="9")
    assert zone.shows_service("NID", services_of=SERVED)
    assert zone.shows_service("GC", services_of=SERVED)  # served by no counter: still shown


def test_a_zone_filters_calls_by_service_and_by_counter() -> None:
    zone = Zone.of(services=["NID"], counters=["1", "2"])
    assert zone.shows_call(service_code="NID", counter="2")
    assert not zone.shows_call(service_code="NID", counter="3")
    assert not zone.shows_call(service_code="BC", counter="1")
    assert zone.shows_service("NID", services_of=SERVED)
    assert not zone.shows_service("BC", services_of=SERVED)  # counter 2 serves it, not the zone


def test_a_zone_of_counters_shows_the_tiles_of_the_services_they_serve() -> None:
    zone = Zone.of(counters=["1", "3"])
    assert not zone.is_whole_centre
    assert zone.shows_service("NID", services_of=SERVED)
    assert zone.shows_service("BC", services_of=SERVED)
    assert not zone.shows_service("GC", services_of=SERVED)
    assert not Zone.of(counters=["9"]).shows_service("NID", services_of=SERVED)  # unknown


def test_the_directory_reads_the_hall() -> None:
    snapshot = HallSnapshot.model_validate(
        hall(
            "Huduma Centre GPO",
            [("NID", "National ID", "Kitambulisho", 18, 2), ("BC", "Birth", "Kuzaliwa", None, 0)],
            [("C01", "Counter 1", ["NID", "BC"]), ("C02", "Counter 2")],
        )
    )
    directory = directory_from_hall(snapshot)
    assert directory.name == "Huduma Centre GPO"
    assert [s.code for s in directory.services] == ["NID", "BC"]
    assert directory.service("NID").name_sw == "Kitambulisho"
    assert (
        directory.service("NID").estimated_wait_minutes,
        directory.service("NID").counters_open,
    ) == (18, 2)
    assert directory.service("BC").estimated_wait_minutes is None
    assert directory.counter("C01").name == "Counter 1"
    assert directory.counter("C01").services == {"NID", "BC"}
    assert directory.services_of_counters() == {
        "C01": frozenset({"NID", "BC"}),
        "C02": frozenset(),
    }
    assert directory.counter("C99").name == "C99"  # unknown: shown by its code
    assert directory.service("XX").name_en == "XX"
    assert service_of_selector("NID.biometrics") == "NID"


def test_the_managers_notices_reach_the_boards_notice_line() -> None:
    raw = hall(
        "Huduma Centre GPO",
        [("NID", "National ID", "Kitambulisho", 18, 2), ("BC", "Birth", "Kuzaliwa", None, 0)],
        [("C01", "Counter 1", ["NID", "BC"])],
    )
    notice = {
        "notice_id": "n1",
        "service_code": None,
        "text_en": "Power cut: please bear with us",
        "text_sw": "Umeme umekatika",
        "posted_at": "2026-12-04T07:00:00Z",
        "ends_at": None,
    }
    raw["notices"] = [notice]
    raw["services"][1]["notices"] = [{**notice, "service_code": "BC", "text_sw": None}]
    directory = directory_from_hall(HallSnapshot.model_validate(raw))
    assert directory.notices == (
        "Power cut: please bear with us · Umeme umekatika",
        "Birth: Power cut: please bear with us",
    )
