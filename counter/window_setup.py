"""Kivy settings for the counter window and its fonts, applied before Kivy opens the window."""

from __future__ import annotations

from pathlib import Path

from app_shell.window import configure_window

# DejaVu Sans covers arrows, dashes and the ellipsis that Kivy's bundled Roboto lacks.
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
WIDTH, HEIGHT = 1280, 800


def configure(*, windowed: bool, width: int = WIDTH, height: int = HEIGHT) -> None:
    """Set the window (full screen at a workstation, or a fixed-size window) and the fonts."""
    configure_window(windowed=windowed, size=(width, height), public=False)
    register_fonts()


def register_fonts() -> None:
    """Make DejaVu Sans the default font when it is installed (Kivy's Roboto otherwise)."""
    regular = DEJAVU / "DejaVuSans.ttf"
    if not regular.exists():
        return
    from kivy.core.text import DEFAULT_FONT, LabelBase

    bold = DEJAVU / "DejaVuSans-Bold.ttf"
    oblique = DEJAVU / "DejaVuSans-Oblique.ttf"
    bold_oblique = DEJAVU / "DejaVuSans-BoldOblique.ttf"
    LabelBase.register(
        DEFAULT_FONT,
        fn_regular=str(regular),
        fn_italic=str(oblique if oblique.exists() else regular),
        fn_bold=str(bold if bold.exists() else regular),
        fn_bolditalic=str(bold_oblique if bold_oblique.exists() else regular),
    )
