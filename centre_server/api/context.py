"""Access to the server context from a request or websocket."""

from __future__ import annotations

from starlette.requests import HTTPConnection

from centre_server.context import ServerContext


def server_context(connection: HTTPConnection) -> ServerContext:
    """Return the context the app was built with."""
    context: ServerContext = connection.app.state.context
    return context
