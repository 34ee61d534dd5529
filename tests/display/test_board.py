"""The board's view-model: what it shows, what it announces, and never twice."""

import re
from dataclasses import replace
from datetime import UTC, datetime

from centre_core.clock import FixedClock
from display.directory import CentreDirectory, ServiceInfo
from display.zone import Zone
from tests.display.messages import DIRECTORY, START, Board, Log, snapshot, ticket


def test_a_live_call_is_shown_highlighted_and_announced_once() -> None:
    clock = FixedClock(START)
    log, board = Log(clock), Board(clock)
    board.feed(log.open("2"), log.issue("t1", "N-001"), log.call("t1", "N-001", "2"))

    assert (board.vm.current_number, board.vm.current_counter) == ("N-001", "Counter 2")
    assert board.vm.current_service == "National ID · Kitambulisho cha Taifa"
    assert board.vm.highlighted
    assert board.announced_numbers == [(3, "N-001", False)]
    assert board.announced[0].counter_name == "Counter 2"


def test_the_highlight_ends_after_its_time_and_the_call_stays_on_stage() -> None:
    clock = FixedClock(START)
    log, board = Log(clock), Board(clock)
    board.feed(log.issue("t1", "N-001"), log.call("t1", "N-001", "1"))
    clock.advance(seconds=9.5)
    board.vm.tick()
    assert board.vm.highlighted
    clock.advance(seconds=0.5)
    board.vm.tick()
    assert not board.vm.highlighted
    assert board.vm.current_number == "N-001"


def test_ten_calls_within_a_second_are_all_announced_in_seq_order() -> None:
    clock = FixedClock(START)
    log, board = Log(clock), Board(clock)
    numbers = [f"N-{i:03d}" for i in range(1, 11)]
    board.feed(*(log.issue(f"t{i}", n) for i, n in enumerate(numbers)))
    for i, number in enumerate(numbers):
        clock.advance(seconds=0.1)
        board.feed(log.call(f"t{i}", number, str(i % 4 + 1)))

    assert [number for _, number, _ in board.announced_numbers] == numbers
    assert [seq for seq, _, _ in board.announced_numbers] == list(range(11, 21))
    assert board.vm.current_number == "N-010"


def test_a_recall_is_announced_again_and_listed_once_at_the_top() -> None:
    clock = FixedClock(START)
    log, board = Log(clock), Board(clock, recent_count=3)
    board.feed(log.issue("t1", "N-001"), log.issue("t2", "B-001"))
    board.feed(log.call("t1", "N-001", "1"), log.call("t2", "B-001", "3"))
    clock.advance(minutes=1)
    board.feed(log.call("t1", "N-001", "1", recalls=1))

    assert board.announced_numbers == [(3, "N-001", False), (4, "B-001", False), (5, "N-001", True)]
    assert board.vm.current_is_recall
    assert [row["number"] for row in board.vm.recent_calls] == ["N-001", "B-001"]


def test_the_recent_list_keeps_the_last_n_tickets_newest_first() -> None:
    clock = FixedClock(START)
    log, board = Log(clock), Board(clock, recent_count=3)
    for i in range(1, 6):
        board.feed(log.issue(f"t{i}", f"G-00{i}"), log.call(f"t{i}", f"G-00{i}", "4"))
        board.feed(log.finish(f"t{i}", f"G-00{i}", "4"))

    assert board.vm.recent_calls == [
        {"number": f"G-00{i}", "counter": "Counter 4", "service": "Good conduct"} for i in (5, 4, 3)
    ]


def test_a_replay_of_events_already_seen_announces_nothing_again() -> None:
    clock = FixedClock(START)
    log, board = Log(clock), Board(clock)
    board.feed(log.issue("t1", "N-001"), log.call("t1", "N-001", "1"))
    board.feed(log.issue("t2", "B-001"), log.call("t2", "B-001", "3"))
    # The same connection delivers duplicates, then a new mirror replays the whole log.
    board.feed(*log.messages)
    board.reconnect()
    board.feed(*log.messages)

    assert board.announced_numbers == [(2, "N-001", False), (4, "B-001", False)]
    assert [row["number"] for row in board.vm.recent_calls] == ["B-001", "N-001"]


