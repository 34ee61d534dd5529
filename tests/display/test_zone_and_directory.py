"""Zones filter calls and queues; the directory is read from the server's centre description."""

from display.directory import directory_from_mapping, service_of_selector
from display.zone import Zone


def test_an_empty_zone_shows_everything() -> None:
    zone = Zone()
    assert zone.is_whole_centre
    assert zone.shows_call(service_code="NID", counter="9")
    assert zone.shows_service("NID")


def test_a_zone_filters_by_service_and_by_counter() -> None:
    zone = Zone.of(services=["NID"], counters=["1", "2"])
    assert zone.shows_call(service_code="NID", counter="2")
    assert not zone.shows_call(service_code="NID", counter="3")
    assert not zone.shows_call(service_code="BC", counter="1")
    assert zone.shows_service("NID", served_by_zone={"BC"})
    assert not zone.shows_service("BC", served_by_zone={"BC"})


def test_a_counter_zone_shows_the_queues_its_counters_serve() -> None:
    zone = Zone.of(counters=["1"])
    assert zone.shows_service("BC", served_by_zone={"BC"})
    assert not zone.shows_service("NID", served_by_zone={"BC"})
    assert zone.shows_service("NID", served_by_zone=())  # no map from the server: show all


def test_the_directory_reads_names_and_served_services() -> None:
    directory = directory_from_mapping(
        {
            "centre_name": "Huduma Centre GPO",
            "services": [
                {"code": "NID", "name_en": "National ID", "name_sw": "Kitambulisho"},
                {"code": "BC", "name_en": "Birth certificate", "estimated_wait_minutes": 17.6},
                {"name_en": "no code: ignored"},
            ],
            "counters": [
                {"code": "1", "name": "Counter 1", "services": {"NID.biometrics": 2, "BC": 1}},
                {"code": "2", "services": ["NID"]},
            ],
        }
    )
    assert directory.name == "Huduma Centre GPO"
    assert [s.code for s in directory.services] == ["NID", "BC"]
    assert directory.service("BC").name_sw == "Birth certificate"
    assert directory.service("BC").estimated_wait_minutes == 18
    assert directory.service("NID").estimated_wait_minutes is None
    assert directory.counter("1").services == {"NID", "BC"}
    assert directory.counter("2").name == "2"
    assert directory.counter("9").name == "9"  # unknown: shown by its code
    assert directory.services_of(["2"]) == {"NID"}
    assert [c.code for c in directory.counters_serving("BC")] == ["1"]
    assert service_of_selector("NID.biometrics") == "NID"
