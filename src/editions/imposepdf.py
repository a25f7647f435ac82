"""The sheets drawn with pypdf: the reading pages and the sheet sides of a layout in, the imposed
PDF's pages out (each reading page a Form XObject once, drawn per cell with its clip and creep shift;
crop, fold and cut marks in the registration colour; the slug with the job name and sheet number)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import cast

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
)

from .imposesheet import PT_PER_MM, Geometry, Side

MARK_OFFSET_MM = 3.0
"""Gap between the trim line and the start of a mark (at least the bleed)."""
MARK_LENGTH_MM = 5.0
MARK_LINE_WIDTH = 0.3
MARK_FONT_SIZE = 7.0

Matrix = tuple[float, float, float, float, float, float]
Rect = tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass(frozen=True)
class Source:
    """One reading page, placed in the output as a Form XObject."""

    ref: IndirectObject
    width: float  # displayed trim size, in points
    height: float
    to_display: Matrix  # the page's user space onto (0, 0)–(width, height), /Rotate applied
    bleed: float  # bleed available on every side (the smallest side), in points


def _rect(box: object) -> Rect:
    x0, y0, x1, y1 = (float(v) for v in cast(list[float], box))
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _intersect(a: Rect, b: Rect) -> Rect:
    r = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    return r if r[2] > r[0] and r[3] > r[1] else b


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """The transformation ``m`` followed by ``n`` (PDF row-vector convention)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _display_matrix(box: Rect, rotation: int) -> tuple[Matrix, float, float]:
    """Map ``box`` (user space) onto (0, 0)–(w, h) as a viewer shows it with ``/Rotate``."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    rotation = (round(rotation / 90) * 90) % 360
    if rotation == 90:  # clockwise: the top edge becomes the right edge
        return (0, -1, 1, 0, -y0, x1), h, w
    if rotation == 180:
        return (-1, 0, 0, -1, x1, y1), w, h
    if rotation == 270:
        return (0, 1, -1, 0, y1, -x0), h, w
    return (1, 0, 0, 1, -x0, -y0), w, h


def make_source(writer: PdfWriter, page: PageObject) -> Source:
    """Turn a reading page into a Form XObject in ``writer``, and measure it."""
    crop = _intersect(_rect(page.cropbox), _rect(page.mediabox))
    trim = _intersect(_rect(page.trimbox), crop)
    bleed_box = _intersect(_rect(page.bleedbox), crop)
    bleed_box = (
        min(bleed_box[0], trim[0]),
        min(bleed_box[1], trim[1]),
        max(bleed_box[2], trim[2]),
        max(bleed_box[3], trim[3]),
    )
    rotation = page.get("/Rotate", 0)
    to_display, width, height = _display_matrix(
        trim, int(rotation) if isinstance(rotation, int | float) else 0
    )
    bleed = min(
        trim[0] - bleed_box[0], trim[1] - bleed_box[1], bleed_box[2] - trim[2], bleed_box[3] - trim[3]
    )

    form = _content_stream(writer, page)
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject(FloatObject(round(v, 4)) for v in bleed_box)
    resources = page.raw_get("/Resources") if "/Resources" in page else None
    form[NameObject("/Resources")] = resources.clone(writer) if resources is not None else DictionaryObject()
    if "/Group" in page:
        form[NameObject("/Group")] = page.raw_get("/Group").clone(writer)
    ref = form.indirect_reference if form.indirect_reference is not None else writer._add_object(form)
    return Source(ref, width, height, to_display, max(bleed, 0.0))


def _content_stream(writer: PdfWriter, page: PageObject) -> StreamObject:
    """A new stream object in ``writer`` holding the page's content (still encoded when possible)."""
    contents: PdfObject | None = page.raw_get("/Contents") if "/Contents" in page else None
    resolved = contents.get_object() if contents is not None else None
    if isinstance(resolved, StreamObject):
        # Cloning keeps the encoded bytes as they are: no decoding, no recompression.
        stream = cast(StreamObject, resolved.clone(writer, force_duplicate=True))
        if stream.indirect_reference is None:
            writer._add_object(stream)
        return stream
    parts: list[bytes] = []
    if isinstance(resolved, ArrayObject):
        parts = [cast(StreamObject, item.get_object()).get_data() for item in resolved]
    decoded = DecodedStreamObject()
    decoded.set_data(b"\n".join(parts))
    stream = decoded.flate_encode()
    writer._add_object(stream)
    return stream


