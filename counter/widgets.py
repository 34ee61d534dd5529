"""The counter's widget classes; their look is in widgets.kv, their content in the view-models."""

from __future__ import annotations

from kivy.properties import BooleanProperty, ColorProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.togglebutton import ToggleButton


class CommandButton(Button):
    """A large action button: its name and, below, the keys that do the same."""

    title = StringProperty("")
    keys = StringProperty("")
    tone = ColorProperty((0.15, 0.39, 0.80, 1))


class Pill(Label):
    """A rounded status badge."""

    tone = ColorProperty((0.33, 0.38, 0.46, 1))


class TargetButton(ToggleButton):
    """A transfer target (a service or a counter) in the transfer dialog."""

    kind = StringProperty("")
    code = StringProperty("")


class UpcomingRow(ButtonBehavior, BoxLayout):
    """One waiting ticket in calling order; pressing it calls that ticket now (`action`)."""

    key = StringProperty("")
    number = StringProperty("")
    service = StringProperty("")
    reason = StringProperty("")
    tags = StringProperty("")
    detail = StringProperty("")
    waited = StringProperty("")
    ticket_id = StringProperty("")
    since = ObjectProperty(None, allownone=True)
    row = ObjectProperty(None, allownone=True)
    action = StringProperty("")
    servable = BooleanProperty(False)
