"""The Unicode font a PDF is written with: fpdf2's core fonts are Latin-1 only.

Reports carry Swahili and centres' names, so a PDF embeds a TrueType font: Debian's
fonts-noto-core or fonts-dejavu-core (scripts/install-system-deps installs them).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

# (regular, bold), best first.
FONT_CANDIDATES: tuple[tuple[Path, Path], ...] = (
    (
        Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"),
        Path("/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
    ),
    (
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ),
)


class FontMissingError(RuntimeError):
    """No Unicode font is installed to write a PDF with."""

    def __init__(self, candidates: Sequence[tuple[Path, Path]]) -> None:
        looked = ", ".join(str(regular) for regular, _ in candidates)
        super().__init__(
            f"no font for the PDF (looked for {looked}); install fonts-noto-core or "
            "fonts-dejavu-core"
        )


def unicode_font(
    candidates: Sequence[tuple[Path, Path]] = FONT_CANDIDATES,
) -> tuple[Path, Path]:
    """Return the first installed (regular, bold) pair; raise `FontMissingError` without one."""
    for regular, bold in candidates:
        if regular.is_file() and bold.is_file():
            return regular, bold
    raise FontMissingError(candidates)