def test_calls_missed_while_offline_are_shown_and_only_recent_ones_announced() -> None:
    clock = FixedClock(START)
    log, board = Log(clock), Board(clock)
    board.feed(log.issue("t1", "N-001"), log.issue("t2", "N-002"), log.issue("t3", "B-001"))
    board.vm.set_online(False)
    # While the board is offline: one call five minutes ago, one thirty seconds ago.
    missed = [log.call("t1", "N-001", "1")]
    clock.advance(minutes=4.5)
    missed.append(log.call("t2", "N-002", "2"))
    clock.advance(seconds=30)
    board.vm.set_online(True)
    board.feed(*missed)  # the replay after `?after=3`
    board.feed(log.call("t3", "B-001", "3"))  # then live

    assert [row["number"] for row in board.vm.recent_calls] == ["B-001", "N-002", "N-001"]
    assert board.announced_numbers == [(5, "N-002", False), (6, "B-001", False)]


def test_a_snapshot_shows_the_state_but_never_announces() -> None:
    clock = FixedClock(START)
    board = Board(clock)
    board.feed(
        snapshot(
            41,
            tickets=[
                ticket("t1", "N-007", status="called", counter="1", called_at=START.isoformat()),
                ticket("t2", "N-008"),
                ticket("t3", "B-003"),
            ],
            counters=[{"code": "1", "status": "open", "ticket_id": "t1", "number": "N-007"}],
            recent_calls=[
                {
                    "seq": 40,
                    "at": START.isoformat(),
                    "ticket_id": "t1",
                    "number": "N-007",
                    "counter": "1",
                    "queue_key": "NID",
                    "recalls": 0,
                }
            ],
        )
    )

    assert board.announced == []
    assert board.vm.seen_seq == 41
    assert board.vm.current_number == "N-007"
    assert not board.vm.highlighted
    waiting = {row["service"]: row["waiting"] for row in board.vm.waiting_rows}
    assert waiting == {"National ID": "1", "Birth certificate": "1", "Good conduct": "0"}


def test_a_snapshot_after_a_gap_lists_the_missed_call_without_announcing_it() -> None:
    clock = FixedClock(START)
    log, board = Log(clock), Board(clock)
    board.feed(log.open("2"), log.issue("t1", "N-001"), log.issue("t2", "B-001"))
    board.feed(log.call("t1", "N-001", "2"))
    clock.advance(seconds=30)
    standing = ticket(
        "t2", "B-001", status="called", counter="3", called_at=clock.now().isoformat()
    )
    board.feed(
        snapshot(
            9,
            tickets=[ticket("t1", "N-001", status="serving", counter="2"), standing],
            counters=[{"code": "2", "status": "open"}, {"code": "3", "status": "open"}],
            recent_calls=[
                {
                    "seq": 4,
                    "at": START.isoformat(),
                    "ticket_id": "t1",
                    "number": "N-001",
                    "counter": "2",
                    "queue_key": "NID",
                    "recalls": 0,
                }
            ],
        )
    )

    assert board.announced_numbers == [(4, "N-001", False)]
    assert [row["number"] for row in board.vm.recent_calls] == ["B-001", "N-001"]
    assert board.vm.current_number == "B-001"
    assert board.vm.seen_seq == 9


def test_a_zone_of_services_shows_and_announces_only_its_calls_and_queues() -> None:
    clock = FixedClock(START)
    log, board = Log(clock), Board(clock, zone=Zone.of(services=["BC"]))
    board.feed(log.issue("t1", "N-001"), log.issue("t2", "B-001"))
    board.feed(log.call("t1", "N-001", "2"), log.call("t2", "B-001", "2"))

    assert board.announced_numbers == [(4, "B-001", False)]
    assert [row["number"] for row in board.vm.recent_calls] == ["B-001"]
    assert [row["service"] for row in board.vm.waiting_rows] == ["Birth certificate"]


