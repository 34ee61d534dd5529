import asyncio
import logging

from app_shell.tasks import TaskSet


def test_a_failed_task_is_logged_and_forgotten(caplog):
    async def scenario():
        tasks = TaskSet()

        async def fail():
            raise RuntimeError("printer on fire")

        tasks.spawn(fail())
        assert tasks.pending == 1
        await tasks.settle()
        return tasks.pending

    with caplog.at_level(logging.ERROR, logger="app_shell.tasks"):
        assert asyncio.run(scenario()) == 0
    assert "background task failed" in caplog.text
    assert "printer on fire" in caplog.text


def test_settle_waits_for_tasks_started_meanwhile():
    done = []

    async def scenario():
        tasks = TaskSet()

        async def second():
            await asyncio.sleep(0)
            done.append("second")

        async def first():
            tasks.spawn(second())
            done.append("first")

        tasks.spawn(first())
        await tasks.settle()

    asyncio.run(scenario())
    assert done == ["first", "second"]


def test_cancel_all_from_inside_a_task_spares_the_caller():
    ended = []

    async def scenario():
        tasks = TaskSet()
        blocked = tasks.spawn(asyncio.Event().wait())

        async def log_out():
            await tasks.cancel_all()
            ended.append("log_out finished")

        caller = tasks.spawn(log_out())
        await caller
        return blocked.cancelled()

    assert asyncio.run(scenario())
    assert ended == ["log_out finished"]
