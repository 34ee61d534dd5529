"""Every error answers a `{"error": {code, message}}` body with its code's status (core table)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from centre_core.errors import QueueError, ServerErrorCode, status_for

logger = logging.getLogger(__name__)


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    """Return the error envelope every failing response carries."""
    return {"error": {"code": str(code), "message": message}}


def error_response(code: str, message: str, *, status: int | None = None) -> JSONResponse:
    """Build the JSON response for an error code."""
    headers = {"WWW-Authenticate": "Bearer"} if code == ServerErrorCode.unauthenticated else None
    return JSONResponse(
        error_body(code, message), status_code=status or status_for(code), headers=headers
    )


def _describe_validation(exc: RequestValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "invalid request"
    first = errors[0]
    where = ".".join(str(part) for part in first.get("loc", ()))
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first.get('msg', 'invalid')}{more}"


async def _on_queue_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, QueueError)
    return error_response(exc.code, exc.message)


async def _on_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return error_response(ServerErrorCode.invalid_request, _describe_validation(exc))


async def _on_http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        return error_response(ServerErrorCode.not_found, "no such route")
    if exc.status_code == 405:
        return error_response(ServerErrorCode.method_not_allowed, "method not allowed here")
    code = (
        ServerErrorCode.invalid_request if exc.status_code < 500 else ServerErrorCode.internal_error
    )
    return error_response(code, str(exc.detail), status=exc.status_code)


async def _on_unexpected(_request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error", exc_info=exc)
    return error_response(ServerErrorCode.internal_error, "internal error")


def install_error_handlers(app: FastAPI) -> None:
    """Make every error, expected or not, answer with the envelope."""
    app.add_exception_handler(QueueError, _on_queue_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)
