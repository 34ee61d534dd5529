"""What the counter's screens show, decided by the view-models: the kv files only bind to them."""

import pytest

from counter.shortcuts import SHORTCUTS
from counter.view_models import LoginViewModel
from tests.counter.test_view_models import started

pytestmark = pytest.mark.anyio


async def test_every_shortcut_names_an_action_of_the_table(link, clock):
    vm = await started(link, clock)
    assert {shortcut.action for shortcut in SHORTCUTS} == set(vm.actions)
    assert vm.perform("no_such_action") is False


async def test_the_ticket_card_says_what_the_counter_holds(link, clock):
    link.add("A-001")
    vm = await started(link, clock)
    assert (vm.ticket_headline, vm.has_ticket) == ("No ticket", False)
    assert vm.idle_hint.startswith("Call the next citizen")
    assert vm.ticket_state_line == ""

    await vm.call_next()
    assert (vm.ticket_headline, vm.idle_hint) == ("A-001", "")
    assert (vm.ticket_state_line, vm.ticket_tone) == ("Called  00:00", "attention")
    assert vm.ticket_priority == "None"

    clock.advance(seconds=30)
    await vm.start_serving()
    clock.advance(seconds=12)
    vm.tick()
    assert (vm.ticket_state_line, vm.ticket_tone) == ("Serving  00:12", "info")

    await vm.finish()
    assert (vm.ticket_headline, vm.has_ticket) == ("No ticket", False)
    assert vm.ticket_state_line == ""


async def test_the_status_pills_and_the_pause_button_follow_the_counter(link, clock):
    vm = await started(link, clock)
    assert (vm.status_tone, vm.connection_tone) == ("go", "live")
    assert (vm.pause_tone, vm.can_pause_or_resume) == ("neutral", True)

    await vm.pause("break")
    assert (vm.status_tone, vm.pause_tone, vm.can_pause_or_resume) == ("attention", "go", True)

    vm.stream_online(False)
    assert vm.connection_tone == "alert"
    assert not vm.can_pause_or_resume  # offline: neither pause nor resume


async def test_a_refusal_is_said_in_the_alert_tone_and_news_in_the_go_tone(link, clock):
    link.add("A-001")
    vm = await started(link, clock)
    await vm.call_next()
    await vm.finish()
    assert (vm.message, vm.message_tone) == ("A-001 finished.", "go")
    assert await vm.call_next() is False
    assert (vm.message_tone, vm.message_code) == ("alert", "no_waiting_tickets")


async def test_waiting_rows_can_be_pressed_only_while_a_ticket_may_be_called(link, clock):
    link.add("A-001")
    link.add("A-002", priority="elderly")
    vm = await started(link, clock)
    assert [(row["action"], row["servable"]) for row in vm.upcoming] == [
        ("serve_1", True),
        ("serve_2", True),
    ]
    assert vm.upcoming[1]["detail"] == f"{vm.upcoming[1]['reason']}  ·  Elderly"

    await vm.call_next()
    assert [row["servable"] for row in vm.upcoming] == [False]


def test_the_login_form_says_whose_counter_and_when_it_is_logging_in(link):
    fixed = LoginViewModel(link=link, counter="C1")
    free = LoginViewModel(link=link)
    assert fixed.counter_caption == "Counter (this workstation's)"
    assert free.counter_caption == "Counter"
    assert fixed.log_in_title == "Log in"
    fixed.busy = True
    assert fixed.log_in_title == "Logging in…"
