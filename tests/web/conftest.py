"""A real centre server on loopback and a real headless Chromium (Debian's) to drive its pages."""

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

from centre_server.api.app import build_app
from centre_server.auth import Role
from centre_server.services import device_service
from tests.server.databases import fresh_database
from tests.server.harness import PIN, add_cheap_staff, make_settings
from tests.server.live import LiveServer

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "web"
# As root in a container Chromium needs --no-sandbox; the rest keep it off the closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK = {"127.0.0.1", "localhost"}


@dataclass
class LiveCentre:
    """A centre server on a loopback port, with device tokens and a manager's login."""

    url: str
    context: object
    tokens: dict[str, str] = field(default_factory=dict)
    manager: tuple[str, str] = ("M01", PIN)

    def api(self, token: str | None = None) -> httpx.Client:
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        return httpx.Client(base_url=self.url, timeout=10, trust_env=False, headers=headers)


@pytest.fixture
def centre(tmp_path) -> Iterator[LiveCentre]:
    with fresh_database("sqlite", tmp_path, migrated=True) as url:
        # Real time, at any hour: the hall opens whenever the test runs.
        # The alert worker on, looking at a quiet hall every second.
        settings = make_settings(url, tmp_path, ignore_opening_hours=True, alert_check_seconds=1.0)
        app = build_app(settings)
        context = app.state.context
        add_cheap_staff(context, "M01", Role.manager)
        add_cheap_staff(context, "SC07", Role.counter)
        server = LiveServer(app)
        live = LiveCentre(url=server.url, context=context)
        for role in (Role.kiosk, Role.display):
            device = device_service.add_device(
                context.db, name=f"{role}-{uuid.uuid4().hex[:4]}", role=role, now=context.now()
            )
            live.tokens[str(role)] = device.token
        try:
            yield live
        finally:
            server.stop()
            context.db.engine.dispose()


# One per module, not per session: while Playwright's sync API runs, its event loop is the
# thread's running loop, and tests elsewhere that start their own loop would fail.
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is missing: scripts/install-system-deps installs it"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@contextmanager
def loopback_page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context whose requests may only reach loopback (others are aborted)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def only_loopback(route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_loopback)
    yield context.new_page()
    context.close()
    assert outside == [], f"the page tried to leave loopback: {outside}"


@pytest.fixture
def page(browser: Browser, centre: LiveCentre) -> Iterator[Page]:
    """A loopback-only page, closed before the centre stops (a server waits for open streams)."""
    with loopback_page(browser) as opened:
        yield opened


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
