"""PDF values for pydyf: Python numbers, names and bytes in, objects pydyf writes as PDF out; and
PDF bytes in, read by pypdf, kept for the life of the process (:func:`read_pdf`, all its objects
parsed ahead of need, a few at a time, by :func:`read_objects`).

The objects of an object stream are read by :func:`read_object_stream`, a reader of the PDF syntax
pydyf writes (the parts editions renders) that makes the very objects pypdf's parser makes (the
same types and values, tested), 2.7 times faster: at 100 articles pypdf spent about 5.6 s
reading the parts' structure trees. Structure elements of the shape WeasyPrint gives nearly all
of them (four in five of a tagged book's objects) are read by one pattern each, a fifth faster
again. A stream with anything else (a comment, a keyword it does not know) is left to pypdf."""

from __future__ import annotations

import collections
import functools
import hashlib
import io
import re
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
    while it waits for the workers, so that the merge, after the last render, finds them parsed.
    Once is enough: a reader read to the end is not read again."""
    from pypdf.generic import ArrayObject, IndirectObject

    if reader.__dict__.get("_editions_all_read"):
        return  # read already (a cached part is read when checked, then offered again)
    streams = sorted({stream for stream, _ in reader.xref_objStm.values()})
    for count, stream in enumerate(streams, start=1):
        read_object_stream(reader, stream)
        if step and count % max(1, step // 100) == 0:
            yield
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
    reader._editions_all_read = True


#: A token of the PDF syntax pydyf writes (white space before it skipped): an indirect reference,
#: a number, a name, the brackets of a dictionary or array, a string's start, a keyword.
_WS = rb"[\x00\t\n\x0c\r ]"
_DELIMITED = rb"(?![^\x00\t\n\x0c\r ()<>\[\]{}/%])"  # followed by white space, a delimiter or the end
_TOKEN = re.compile(
    _WS + rb"*(?:(?P<ref>(\d+)" + _WS + rb"+(\d+)" + _WS + rb"+R" + _DELIMITED + rb")"
    rb"|(?P<num>[+-]?(?:\d+\.?\d*|\.\d+)" + _DELIMITED + rb")"
    rb"|(?P<name>/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*)"
    rb"|(?P<open><<|\[)|(?P<close>>>|\])|(?P<string>[(<])"
    rb"|(?P<word>true|false|null)" + _DELIMITED + rb"|(?P<end>$))"
)


class _Unread(Exception):
    """Syntax this reader leaves to pypdf."""


def read_object_stream(reader: Any, number: int) -> int:
    """Read every object of the object stream ``number`` of ``reader`` (a pypdf ``PdfReader``) into
    its cache of objects, as pypdf would; the number of objects read (0 when the stream is left to
    pypdf, which then reads its objects when they are asked for)."""
    from pypdf import generic as g

    read = reader.__dict__.setdefault("_editions_streams", set())  # the streams read (or tried) already
    if number in read:
        return 0
    read.add(number)
    try:
        stream = reader.get_object(number)
        if stream.get("/Type") != "/ObjStm":
            return 0
        data, count, first = stream.get_data(), int(stream["/N"]), int(stream["/First"])
        header = data[:first].split()
        if len(header) != 2 * count:
            return 0
        numbers = [int(header[2 * i]) for i in range(count)]
        offsets = [first + int(header[2 * i + 1]) for i in range(count)]
        made = _parse(data, offsets, reader, g)
    except (_Unread, ValueError, KeyError, TypeError, IndexError, OverflowError):
        return 0
    for object_number, value in zip(numbers, made, strict=True):
        if reader.cache_get_indirect_object(0, object_number) is None:
            reader.cache_indirect_object(0, object_number, value)
    return len(made)


#: A structure element as WeasyPrint tags nearly every one (four in five of a tagged book's
#: objects: one for each line of a paragraph): its type, its kids (marked-content ids and
#: references), its page and its parent.
_STRUCT_ELEMENT = re.compile(
    rb"<</Type /StructElem/S /([A-Za-z0-9]+)/K \[([0-9 R]*)\]/Pg ([0-9]+) 0 R/P ([0-9]+) 0 R>>"
)


def _struct_element(
    data: bytes, position: int, offsets: list[int], index: int, reader: Any, names: dict[bytes, Any], g: Any
) -> tuple[Any, int] | None:
    """The object ``index`` if it is a structure element of the usual shape (:data:`_STRUCT_ELEMENT`),
    as :func:`_parse` would make it, and where it ends; ``None`` for anything else."""
    start = offsets[index]
    if start < position or data[position:start].strip():
        return None
    match = _STRUCT_ELEMENT.match(data, start)
    if match is None:
        return None
    end = match.end()
    if data[end:].strip() if index + 1 == len(offsets) else end > offsets[index + 1]:
        return None
    name_object = g.NameObject

    def name(raw: bytes) -> Any:
        value = names.get(raw)
        if value is None:
            value = names[raw] = name_object(raw.decode("ascii"))
        return value

    indirect = g.IndirectObject
    kids: list[Any] = []
    tokens = match[2].split()
    i = 0
    while i < len(tokens):
        if i + 2 < len(tokens) and tokens[i + 2] == b"R":
            if tokens[i] == b"R" or tokens[i + 1] == b"R":
                return None
            kids.append(indirect(int(tokens[i]), int(tokens[i + 1]), reader))
            i += 3
        elif tokens[i] == b"R":
            return None
        else:
            kids.append(g.NumberObject(tokens[i]))
            i += 1
    value = g.DictionaryObject(
        [
            (name(b"/Type"), name(b"/StructElem")),
            (name(b"/S"), name(b"/" + match[1])),
            (name(b"/K"), g.ArrayObject(kids)),
            (name(b"/Pg"), indirect(int(match[3]), 0, reader)),
            (name(b"/P"), indirect(int(match[4]), 0, reader)),
        ]
    )
    return value, end


def _parse(data: bytes, offsets: list[int], reader: Any, g: Any) -> list[Any]:
    """The objects written in ``data`` at ``offsets`` (one after another, nothing else between
    them), as pypdf's ``read_object`` makes them."""
    made: list[Any] = []
    stack: list[tuple[bool, list[Any]]] = []  # open containers: (an array?, items)
    names: dict[bytes, Any] = {}
    name_object, number_object, float_object = g.NameObject, g.NumberObject, g.FloatObject
    indirect, array, dictionary = g.IndirectObject, g.ArrayObject, g.DictionaryObject
    position = offsets[0] if offsets else len(data)
    top = position
    while len(made) < len(offsets):
        element = _struct_element(data, position, offsets, len(made), reader, names, g)
        if element is not None:
            made.append(element[0])
            position = element[1]
            continue
        restart = False
        cursor = position
        for match in _TOKEN.finditer(data, position):
            if match.start() != cursor:
                raise _Unread  # something between two tokens this reader does not know (a comment …)
            cursor = match.end()
            kind = match.lastgroup
            if not stack and kind is not None:
                top = match.start(kind)  # where the next object starts
            if kind == "name":
                raw = match[kind]
                value = names.get(raw)
                if value is None:
                    if b"#" in raw:
                        value = name_object.read_from_stream(io.BytesIO(raw + b" "), reader)
                    else:
                        value = name_object(raw.decode("utf-8"))
                    names[raw] = value
                if not stack:
                    value = name_object(value)  # a top-level object gets its own (pypdf marks it)
            elif kind == "num":
                text = match[kind]
                value = float_object(text) if b"." in text else number_object(text)
            elif kind == "ref":
                value = indirect(int(match[2]), int(match[3]), reader)
            elif kind == "open":
                stack.append((match[kind] == b"[", []))
                continue
            elif kind == "close":
                if not stack or stack[-1][0] != (match[kind] == b"]"):
                    raise _Unread
                is_array, items = stack.pop()
                if is_array:
                    value = array(items)
                else:
                    keys = items[::2]
                    if len(items) % 2 or not all(type(k) is name_object for k in keys):
                        raise _Unread
                    if len(set(keys)) != len(keys):
                        raise _Unread  # pypdf warns and keeps the first: its own reading
                    value = dictionary(zip(keys, items[1::2], strict=True))
            elif kind == "string":
                if data.startswith(b"<<", match.start(kind)):
                    raise _Unread
                source = io.BytesIO(data)
                source.seek(match.start(kind))
                if match[kind] == b"(":
                    value = g.read_string_from_stream(source)
                else:
                    value = g.read_hex_string_from_stream(source)
                position = source.tell()
                restart = True
            elif kind == "word":
                word = match[kind]
                value = g.NullObject() if word == b"null" else g.BooleanObject(word == b"true")
            else:
                raise _Unread  # the end of the data inside an object
            if stack:
                stack[-1][1].append(value)
            else:
                index = len(made)
                # An object must start at its offset, and the next one no sooner than its own.
                if top < offsets[index] or data[offsets[index] : top].strip():
                    raise _Unread
                made.append(value)
                if len(made) == len(offsets):
                    end = position if restart else match.end()
                    if data[end:].strip():
                        raise _Unread
                    break
                if (position if restart else match.end()) > offsets[index + 1]:
                    raise _Unread
                # The next object may be a structure element: let _struct_element try it first.
                position, restart = (position if restart else match.end()), True
            if restart:
                break
        else:
            raise _Unread
    return made
