import pytest

from centre_client.errors import INVALID_RESPONSE, SERVER_UNREACHABLE
from centre_core.errors import ErrorCode, ServerErrorCode
from counter.plain_words import MESSAGES, message_for


def test_every_code_a_counter_can_receive_has_plain_words():
    codes = {*ErrorCode, *ServerErrorCode, SERVER_UNREACHABLE, INVALID_RESPONSE}
    missing = sorted(str(code) for code in codes if str(code) not in MESSAGES)
    assert missing == []


def test_the_catalogue_holds_no_code_the_centre_never_sends():
    codes = {str(code) for code in (*ErrorCode, *ServerErrorCode)}
    codes |= {SERVER_UNREACHABLE, INVALID_RESPONSE}
    assert sorted(set(MESSAGES) - codes) == []


@pytest.mark.parametrize("language", ["en", "sw"])
def test_messages_are_sentences_without_codes(language):
    for code in MESSAGES:
        text = message_for(code, language)
        assert text[0].isupper() and text.endswith("."), code
        assert "_" not in text, code


def test_a_message_reads_in_the_language_asked_for():
    assert message_for("counter_paused") == "Your counter is paused. Resume to call citizens."
    assert message_for("counter_paused", "sw") == (
        "Dirisha lako limesitishwa. Endelea ili kuita wananchi."
    )
    assert "brand_new_rule" in message_for("brand_new_rule", "sw")


def test_an_unknown_code_still_reads_as_a_sentence():
    text = message_for("brand_new_rule")
    assert text.startswith("The centre refused that") and "brand_new_rule" in text
