"""Every national route but the health check refuses a caller without a credential."""

import re

import httpx
from fastapi.routing import iter_route_contexts

from national.app import create_app
from national.settings import NationalSettings

PUBLIC = {"/health"}
# The overview's login: the page shows the form without a session, the form's post needs its
# own CSRF cookie; neither shows anything else (tests/national/test_overview.py).
LOGIN = {"/overview", "/overview/login"}
# FastAPI's own documentation routes.
DOCS = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}


def test_no_route_is_open_by_accident(nation, tmp_path):
    app = create_app(NationalSettings(database_url=nation.database_url, data_dir=tmp_path))
    routes = [(str(c.path), set(c.methods or ())) for c in iter_route_contexts(app.routes)]
    assert len(routes) > 5
    for route_path, methods in routes:
        if route_path in PUBLIC | DOCS | LOGIN:
            continue
        # Any value for a path parameter: authentication comes before the lookup.
        path = re.sub(r"\{[^}]+\}", "X", route_path)
        for method in methods - {"HEAD"}:
            answer = httpx.request(method, nation.url + path, json={}, timeout=10)
            assert (answer.status_code, answer.json()["error"]["code"]) == (
                401,
                "unauthenticated",
            ), f"{method} {route_path}"
