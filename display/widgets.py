"""The board's widget classes; their look is in board.kv, their content in the view-model."""

from __future__ import annotations

import time

from kivy.clock import Clock
from kivy.properties import NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.stencilview import StencilView

# Scrolling speed of the notice line, in screen heights per second: the same reading pace on a
# 720p test screen as on a 1080p hall screen.
TICKER_SPEED = 0.12
# Steps of the notice line: 30 a second where drawing is cheap. Each step redraws the whole
# window, and the event loop (stream, announcer) only runs between frames: where a frame is
# slow (software OpenGL, no GPU: 150 ms a frame under Xvfb) the ticker steps less often, so
# that drawing takes at most a third of the time and announcements still follow the screen.
TICKER_MIN_CYCLE = 1 / 30
TICKER_MAX_CYCLE = 1.0
TICKER_CYCLE_PER_DRAW = 3.0
# Kivy's own frame pace (60 fps): the part of a step's wait that is not drawing.
FRAME_BUDGET = 1 / 60


class BoardScreen(BoxLayout):
    """The whole board; kv binds every label to `vm` (a `BoardViewModel`)."""

    vm = ObjectProperty(None, rebind=True)


class NoticeTicker(StencilView):
    """A notice line that scrolls from right to left and starts again when it has passed."""

    text = StringProperty("")
    offset = NumericProperty(0.0)  # how far the text has moved left of the right edge

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._drawing = 0.0  # smoothed time one step's frame takes to draw
        self._moved_at = time.perf_counter()
        Clock.schedule_once(self._advance, TICKER_MIN_CYCLE)

    def _advance(self, _dt: float) -> None:
        now = time.perf_counter()
        label = self.ids.get("line")
        if label is not None and self.text:
            self.offset += (now - self._moved_at) * TICKER_SPEED * self._screen_height()
            if self.offset > self.width + label.width:
                self.offset = 0.0
        self._moved_at = now
        # Timeout 0: called on the next frame, once this step's frame has been drawn.
        Clock.schedule_once(self._after_frame, 0)

    def _after_frame(self, _dt: float) -> None:
        elapsed = time.perf_counter() - self._moved_at
        self._drawing = 0.8 * self._drawing + 0.2 * max(0.0, elapsed - FRAME_BUDGET)
        cycle = min(TICKER_MAX_CYCLE, max(TICKER_MIN_CYCLE, TICKER_CYCLE_PER_DRAW * self._drawing))
        Clock.schedule_once(self._advance, max(0.0, cycle - elapsed))

    def _screen_height(self) -> float:
        window = self.get_root_window()
        return float(window.height if window is not None else self.height)
