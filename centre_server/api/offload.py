"""Blocking commands run on the command threads; the answer is their model's JSON.

A sync FastAPI route costs the event loop anyio's thread hop plus a validation and a
serialisation of the returned model (a third of a counter command's CPU, py-spy, bench/RESULTS.md).
The hot commands instead hop with `run_in_executor` and answer with the model serialised once;
`response_model` on the route still documents the answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from fastapi import FastAPI, Request, Response
from pydantic import BaseModel

# Enough for every writer queued behind a commit to join its batch, few enough that they do
# not all fight for the interpreter at once.
COMMAND_THREADS = 16


def install_command_threads(app: FastAPI) -> ThreadPoolExecutor:
    """Give the app its pool of command threads (shut down with the app's lifespan)."""
    threads = ThreadPoolExecutor(max_workers=COMMAND_THREADS, thread_name_prefix="foleni-command")
    app.state.command_threads = threads
    return threads


async def answer(
    request: Request, command: Callable[[], BaseModel], *, status_code: int = 200
) -> Response:
    """Run `command` on a command thread and answer with its result as JSON."""
    loop = asyncio.get_running_loop()
    result = await loop.run_in_executor(request.app.state.command_threads, command)
    return Response(
        result.model_dump_json(), status_code=status_code, media_type="application/json"
    )
