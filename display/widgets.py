"""The board's widget classes; their look is in board.kv, their content in the view-model."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.stencilview import StencilView

# Scrolling speed of the notice line, in screen heights per second: the same reading pace on a
# 720p test screen as on a 1080p hall screen.
TICKER_SPEED = 0.12


class BoardScreen(BoxLayout):
    """The whole board; kv binds every label to `vm` (a `BoardViewModel`)."""

    vm = ObjectProperty(None, rebind=True)


class NoticeTicker(StencilView):
    """A notice line that scrolls from right to left and starts again when it has passed."""

    text = StringProperty("")
    offset = NumericProperty(0.0)  # how far the text has moved left of the right edge

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._event = Clock.schedule_interval(self._advance, 1 / 30)

    def _advance(self, dt: float) -> None:
        label = self.ids.get("line")
        if label is None or not self.text:
            return
        self.offset += dt * TICKER_SPEED * (self.get_root_window() or self).height
        if self.offset > self.width + label.width:
            self.offset = 0.0
