import pytest

from centre_core.reasons import CallReason, ReasonCode
from counter import wording

# One reason of each code and variant as `centre_core.policy` writes it (tests/core/test_policy.py
# holds the policy to these sentences and figures).
REASONS = [
    CallReason("first_in_line", "first in line, waiting since 09:00", {"since": "09:00"}),
    CallReason(
        "most_urgent",
        "waited 20 min of a 20 min target",
        {"minutes": 20, "target": 20, "weight": 1},
    ),
    CallReason(
        "most_urgent",
        "waited 15 min of a 20 min target (queue weight 2)",
        {"minutes": 15, "target": 20, "weight": 2},
    ),
    CallReason("transfer_to_counter", "transferred to this counter at 09:10", {"at": "09:10"}),
    CallReason("appointment_due", "appointment 09:30", {"slot": "09:30"}),
    CallReason("priority_turn", "priority (Elderly)", {"priority": "elderly", "only_priority": 0}),
    CallReason(
        "priority_turn",
        "priority (Elderly), no other ticket waiting",
        {"priority": "elderly", "only_priority": 1},
    ),
    CallReason(
        "passed_over_bound",
        "in line since 09:00, passed over 1 time",
        {"since": "09:00", "count": 1},
    ),
    CallReason(
        "passed_over_bound",
        "in line since 09:00, passed over 2 times",
        {"since": "09:00", "count": 2},
    ),
]
SWAHILI = [
    "wa kwanza kwenye foleni, anasubiri tangu saa 09:00",
    "amesubiri dakika 20 kati ya lengo la dakika 20",
    "amesubiri dakika 15 kati ya lengo la dakika 20 (uzito wa foleni 2)",
    "amehamishiwa dirisha hili saa 09:10",
    "miadi ya saa 09:30",
    "kipaumbele (Elderly)",
    "kipaumbele (Elderly), hakuna tiketi nyingine inayosubiri",
    "kwenye foleni tangu saa 09:00, amepitwa mara 1",
    "kwenye foleni tangu saa 09:00, amepitwa mara 2",
]


def said(reason: CallReason, language: str) -> str:
    names = {"elderly": "Elderly"}
    return wording.reason(
        reason.code, reason.figures, reason.explanation, language, lambda code: names[code]
    )


def test_timers_and_waits():
    assert wording.clock_time(0) == "00:00"
    assert wording.clock_time(247) == "04:07"
    assert wording.clock_time(3727) == "1:02:07"
    assert wording.minutes(59) == "0 min"
    assert wording.minutes(42 * 60 + 30) == "42 min"
    assert wording.minutes(65 * 60) == "1 h 05 min"


def test_handling_times():
    assert wording.handling(None) == "–"
    assert wording.handling(42.4) == "42 s"
    assert wording.handling(400) == "6 min 40 s"


def test_sources_and_pause_reasons():
    assert wording.source("collection") == "Document collection"
    assert wording.source("new_channel") == "New channel"
    assert wording.pause_reason("back_office") == "Back office"
    assert wording.pause_reason("training") == "training"
    assert wording.pause_reason(None) == ""


def test_statuses_read_as_words_and_unknown_ones_as_their_code():
    assert wording.counter_status("paused") == "Paused"
    assert wording.ticket_status("serving") == "Serving"
    assert wording.counter_status("on_strike") == "on_strike"


def test_the_counter_s_words_in_swahili():
    assert wording.minutes(65 * 60, "sw") == "saa 1 dakika 05"
    assert wording.handling(400, "sw") == "dakika 6 sekunde 40"
    assert wording.source("walk_in", "sw") == "Bila miadi"
    assert wording.counter_status("closed", "sw") == "Limefungwa"
    assert wording.pause_reason("break", "sw") == "Mapumziko"


def test_every_reason_code_is_worded():
    assert {reason.code for reason in REASONS} == set(ReasonCode)
    assert set(wording.REASONS) == set(ReasonCode)


@pytest.mark.parametrize("reason", REASONS, ids=lambda reason: reason.explanation)
def test_a_reason_in_english_reads_as_the_policy_s_explanation(reason):
    assert said(reason, "en") == reason.explanation


@pytest.mark.parametrize(("reason", "swahili"), list(zip(REASONS, SWAHILI, strict=True)))
def test_a_reason_in_swahili(reason, swahili):
    assert said(reason, "sw") == swahili


def test_a_reason_the_counter_cannot_word_reads_as_the_server_s_explanation():
    # A newer server's code, and an older server's reason without its figures.
    assert said(CallReason("quota_turn", "daily quota due"), "sw") == "daily quota due"
    assert said(CallReason("appointment_due", "appointment 09:30"), "sw") == "appointment 09:30"
