"""The public apps' typeface: Noto Sans when installed, else DejaVu Sans (both cover Swahili)."""

from __future__ import annotations

from pathlib import Path

from kivy import kivy_data_dir
from kivy.core.text import LabelBase

FONT_NAME = "FoleniSans"
# (regular, bold) pairs, best first; both families are in Debian (fonts-noto-core,
# fonts-dejavu-core) and have wide, open letterforms that stay legible from afar.
CANDIDATES = (
    (
        Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"),
        Path("/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
    ),
    (
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ),
)


def register_fonts() -> str:
    """Register the typeface under `FONT_NAME` and return that name.

    Falls back to Kivy's bundled Roboto when neither family is installed, so a missing
    package costs looks, never the app.
    """
    bundled = Path(kivy_data_dir) / "fonts"
    fallback = (bundled / "Roboto-Regular.ttf", bundled / "Roboto-Bold.ttf")
    regular, bold = next(
        (pair for pair in CANDIDATES if pair[0].exists() and pair[1].exists()), fallback
    )
    LabelBase.register(name=FONT_NAME, fn_regular=str(regular), fn_bold=str(bold))
    return FONT_NAME
