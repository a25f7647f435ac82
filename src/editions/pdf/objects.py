"""PDF values for pydyf: Python numbers, names and bytes in, objects pydyf writes as PDF out; and
PDF bytes in, read by pypdf, kept for the life of the process (:func:`read_pdf`, all its objects
parsed ahead of need, a few at a time, by :func:`read_objects`)."""

from __future__ import annotations

import collections
import functools
import hashlib
import io
import threading
from collections.abc import Iterator
from typing import Any

import pydyf


def number(value: float) -> int | float:
    """``value`` as pydyf writes it best: an integer when it is one, else a float."""
    return int(value) if float(value).is_integer() else float(value)


@functools.lru_cache(maxsize=4096)
def name(value: str) -> str:
    """A PDF name (``/Name``, escaped as pydyf does) from a name with or without its slash (the
    same few names come back thousands of times in a merge: remembered)."""
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


#: How many bytes of PDF :func:`read_pdf` keeps read (the parsed objects take a few times more).
READ_PDF_BYTES = 32 << 20
_READ: collections.OrderedDict[str, tuple[int, Any]] = collections.OrderedDict()
_READ_LOCK = threading.Lock()


def read_pdf(data: bytes) -> Any:
    """A pypdf ``PdfReader`` of ``data``, the same one for the same bytes while it is among the most
    recently read (:data:`READ_PDF_BYTES`): a process that builds again (the web app's) checks and
    merges the parts that did not change without parsing them again. Callers only read from it."""
    from pypdf import PdfReader

    key = hashlib.sha256(data).hexdigest()
    with _READ_LOCK:
        found = _READ.get(key)
        if found is not None:
            _READ.move_to_end(key)
            return found[1]
    reader = PdfReader(io.BytesIO(data), strict=False)
    with _READ_LOCK:
        _READ[key] = (len(data), reader)
        total = sum(size for size, _ in _READ.values())
        while total > READ_PDF_BYTES and len(_READ) > 1:
            _, (size, _) = _READ.popitem(last=False)
            total -= size
    return reader


def read_objects(reader: Any, step: int = 0) -> Iterator[None]:
    """Parse every object of a pypdf reader now (pypdf keeps them) and decode its pages' content
    streams, pausing (yielding) after every ``step`` objects (0: never): the build in parts does it
    while it waits for the workers, so that the merge, after the last render, finds them parsed."""
    from pypdf.generic import ArrayObject, IndirectObject

    found = {(0, number) for number in reader.xref_objStm}
    found.update((generation, number) for generation, table in reader.xref.items() for number in table)
    for count, (generation, number) in enumerate(sorted(found), start=1):
        if number:
            reader.get_object(IndirectObject(number, generation, reader))
        if step and count % step == 0:
            yield
    for page in reader.pages:
        contents = page.get("/Contents")
        contents = contents.get_object() if contents is not None else None
        for stream in contents if isinstance(contents, ArrayObject) else [contents]:
            if stream is not None:
                stream.get_object().get_data()
