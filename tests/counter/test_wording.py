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
