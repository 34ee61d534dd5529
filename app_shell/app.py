"""The base of every Foleni Kivy app: its kv files and the keys Kivy must not take."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.lang import Builder


class FoleniApp(App):
    """A Kivy app that loads its kv files in a fixed order and keeps F1 for itself."""

    # The app's kv files, loaded in this order (shared widgets before the screens using them).
    kv_files: Sequence[Path] = ()

    def open_settings(self, *_args: Any) -> bool:
        """Never open Kivy's settings panel: F1 belongs to the app, the panel to nobody here."""
        return False

    def load_kv_files(self) -> None:
        """Load the app's kv files (once: a second app in one process reuses them)."""
        for path in self.kv_files:
            if str(path) not in Builder.files:
                Builder.load_file(str(path))

    def unload_kv_files(self) -> None:
        """Forget the app's kv rules (the window closed)."""
        for path in reversed(self.kv_files):
            Builder.unload_file(str(path))
