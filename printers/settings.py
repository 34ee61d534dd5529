"""Printer settings: which device, which paper, which profile; invalid combinations refused."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from printers.paper import PaperWidth, profile_names

PrinterKind = Literal["network", "usb", "serial", "file", "recording"]


class PrinterSettings(BaseModel):
    """How a kiosk reaches its ticket printer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: PrinterKind
    host: str | None = None
    port: int = Field(default=9100, ge=1, le=65535)
    usb_vendor_id: int | None = Field(default=None, ge=0, le=0xFFFF)
    usb_product_id: int | None = Field(default=None, ge=0, le=0xFFFF)
    serial_device: str | None = None
    serial_baudrate: int = Field(default=9600, gt=0)
    file_path: str | None = None
    paper_width_mm: PaperWidth = 80
    profile: str = "default"
    native_qr: bool | None = None
    timeout_seconds: float = Field(default=3.0, gt=0, le=60)

    @field_validator("usb_vendor_id", "usb_product_id", mode="before")
    @classmethod
    def _hex_id(cls, value: object) -> object:
        """Accept USB ids as written on the label, e.g. "0x04b8"."""
        if isinstance(value, str):
            return int(value, 0)
        return value

    @field_validator("profile")
    @classmethod
    def _known_profile(cls, value: str) -> str:
        if value not in profile_names():
            raise ValueError(f"unknown escpos profile {value!r}")
        return value

    @model_validator(mode="after")
    def _device_given(self) -> "PrinterSettings":
        needed = {
            "network": ("host",),
            "usb": ("usb_vendor_id", "usb_product_id"),
            "serial": ("serial_device",),
            "file": ("file_path",),
            "recording": (),
        }[self.kind]
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a {self.kind} printer needs {', '.join(missing)}")
        return self
