"""Render a slip to a PNG from the same layout the printer gets: for the kiosk screen and docs.

Run `python -m printers.preview --example docs/img/ticket-slip.png` to redraw the docs image.
"""

import argparse
import io
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from printers.layout import Align, QrBlock, TextLine, slip_layout
from printers.paper import FONT_A_DOTS, PaperWidth, SlipFormat, slip_format
from printers.qr import qr_image
from printers.slip import TicketSlip

_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
_MARGIN = 24
_LINE_GAP = 6  # dots between lines, close to the printer's default line spacing
_PAPER_EDGE = 200  # grey of the paper's outline


@cache
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # A monospaced face keeps every line in the printer's columns.
    path = _FONT_DIR / ("DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf")
    try:
        return ImageFont.truetype(str(path), size)
    except OSError:
        return ImageFont.load_default(size=size)


def _text_image(line: TextLine) -> Image.Image:
    """Draw one line at size 1 x height, then stretch it to the printer's cell widths."""
    cell_width, cell_height = FONT_A_DOTS
    height = cell_height * line.height
    font = _font(line.bold, round(cell_height * 0.83 * line.height))
    natural = max(1, round(font.getlength(line.text)))
    image = Image.new("L", (natural, height), 255)
    ImageDraw.Draw(image).text((0, height), line.text, font=font, fill=0, anchor="ld")
    target = max(1, len(line.text) * cell_width * line.width)
    return image.resize((target, height), Image.Resampling.LANCZOS)


def _x(align: Align, width: int, fmt: SlipFormat) -> int:
    if align is Align.CENTER:
        return (fmt.dots - width) // 2
    if align is Align.RIGHT:
        return fmt.dots - width
    return 0


def render_slip_image(slip: TicketSlip, fmt: SlipFormat) -> Image.Image:
    """Draw the slip as it will look on paper, one image pixel per printer dot."""
    pieces: list[tuple[Image.Image, int]] = []
    for block in slip_layout(slip, fmt):
        if isinstance(block, QrBlock):
            code = qr_image(block.payload, module_dots=block.module_dots, width_dots=fmt.dots)
            pieces.append((code.convert("L"), 0))
        elif block.text.strip():
            image = _text_image(block)
            pieces.append((image, _x(block.align, image.width, fmt)))
        else:
            pieces.append((Image.new("L", (1, FONT_A_DOTS[1] * block.height), 255), 0))
    height = sum(image.height + _LINE_GAP for image, _ in pieces) + 2 * _MARGIN
    paper = Image.new("L", (fmt.dots + 2 * _MARGIN, height), 255)
    y = _MARGIN
    for image, x in pieces:
        paper.paste(image, (_MARGIN + x, y))
        y += image.height + _LINE_GAP
    ImageDraw.Draw(paper).rectangle(
        (0, 0, paper.width - 1, paper.height - 1), outline=_PAPER_EDGE, width=2
    )
    return paper


def render_slip_png(
    slip: TicketSlip, *, paper_width_mm: PaperWidth = 80, fmt: SlipFormat | None = None
) -> bytes:
    """Render a slip to PNG bytes; pass the printer's `slip_format` to match it exactly."""
    image = render_slip_image(slip, fmt or slip_format(paper_width_mm=paper_width_mm))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def example_slip() -> TicketSlip:
    """Return a realistic slip for the docs and the demo."""
    return TicketSlip(
        centre_name="Huduma Centre GPO, Nairobi",
        number="B-014",
        service_en="ID card replacement",
        service_sw="Kubadilisha kitambulisho",
        issued_at=datetime(2026, 11, 23, 9, 42, tzinfo=timezone(timedelta(hours=3))),
        people_ahead=7,
        estimated_wait_minutes=18,
        priority="Senior citizen / Mzee",
        status_url="https://gpo.huduma.example/t/7Kq2xW9pLmN4vR8s",
        notice="Centre closes at 5:00 pm today – Kituo kinafungwa saa 11 jioni leo",
    )


def main(argv: list[str] | None = None) -> None:
    """Write the example slip as a PNG."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--example", type=Path, required=True, help="PNG file to write")
    parser.add_argument("--paper", type=int, choices=(58, 80), default=80)
    args = parser.parse_args(argv)
    args.example.write_bytes(render_slip_png(example_slip(), paper_width_mm=args.paper))


if __name__ == "__main__":
    main()
