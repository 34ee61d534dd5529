import pytest

from printers.fake_network import FakeNetworkPrinter
from tests.e2e.window.apps import ROOT
from tests.e2e.window.recording_proxy import RecordingProxy
from tests.e2e.window.xserver import XScreen
from tests.kiosk.window.centre import CentreProcess

ARTIFACTS = ROOT / "artifacts" / "e2e"


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def centre(tmp_path):
    # `foleni demo --port 0 --no-clients`: the demo binds port 0 itself before serving, so the
    # port is the system's choice and nothing can take it between choosing and binding.
    data_dir = tmp_path / "centre"
    data_dir.mkdir()
    process = CentreProcess(data_dir)
    try:
        process.start_demo()
        yield process
    finally:
        process.close()


@pytest.fixture
def screen():
    x = XScreen()
    try:
        yield x
    finally:
        x.close()


@pytest.fixture
def printer():
    with FakeNetworkPrinter() as fake:
        yield fake


@pytest.fixture
def proxies(centre):
    """One recording proxy for the kiosk, one for the display."""
    kiosk, display = RecordingProxy(centre.url).start(), RecordingProxy(centre.url).start()
    try:
        yield kiosk, display
    finally:
        kiosk.stop()
        display.stop()
