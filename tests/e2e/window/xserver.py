"""A person at the X server: pointer clicks and key presses through XTEST, and screenshots.

ctypes over libX11 and libXtst (libxtst6 comes with x11-utils, which scripts/install-system-deps
installs for `xdpyinfo`), so the test needs no xdotool. Events made with XTEST go through the X
server to SDL2 and Kivy exactly as a mouse and a keyboard's do.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import time
from pathlib import Path

from PIL import ImageGrab

REVERT_TO_PARENT = 2
CURRENT_TIME = 0
LEFT_BUTTON = 1
# Characters typed with Shift held on the US layout Xvfb starts with.
SHIFTED = {"+": "plus", "_": "underscore", ":": "colon", "?": "question"}
KEYSYM_NAMES = {"-": "minus", "/": "slash", ".": "period", " ": "space", "=": "equal"}
# Pauses that let SDL and Kivy see a press and a release as two events.
PRESS_SECONDS = 0.05


# Xlib's default error handler ends the process: ours notes the error for `_check` to raise.
ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)


class XError(RuntimeError):
    """The X server refused a request (e.g. focus on a window that is not mapped)."""


def _library(name: str, fallback: str) -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library(name) or fallback)


class XScreen:
    """One connection to the X server of `$DISPLAY`."""

    def __init__(self, display: str | None = None) -> None:
        self.name = display or os.environ["DISPLAY"]
        self._x = _library("X11", "libX11.so.6")
        self._xtst = _library("Xtst", "libXtst.so.6")
        self._x.XOpenDisplay.restype = ctypes.c_void_p
        self._x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self._x.XDefaultRootWindow.restype = ctypes.c_ulong
        self._x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        self._x.XStringToKeysym.restype = ctypes.c_ulong
        self._x.XStringToKeysym.argtypes = [ctypes.c_char_p]
        self._x.XKeysymToKeycode.restype = ctypes.c_ubyte
        self._x.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        self._x.XTranslateCoordinates.argtypes = [
            ctypes.c_void_p,
            ctypes.c_ulong,
            ctypes.c_ulong,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.POINTER(ctypes.c_int),
            ctypes.POINTER(ctypes.c_int),
            ctypes.POINTER(ctypes.c_ulong),
        ]
        for name in ("XRaiseWindow",):
            getattr(self._x, name).argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        self._x.XSetInputFocus.argtypes = [
            ctypes.c_void_p,
            ctypes.c_ulong,
            ctypes.c_int,
            ctypes.c_ulong,
        ]
        self._x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        self._x.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self._xtst.XTestFakeMotionEvent.argtypes = [
            ctypes.c_void_p,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_ulong,
        ]
        self._xtst.XTestFakeButtonEvent.argtypes = [
            ctypes.c_void_p,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_ulong,
        ]
        self._xtst.XTestFakeKeyEvent.argtypes = [
            ctypes.c_void_p,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_ulong,
        ]
        self._errors: list[str] = []
        self._on_error = ERROR_HANDLER(self._note_error)
        self._x.XSetErrorHandler.argtypes = [ERROR_HANDLER]
        self._x.XSetErrorHandler.restype = ctypes.c_void_p
        self._x.XSetErrorHandler(self._on_error)
        self._display = self._x.XOpenDisplay(self.name.encode())
        if not self._display:
            raise RuntimeError(f"cannot open X display {self.name!r}")
        self._root = self._x.XDefaultRootWindow(self._display)

    def close(self) -> None:
        """Close the connection."""
        if self._display:
            self._x.XCloseDisplay(self._display)
            self._display = None

    def bring_forward(self, window: int) -> None:
        """Put a window on top of the others and give it the keyboard (no window manager)."""
        self._x.XRaiseWindow(self._display, window)
        self._x.XSetInputFocus(self._display, window, REVERT_TO_PARENT, CURRENT_TIME)
        self._sync()

    def origin(self, window: int) -> tuple[int, int]:
        """Where the window's top-left corner is on the screen."""
        x, y, child = ctypes.c_int(), ctypes.c_int(), ctypes.c_ulong()
        found = self._x.XTranslateCoordinates(
            self._display,
            window,
            self._root,
            0,
            0,
            ctypes.byref(x),
            ctypes.byref(y),
            ctypes.byref(child),
        )
        if not found:
            raise RuntimeError(f"window {window:#x} is not on this screen")
        return x.value, y.value

    def click(self, x: int, y: int) -> None:
        """Move the pointer to screen point (x, y), press and release the left button."""
        self._xtst.XTestFakeMotionEvent(self._display, -1, x, y, CURRENT_TIME)
        self._sync()
        time.sleep(PRESS_SECONDS)
        for pressed in (True, False):
            self._xtst.XTestFakeButtonEvent(self._display, LEFT_BUTTON, pressed, CURRENT_TIME)
            self._sync()
            time.sleep(PRESS_SECONDS)

    def press(self, keysym: str, *, shift: bool = False) -> None:
        """Press and release one key named by its X keysym (`F1`, `Return`, `a`, `7`)."""
        code = self._keycode(keysym)
        shift_code = self._keycode("Shift_L")
        if shift:
            self._xtst.XTestFakeKeyEvent(self._display, shift_code, True, CURRENT_TIME)
        for pressed in (True, False):
            self._xtst.XTestFakeKeyEvent(self._display, code, pressed, CURRENT_TIME)
            self._sync()
            time.sleep(PRESS_SECONDS)
        if shift:
            self._xtst.XTestFakeKeyEvent(self._display, shift_code, False, CURRENT_TIME)
            self._sync()

    def type_text(self, text: str) -> None:
        """Type characters as a keyboard (or a keyboard-wedge scanner) does."""
        for char in text:
            if char in SHIFTED:
                self.press(SHIFTED[char], shift=True)
            elif char.isupper():
                self.press(char.lower(), shift=True)
            else:
                self.press(KEYSYM_NAMES.get(char, char))

    def screenshot(self, target: Path) -> Path:
        """Save the whole screen as a PNG."""
        target.parent.mkdir(parents=True, exist_ok=True)
        ImageGrab.grab(xdisplay=self.name).save(target)
        return target

    def _sync(self) -> None:
        self._x.XSync(self._display, 0)
        if self._errors:
            errors, self._errors = self._errors, []
            raise XError(", ".join(errors))

    def _note_error(self, _display: int, event: int) -> int:
        # XErrorEvent: type (int), display, resourceid, serial, then error_code (a byte).
        code = ctypes.cast(event, ctypes.POINTER(ctypes.c_ubyte))[32]
        self._errors.append(f"X error {code}")
        return 0

    def _keycode(self, keysym: str) -> int:
        code = int(
            self._x.XKeysymToKeycode(self._display, self._x.XStringToKeysym(keysym.encode()))
        )
        if code == 0:
            raise ValueError(f"no key for keysym {keysym!r} on this keyboard")
        return code
