"""The slip layout: one list of blocks that both the ESC/POS job and the PNG preview draw."""

import textwrap
from dataclasses import dataclass
from enum import StrEnum

from printers.paper import SlipFormat
from printers.qr import QUIET_ZONE_MODULES, qr_matrix
from printers.slip import SLIP_LANGUAGES, TicketSlip
from printers.text import printable
from translations import formats
from translations.messages import N_, Message

# GS ! takes width and height multipliers 1..8.
MAX_MAGNIFICATION = 8
MIN_QR_MODULE_DOTS = 2

# Fixed labels, printed English then Swahili.
_PEOPLE_AHEAD = N_("People ahead")
_ESTIMATED_WAIT = N_("Estimated wait")
_ISSUED = N_("Issued")
_PRIORITY = N_("PRIORITY")
_SCAN = N_("Scan to follow your turn")
# Values are printed once, written the way the slip's first language writes them.
_WAIT_MINUTES = N_("~{minutes} min")
_VALUE_LANGUAGE = SLIP_LANGUAGES[0]


class Align(StrEnum):
    """Horizontal alignment of a line."""

    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True)
class TextLine:
    """One printed line; `width` and `height` are the GS ! magnifications."""

    text: str
    width: int = 1
    height: int = 1
    bold: bool = False
    align: Align = Align.CENTER


@dataclass(frozen=True)
class QrBlock:
    """A QR code, centred, each module `module_dots` square."""

    payload: str
    module_dots: int


Block = TextLine | QrBlock


def number_magnification(number: str, columns: int) -> int:
    """Return the largest GS ! size at which the ticket number still fits on one line."""
    return max(1, min(MAX_MAGNIFICATION, columns // len(number)))


def qr_module_dots(payload: str, fmt: SlipFormat) -> int:
    """Return the format's module size, shrunk if a long payload would not fit the paper.

    Never below 2 dots: then no byte of a raster QR holds a lone dot, so the image data
    can never contain DLE EOT 1..4, which a printer would answer as a status query.
    """
    modules = len(qr_matrix(payload)) + 2 * QUIET_ZONE_MODULES
    return max(MIN_QR_MODULE_DOTS, min(fmt.qr_module_dots, fmt.dots // modules))


def _lines(
    text: str, fmt: SlipFormat, *, width: int = 1, height: int = 1, bold: bool = False
) -> list[TextLine]:
    wrapped = textwrap.wrap(
        printable(text, fmt.code_page.codec), fmt.columns // width, break_on_hyphens=False
    )
    return [TextLine(line, width=width, height=height, bold=bold) for line in wrapped]


def _row(message: Message, value: str, fmt: SlipFormat) -> list[TextLine]:
    """Both labels then the value on one line; on narrow paper the Swahili label goes below."""
    label = message.in_each(SLIP_LANGUAGES)
    value = printable(value, fmt.code_page.codec)
    both = f"{label[0]} / {label[1]}"
    if len(both) + 1 + len(value) <= fmt.columns:
        return [TextLine(both + value.rjust(fmt.columns - len(both)), align=Align.LEFT)]
    return [
        TextLine(label[0] + value.rjust(fmt.columns - len(label[0])), align=Align.LEFT),
        TextLine(label[1], align=Align.LEFT),
    ]


def _bilingual(message: Message, fmt: SlipFormat, *, bold: bool = False) -> list[TextLine]:
    """Lay out a fixed label on one line if it fits, else English and Swahili each alone."""
    label = message.in_each(SLIP_LANGUAGES)
    both = f"{label[0]} / {label[1]}"
    if len(both) <= fmt.columns:
        return [TextLine(both, bold=bold)]
    return [*_lines(label[0], fmt, bold=bold), *_lines(label[1], fmt, bold=bold)]


def _service_lines(name: str, fmt: SlipFormat) -> list[TextLine]:
    """Double size when the name fits one line so, else double height only (still bold)."""
    width = 2 if len(name) <= fmt.columns // 2 else 1
    return _lines(name, fmt, width=width, height=2, bold=True)


def _rule(fmt: SlipFormat) -> TextLine:
    return TextLine("-" * fmt.columns)


def slip_layout(slip: TicketSlip, fmt: SlipFormat) -> list[Block]:
    """Every line of a slip, top to bottom, in the format's columns and code page."""
    number = printable(slip.number.strip(), fmt.code_page.codec)
    size = number_magnification(number, fmt.columns)
    blocks: list[Block] = [
        *_lines(slip.centre_name, fmt, bold=True),
        _rule(fmt),
        TextLine(number, width=size, height=size, bold=True),
        *_service_lines(slip.service_en, fmt),
        *_service_lines(slip.service_sw, fmt),
    ]
    if slip.priority:
        blocks += [
            *_bilingual(_PRIORITY, fmt, bold=True),
            *_lines(slip.priority, fmt, width=2, height=2, bold=True),
        ]
    blocks.append(_rule(fmt))
    blocks += _row(_PEOPLE_AHEAD, formats.number(slip.people_ahead, _VALUE_LANGUAGE), fmt)
    if slip.estimated_wait_minutes is not None:
        wait = _WAIT_MINUTES.say(_VALUE_LANGUAGE, minutes=slip.estimated_wait_minutes)
        blocks += _row(_ESTIMATED_WAIT, wait, fmt)
    blocks += _row(_ISSUED, formats.date_and_time(slip.issued_at, _VALUE_LANGUAGE), fmt)
    blocks += [
        _rule(fmt),
        QrBlock(slip.status_url, qr_module_dots(slip.status_url, fmt)),
        *_bilingual(_SCAN, fmt),
        _rule(fmt),
        *_lines(slip.footer_en, fmt),
        *_lines(slip.footer_sw, fmt),
    ]
    if slip.notice:
        blocks += [_rule(fmt), *_lines(slip.notice, fmt, bold=True)]
    return blocks