def test_a_zone_of_counters_shows_and_announces_only_their_calls_and_queues() -> None:
    clock = FixedClock(START)
    log, board = Log(clock), Board(clock, zone=Zone.of(counters=["3", "4"]))
    board.feed(log.issue("t1", "N-001"), log.issue("t2", "B-001"), log.issue("t3", "G-001"))
    board.feed(log.call("t1", "N-001", "1"), log.call("t2", "B-001", "3"))
    board.feed(log.call("t3", "G-001", "4"))

    assert [number for _, number, _ in board.announced_numbers] == ["B-001", "G-001"]
    assert board.vm.current_number == "G-001"
    # Counters 3 and 4 serve BC and GC (the hall says so): no National ID tile.
    assert [row["service"] for row in board.vm.waiting_rows] == [
        "Birth certificate",
        "Good conduct",
    ]


def test_a_zone_of_services_and_counters_shows_the_tiles_both_allow() -> None:
    clock = FixedClock(START)
    board = Board(clock, zone=Zone.of(services=["NID", "GC"], counters=["1", "4"]))
    board.feed(Log(clock).issue("t1", "N-001"))
    assert [row["service"] for row in board.vm.waiting_rows] == ["National ID", "Good conduct"]
    board = Board(clock, zone=Zone.of(services=["NID"], counters=["3"]))
    board.feed(Log(clock).issue("t1", "N-001"))
    assert board.vm.waiting_rows == []


def test_waiting_counts_follow_the_events_and_waits_need_an_open_counter() -> None:
    clock = FixedClock(START)
    log, board = Log(clock), Board(clock)

    def rows() -> dict[str, tuple[str, str]]:
        return {r["service"]: (r["waiting"], r["wait"]) for r in board.vm.waiting_rows}

    board.feed(*(log.issue(f"t{i}", f"N-{i:03d}") for i in range(1, 4)))
    board.feed(log.issue("t9", "B-009"))
    assert rows() == {
        "National ID": ("3", "25 min"),  # the server's 23 min, rounded up to 5
        "Birth certificate": ("1", "–"),  # no counter open for it: no promise
        "Good conduct": ("0", "–"),
    }
    board.feed(log.call("t1", "N-001", "1"))
    assert rows()["National ID"][0] == "2"
    busier = replace(DIRECTORY.service("BC"), counters_open=2)
    board.vm.use_directory(replace(DIRECTORY, services=(busier,)), board.mirror)
    assert rows() == {"Birth certificate": ("1", "1 h 25")}


def test_the_clock_shows_nairobi_time_and_the_online_state() -> None:
    clock = FixedClock(START)
    board = Board(clock)
    assert (board.vm.clock_text, board.vm.date_text) == ("10:00", "Mon, 23 Nov · Jumatatu, 23 Nov")
    assert not board.vm.online
    board.vm.set_online(True)
    assert board.vm.online
    clock.advance(minutes=61)
    board.vm.tick()
    assert board.vm.clock_text == "11:01"


def test_the_day_is_written_in_each_hall_language_in_nairobi_time() -> None:
    # 22:30 UTC on Monday 30 November is already Tuesday 1 December in Nairobi.
    clock = FixedClock(datetime(2026, 11, 30, 22, 30, tzinfo=UTC))
    board = Board(clock)
    assert board.vm.clock_text == "01:30"
    assert board.vm.date_text == "Tue, 1 Dec · Jumanne, 1 Des"


def test_the_centre_name_comes_from_the_server_unless_set() -> None:
    clock = FixedClock(START)
    assert Board(clock).vm.centre_name == DIRECTORY.name


PHONE_OR_ID = re.compile(r"(?<![\w-])(\+?254|0)?[17]\d{8}(?![\w-])|(?<![\w-])\d{7,8}(?![\w-])")


def test_nothing_on_the_board_looks_like_a_phone_or_id_number() -> None:
    clock = FixedClock(START)
    log, board = Log(clock), Board(clock)
    # A server bug that leaked personal fields into ticket events must still not reach the hall.
    leaky = ticket("t1", "N-001", status="called", counter="1")
    leaky |= {"phone": "+254712345678", "id_number": "23456789", "name": "Wanjiku Kamau"}
    board.feed(log.issue("t1", "N-001"), log.add("ticket.called", leaky))

    texts = _board_texts(board)
    assert "N-001" in texts
    assert not PHONE_OR_ID.search(texts)
    assert "Wanjiku" not in texts


