"""editions.pdf.objects: the object streams of the PDFs editions writes, read as pypdf reads them."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pydyf
import pytest
from pypdf import PdfReader
from pypdf import generic as g

from editions.pdf.objects import read_object_stream

ROOT = Path(__file__).resolve().parent.parent


def same(ours: Any, theirs: Any, path: str = "") -> None:
    """The same pypdf object: the same type and value, all the way down."""
    assert type(ours) is type(theirs), (path, ours, theirs)
    if isinstance(ours, g.DictionaryObject):
        assert list(ours) == list(theirs), path
        for key in ours:
            same(ours.raw_get(key), theirs.raw_get(key), f"{path}{key}")
    elif isinstance(ours, g.ArrayObject):
        assert len(ours) == len(theirs), path
        for number, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            same(a, b, f"{path}[{number}]")
    elif isinstance(ours, g.IndirectObject):
        assert (ours.idnum, ours.generation) == (theirs.idnum, theirs.generation), path
    elif isinstance(ours, (g.TextStringObject, g.ByteStringObject)):
        assert ours == theirs and bytes(ours.original_bytes) == bytes(theirs.original_bytes), path
    else:
        assert ours == theirs, (path, ours, theirs)


def compare(data: bytes) -> int:
    """Read every object stream of ``data`` with read_object_stream and with pypdf; the objects read."""
    ours, theirs = PdfReader(io.BytesIO(data)), PdfReader(io.BytesIO(data))
    streams = sorted({stream for stream, _ in ours.xref_objStm.values()})
    read = sum(read_object_stream(ours, stream) for stream in streams)
    for number in sorted(ours.xref_objStm):
        same(ours.get_object(number), theirs.get_object(number), str(number))
    return read


def written(*values: Any) -> bytes:
    pdf = pydyf.PDF()
    for value in values:
        pdf.add_object(value)
    output = io.BytesIO()
    pdf.write(output, compress=True)
    return output.getvalue()


def test_every_kind_of_value_pydyf_writes() -> None:
    values = pydyf.Dictionary(
        {
            "Name": "/A#20B",
            "Plain": "/Plain",
            "Numbers": pydyf.Array([0, -1, 2.5, -0.25, 1e-3, 123456789]),
            "Strings": pydyf.Array(
                [pydyf.String("é (x) \\ ) é"), pydyf.String("plain"), pydyf.String(""), b"<feff0041>"]
            ),
            "Nested": pydyf.Array([pydyf.Array([]), pydyf.Dictionary({}), pydyf.Dictionary({"K": "/V"})]),
            "Words": pydyf.Array(["true", "false", "null"]),
            "Reference": b"3 0 R",
        }
    )
    data = written(values, pydyf.Array([1, 2, 3]), pydyf.Dictionary({"Type": "/Thing"}))
    assert compare(data) >= 3


def test_structure_elements_of_the_usual_shape_and_others(monkeypatch: pytest.MonkeyPatch) -> None:
    """Structure elements as WeasyPrint writes them (kids: marked-content ids, references or both)
    are read by the short way, as pypdf reads them; elements of another shape, and objects of the
    usual shape that are not alone in their place, the long way."""
    from editions.pdf import objects

    def element(kids: list[Any], **extra: Any) -> pydyf.Dictionary:
        return pydyf.Dictionary(
            {
                "Type": "/StructElem",
                "S": "/Span",
                "K": pydyf.Array(kids),
                "Pg": b"2 0 R",
                "P": b"1 0 R",
                **extra,
            }
        )

    usual = [element([0]), element([b"4 0 R", b"5 0 R"]), element([3, b"6 0 R", 12]), element([])]
    other = [element([0], Alt=pydyf.String("x")), pydyf.Dictionary({"Type": "/StructElem", "S": "/P"})]
    short = []
    original = objects._struct_element

    def counted(*args: Any) -> Any:
        found = original(*args)
        short.append(found is not None)
        return found

    monkeypatch.setattr(objects, "_struct_element", counted)
    assert compare(written(*usual, *other, pydyf.Array([1]))) >= 7
    assert short.count(True) == 4
    short.clear()
    assert compare(written(pydyf.Array([element([0]), element([1])]))) >= 1  # inside an array
    assert not any(short)


def test_a_stream_it_does_not_follow_is_left_to_pypdf() -> None:
    """A comment between two values: nothing read here, pypdf reads the object when asked for it."""
    data = written(pydyf.Dictionary({"A": b"1 % a comment\n", "B": 2}))
    reader = PdfReader(io.BytesIO(data))
    streams = sorted({stream for stream, _ in reader.xref_objStm.values()})
    assert streams and all(read_object_stream(reader, stream) == 0 for stream in streams)
    assert compare(data) == 0


@pytest.mark.slow
def test_the_parts_of_a_book_are_read_as_pypdf_reads_them(tmp_path: Path) -> None:
    """A tagged book with links, notes and a table, built in parts: its parts (kept in the cache)
    and the book, every object in an object stream the same as pypdf reads it."""
    from editions.edition import load_edition
    from editions.pdf import make_pdf
    from test_pdf import EPOCH, write_long_edition

    edition = write_long_edition(tmp_path / "e", 7, seed=3)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        result = make_pdf(load_edition([edition]), tmp_path / "book.pdf", cache_dir=tmp_path / "cache")
    parts = [p for p in (tmp_path / "cache").glob("parts/*/*.pdf") if p.read_bytes().startswith(b"%PDF")]
    assert len(parts) >= 5
    read = sum(compare(path.read_bytes()) for path in [*parts, result.path])
    assert read > 1000
