"""Retrying a request after a transient network error."""

import httpx
import pytest

from centre_client.retry import new_request_id, retry_transient

pytestmark = pytest.mark.anyio


class Flaky:
    """Fails with the given errors, then answers."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "answer"


async def test_an_idempotent_request_is_retried_after_a_read_timeout() -> None:
    delays: list[float] = []

    async def sleep(delay: float) -> None:
        delays.append(delay)

    attempt = Flaky(httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("cut"))
    answer = await retry_transient(attempt, retries=2, delay=0.1, idempotent=True, sleep=sleep)
    assert (answer, attempt.calls, delays) == ("answer", 3, [0.1, 0.2])


async def test_the_last_error_is_raised_when_retries_run_out() -> None:
    attempt = Flaky(*(httpx.ConnectError("refused") for _ in range(3)))
    with pytest.raises(httpx.ConnectError):
        await retry_transient(attempt, retries=2, delay=0, idempotent=True)
    assert attempt.calls == 3


async def test_a_request_that_may_have_arrived_is_not_resent_unless_idempotent() -> None:
    attempt = Flaky(httpx.ReadTimeout("slow"))
    with pytest.raises(httpx.ReadTimeout):
        await retry_transient(attempt, retries=2, delay=0, idempotent=False)
    assert attempt.calls == 1


async def test_a_request_that_never_left_is_resent_even_if_not_idempotent() -> None:
    attempt = Flaky(httpx.ConnectError("refused"))
    assert await retry_transient(attempt, retries=1, delay=0, idempotent=False) == "answer"
    assert attempt.calls == 2


def test_request_ids_are_unique() -> None:
    assert len({new_request_id() for _ in range(1000)}) == 1000
