"""Paper formats: how many columns and dots a slip has, from the paper width and the profile."""

from dataclasses import dataclass
from typing import Literal

from escpos.capabilities import CAPABILITIES, get_profile

from printers.text import CodePage, choose_code_page

PaperWidth = Literal[58, 80]

# Font A is 12 x 24 dots on every thermal ESC/POS printer we know: 384 dots (32 columns)
# print on 58 mm paper and 576 dots (48 columns) on 80 mm paper.
FONT_A_DOTS = (12, 24)
_PAPER = {58: (384, 6), 80: (576, 8)}


@dataclass(frozen=True)
class SlipFormat:
    """The geometry and character set a slip is laid out for."""

    paper_width_mm: int
    dots: int
    columns: int
    qr_module_dots: int
    code_page: CodePage
    native_qr: bool


def profile_names() -> list[str]:
    """List the printer profiles python-escpos knows."""
    return sorted(CAPABILITIES["profiles"])


def profile_code_pages(profile: str = "default") -> dict[int, str]:
    """Map a profile's ESC t numbers to Python codecs (for reading streams back)."""
    pages = get_profile(profile).profile_data.get("codePages", {})
    return {int(number): name.lower() for number, name in pages.items()}


def slip_format(
    *, paper_width_mm: PaperWidth = 80, profile: str = "default", native_qr: bool | None = None
) -> SlipFormat:
    """Work out the format for a paper width and an escpos profile.

    A profile that states its printable width in pixels (e.g. TM-T88III: 512 dots, so 42
    columns) narrows the format; the generic profiles only say "Unknown" and leave the paper
    width in charge. `native_qr=None` uses the profile's own QR support.
    """
    dots, qr_module_dots = _PAPER[paper_width_mm]
    data = get_profile(profile).profile_data
    pixels = data.get("media", {}).get("width", {}).get("pixels")
    if isinstance(pixels, int):
        dots = min(dots, pixels)
    return SlipFormat(
        paper_width_mm=paper_width_mm,
        dots=dots,
        columns=dots // FONT_A_DOTS[0],
        qr_module_dots=qr_module_dots,
        code_page=choose_code_page(data.get("codePages", {})),
        native_qr=bool(data.get("features", {}).get("qrCode")) if native_qr is None else native_qr,
    )
