from counter import wording


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
