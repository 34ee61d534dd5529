"""A real kiosk window (under Xvfb) against a real centre server and a loopback 9100 printer."""

import os

# Read when Kivy is first imported: a fixed window, never full screen, no argument parsing.
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONFIG", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_WINDOW", "sdl2")

import pytest

from printers.fake_network import FakeNetworkPrinter
from tests.kiosk.window.centre import CentreProcess


@pytest.fixture(scope="module")
def centre(tmp_path_factory):
    process = CentreProcess(tmp_path_factory.mktemp("centre"))
    try:
        process.start_demo()
        yield process
    finally:
        process.close()


@pytest.fixture(scope="module")
def printer():
    with FakeNetworkPrinter() as fake:
        yield fake


@pytest.fixture(scope="module")
def kiosk(centre, printer):
    # Imported here: Kivy opens its window on import, and the headless run collects this file.
    from tests.kiosk.window.driver import KioskDriver

    driver = KioskDriver.open(server_url=centre.url, token=centre.token("kiosk"), printer=printer)
    try:
        yield driver
    finally:
        driver.close()
