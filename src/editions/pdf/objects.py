"""PDF values for pydyf: Python numbers, names and bytes in, objects pydyf writes as PDF out."""

from __future__ import annotations

from typing import Any

import pydyf


def number(value: float) -> int | float:
    """``value`` as pydyf writes it best: an integer when it is one, else a float."""
    return int(value) if float(value).is_integer() else float(value)


def name(value: str) -> str:
    """A PDF name (``/Name``, escaped as pydyf does) from a name with or without its slash."""
    return pydyf.name(value[1:] if value.startswith("/") else value).decode("ascii")


class Hex(pydyf.Object):
    """A byte string, written in hexadecimal."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self.bytes = data

    @property
    def data(self) -> bytes:
        return b"<" + self.bytes.hex().encode() + b">"


class Direct(pydyf.Object):
    """An indirect object holding a plain value (a number, an array …)."""

    def __init__(self, value: Any) -> None:
        super().__init__()
        self.value = value

    @property
    def data(self) -> bytes:
        return to_bytes(self.value)


def to_bytes(value: Any) -> bytes:
    """``value`` as pydyf writes it into a file (pydyf has no public name for this)."""
    return bytes(pydyf._to_bytes(value))
