"""The PNG preview: same layout as the printed slip, and the docs image kept current."""

import io
from pathlib import Path

from PIL import Image

from printers.layout import QrBlock, slip_layout
from printers.paper import slip_format
from printers.preview import example_slip, main, render_slip_png
from printers.qr import qr_image
from tests.printers.helpers import STATUS_URL, make_slip

DOCS_IMAGE = Path(__file__).resolve().parents[2] / "docs" / "img" / "ticket-slip.png"


def _image(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png))


def test_preview_is_a_png_as_wide_as_the_paper() -> None:
    narrow = _image(render_slip_png(make_slip(), paper_width_mm=58))
    wide = _image(render_slip_png(make_slip(), paper_width_mm=80))

    assert narrow.format == wide.format == "PNG"
    assert wide.width - narrow.width == 576 - 384


def test_preview_grows_with_every_layout_line() -> None:
    plain = make_slip()
    noticed = make_slip(notice="Counter 4 is closed today", priority="Elderly")
    fmt = slip_format(paper_width_mm=80)

    extra_lines = len(slip_layout(noticed, fmt)) - len(slip_layout(plain, fmt))
    grown = _image(render_slip_png(noticed)).height - _image(render_slip_png(plain)).height

    assert extra_lines == 4  # priority label and name, a rule, the notice
    assert grown >= extra_lines * 24


def test_preview_holds_the_printed_qr_image() -> None:
    fmt = slip_format(paper_width_mm=58)
    preview = _image(render_slip_png(make_slip(), fmt=fmt)).convert("L")
    [block] = [b for b in slip_layout(make_slip(), fmt) if isinstance(b, QrBlock)]
    code = qr_image(block.payload, module_dots=block.module_dots, width_dots=fmt.dots)
    code = code.convert("L")
    wanted = code.tobytes()
    margin = (preview.width - fmt.dots) // 2

    found = [
        y
        for y in range(preview.height - code.height)
        if preview.crop((margin, y, margin + fmt.dots, y + code.height)).tobytes() == wanted
    ]

    assert block.payload == STATUS_URL
    assert len(found) == 1


def test_docs_image_is_the_rendered_example(tmp_path: Path) -> None:
    fresh = tmp_path / "slip.png"
    main(["--example", str(fresh)])

    assert _image(fresh.read_bytes()).size == _image(DOCS_IMAGE.read_bytes()).size
    assert fresh.read_bytes() == render_slip_png(example_slip())
