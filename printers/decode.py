"""Read an ESC/POS byte stream back into what the paper shows: for tests and the fake printer.

It knows the commands Foleni sends (and ESC ! so a test can catch it) and refuses any other
control byte, so a stray command in a slip fails a test instead of printing garbage.
"""

from dataclasses import dataclass, field

# Epson's numbering for ESC t; a profile may number its pages differently (pass code_pages).
EPSON_CODE_PAGES = {0: "cp437", 2: "cp850", 16: "cp1252", 19: "cp858"}

_ESC = 0x1B
_GS = 0x1D
_DLE = 0x10
_LF = 0x0A
_ALIGN = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}


class DecodeError(ValueError):
    """The stream holds a command this reader does not know, or is cut short."""


@dataclass(frozen=True)
class PrintedLine:
    """One line of text as printed, with the style in force when its first character came."""

    text: str
    width: int
    height: int
    bold: bool
    align: str


@dataclass(frozen=True)
class PrintedQr:
    """A QR code printed by the printer itself (GS ( k)."""

    payload: str
    module_dots: int
    error_correction: str


@dataclass(frozen=True)
class RasterImage:
    """A GS v 0 raster image: `rows[y][x]` is True where a dot is burnt."""

    width: int
    height: int
    rows: tuple[tuple[bool, ...], ...]


@dataclass
class DecodedStream:
    """Everything a stream did, in order of kind."""

    lines: list[PrintedLine] = field(default_factory=list)
    qr_codes: list[PrintedQr] = field(default_factory=list)
    images: list[RasterImage] = field(default_factory=list)
    cuts: list[str] = field(default_factory=list)
    status_queries: list[int] = field(default_factory=list)
    code_pages: list[int] = field(default_factory=list)
    print_mode_commands: int = 0

    @property
    def text(self) -> str:
        """All printed text, one line per line."""
        return "\n".join(line.text for line in self.lines)

    def line_containing(self, fragment: str) -> PrintedLine:
        """Return the first line whose text contains `fragment`."""
        for line in self.lines:
            if fragment in line.text:
                return line
        raise LookupError(fragment)


@dataclass
class _Style:
    width: int = 1
    height: int = 1
    bold: bool = False
    align: str = "left"
    code_page: int = 0


class _Reader:
    def __init__(self, data: bytes, code_pages: dict[int, str]) -> None:
        self.data = data
        self.pos = 0
        self.code_pages = code_pages
        self.out = DecodedStream()
        self.style = _Style()
        self.line = bytearray()
        self.line_style = _Style()
        self.qr_payload: bytes | None = None
        self.qr_module = 3
        self.qr_ec = "L"

    def take(self, count: int) -> bytes:
        if self.pos + count > len(self.data):
            raise DecodeError(f"stream ends inside a command at byte {self.pos}")
        chunk = self.data[self.pos : self.pos + count]
        self.pos += count
        return chunk

    def flush(self) -> None:
        codec = self.code_pages.get(self.line_style.code_page)
        if codec is None:
            raise DecodeError(f"unknown code page {self.line_style.code_page}")
        s = self.line_style
        self.out.lines.append(
            PrintedLine(bytes(self.line).decode(codec), s.width, s.height, s.bold, s.align)
        )
        self.line.clear()

    def restyle(self) -> None:
        if self.line:
            raise DecodeError(f"style changed in the middle of a line at byte {self.pos}")

    def run(self) -> DecodedStream:
        while self.pos < len(self.data):
            byte = self.take(1)[0]
            if byte == _LF:
                self.flush()
            elif byte == _ESC:
                self.esc(self.take(1))
            elif byte == _GS:
                self.gs(self.take(1))
            elif byte == _DLE:
                self.dle()
            elif byte < 0x20 or byte == 0x7F:
                raise DecodeError(f"unexpected control byte {byte:#04x} at {self.pos - 1}")
            else:
                if not self.line:
                    self.line_style = _Style(**vars(self.style))
                self.line.append(byte)
        if self.line:
            self.flush()
        return self.out

    def esc(self, command: bytes) -> None:
        if command == b"@":
            self.restyle()
            self.style = _Style()
        elif command == b"t":
            self.style.code_page = self.take(1)[0]
            self.out.code_pages.append(self.style.code_page)
        elif command == b"a":
            self.restyle()
            self.style.align = _ALIGN[self.take(1)[0]]
        elif command == b"E":
            self.restyle()
            self.style.bold = bool(self.take(1)[0] & 1)
        elif command == b"!":
            self.restyle()
            mode = self.take(1)[0]
            self.out.print_mode_commands += 1
            self.style.bold = bool(mode & 0x08)
            self.style.height = 2 if mode & 0x10 else 1
            self.style.width = 2 if mode & 0x20 else 1
        elif command == b"d":
            if self.line:
                self.flush()
            self.take(1)
        else:
            raise DecodeError(f"unknown ESC {command!r} at {self.pos - 2}")

    def gs(self, command: bytes) -> None:
        if command == b"!":
            self.restyle()
            size = self.take(1)[0]
            self.style.width = (size >> 4) + 1
            self.style.height = (size & 0x0F) + 1
        elif command == b"(":
            self.function(self.take(1))
        elif command == b"v":
            self.raster()
        elif command == b"V":
            mode = self.take(1)[0]
            if mode in (65, 66):
                self.take(1)
            self.cut("partial" if mode in (1, 49, 66) else "full")
        else:
            raise DecodeError(f"unknown GS {command!r} at {self.pos - 2}")

    def cut(self, kind: str) -> None:
        if self.line:
            self.flush()
        self.out.cuts.append(kind)

    def function(self, kind: bytes) -> None:
        if kind != b"k":
            raise DecodeError(f"unknown GS ( {kind!r}")
        low, high = self.take(2)
        body = self.take(low + 256 * high)
        code, fn, rest = body[0:1], body[1], body[2:]
        if code != b"1":
            raise DecodeError(f"2D code type {code!r} is not QR")
        if fn == 65:
            return
        if fn == 67:
            self.qr_module = rest[0]
        elif fn == 69:
            self.qr_ec = "LMQH"[rest[0] - 48]
        elif fn == 80:
            self.qr_payload = rest[1:]
        elif fn == 81:
            if self.qr_payload is None:
                raise DecodeError("QR printed before any data was stored")
            self.out.qr_codes.append(
                PrintedQr(self.qr_payload.decode("utf-8"), self.qr_module, self.qr_ec)
            )
        else:
            raise DecodeError(f"unknown QR function {fn}")

    def raster(self) -> None:
        if self.take(1) != b"0":
            raise DecodeError("unknown GS v command")
        self.take(1)  # density
        width_bytes_low, width_bytes_high, height_low, height_high = self.take(4)
        width_bytes = width_bytes_low + 256 * width_bytes_high
        height = height_low + 256 * height_high
        data = self.take(width_bytes * height)
        rows = tuple(
            tuple(
                bool(data[y * width_bytes + x // 8] & (0x80 >> (x % 8)))
                for x in range(width_bytes * 8)
            )
            for y in range(height)
        )
        self.out.images.append(RasterImage(width_bytes * 8, height, rows))

    def dle(self) -> None:
        if self.take(1) != b"\x04":
            raise DecodeError(f"unknown DLE command at {self.pos - 2}")
        self.out.status_queries.append(self.take(1)[0])


def decode_escpos(data: bytes, *, code_pages: dict[int, str] | None = None) -> DecodedStream:
    """Decode a stream; `code_pages` maps ESC t numbers to Python codecs (Epson's by default)."""
    return _Reader(data, EPSON_CODE_PAGES if code_pages is None else code_pages).run()
