"""The stream reader the tests lean on: it must catch what it does not know."""

import pytest

from printers.decode import DecodeError, decode_escpos


def test_reads_styles_per_line() -> None:
    stream = b"\x1b@\x1bt\x13\x1ba\x01\x1bE\x01\x1d!\x77B-014\n\x1d!\x00\x1bE\x00Caf\x82\n"

    printed = decode_escpos(stream)

    assert [(line.text, line.width, line.bold, line.align) for line in printed.lines] == [
        ("B-014", 8, True, "center"),
        ("Café", 1, False, "center"),
    ]


def test_counts_esc_bang_and_what_it_does_to_bold() -> None:
    printed = decode_escpos(b"\x1bE\x01\x1b!\x30BIG\n")

    assert printed.print_mode_commands == 1
    assert (printed.lines[0].width, printed.lines[0].bold) == (2, False)


@pytest.mark.parametrize(
    "stream",
    [
        b"\x1bZ",  # unknown ESC command
        b"\x07",  # bell
        b"\x1b",  # cut short
        b"\x1d(k\x05\x00",  # length beyond the end
        b"abc\x1bE\x01def\n",  # style change inside a line
        b"\x1bt\x63text\n",  # unknown code page
        b"\x1d(k\x03\x001Q0",  # QR printed with nothing stored
    ],
)
def test_refuses_what_it_cannot_read(stream: bytes) -> None:
    with pytest.raises(DecodeError):
        decode_escpos(stream)


def test_reads_status_queries_and_cuts() -> None:
    printed = decode_escpos(b"\x10\x04\x01\x10\x04\x04\x1bd\x06\x1dV\x00\x1dVB\x00")

    assert printed.status_queries == [1, 4]
    assert printed.cuts == ["full", "partial"]
