import os
from collections.abc import Iterator

# A fixed-size window, never full screen, and no Kivy argument parsing or log noise: all read
# when Kivy is first imported, so set before anything imports it.
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")

from kivy.config import Config

Config.set("graphics", "fullscreen", "0")
Config.set("graphics", "width", "1280")
Config.set("graphics", "height", "720")
Config.set("graphics", "resizable", "0")

import pytest  # noqa: E402

from tests.display.window.demo import DemoCentre, start_demo  # noqa: E402


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoCentre]:
    with start_demo(tmp_path_factory.mktemp("demo")) as centre:
        yield centre
