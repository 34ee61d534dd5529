from counter.shortcuts import PAUSE_REASON_KEYS, SHORTCUTS, action_for, label_for
from counter.wording import PAUSE_REASONS


def test_every_key_triggers_one_action_only():
    bound = [(key, shortcut.ctrl) for shortcut in SHORTCUTS for key in shortcut.keys]
    assert len(bound) == len(set(bound))


def test_the_main_actions_have_their_keys():
    assert action_for("f1") == action_for("spacebar") == "call_next"
    assert [action_for(key) for key in "rsfntp"] == [
        "recall",
        "start_serving",
        "finish",
        "no_show",
        "transfer",
        "pause",
    ]
    assert action_for("3") == "serve_3"
    assert action_for("l") is None
    assert action_for("l", ctrl=True) == "log_out"
    assert action_for("f", ctrl=True) is None


def test_labels_read_as_on_a_keyboard():
    assert label_for("call_next") == "F1 / Space"
    assert label_for("recall") == "R"
    assert label_for("log_out") == "Ctrl+L"


def test_each_pause_reason_key_names_a_known_reason():
    assert set(PAUSE_REASON_KEYS.values()) == set(PAUSE_REASONS)
