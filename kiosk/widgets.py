"""The kiosk's touch widgets: big buttons, tile grids, keypads and the slip preview image."""

from __future__ import annotations

import io
from typing import Any

from kivy.core.image import Image as CoreImage
from kivy.factory import Factory
from kivy.properties import (
    BooleanProperty,
    ColorProperty,
    ListProperty,
    ObjectProperty,
    OptionProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.image import Image
from kivy.uix.label import Label
from kivy.uix.screenmanager import Screen

from kiosk.keys import CLEAR_KEY, DELETE_KEY


class Message(Label):
    """A band of text: why a touch did not work (`alert`), or how a slip printed (`ok`)."""

    tone = OptionProperty("alert", options=["alert", "ok"])


class KioskButton(ButtonBehavior, Label):
    """A large rounded button; its look is in screens.kv. A button not `shown` is not there."""

    background = ColorProperty((0.0, 0.46, 0.26, 1))
    shown = BooleanProperty(True)


class ServiceTile(ButtonBehavior, BoxLayout):
    """One service on the menu: name, people waiting and wait, or why it is closed."""

    code = StringProperty("")
    title = StringProperty("")
    detail = StringProperty("")
    wait = StringProperty("")
    is_open = BooleanProperty(True)


class PriorityTile(KioskButton):
    """One answer to the priority question; `declines` marks "No, thank you"."""

    code = StringProperty("")
    title = StringProperty("")
    declines = BooleanProperty(False)


class TileGrid(GridLayout):
    """A grid rebuilt from `tiles` (dicts of widget properties) with widgets of `viewclass`."""

    tiles = ListProperty()
    viewclass = StringProperty("")

    __events__ = ("on_choose",)

    def on_tiles(self, _instance: TileGrid, tiles: list[dict[str, Any]]) -> None:
        """Update the tiles in place, or rebuild them when their number changed."""
        if not self.viewclass:
            return
        # The menu refreshes every few seconds: a tile replaced under a finger would lose
        # the touch, so tiles that stay are updated rather than rebuilt.
        current = list(reversed(self.children))
        if len(current) == len(tiles):
            for tile, properties in zip(current, tiles, strict=True):
                for name, value in properties.items():
                    setattr(tile, name, value)
            return
        self.clear_widgets()
        for properties in tiles:
            tile = Factory.get(self.viewclass)(**properties)
            tile.bind(on_release=lambda chosen: self.dispatch("on_choose", chosen.code))
            self.add_widget(tile)

    def on_viewclass(self, _instance: TileGrid, _value: str) -> None:
        """Build the tiles once the widget class is known."""
        self.on_tiles(self, self.tiles)

    def on_choose(self, code: str) -> None:
        """Dispatched with the code of the tile that was touched."""


class KeyPad(GridLayout):
    """On-screen keys: `on_key` gets the character, `DELETE_KEY` or `CLEAR_KEY`."""

    keys = ListProperty()
    delete_label = StringProperty("")
    clear_label = StringProperty("")

    __events__ = ("on_key",)

    def on_keys(self, *_args: Any) -> None:
        """Rebuild the keys."""
        self.clear_widgets()
        labels = {DELETE_KEY: self.delete_label, CLEAR_KEY: self.clear_label}
        for key in self.keys:
            button = Factory.KeyButton(text=labels.get(key, key), key=key)
            button.bind(on_release=lambda pressed: self.dispatch("on_key", pressed.key))
            self.add_widget(button)

    on_delete_label = on_keys
    on_clear_label = on_keys

    def on_key(self, key: str) -> None:
        """Dispatched with the key that was touched."""


class KeyButton(KioskButton):
    """One key of a keypad."""

    key = StringProperty("")


class PngImage(Image):
    """Shows PNG bytes (the slip preview) without touching the disk."""

    png = ObjectProperty(None, allownone=True)

    def on_png(self, _instance: PngImage, png: bytes | None) -> None:
        """Decode the new image into a texture."""
        if png is None:
            self.texture = None
            return
        self.texture = CoreImage(io.BytesIO(png), ext="png").texture


class KioskScreenBase(Screen):
    """A screen of the kiosk; its rules reach the one view-model of the flow as `app.vm`."""
