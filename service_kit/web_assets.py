"""The vendored front-end files both services serve, and the OpenAPI docs built on them."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_PATH = "/static"
VENDOR = f"{STATIC_PATH}/vendor"
# The stylesheet of both services' pages.
PAGES_CSS = f"{STATIC_PATH}/pages.css"
DOCS_PATH = "/docs"


def serve_assets(app: FastAPI) -> None:
    """Mount the vendored files at `/static` and serve `/docs` from them, so both work offline.

    The app is made with `docs_url=None, redoc_url=None`: FastAPI's own docs pages load Swagger
    UI and ReDoc from a CDN and stay blank offline; ReDoc is dropped.
    """
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="static")

    async def docs(_request: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title}: API",
            swagger_js_url=f"{VENDOR}/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url=f"{VENDOR}/swagger-ui/swagger-ui.css",
            swagger_favicon_url=f"{VENDOR}/swagger-ui/favicon-32x32.png",
        )

    app.add_route(DOCS_PATH, docs, include_in_schema=False)
