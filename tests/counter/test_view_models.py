import asyncio
from dataclasses import replace

import pytest

from centre_client.mirror import CounterChanged, CounterView, Reset, TicketChanged
from centre_core.clock import FixedClock
from centre_core.reasons import CallReason
from centre_core.tickets import TicketSource, TicketStatus
from centre_core.wire import TicketRecord
from counter.model import Session, StaffFigures
from counter.view_models import CounterViewModel, LoginViewModel
from tests.counter.fakes import MORNING, FakeLink

pytestmark = pytest.mark.anyio


async def started(link: FakeLink, clock: FixedClock) -> CounterViewModel:
    vm = CounterViewModel(
        link=link, session=Session(staff_number="1001", counter="C1"), clock=clock
    )
    assert not vm.online and vm.connection_text == "Connecting…"
    assert not vm.can_call_next
    await vm.start()
    await asyncio.sleep(0)  # the stream connects
    await vm.settle()
    assert vm.online and vm.connection_text == "Online"
    return vm


def ticket_view(ticket_id: str, service: str, *, counter: str | None = None) -> TicketRecord:
    return TicketRecord(
        ticket_id=ticket_id,
        number="X-001",
        service_code=service,
        queue_key=service,
        stage_index=0,
        status=TicketStatus.waiting,
        priority=None,
        source=TicketSource.walk_in,
        issued_at=MORNING,
        counter=counter,
        target_counter=None,
        recalls=0,
    )


async def test_call_next_shows_the_ticket_and_its_elapsed_time(link, clock):
    link.add("B-001", "BC", source="appointment", priority="elderly")
    vm = await started(link, clock)

    assert vm.perform("call_next")
    await vm.settle()

    assert (vm.ticket_number, vm.ticket_state) == ("B-001", "Called")
    assert vm.ticket_service == "Birth certificate"
    assert vm.ticket_source == "Appointment"
    assert vm.ticket_priority == "Elderly"
    assert vm.ticket_phone == "+2547•••••678"
    assert vm.ticket_elapsed == "00:00"
    assert vm.services_text == "National ID · Birth certificate"
    clock.advance(minutes=2, seconds=5)
    vm.tick()
    assert vm.ticket_elapsed == "02:05"
    assert vm.waiting_count == 0


async def test_start_then_elapsed_counts_from_serving(link, clock):
    link.add("A-001")
    vm = await started(link, clock)
    await vm.call_next()
    clock.advance(minutes=1)
    await vm.start_serving()
    clock.advance(seconds=30)
    vm.tick()
    assert (vm.ticket_state, vm.ticket_elapsed) == ("Serving", "00:30")


async def test_nobody_waiting_is_a_plain_message_not_a_crash(link, clock):
    vm = await started(link, clock)

    assert await vm.call_next() is False

    assert vm.message_code == "no_waiting_tickets"
    assert vm.message_is_error
    assert "Traceback" not in vm.message
    assert not vm.has_ticket
    assert vm.can_call_next


async def test_what_can_be_done_follows_the_ticket(link, clock):
    link.add("A-001")
    vm = await started(link, clock)
    assert vm.can_call_next and vm.can_pause and vm.can_serve
    assert not (vm.can_recall or vm.can_start or vm.can_finish or vm.can_no_show)
    assert not vm.can_transfer

    await vm.call_next()
    assert vm.can_recall and vm.can_start and vm.can_finish and vm.can_no_show
    assert vm.can_transfer
    assert not (vm.can_call_next or vm.can_serve or vm.can_pause)

    await vm.start_serving()
    assert vm.can_finish and vm.can_transfer
    assert not (vm.can_recall or vm.can_start or vm.can_no_show)
    assert vm.perform("recall") is False
    assert "recall" not in link.sent

    await vm.finish()
    assert vm.can_call_next and not vm.has_ticket


async def test_a_double_press_calls_one_citizen(link, clock):
    link.add("A-001")
    link.add("A-002")
    vm = await started(link, clock)
    link.gate = asyncio.Event()

    assert vm.perform("call_next")
    await asyncio.sleep(0)
    assert vm.busy and not vm.can_call_next
    assert vm.perform("call_next") is False
    link.gate.set()
    await vm.settle()

    assert link.sent.count("call_next") == 1
    assert vm.ticket_number == "A-001"
    assert vm.waiting_count == 1


