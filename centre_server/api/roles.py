"""Route roles: every route declares who may call it, and a test walks the route table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, APIWebSocketRoute, iter_route_contexts
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection
from starlette.routing import BaseRoute

from centre_core.errors import QueueError, ServerErrorCode
from centre_server.api.context import server_context
from centre_server.auth import Principal, Role
from centre_server.web.session import PageGuard

F = TypeVar("F", bound=Callable[..., Any])


def bearer_token(connection: HTTPConnection, *, allow_query: bool = False) -> str | None:
    """Return the bearer token of a request (header; `?token=` too for websockets)."""
    header = connection.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if allow_query:
        return connection.query_params.get("token") or None
    return None


class RoleGuard:
    """A dependency admitting only callers holding one of `roles` (or anyone when public)."""

    def __init__(self, roles: frozenset[Role], *, public: bool = False) -> None:
        self.roles = roles
        self.public = public

    def check(self, connection: HTTPConnection, *, allow_query: bool = False) -> Principal | None:
        """Authenticate and authorise a connection; raise `unauthenticated` or `forbidden`."""
        if self.public:
            return None
        context = server_context(connection)
        token = bearer_token(connection, allow_query=allow_query)
        principal = (
            None
            if token is None
            else context.principals.authenticate(context.db, token, now=context.now())
        )
        return self._admit(principal)

    def _admit(self, principal: Principal | None) -> Principal:
        if principal is None:
            raise QueueError(ServerErrorCode.unauthenticated, "a valid token is required")
        if not principal.has_any(self.roles):
            raise QueueError(ServerErrorCode.forbidden, "this role may not do that")
        return principal

    async def __call__(self, request: Request) -> Principal | None:
        """Check an HTTP request: from the token cache on the loop, else in a worker thread."""
        if self.public:
            return None
        context = server_context(request)
        token = bearer_token(request)
        principal = None
        if token is not None:
            principal = context.principals.cached(token, now=context.now())
            if principal is None:
                principal = await run_in_threadpool(
                    context.principals.authenticate, context.db, token, now=context.now()
                )
        return self._admit(principal)


def requires(*roles: Role) -> RoleGuard:
    """Return the guard of a route admitting these roles."""
    if not roles:
        raise ValueError("a guarded route admits at least one role")
    return RoleGuard(frozenset(roles))


PUBLIC = RoleGuard(frozenset(), public=True)


def websocket_guard(guard: RoleGuard) -> Callable[[F], F]:
    """Declare the guard a websocket endpoint checks itself (after accepting, to say why)."""

    def declare(endpoint: F) -> F:
        endpoint.role_guard = guard  # type: ignore[attr-defined]
        return endpoint

    return declare


@dataclass(frozen=True)
class RouteEntry:
    """One route of the app as the role walk sees it."""

    path: str
    methods: frozenset[str]
    websocket: bool
    guard: RoleGuard | PageGuard | None


def _guard_of(route: BaseRoute) -> RoleGuard | PageGuard | None:
    if isinstance(route, APIWebSocketRoute):
        return getattr(route.endpoint, "role_guard", None)
    if isinstance(route, APIRoute):
        return _guard_among(route.dependant.dependencies)
    return None


def _guard_among(dependencies: list[Dependant]) -> RoleGuard | PageGuard | None:
    # A guard counts where the route uses it directly or through one of its dependencies.
    for dependency in dependencies:
        if isinstance(dependency.call, RoleGuard | PageGuard):
            return dependency.call
        nested = _guard_among(dependency.dependencies)
        if nested is not None:
            return nested
    return None


def route_table(app: FastAPI) -> list[RouteEntry]:
    """Return every route of the app (included routers flattened) with the guard it declared."""
    entries = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        entries.append(
            RouteEntry(
                path=str(context.path),
                methods=frozenset(context.methods or ()),
                websocket=isinstance(route, APIWebSocketRoute),
                guard=_guard_of(route),
            )
        )
    return entries
