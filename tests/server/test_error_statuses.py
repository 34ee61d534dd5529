"""Every error code, the domain's and the server's, answers with a status of its own."""

import pytest

from centre_core.errors import STATUS_BY_CODE, ErrorCode, ServerErrorCode

EVERY_CODE = [*ErrorCode, *ServerErrorCode]


@pytest.mark.parametrize("code", EVERY_CODE, ids=str)
def test_every_error_code_has_a_status(code: str) -> None:
    assert code in STATUS_BY_CODE
    assert 400 <= STATUS_BY_CODE[code] <= 599


def test_the_map_names_only_real_codes() -> None:
    assert set(STATUS_BY_CODE) == set(EVERY_CODE)
    assert len(EVERY_CODE) == len({str(code) for code in EVERY_CODE}), "a code in both enums"
