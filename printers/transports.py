"""Byte pipes to a printer over python-escpos's devices, with the status read each one allows.

python-escpos's own `is_online()`/`query_status()` read 16 bytes and misjudge a silent
printer (its issue #275), so reading is ours: one reply byte per DLE EOT, with a timeout.
"""

import contextlib
import socket
from typing import Any, Protocol

from escpos.printer import File, Network, Serial, Usb


class Transport(Protocol):
    """An open-write-read-close pipe to one printer; raises whatever its library raises."""

    readable: bool

    def open(self) -> None:
        """Connect to the device."""

    def write(self, data: bytes) -> None:
        """Send bytes."""

    def read_reply(self) -> int:
        """Wait for one reply byte (timeout or closed connection raise)."""

    def discard_input(self) -> None:
        """Drop reply bytes nobody asked for (e.g. DLE EOT patterns inside image data)."""

    def close(self) -> None:
        """Disconnect; never raises."""


class _EscposDevice:
    """A transport over one python-escpos device, which opens and closes it."""

    _device: Any

    def open(self) -> None:
        """Open the device: a port, a claimed USB interface, a file."""
        self._device.open()

    def close(self) -> None:
        """Close the device; never raises."""
        with contextlib.suppress(Exception):
            self._device.close()


class NetworkTransport(_EscposDevice):
    """Raw TCP, usually port 9100 (JetDirect / AppSocket)."""

    readable = True

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self._device = Network(host=host, port=port, timeout=timeout)
        self._timeout = timeout

    def _socket(self) -> socket.socket:
        sock = self._device.device
        if not isinstance(sock, socket.socket):
            raise ConnectionError("not connected")
        return sock

    def open(self) -> None:
        """Connect with the configured timeout."""
        # escpos's Network.open() leaks its socket when the connect fails; create_connection
        # closes it, and the escpos device then owns the connected socket.
        self._device.device = socket.create_connection(
            (self._device.host, self._device.port), timeout=self._timeout
        )

    def write(self, data: bytes) -> None:
        """Send all bytes."""
        self._socket().sendall(data)

    def read_reply(self) -> int:
        """One byte; an empty read means the printer closed the connection."""
        sock = self._socket()
        sock.settimeout(self._timeout)
        reply = sock.recv(1)
        if not reply:
            raise ConnectionResetError("printer closed the connection")
        return reply[0]

    def discard_input(self) -> None:
        """Read whatever is already waiting, without blocking."""
        sock = self._socket()
        sock.settimeout(0)
        try:
            while sock.recv(64):
                pass
        except BlockingIOError:
            pass
        finally:
            sock.settimeout(self._timeout)


class SerialTransport(_EscposDevice):
    """RS-232 or a USB serial adapter."""

    readable = True

    def __init__(self, device: str, baudrate: int, timeout: float) -> None:
        if not Serial.is_usable():
            raise RuntimeError("serial printers need pyserial")
        self._device = Serial(devfile=device, baudrate=baudrate, timeout=timeout)

    def write(self, data: bytes) -> None:
        """Send and wait until the bytes left."""
        port = self._device.device
        port.write(data)
        port.flush()

    def read_reply(self) -> int:
        """One byte, or a timeout; escpos's own read waits for 16."""
        reply: bytes = self._device.device.read(1)
        if not reply:
            raise TimeoutError("no status reply")
        return reply[0]

    def discard_input(self) -> None:
        """Drop buffered input."""
        self._device.device.reset_input_buffer()


class UsbTransport(_EscposDevice):
    """A USB printer-class device found by vendor and product id."""

    readable = True

    def __init__(self, vendor_id: int, product_id: int, timeout: float) -> None:
        if not Usb.is_usable():
            raise RuntimeError("USB printers need pyusb")
        self._device = Usb(idVendor=vendor_id, idProduct=product_id, timeout=int(timeout * 1000))
        self._timeout_ms = int(timeout * 1000)

    def write(self, data: bytes) -> None:
        """Send on the bulk-out endpoint."""
        self._device._raw(data)

    def read_reply(self) -> int:
        """Return the last byte of one bulk-in read, which holds the newest reply."""
        reply = self._device.device.read(self._device.in_ep, 16, self._timeout_ms)
        if not len(reply):
            raise TimeoutError("no status reply")
        return int(reply[-1])

    def discard_input(self) -> None:
        """USB replies come one read at a time; nothing waits to be dropped."""


class FileTransport(_EscposDevice):
    """A device file (e.g. /dev/usb/lp0) or a plain file: write-only, so status is unknown."""

    readable = False

    def __init__(self, path: str) -> None:
        self._device = File(devfile=path)

    def write(self, data: bytes) -> None:
        """Write and flush."""
        self._device._raw(data)

    def read_reply(self) -> int:
        """Refuse: a device file gives no replies."""
        raise OSError("a file device cannot be read")

    def discard_input(self) -> None:
        """Nothing to read."""