async def test_offline_disables_every_action_until_back(link, clock):
    link.add("A-001")
    vm = await started(link, clock)

    vm.stream_online(False)
    assert not vm.online and vm.connection_text == "Offline · actions off"
    assert vm.message_code == "server_unreachable"
    assert not any((vm.can_call_next, vm.can_serve, vm.can_pause))
    assert vm.perform("call_next") is False
    assert await vm.call_next() is False
    assert "call_next" not in link.sent

    link.add("A-002")
    vm.stream_online(True)
    await vm.settle()
    assert vm.can_call_next and vm.message == ""
    assert vm.waiting_count == 2


async def test_a_command_lost_on_the_way_says_so_and_keeps_the_screen(link, clock):
    link.add("A-001")
    vm = await started(link, clock)
    link.unreachable = True

    assert await vm.call_next() is False

    assert vm.message_code == "server_unreachable"
    assert vm.waiting_count == 1


async def test_pause_asks_a_reason_then_stops_calls_and_p_resumes(link, clock):
    link.add("A-001")
    vm = await started(link, clock)

    assert vm.perform("pause")
    assert vm.dialog == "pause"
    assert vm.pause_key("x") is False
    assert vm.pause_key("o")
    await vm.settle()

    assert vm.dialog == ""
    assert link.sent[-1] == "pause back_office"
    assert (vm.counter_status, vm.status_text) == ("paused", "Paused: Back office")
    assert not vm.can_call_next and not vm.can_serve
    assert vm.perform("call_next") is False
    assert vm.pause_label == "Resume"

    assert vm.perform("pause")
    await vm.settle()
    assert link.sent[-1] == "resume"
    assert vm.counter_status == "open" and vm.can_call_next


async def test_closing_the_pause_dialog_does_nothing(link, clock):
    vm = await started(link, clock)
    vm.perform("pause")
    vm.close_dialog()
    await vm.settle()
    assert vm.dialog == "" and vm.counter_status == "open"
    assert not any(command.startswith("pause") for command in link.sent)


async def test_transfer_to_a_service_with_a_note(link, clock):
    ticket = link.add("A-001")
    vm = await started(link, clock)
    await vm.call_next()

    assert vm.perform("transfer")
    assert vm.dialog == "transfer"
    assert [row["code"] for row in vm.transfer_counters] == ["C2"]
    assert vm.confirm_transfer(to_service="GC", to_counter="C2") is False
    assert vm.confirm_transfer() is False
    assert vm.confirm_transfer(to_service="GC", note="needs police form")
    await vm.settle()

    assert link.sent[-1] == "transfer GC needs police form"
    assert (ticket.status, ticket.service_code) == ("waiting", "GC")
    assert not vm.has_ticket and vm.dialog == ""
    assert vm.message == "A-001 sent to Good conduct."


async def test_transfer_needs_a_held_ticket(link, clock):
    vm = await started(link, clock)
    assert vm.perform("transfer") is False
    assert vm.dialog == ""


async def test_serve_a_particular_waiting_ticket_by_its_row(link, clock):
    link.add("A-001")
    wanted = link.add("A-002", priority="elderly")
    vm = await started(link, clock)
    assert [row["number"] for row in vm.upcoming] == ["A-001", "A-002"]
    assert vm.upcoming[1]["tags"] == "Elderly"
    assert vm.upcoming[1]["service"] == "National ID"  # C1 serves two services

    assert vm.perform("serve_3") is False
    assert vm.perform("serve_2")
    await vm.settle()

    assert link.sent[-1] == f"serve_ticket {wanted.ticket_id}"
    assert vm.ticket_number == "A-002"
    assert [row["number"] for row in vm.upcoming] == ["A-001"]


async def test_a_ticket_taken_by_another_counter_is_said_and_the_list_refreshed(link, clock):
    first = link.add("A-001")
    vm = await started(link, clock)
    first.status, first.counter = "called", "C9"  # another counter was quicker

    assert await vm.serve_ticket(first.ticket_id) is False

    assert vm.message_code == "ticket_taken"
    assert vm.upcoming == []
    assert vm.waiting_count == 0


