"""The counter's keyboard shortcuts, bound in this one place and shown on the buttons."""

from __future__ import annotations

from dataclasses import dataclass

# How many rows of the waiting list can be served directly with a digit key.
SERVE_ROWS = 5


@dataclass(frozen=True)
class Shortcut:
    """One action and the keys (Kivy key names) that trigger it."""

    action: str
    keys: tuple[str, ...]
    ctrl: bool = False

    @property
    def label(self) -> str:
        """How the keys read on a button: ``F1 / Space``, ``Ctrl+L``."""
        names = [KEY_LABELS.get(key, key.upper()) for key in self.keys]
        prefix = "Ctrl+" if self.ctrl else ""
        return " / ".join(prefix + name for name in names)


KEY_LABELS = {"spacebar": "Space", "escape": "Esc", "enter": "Enter"}

# The main screen. `pause` resumes a paused counter: one key for the one switch staff think of.
SHORTCUTS: tuple[Shortcut, ...] = (
    Shortcut("call_next", ("f1", "spacebar")),
    Shortcut("recall", ("r",)),
    Shortcut("start_serving", ("s",)),
    Shortcut("finish", ("f",)),
    Shortcut("no_show", ("n",)),
    Shortcut("transfer", ("t",)),
    Shortcut("pause", ("p",)),
    Shortcut("log_out", ("l",), ctrl=True),
    *(Shortcut(f"serve_{row}", (str(row),)) for row in range(1, SERVE_ROWS + 1)),
)

# The pause dialog: one key per reason, Esc closes any dialog.
PAUSE_REASON_KEYS: dict[str, str] = {"b": "break", "o": "back_office"}
CLOSE_DIALOG_KEY = "escape"


def action_for(key: str, *, ctrl: bool = False) -> str | None:
    """Return the main-screen action a key press asks for, if any."""
    for shortcut in SHORTCUTS:
        if key in shortcut.keys and shortcut.ctrl == ctrl:
            return shortcut.action
    return None


def label_for(action: str) -> str:
    """Return the key label shown on an action's button."""
    for shortcut in SHORTCUTS:
        if shortcut.action == action:
            return shortcut.label
    raise KeyError(action)
