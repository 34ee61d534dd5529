"""QR codes for the slip: one matrix shared by the printed image, the preview and the tests."""

import qrcode
import qrcode.constants
from PIL import Image

# Level M survives a crease or a smudge on thermal paper without making the code much larger.
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
QUIET_ZONE_MODULES = 2


def qr_matrix(payload: str) -> list[list[bool]]:
    """Return the QR modules for a payload (True is dark), without the quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=0)
    code.add_data(payload)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def qr_image(payload: str, *, module_dots: int, width_dots: int) -> Image.Image:
    """Draw a 1-bit image `width_dots` wide, the QR centred, each module `module_dots` square."""
    matrix = qr_matrix(payload)
    side = len(matrix) * module_dots
    height = side + 2 * QUIET_ZONE_MODULES * module_dots
    image = Image.new("1", (width_dots, height), 1)
    left = (width_dots - side) // 2
    top = QUIET_ZONE_MODULES * module_dots
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                x0 = left + x * module_dots
                y0 = top + y * module_dots
                image.paste(0, (x0, y0, x0 + module_dots, y0 + module_dots))
    return image