def test_the_privacy_pattern_catches_kenyan_phone_and_id_numbers() -> None:
    for personal in ("+254712345678", "0712345678", "254112345678", "23456789", "1234567"):
        assert PHONE_OR_ID.search(f"x {personal} y"), personal
    for harmless in ("N-001", "10:00", "Jumatatu, 23 Nov", "2026-11-23T07:00:00+00:00"):
        assert not PHONE_OR_ID.search(harmless), harmless


def _board_texts(board: Board) -> str:
    vm = board.vm
    parts = [
        vm.centre_name,
        vm.notice,
        vm.clock_text,
        vm.date_text,
        vm.current_number,
        vm.current_counter,
        vm.current_service,
    ]
    parts += [value for row in [*vm.recent_calls, *vm.waiting_rows] for value in row.values()]
    return "\n".join(parts)


def _minutes(text: str) -> int:
    match = re.fullmatch(r"(?:(\d+) h)? ?(?:(\d+)(?: min)?)?", text)
    assert match, text
    hours, mins = match.groups()
    return int(hours or 0) * 60 + int(mins or 0)


def test_many_services_turn_pages_of_five_tiles() -> None:
    clock = FixedClock(START)
    services = tuple(ServiceInfo(f"S{i:02d}", f"Service {i}", f"Huduma {i}") for i in range(12))
    board = Board(clock, directory=CentreDirectory(name="Huduma", services=services))
    shown = [[row["service"] for row in board.vm.waiting_page]]
    pages = [board.vm.waiting_page_text]
    for _ in range(3):
        clock.advance(seconds=8)
        board.vm.tick()
        shown.append([row["service"] for row in board.vm.waiting_page])
        pages.append(board.vm.waiting_page_text)

    assert shown[0] == [f"Service {i}" for i in range(5)]
    assert shown[2] == ["Service 10", "Service 11"]
    assert shown[3] == shown[0]
    assert pages == ["1/3", "2/3", "3/3", "1/3"]
    assert len(board.vm.waiting_rows) == 12


def test_a_few_services_fit_on_one_page_without_a_page_number() -> None:
    board = Board(FixedClock(START))
    assert board.vm.waiting_page == board.vm.waiting_rows
    assert board.vm.waiting_page_text == ""


def test_the_header_says_whether_the_board_is_live_in_both_languages() -> None:
    board = Board(FixedClock(START))
    assert (board.vm.connection_text, board.vm.connection_tone) == (
        "Offline · Nje ya mtandao",
        "offline",
    )
    board.vm.set_online(True)
    assert (board.vm.connection_text, board.vm.connection_tone) == ("Live · Moja kwa moja", "live")
    board.vm.set_online(False)
    assert board.vm.connection_tone == "offline"


def test_the_stage_lights_up_for_a_fresh_call_and_says_a_recall_is_one() -> None:
    clock = FixedClock(START)
    log, board = Log(clock), Board(clock)
    assert (board.vm.stage_number, board.vm.call_tone) == ("—", "normal")
    board.feed(log.issue("t1", "N-001"), log.call("t1", "N-001", "1"))
    assert (board.vm.stage_number, board.vm.call_tone) == ("N-001", "highlighted")
    assert board.vm.call_title == "Now calling · Sasa tunaita"
    clock.advance(seconds=10)
    board.vm.tick()
    assert board.vm.call_tone == "normal"
    board.feed(log.call("t1", "N-001", "1", recalls=1))
    assert (board.vm.call_title, board.vm.call_tone) == (
        "Calling again · Tunaita tena",
        "highlighted",
    )


def test_the_notice_line_carries_the_managers_notices_after_the_boards_own() -> None:
    board = Board(FixedClock(START))
    assert board.vm.notice == ""
    board.vm.use_directory(
        replace(DIRECTORY, notices=("Power cut", "Birth: no forms")), board.mirror
    )
    assert board.vm.notice == "Power cut     •     Birth: no forms"
    board.vm.use_directory(DIRECTORY, board.mirror)
    assert board.vm.notice == ""