async def test_recall_past_the_limit_ends_in_no_show(link, clock):
    link.add("A-001")
    vm = await started(link, clock)
    await vm.call_next()
    await vm.recall()
    assert vm.ticket_recalls == 1
    await vm.recall()
    await vm.recall()
    assert not vm.has_ticket
    assert vm.message == "A-001 was called too often: marked as no-show."


async def test_no_show_frees_the_counter(link, clock):
    ticket = link.add("A-001")
    vm = await started(link, clock)
    await vm.call_next()
    assert vm.perform("no_show")
    await vm.settle()
    assert ticket.status == "no_show" and vm.can_call_next


async def test_figures_tally_the_handling_times_of_the_day(link, clock):
    link.add("A-001")
    link.add("A-002")
    vm = await started(link, clock)
    assert (vm.served_today, vm.mean_handling, vm.longest_handling) == (0, "–", "–")

    await vm.call_next()
    clock.advance(minutes=1)
    await vm.start_serving()
    clock.advance(minutes=4)
    await vm.finish()
    await vm.call_next()
    clock.advance(minutes=2)
    await vm.finish()  # finished straight from called: handling counts from the call

    assert vm.served_today == 2
    assert vm.mean_handling == "3 min 00 s"
    assert vm.longest_handling == "4 min 00 s"

    clock.advance(minutes=24 * 60)
    vm.tick()
    assert vm.served_today == 0


async def test_figures_from_the_centre_win_when_it_has_them(link, clock):
    link.figures = StaffFigures(
        served=31, mean_handling_seconds=400.0, longest_handling_seconds=1322.0
    )
    vm = await started(link, clock)
    assert (vm.served_today, vm.mean_handling, vm.longest_handling) == (
        31,
        "6 min 40 s",
        "22 min 02 s",
    )


async def test_figures_from_the_centre_start_afresh_after_local_midnight(link, clock):
    link.figures = StaffFigures(
        served=31, mean_handling_seconds=400.0, longest_handling_seconds=1322.0
    )
    vm = await started(link, clock)
    vm.tick()
    assert vm.served_today == 31

    link.figures = StaffFigures(served=0, mean_handling_seconds=None, longest_handling_seconds=None)
    clock.advance(minutes=15 * 60)  # 00:30 the next day in Nairobi
    vm.tick()
    assert vm.served_today == 0
    await vm.settle()
    assert (vm.served_today, vm.mean_handling) == (0, "–")


async def test_the_waiting_list_follows_the_stream_for_this_counter_only(link, clock):
    vm = await started(link, clock)
    link.add("A-001")
    link.add("G-001", "GC")
    clock.advance(minutes=42)

    vm.stream_changes([TicketChanged(seq=5, ticket_id="t2", ticket=ticket_view("t2", "GC"))])
    await vm.settle()
    assert vm.waiting_count == 0  # not one of our services: no refresh asked

    vm.stream_changes([TicketChanged(seq=6, ticket_id="t1", ticket=ticket_view("t1", "NID"))])
    await vm.settle()
    assert vm.waiting_count == 1
    assert vm.longest_wait == "42 min"
    assert vm.upcoming[0]["waited"] == "42 min"
    assert vm.upcoming[0]["reason"] == "first in line"


async def test_a_pause_made_elsewhere_reaches_the_screen(link, clock):
    vm = await started(link, clock)
    link.status, link.pause_reason = "paused", "break"

    vm.stream_changes([CounterChanged(seq=3, counter=CounterView(code="C2", status="paused"))])
    await vm.settle()
    assert vm.counter_status == "open"

    vm.stream_changes([CounterChanged(seq=4, counter=CounterView(code="C1", status="paused"))])
    await vm.settle()
    assert vm.status_text == "Paused: Break"


async def test_a_snapshot_reloads_the_held_ticket(link, clock):
    vm = await started(link, clock)
    ticket = link.add("A-001")
    ticket.status, ticket.counter, ticket.called_at = "called", "C1", clock.now()

    vm.stream_changes([Reset(seq=40)])
    await vm.settle()
    assert vm.ticket_number == "A-001"