def mark_font() -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )


def registration_colour() -> ArrayObject:
    """``/Separation /All``: the colour printers use for marks, so they appear on every plate."""
    tint = DictionaryObject(
        {
            NameObject("/FunctionType"): NumberObject(2),
            NameObject("/Domain"): ArrayObject([NumberObject(0), NumberObject(1)]),
            NameObject("/C0"): ArrayObject([NumberObject(0)] * 4),
            NameObject("/C1"): ArrayObject([NumberObject(1)] * 4),
            NameObject("/N"): NumberObject(1),
        }
    )
    return ArrayObject([NameObject("/Separation"), NameObject("/All"), NameObject("/DeviceCMYK"), tint])


def _num(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def add_side(
    writer: PdfWriter,
    side: Side,
    sources: list[Source],
    g: Geometry,
    job: str,
    sheets: int,
    mark_resources: dict[str, PdfObject] | None,
    streams: dict[bytes, IndirectObject],
) -> None:
    """Add one sheet side to ``writer``; ``streams`` caches content streams shared between sides."""
    ops: list[str] = []
    if side.turned:
        ops.append(f"q -1 0 0 -1 {_num(g.sheet_w)} {_num(g.sheet_h)} cm")
    xobjects = DictionaryObject()
    ox, oy = g.origin
    for number, place in enumerate(side.places):
        if place.page is None:
            continue
        src = sources[place.page]
        cx, cy = ox + place.col * g.cell_w, oy + place.row * g.cell_h
        # Centre a page smaller than the cell, turn it upside down in its cell if asked, then
        # move the cell into place (with the creep shift).
        m = _mul(src.to_display, (1, 0, 0, 1, (g.cell_w - src.width) / 2, (g.cell_h - src.height) / 2))
        if place.upside_down:
            m = _mul(m, (-1, 0, 0, -1, g.cell_w, g.cell_h))
        m = _mul(m, (1, 0, 0, 1, cx + place.shift, cy))
        # Clip to the cell; with marks, let the bleed show on the sides that lie on the trim.
        x0, y0, x1, y1 = cx, cy, cx + g.cell_w, cy + g.cell_h
        if g.bleed:
            x0 -= g.bleed if place.col == 0 else 0
            x1 += g.bleed if place.col == g.cols - 1 else 0
            y0 -= g.bleed if place.row == 0 else 0
            y1 += g.bleed if place.row == g.rows - 1 else 0
        clip = f"{_num(x0)} {_num(y0)} {_num(x1 - x0)} {_num(y1 - y0)} re W n"
        # Names are by cell, not by page: sides with the same geometry share one content stream.
        name = f"/C{number + 1}"
        ops.append(f"q {clip} {' '.join(_num(v) for v in m)} cm {name} Do Q")
        xobjects[NameObject(name)] = src.ref
    resources = DictionaryObject({NameObject("/XObject"): xobjects})
    page = writer.add_blank_page(g.sheet_w, g.sheet_h)
    if mark_resources:
        ops.append(f"/Mk Do {_slug(side, g, job, sheets)}")
        xobjects[NameObject("/Mk")] = mark_resources["/Mk"]
        resources[NameObject("/Font")] = mark_resources["/Font"]
        resources[NameObject("/ColorSpace")] = mark_resources["/ColorSpace"]
        content = (ox, oy, ox + g.cols * g.cell_w, oy + g.rows * g.cell_h)
        page[NameObject("/TrimBox")] = ArrayObject(FloatObject(round(v, 4)) for v in content)
        bled = (content[0] - g.bleed, content[1] - g.bleed, content[2] + g.bleed, content[3] + g.bleed)
        page[NameObject("/BleedBox")] = ArrayObject(FloatObject(round(v, 4)) for v in bled)
    if side.turned:
        ops.append("Q")
    data = "\n".join(ops).encode("ascii")
    if data not in streams:
        stream = DecodedStreamObject()
        stream.set_data(data)
        streams[data] = writer._add_object(stream.flate_encode())
    page[NameObject("/Contents")] = streams[data]
    page[NameObject("/Resources")] = resources


def marks_form(writer: PdfWriter, g: Geometry, layout: str, registration: IndirectObject) -> IndirectObject:
    """Crop marks and fold (or cut) marks, drawn once as a Form XObject every sheet side shares."""
    ox, oy = g.origin
    x1, y1 = ox + g.cols * g.cell_w, oy + g.rows * g.cell_h
    off = max(MARK_OFFSET_MM * PT_PER_MM, g.bleed)
    end = off + MARK_LENGTH_MM * PT_PER_MM
    crops: list[tuple[float, float, float, float]] = []
    for x, dx in ((ox, -1), (x1, 1)):
        for y, dy in ((oy, -1), (y1, 1)):
            crops.append((x + dx * off, y, x + dx * end, y))
            crops.append((x, y + dy * off, x, y + dy * end))
    folds: list[tuple[float, float, float, float]] = []
    for x in (ox + c * g.cell_w for c in range(1, g.cols)):
        folds.append((x, oy - off, x, oy - end))
        folds.append((x, y1 + off, x, y1 + end))
    for y in (oy + r * g.cell_h for r in range(1, g.rows)):
        folds.append((ox - off, y, ox - end, y))
        folds.append((x1 + off, y, x1 + end, y))
    if layout == "2up":  # the middle is a cut, not a fold
        crops.extend(folds)
        folds = []

    def lines(segments: list[tuple[float, float, float, float]]) -> str:
        return " ".join(f"{_num(a)} {_num(b)} m {_num(c)} {_num(d)} l" for a, b, c, d in segments) + " S"

    ops = [f"/CSreg CS 1 SCN {MARK_LINE_WIDTH} w 0 J [] 0 d", lines(crops)]
    if folds:  # dashed: a fold, not a cut
        ops.append(f"[3 2] 0 d {lines(folds)}")
    stream = DecodedStreamObject()
    stream.set_data("\n".join(ops).encode("ascii"))
    form = stream.flate_encode()
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject(FloatObject(round(v, 4)) for v in (0, 0, g.sheet_w, g.sheet_h))
    form[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/ColorSpace"): DictionaryObject({NameObject("/CSreg"): registration})}
    )
    return writer._add_object(form)


def _slug(side: Side, g: Geometry, job: str, sheets: int) -> str:
    """The slug line under the sheet: job name, sheet number, face and signature."""
    ox, oy = g.origin
    start = max(MARK_OFFSET_MM * PT_PER_MM, g.bleed) + MARK_LENGTH_MM * PT_PER_MM
    label = f"sheet {side.sheet} of {sheets}"
    if side.face:
        label += f", {side.face}"
    if side.signature:
        label += f", signature {side.signature}"
    room = int((g.cols * g.cell_w - 2 * start) / (MARK_FONT_SIZE * 0.6)) - len(label) - 4
    name = job if len(job) <= room else job[: max(room - 1, 0)] + "…"
    text = f"{name}  ·  {label}" if name else label
    baseline = (oy - start) / 2 - MARK_FONT_SIZE * 0.3
    position = f"{_num(ox + start)} {_num(baseline)} Td"
    return f"q /CSreg cs 1 scn BT /Fm {_num(MARK_FONT_SIZE)} Tf {position} {_pdf_string(text)} Tj ET Q"


def _pdf_string(text: str) -> str:
    data = text.encode("cp1252", errors="replace")
    escaped = data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return "(" + "".join(chr(b) if 32 <= b < 127 else f"\\{b:03o}" for b in escaped) + ")"


def copy_metadata(reader: PdfReader, writer: PdfWriter) -> None:
    info = reader.metadata
    writer.metadata = info if info else None
    root = cast(DictionaryObject, reader.trailer["/Root"])
    for key in ("/Metadata", "/Lang"):
        if key in root:
            writer.root_object[NameObject(key)] = root.raw_get(key).clone(writer)


def make_job_name(reader: PdfReader, path: Path, job_name: str | None) -> str:
    if job_name is not None:
        return " ".join(job_name.split())
    try:
        title = reader.metadata.title if reader.metadata else None
    except Exception:  # a damaged /Info dictionary is no reason to fail
        title = None
    return " ".join(str(title).split()) if title else path.stem
