"""Turn a slip layout into one ESC/POS byte stream, built with python-escpos's command set."""

from escpos.constants import QR_ECLEVEL_M
from escpos.image import EscposImage
from escpos.printer import Dummy

from printers.layout import Block, QrBlock, TextLine
from printers.paper import SlipFormat
from printers.qr import qr_image

_SELECT_CODE_PAGE = b"\x1bt"  # ESC t n
_RASTER_IMAGE = b"\x1dv0\x00"  # GS v 0, normal density


def _raster(image_source: EscposImage) -> bytes:
    """GS v 0 with the image's size; escpos's own image() prints to stdout on generic profiles."""
    width = image_source.width_bytes
    height = image_source.height
    header = _RASTER_IMAGE + bytes((width % 256, width // 256, height % 256, height // 256))
    raster: bytes = image_source.to_raster_format()
    return header + raster


def escpos_job(blocks: list[Block], fmt: SlipFormat, *, profile: str = "default") -> bytes:
    """Build the whole print job for one slip: reset, code page, every block, feed and cut.

    Sizes go out as GS ! (custom_size) and bold as ESC E, never ESC !, which would reset
    bold. Text is encoded in the format's code page; the layout already made it printable.
    """
    job = Dummy(profile=profile)
    job.hw("INIT")
    job._raw(_SELECT_CODE_PAGE + bytes((fmt.code_page.number,)))
    for block in blocks:
        if isinstance(block, TextLine):
            job.set(
                align=block.align.value,
                bold=block.bold,
                custom_size=True,
                width=block.width,
                height=block.height,
            )
            job._raw(block.text.encode(fmt.code_page.codec) + b"\n")
        elif isinstance(block, QrBlock):
            job.set(align="center", bold=False, custom_size=True, width=1, height=1)
            if fmt.native_qr:
                job.qr(block.payload, ec=QR_ECLEVEL_M, size=block.module_dots, native=True)
                job._raw(b"\n")
            else:
                image = qr_image(block.payload, module_dots=block.module_dots, width_dots=fmt.dots)
                job._raw(_raster(EscposImage(image)))
    job.set(align="left", bold=False, custom_size=True, width=1, height=1)
    job.cut()
    output: bytes = job.output
    return output
