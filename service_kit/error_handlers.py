"""The error envelope of both services: every error answers `{"error": {code, message}}`."""

from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from centre_core.errors import QueueError, ServerErrorCode

logger = logging.getLogger(__name__)


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    """Return the error envelope every failing response carries."""
    return {"error": {"code": str(code), "message": message}}


def _describe_validation(exc: RequestValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "invalid request"
    first = errors[0]
    where = ".".join(str(part) for part in first.get("loc", ()))
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first.get('msg', 'invalid')}{more}"


def install_error_handlers(app: FastAPI, *, status_for: Callable[[str], int]) -> None:
    """Make every error, expected or not, answer with the envelope and its code's status."""

    def respond(code: str, message: str, *, status: int | None = None) -> JSONResponse:
        headers = (
            {"WWW-Authenticate": "Bearer"} if code == ServerErrorCode.unauthenticated else None
        )
        return JSONResponse(
            error_body(code, message), status_code=status or status_for(code), headers=headers
        )

    async def on_queue_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, QueueError)
        return respond(exc.code, exc.message)

    async def on_validation_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return respond(ServerErrorCode.invalid_request, _describe_validation(exc))

    async def on_http_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 404:
            return respond(ServerErrorCode.not_found, "no such route")
        if exc.status_code == 405:
            return respond(ServerErrorCode.method_not_allowed, "method not allowed here")
        code = (
            ServerErrorCode.invalid_request
            if exc.status_code < 500
            else ServerErrorCode.internal_error
        )
        return respond(code, str(exc.detail), status=exc.status_code)

    async def on_unexpected(_request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled error", exc_info=exc)
        return respond(ServerErrorCode.internal_error, "internal error")

    app.add_exception_handler(QueueError, on_queue_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)
