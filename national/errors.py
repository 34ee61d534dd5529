"""The national service's errors: every one answers `{"error": {code, message}}` with its status."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from centre_core.booking_wire import BOOKING_STATUS_BY_CODE
from centre_core.errors import STATUS_BY_CODE, QueueError, ServerErrorCode
from centre_core.sync_wire import SYNC_STATUS_BY_CODE

logger = logging.getLogger(__name__)

STATUS = {**STATUS_BY_CODE, **SYNC_STATUS_BY_CODE, **BOOKING_STATUS_BY_CODE}


def error_response(code: str, message: str, *, status: int | None = None) -> JSONResponse:
    """Build the envelope of one error."""
    return JSONResponse(
        {"error": {"code": str(code), "message": message}},
        status_code=status or STATUS.get(code, 400),
    )


async def _on_queue_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, QueueError)
    return error_response(exc.code, exc.message)


async def _on_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(part) for part in first.get("loc", ()))
    return error_response(ServerErrorCode.invalid_request, f"{where}: {first.get('msg', '')}")


async def _on_http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return error_response(ServerErrorCode.not_found, "no such route")
    if exc.status_code == 405:
        return error_response(ServerErrorCode.method_not_allowed, "method not allowed here")
    return error_response(ServerErrorCode.invalid_request, str(exc.detail), status=exc.status_code)


async def _on_unexpected(_request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error", exc_info=exc)
    return error_response(ServerErrorCode.internal_error, "internal error")


def install_error_handlers(app: FastAPI) -> None:
    """Make every error answer with the envelope."""
    app.add_exception_handler(QueueError, _on_queue_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(HTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)
