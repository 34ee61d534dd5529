"""Kivy's window options for a Foleni app; set before anything imports Kivy's window."""

from __future__ import annotations

import os


def configure_window(*, windowed: bool, size: tuple[int, int], public: bool) -> None:
    """Full screen on the device, or a fixed-size window for demos and tests.

    A `public` screen (kiosk, hall display) in full screen shows no pointer and ignores Esc:
    nobody in the hall may close it by accident. A staff workstation (the counter) keeps its
    pointer, never closes on Esc (Esc closes its dialogs) and shows no multitouch dots.
    """
    # The apps' options are theirs: Kivy must not read (and reject) the command line itself.
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    from kivy.config import Config

    Config.set("graphics", "fullscreen", "0" if windowed else "auto")
    Config.set("graphics", "width", str(size[0]))
    Config.set("graphics", "height", str(size[1]))
    if public:
        if not windowed:
            Config.set("graphics", "show_cursor", "0")
            Config.set("kivy", "exit_on_escape", "0")
        return
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("graphics", "resizable", "1" if windowed else "0")
    # A right click must not leave Kivy's multitouch-emulation dots on a staff screen.
    Config.set("input", "mouse", "mouse,disable_multitouch")