async def test_an_ended_session_goes_back_to_login_saying_why(link, clock):
    link.add("A-001")
    vm = await started(link, clock)
    login = LoginViewModel(link=link, counter="C1")
    vm.bind(on_logged_out=lambda _, reason: login.logged_out(reason))
    link.refuse_next = "unauthenticated"

    await vm.call_next()

    assert login.error_code == "unauthenticated" and login.error
    assert vm.message_code == "unauthenticated"
    assert not vm.can_call_next


async def test_log_out_closes_the_counter_and_returns_to_login(link, clock):
    vm = await started(link, clock)
    ended = []
    vm.bind(on_logged_out=lambda _, reason: ended.append(reason))
    assert vm.perform("log_out")
    await vm.settle()
    assert ended == [""]
    assert link.status == "closed"


async def test_login_with_a_wrong_pin_says_so_and_clears_the_pin(link):
    login = LoginViewModel(link=link, counter="C1")
    assert login.counter_locked
    assert not login.can_log_in
    login.staff_number, login.pin = "1001", "0000"
    assert login.can_log_in

    assert await login.log_in() is None

    assert login.error_code == "invalid_credentials"
    assert login.pin == "" and not login.can_log_in


async def test_a_locked_account_is_told_until_when_and_who_can_unlock_it(link):
    for language, words in (("en", "locked until 10:45"), ("sw", "imefungwa hadi saa 10:45")):
        login = LoginViewModel(link=link, counter="C1", language=language)
        login.staff_number, login.pin = "LOCKED", "2468"
        assert await login.log_in() is None
        assert login.error_code == "account_locked"
        assert words in login.error and ("manager" in login.error or "Meneja" in login.error)


async def test_login_hands_over_the_session(link):
    login = LoginViewModel(link=link)
    sessions = []
    login.bind(on_logged_in=lambda _, session: sessions.append(session))
    login.staff_number, login.pin = " 1001 ", "2468"
    assert not login.can_log_in  # a counter is needed
    login.counter = "C1"
    login.submit()
    await asyncio.sleep(0)
    await login._tasks.settle()
    assert sessions == [Session(staff_number="1001", counter="C1")]
    assert login.error == ""


async def test_an_ended_session_from_a_pressed_button_still_goes_back_to_login(link, clock):
    link.add("A-001")
    vm = await started(link, clock)
    ended = []
    vm.bind(on_logged_out=lambda *_: ended.append(True))
    link.refuse_next = "unauthenticated"
    assert vm.perform("call_next")
    await vm.settle()
    assert ended == [True]


async def test_log_out_waits_until_the_held_ticket_is_dealt_with(link, clock):
    link.add("A-001")
    vm = await started(link, clock)
    await vm.call_next()
    assert not vm.can_log_out
    assert vm.perform("log_out") is False
    assert await vm.log_out() is False
    assert vm.message_code == "counter_busy"
    assert "log_out" not in link.sent


async def test_log_out_while_the_centre_is_unreachable_still_leaves(link, clock):
    vm = await started(link, clock)
    ended = []
    vm.bind(on_logged_out=lambda *_: ended.append(True))
    link.unreachable = True
    assert await vm.log_out()
    assert ended == [True]


async def test_priority_and_source_are_tagged_unless_the_reason_names_them(link, clock):
    link.add("A-001", priority="elderly", source="collection")
    vm = await started(link, clock)
    # The fake's reason is "first in line": priority and source are said beside it.
    assert vm.upcoming[0]["tags"] == "Elderly · Document collection"

    async def priority_first(*, limit):
        queue = await FakeLink.counter_queue(link, limit=limit)
        first = replace(queue.waiting.upcoming[0], reason_code="priority_turn")
        return replace(queue, waiting=replace(queue.waiting, upcoming=(first,)))

    link.counter_queue = priority_first
    vm.stream_changes([Reset(seq=9)])
    await vm.settle()
    assert vm.upcoming[0]["tags"] == "Document collection"


async def test_a_counter_of_one_service_lists_no_service_names(clock):
    link = FakeLink(clock=clock, counter="C2")
    link.add("G-001", "GC")
    vm = CounterViewModel(
        link=link, session=Session(staff_number="1002", counter="C2"), clock=clock
    )
    await vm.start()
    await asyncio.sleep(0)
    await vm.settle()
    assert vm.services_text == "Good conduct"
    assert [(row["number"], row["service"]) for row in vm.upcoming] == [("G-001", "")]


async def test_the_counter_in_swahili_shows_swahili_texts(link, clock):
    link.add("B-001", "BC", source="appointment")
    vm = CounterViewModel(
        link=link, session=Session(staff_number="1001", counter="C9"), clock=clock, language="sw"
    )
    assert (vm.connection_text, vm.staff_label, vm.counter_label) == (
        "Inaunganisha…",
        "Mfanyakazi 1001",
        "Dirisha C9",
    )
    assert (vm.ticket_headline, vm.pause_label) == ("Hakuna tiketi", "Sitisha")
    assert vm.idle_hint.startswith("Mwite anayefuata kwa F1")
    assert (vm.texts["call_next"], vm.texts["pause_break"]) == ("Ita anayefuata", "Mapumziko")
    await vm.start()
    await asyncio.sleep(0)
    await vm.settle()
    assert vm.connection_text == "Mtandaoni"
    assert vm.status_text == "Wazi"

    assert vm.perform("call_next")
    await vm.settle()

    assert vm.message == "B-001 ameitwa."
    assert (vm.ticket_state, vm.ticket_source, vm.ticket_priority) == ("Ameitwa", "Miadi", "Hakuna")
    assert vm.transfer_title == "Hamisha B-001"
    assert vm.waiting_text == "Wanaosubiri: 0"
    await vm.finish()
    assert vm.message == "Huduma ya B-001 imekamilika."
    assert await vm.call_next() is False
    assert vm.message == "Hakuna anayesubiri huduma zako kwa sasa."
    assert await vm.pause("break")
    assert (vm.message, vm.status_text) == ("Limesitishwa: Mapumziko.", "Limesitishwa: Mapumziko")
    assert vm.pause_label == "Endelea"


async def test_the_policy_s_reason_reads_in_the_counter_s_language(link, clock):
    link.add("A-001", priority="elderly")
    link.reason = CallReason(
        "priority_turn",
        "priority (Elderly), no other ticket waiting",
        {"priority": "elderly", "only_priority": 1},
    )
    english = await started(link, clock)
    assert english.upcoming[0]["reason"] == link.reason.explanation
    swahili = CounterViewModel(
        link=link, session=Session(staff_number="1001", counter="C1"), clock=clock, language="sw"
    )
    await swahili.start()
    await swahili.settle()
    sentence = "kipaumbele (Elderly), hakuna tiketi nyingine inayosubiri"
    assert (swahili.upcoming[0]["reason"], swahili.upcoming[0]["detail"]) == (sentence, sentence)
    # A newer server's reason, which this counter cannot word, reads as the server wrote it.
    link.reason = CallReason("quota_turn", "the service's daily quota is due")
    swahili.stream_changes([Reset(seq=9)])
    await swahili.settle()
    assert swahili.upcoming[0]["reason"] == "the service's daily quota is due"


async def test_the_waiting_count_reads_as_words_in_each_language(link, clock):
    link.add("A-001")
    link.add("A-002")
    english = await started(link, clock)
    assert english.waiting_text == "2 waiting"
    swahili = CounterViewModel(
        link=link, session=Session(staff_number="1001", counter="C1"), clock=clock, language="sw"
    )
    await swahili.start()
    await swahili.settle()
    assert swahili.waiting_text == "Wanaosubiri: 2"


async def test_the_login_form_in_swahili(link):
    login = LoginViewModel(link=link, counter="C1", language="sw")
    assert (login.counter_caption, login.log_in_title) == ("Dirisha (la kompyuta hii)", "Ingia")
    assert login.texts["staff_number"] == "Namba ya mfanyakazi"
    login.staff_number, login.pin = "1001", "0000"

    assert await login.log_in() is None

    assert login.error == "Namba ya mfanyakazi au PIN si sahihi. Jaribu tena."


def test_a_language_without_a_catalog_is_refused(link):
    with pytest.raises(ValueError, match="no catalog"):
        LoginViewModel(link=link, language="xx")
