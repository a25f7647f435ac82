"""Imposition: lay the pages of a reading PDF out on the sheets a printer prints.

In: a reading-order PDF (page 1, 2, 3 … as a reader turns them, as ``make-pdf`` writes it).
Out: an imposed PDF whose pages are the sides of physical sheets, ready to print at 100 %, fold
(cut, staple or sew), and an :class:`ImposeResult` carrying a short printing note for the person
at the printer (:func:`write_note` saves it beside the PDF as ``.txt``).

Layouts (:data:`LAYOUTS`):

``booklet``
    Saddle stitch: two pages side by side on a sheet twice the page size (A5 on A4 landscape,
    half-letter on letter landscape, A6 on A5 landscape), printed double-sided, the stack folded
    in half and stapled on the fold. The reading pages are padded to a multiple of 4 with blank
    pages placed *before the back cover*, so the last reading page stays the outside back; in a
    PDF made by ``make-pdf`` (whose last page is its outside back cover, named destination
    ``back-cover``, after the colophon, ``colophon``) they go before the colophon, so that it
    stays the inside back cover. A right-to-left document (``/ViewerPreferences /Direction
    /R2L``, else a right-to-left ``/Lang`` such as Arabic, Persian or Hebrew) is bound on the
    right: every sheet side is mirrored, the front cover on the left half of the outer side.
    ``signature=N`` splits a thick book into folded signatures of N pages (a multiple of 4) for
    sewn or glued binding; the last signature holds what is left (a multiple of 4 pages, never
    padded further: up to three blank pages is all a book ever gets). ``duplex="short"``
    (flip on the short edge) prints the backs as they are; ``duplex="long"`` turns every back
    side 180° for printers that flip on the long edge.
``zine``
    The classic one-sheet mini-zine: 8 panels in two rows of four on one side of one sheet, the
    top row upside down (top row 5 4 3 2, bottom row 6 7 8 1, as in pdfimpose's
    ``onepagezine`` schema and the usual templates), cut along the middle and folded. Up to 8
    pages; fewer are padded with blanks before the back cover.
``2up``
    Two consecutive pages on each sheet side, no reordering (cut-and-stack flyers), one-sided.

Creep (``creep_mm``): in a folded stack the inner sheets stick out further at the fore-edge than
the outer ones (the paper "creeps" outward by its thickness at each fold), so after the face trim
their outer margins come out narrower. Compensation moves the *content* of the inner sheets
toward the spine, as imposition software does (Quite Imposing's "outside pages shift least",
Fiery's and InDesign's creep/shingling): the outermost sheet of each signature is not moved, the
innermost one by the full ``creep_mm``, the sheets between linearly. Each page stays clipped to
its own half of the sheet, so the shift never overprints the facing page.

Marks (``marks=True``): the sheet grows by a slug of :data:`SLUG_MM` on every side, holding crop
marks at the corners of the trimmed sheet, dashed fold marks at the spine (booklet) or at every
fold (zine), cut marks between 2-up pages, and a line with the job name and the sheet number.
Pages whose PDF has a bleed box (``@page { bleed: 3mm }``) keep their bleed, up to
:data:`MAX_BLEED_MM`, on the sides that lie on the trim. Marks are drawn in the registration
colour (``/Separation /All``) so they appear on every printing plate.

How: every reading page becomes a Form XObject once (its content stream and resources, with a
``/BBox`` from the page's bleed box, and ``/Rotate`` and ``/CropBox``/``/TrimBox`` honoured); each
sheet side then draws ``q … re W n a b c d e f cm /Cn Do Q`` per page (sides with the same geometry
share one content stream). Shared resources (fonts,
images) are cloned once, so the imposed file is about the size of the reading PDF, and 500 pages
impose in well under a second. The document information dictionary and XMP metadata are kept; links,
bookmarks and other interactive features of the reading PDF are left out (this is for print).
"""

from __future__ import annotations

import math
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

from .errors import EditionsError
from .i18n import direction as direction_of
from .inputs import same_file
from .textio import atomic_path, write_atomic

__all__ = ["DUPLEX_MODES", "LAYOUTS", "ImposeResult", "impose", "write_note"]

LAYOUTS = ("booklet", "zine", "2up")
DUPLEX_MODES = ("short", "long")

PT_PER_MM = 72 / 25.4
SLUG_MM = 15.0
"""Margin added around the trimmed sheet on every side when marks are on."""
MARK_OFFSET_MM = 3.0
"""Gap between the trim line and the start of a mark (at least the bleed)."""
MARK_LENGTH_MM = 5.0
MAX_BLEED_MM = 5.0
MARK_LINE_WIDTH = 0.3
MARK_FONT_SIZE = 7.0
ZINE_PAGES = 8

_SIZE_SLACK_MM = 2.0  # a sheet up to this much larger than the pages still counts as that paper size

# (name, portrait width, portrait height) in mm, smallest first; US sizes are reported in inches.
PAPER_SIZES: tuple[tuple[str, float, float], ...] = (
    ("A7", 74, 105),
    ("A6", 105, 148),
    ("Half letter", 139.7, 215.9),
    ("A5", 148, 210),
    ("Letter", 215.9, 279.4),
    ("A4", 210, 297),
    ("SRA4", 225, 320),
    ("Legal", 215.9, 355.6),
    ("Tabloid", 279.4, 431.8),
    ("A3", 297, 420),
    ("SRA3", 320, 450),
    ("A2", 420, 594),
    ("SRA2", 450, 640),
)
_US_SIZES = {"Half letter", "Letter", "Legal", "Tabloid"}

Matrix = tuple[float, float, float, float, float, float]
Rect = tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass(frozen=True)
class ImposeResult:
    """What :func:`impose` wrote, and what the person at the printer needs to know."""

    path: Path
    """The imposed PDF."""
    layout: str
    """``"booklet"``, ``"zine"`` or ``"2up"``."""
    pages: int
    """Reading pages in."""
    blanks: int
    """Blank pages added."""
    sheets: int
    """Physical sheets per copy."""
    sheet_size: str
    """The sheet, e.g. ``"A4 landscape (297 × 210 mm)"``."""
    note: str
    """The printing note (plain text, a few lines)."""


@dataclass(frozen=True)
class _Source:
    """One reading page, placed in the output as a Form XObject."""

    ref: IndirectObject
    width: float  # displayed trim size, in points
    height: float
    to_display: Matrix  # the page's user space onto (0, 0)–(width, height), /Rotate applied
    bleed: float  # bleed available on every side (the smallest side), in points


@dataclass(frozen=True)
class _Place:
    """One page (or a blank) in one cell of a sheet side."""

    page: int | None  # index of the reading page; None for a blank
    col: int
    row: int
    upside_down: bool = False
    shift: float = 0.0  # horizontal shift of the content in points (creep), positive to the right


@dataclass(frozen=True)
class _Side:
    places: tuple[_Place, ...]
    sheet: int  # 1-based
    face: str  # "front", "back" or "" for one-sided layouts
    turned: bool = False  # drawn upside down (backs for long-edge duplex)
    signature: int = 0  # 1-based when the booklet has several signatures


# --------------------------------------------------------------------------- public API


def impose(
    reading_pdf: str | Path,
    out: str | Path,
    layout: str = "booklet",
    signature: int | None = None,
    duplex: str = "short",
    creep_mm: float = 0,
    marks: bool = False,
    job_name: str | None = None,
) -> ImposeResult:
    """Impose ``reading_pdf`` for printing and write the imposed PDF to ``out`` (atomically).

    ``layout`` is one of :data:`LAYOUTS`; ``signature`` (booklet only) a multiple of 4 pages;
    ``duplex`` ``"short"`` or ``"long"`` (the edge the printer flips on; booklets only);
    ``creep_mm`` the largest shift toward the spine, given to the innermost sheet (booklet
    only); ``marks`` adds crop and fold marks and a slug with ``job_name`` (default: the PDF's
    title, else the file name) and the sheet number. Returns an :class:`ImposeResult` (the
    imposed PDF, its pages, the blank pages added, and what the person at the printer needs).
    Raises :class:`EditionsError` for anything the user can get wrong: an unreadable PDF, an
    unknown layout or duplex edge, a bad signature or creep, or an output that cannot be written.
    """
    check_options(layout, signature, duplex, creep_mm)
    source_path = Path(reading_pdf)
    out_path = Path(out)
    reader = _open(source_path)
    if out_path.exists() and (
        out_path.resolve() == source_path.resolve() or same_file(out_path, source_path)
    ):
        raise EditionsError("the imposed PDF would overwrite the reading PDF; choose another name", out_path)
    try:
        return _impose(reader, source_path, out_path, layout, signature, duplex, creep_mm, marks, job_name)
    except EditionsError:
        raise
    except OSError as exc:
        raise EditionsError(f"cannot write the imposed PDF: {exc.strerror or exc}", out_path) from exc
    except Exception as exc:  # pypdf raises many kinds of errors on a damaged file
        raise EditionsError(f"cannot impose this PDF: {exc}", source_path) from exc


def write_note(result: ImposeResult) -> Path:
    """Write the printing note beside the imposed PDF (same name, ``.txt``) and return its path."""
    return write_atomic(result.path.with_suffix(".txt"), result.note)


# --------------------------------------------------------------------------- checks and reading


def check_options(layout: str, signature: int | None, duplex: str, creep_mm: float) -> None:
    if layout not in LAYOUTS:
        raise EditionsError(f"unknown imposition layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    if duplex not in DUPLEX_MODES:
        raise EditionsError(
            f"unknown duplex setting {duplex!r}; choose short or long (the edge the printer flips on)"
        )
    if signature is not None:
        if isinstance(signature, bool) or not isinstance(signature, int) or signature <= 0 or signature % 4:
            raise EditionsError(f"a signature must be a positive multiple of 4 pages, not {signature!r}")
        if layout != "booklet":
            raise EditionsError(f"signatures only apply to the booklet layout, not to {layout}")
    if isinstance(creep_mm, bool) or not isinstance(creep_mm, int | float) or not math.isfinite(creep_mm):
        raise EditionsError(f"creep must be a number of millimetres, not {creep_mm!r}")
    if creep_mm < 0:
        raise EditionsError(f"creep must be 0 mm or more, not {creep_mm:g} mm")
    if creep_mm and layout != "booklet":
        raise EditionsError(f"creep only applies to the booklet layout, not to {layout}")


def _open(path: Path) -> PdfReader:
    if not path.exists():
        raise EditionsError("no such file", path)
    if path.is_dir():
        raise EditionsError("is a folder, not a PDF", path)
    try:
        reader = PdfReader(path)
        encrypted = reader.is_encrypted
        count = 0 if encrypted else len(reader.pages)
    except PermissionError:
        raise EditionsError("permission denied: cannot read the file", path) from None
    except OSError as exc:
        raise EditionsError(f"cannot read the file: {exc.strerror or exc}", path) from None
    except Exception as exc:  # pypdf raises many kinds of errors on a damaged file
        raise EditionsError(f"not a readable PDF ({exc})", path) from None
    if encrypted:
        raise EditionsError("the PDF is encrypted; impose the unencrypted reading PDF", path)
    if count == 0:
        raise EditionsError("the PDF has no pages", path)
    return reader


# --------------------------------------------------------------------------- imposition


def _impose(
    reader: PdfReader,
    source_path: Path,
    out_path: Path,
    layout: str,
    signature: int | None,
    duplex: str,
    creep_mm: float,
    marks: bool,
    job_name: str | None,
) -> ImposeResult:
    n = len(reader.pages)
    if layout == "zine" and n > ZINE_PAGES:
        raise EditionsError(
            f"a zine holds at most {ZINE_PAGES} pages, but this edition has {n} pages; "
            "use the booklet layout instead",
            source_path,
        )
    writer = PdfWriter()
    sources = [_make_source(writer, page) for page in reader.pages]
    cell_w = max(s.width for s in sources)
    cell_h = max(s.height for s in sources)
    if creep_mm * PT_PER_MM >= cell_w / 4:
        raise EditionsError(
            f"creep of {creep_mm:g} mm is too large for pages {cell_w / PT_PER_MM:.0f} mm wide", source_path
        )

    tail = _back_pages(reader)
    if layout == "booklet":
        sides, cols, rows, total, signatures = _booklet(n, signature, duplex, creep_mm * PT_PER_MM, tail)
        if _right_to_left(reader):
            sides = [_mirrored(side) for side in sides]
    elif layout == "zine":
        sides, cols, rows, total, signatures = _zine(n, tail)
    else:
        sides, cols, rows, total, signatures = _two_up(n)
    sheets = max(side.sheet for side in sides)

    content_w, content_h = cols * cell_w, rows * cell_h
    paper = None if marks else _standard_size(content_w / PT_PER_MM, content_h / PT_PER_MM)
    if marks:
        slug = SLUG_MM * PT_PER_MM
        sheet_w, sheet_h = content_w + 2 * slug, content_h + 2 * slug
    elif paper:  # e.g. two A5 pages (296 mm) on A4 (297 mm): use the paper, centre the pages
        sheet_w, sheet_h = paper[1] * PT_PER_MM, paper[2] * PT_PER_MM
    else:
        sheet_w, sheet_h = content_w, content_h
    origin = ((sheet_w - content_w) / 2, (sheet_h - content_h) / 2)
    bleed = min(min(s.bleed for s in sources), MAX_BLEED_MM * PT_PER_MM) if marks else 0.0
    job = _job_name(reader, source_path, job_name)

    geometry = _Geometry(sheet_w, sheet_h, origin, cell_w, cell_h, cols, rows, bleed)
    mark_resources = None
    if marks:
        registration = writer._add_object(_registration_colour())
        mark_resources = {
            "/Font": DictionaryObject({NameObject("/Fm"): writer._add_object(_mark_font())}),
            "/ColorSpace": DictionaryObject({NameObject("/CSreg"): registration}),
            "/Mk": _marks_form(writer, geometry, layout, registration),
        }
    streams: dict[bytes, IndirectObject] = {}
    for side in sides:
        _add_side(writer, side, sources, geometry, job, sheets, mark_resources, streams)

    _copy_metadata(reader, writer)
    with atomic_path(out_path) as tmp:
        writer.write(tmp)

    sheet_size, paper_line = _describe_sheet(content_w, content_h, sheet_w, sheet_h, marks)
    page_size = _describe_size(cell_w / PT_PER_MM, cell_h / PT_PER_MM, orientation=False)
    note = _printing_note(
        layout=layout,
        pages=n,
        blanks=total - n,
        sheets=sheets,
        paper=paper_line,
        page_size=page_size,
        duplex=duplex,
        signatures=signatures,
        creep_mm=creep_mm,
        marks=marks,
    )
    return ImposeResult(out_path, layout, n, total - n, sheets, sheet_size, note)


def _back_pages(reader: PdfReader) -> int:
    """How many pages end the book and stay at its end, after the blanks: the colophon's pages and
    the outside back cover when the PDF names both (``make-pdf``'s), else the last page only."""
    n = len(reader.pages)
    try:
        dests = reader.named_destinations
        if "back-cover" not in dests or "colophon" not in dests:
            return 1
        back = reader.get_destination_page_number(dests["back-cover"])
        colophon = reader.get_destination_page_number(dests["colophon"])
    except Exception:  # a damaged name tree is no reason to fail: pad before the last page
        return 1
    if back is None or colophon is None or back != n - 1 or not 0 < colophon < back:
        return 1
    return n - colophon


def _right_to_left(reader: PdfReader) -> bool:
    """Whether the PDF reads right to left: its ``/ViewerPreferences /Direction``, else its ``/Lang``."""
    root = cast(DictionaryObject, reader.trailer["/Root"])
    try:
        preferences = root.get("/ViewerPreferences")
        direction = preferences.get_object().get("/Direction") if preferences is not None else None
        if direction is not None:
            return str(direction) == "/R2L"
        lang = root.get("/Lang")
        return lang is not None and direction_of(str(lang)) == "rtl"
    except Exception:  # a damaged catalog: left to right, as most books are
        return False


def _mirrored(side: _Side) -> _Side:
    """A sheet side of a book bound on the right: each page in the mirror-image cell, the creep
    shift (toward the spine) reversed with it."""
    cols = 1 + max(place.col for place in side.places)
    places = tuple(_Place(p.page, cols - 1 - p.col, p.row, p.upside_down, -p.shift) for p in side.places)
    return _Side(places, side.sheet, side.face, side.turned, side.signature)


def _reading_order(n: int, total: int, tail: int = 1) -> list[int | None]:
    """Reading pages padded to ``total`` with blanks before the last ``tail`` pages (the back cover,
    and the colophon before it)."""
    blanks: list[int | None] = [None] * (total - n)
    tail = min(tail, n - 1)
    if tail < 1:
        return [*range(n), *blanks]
    return [*range(n - tail), *blanks, *range(n - tail, n)]


def _booklet(
    n: int, signature: int | None, duplex: str, creep: float, tail: int = 1
) -> tuple[list[_Side], int, int, int, list[int]]:
    """The sheet sides of a booklet of ``n`` pages, its last ``tail`` pages kept at the end."""
    total = -(-n // 4) * 4
    order = _reading_order(n, total, tail)
    size = signature or total
    signatures = [min(size, total - start) for start in range(0, total, size)]
    sides: list[_Side] = []
    sheet = 0
    start = 0
    for number, pages in enumerate(signatures, start=1):
        part = order[start : start + pages]
        start += pages
        count = pages // 4
        for k in range(count):
            sheet += 1
            shift = creep * k / (count - 1) if count > 1 else 0.0
            sig = number if len(signatures) > 1 else 0
            # Left half of each side is the spine's left; shifting toward the spine means
            # moving the left page right and the right page left.
            front = (
                _Place(part[pages - 1 - 2 * k], 0, 0, shift=shift),
                _Place(part[2 * k], 1, 0, shift=-shift),
            )
            back = (
                _Place(part[2 * k + 1], 0, 0, shift=shift),
                _Place(part[pages - 2 - 2 * k], 1, 0, shift=-shift),
            )
            sides.append(_Side(front, sheet, "front", signature=sig))
            sides.append(_Side(back, sheet, "back", turned=duplex == "long", signature=sig))
    return sides, 2, 1, total, signatures


# The classic mini-zine: (page number, column, row, upside down); row 1 is the top row.
_ZINE_PANELS = (
    (5, 0, 1, True),
    (4, 1, 1, True),
    (3, 2, 1, True),
    (2, 3, 1, True),
    (6, 0, 0, False),
    (7, 1, 0, False),
    (8, 2, 0, False),
    (1, 3, 0, False),
)


def _zine(n: int, tail: int = 1) -> tuple[list[_Side], int, int, int, list[int]]:
    order = _reading_order(n, ZINE_PAGES, tail)
    places = tuple(
        _Place(order[number - 1], col, row, upside_down) for number, col, row, upside_down in _ZINE_PANELS
    )
    return [_Side(places, 1, "")], 4, 2, ZINE_PAGES, [ZINE_PAGES]


def _two_up(n: int) -> tuple[list[_Side], int, int, int, list[int]]:
    total = n + n % 2
    order: list[int | None] = [*range(n), *([None] * (total - n))]
    sides = [
        _Side((_Place(order[i], 0, 0), _Place(order[i + 1], 1, 0)), i // 2 + 1, "")
        for i in range(0, total, 2)
    ]
    return sides, 2, 1, total, []


# --------------------------------------------------------------------------- PDF objects


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


def _make_source(writer: PdfWriter, page: PageObject) -> _Source:
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
    return _Source(ref, width, height, to_display, max(bleed, 0.0))


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


def _mark_font() -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )


def _registration_colour() -> ArrayObject:
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


@dataclass(frozen=True)
class _Geometry:
    sheet_w: float
    sheet_h: float
    origin: tuple[float, float]  # lower-left corner of the trimmed content on the sheet
    cell_w: float
    cell_h: float
    cols: int
    rows: int
    bleed: float


def _num(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _add_side(
    writer: PdfWriter,
    side: _Side,
    sources: list[_Source],
    g: _Geometry,
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


def _marks_form(writer: PdfWriter, g: _Geometry, layout: str, registration: IndirectObject) -> IndirectObject:
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


def _slug(side: _Side, g: _Geometry, job: str, sheets: int) -> str:
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


def _copy_metadata(reader: PdfReader, writer: PdfWriter) -> None:
    info = reader.metadata
    writer.metadata = info if info else None
    root = cast(DictionaryObject, reader.trailer["/Root"])
    for key in ("/Metadata", "/Lang"):
        if key in root:
            writer.root_object[NameObject(key)] = root.raw_get(key).clone(writer)


def _job_name(reader: PdfReader, path: Path, job_name: str | None) -> str:
    if job_name is not None:
        return " ".join(job_name.split())
    try:
        title = reader.metadata.title if reader.metadata else None
    except Exception:  # a damaged /Info dictionary is no reason to fail
        title = None
    return " ".join(str(title).split()) if title else path.stem


# --------------------------------------------------------------------------- sizes and the note


def _standard_size(w_mm: float, h_mm: float) -> tuple[str, float, float] | None:
    """The standard paper (name, width, height in mm, oriented like the content) the content fills."""
    for name, pw, ph in PAPER_SIZES:
        for sw, sh in ((pw, ph), (ph, pw)):
            if -0.5 <= sw - w_mm <= _SIZE_SLACK_MM and -0.5 <= sh - h_mm <= _SIZE_SLACK_MM:
                return name, sw, sh
    return None


def _fits_on(w_mm: float, h_mm: float, us: bool) -> str | None:
    """The smallest standard paper of the same family (ISO or US) a sheet fits on."""
    for name, pw, ph in PAPER_SIZES:
        if (name in _US_SIZES) != us:
            continue
        if (w_mm <= pw + 0.01 and h_mm <= ph + 0.01) or (w_mm <= ph + 0.01 and h_mm <= pw + 0.01):
            return name
    return None


def _mm(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def _dims(w_mm: float, h_mm: float, us: bool) -> str:
    if us:
        return (
            f"{w_mm / 25.4:.2f}".rstrip("0").rstrip(".")
            + " × "
            + f"{h_mm / 25.4:.2f}".rstrip("0").rstrip(".")
            + " in"
        )
    return f"{_mm(w_mm)} × {_mm(h_mm)} mm"


def _size_parts(w_mm: float, h_mm: float) -> tuple[str | None, str, str, bool]:
    """(standard name or None, orientation, dimensions, US family) of a size."""
    paper = _standard_size(w_mm, h_mm)
    orientation = "landscape" if w_mm > h_mm + 0.01 else "portrait"
    if paper is None:
        return None, orientation, _dims(w_mm, h_mm, False), False
    name, pw, ph = paper
    us = name in _US_SIZES
    return name, orientation, _dims(pw, ph, us), us


def _describe_size(w_mm: float, h_mm: float, orientation: bool = True) -> str:
    """``"A4 landscape (297 × 210 mm)"``, ``"Letter landscape (11 × 8.5 in)"`` or ``"300 × 200 mm"``."""
    name, turn, dims, _ = _size_parts(w_mm, h_mm)
    if name is None:
        return dims
    return f"{name} {turn} ({dims})" if orientation else f"{name} ({dims})"


def _describe_sheet(
    content_w: float, content_h: float, sheet_w: float, sheet_h: float, marks: bool
) -> tuple[str, str]:
    """(``ImposeResult.sheet_size``, the paper line of the note) for a sheet, sizes in points."""
    trim_name, turn, trim_dims, us = _size_parts(content_w / PT_PER_MM, content_h / PT_PER_MM)
    trim_size = f"{trim_name} {turn} ({trim_dims})" if trim_name else trim_dims
    if not marks:
        return trim_size, f"{trim_name}, {turn} ({trim_dims})" if trim_name else f"{trim_dims} ({turn})"
    sheet_dims = _dims(sheet_w / PT_PER_MM, sheet_h / PT_PER_MM, us)
    sheet_size = f"{sheet_dims} with a {_mm(SLUG_MM)} mm slug around {trim_size}"
    fits_on = _fits_on(sheet_w / PT_PER_MM, sheet_h / PT_PER_MM, us)
    paper = f"{fits_on} or larger, for a sheet of {sheet_size}" if fits_on else sheet_size
    return sheet_size, paper + "; cut along the crop marks"


def _printing_note(
    *,
    layout: str,
    pages: int,
    blanks: int,
    sheets: int,
    paper: str,
    page_size: str,
    duplex: str,
    signatures: list[int],
    creep_mm: float,
    marks: bool,
) -> str:
    plural = "s" if sheets != 1 else ""
    added = f" + {blanks} blank" if blanks else ""
    lines: list[str] = []
    if layout == "booklet":
        lines.append(
            f"Booklet (saddle stitch): {pages} pages{added} = {pages + blanks} pages of {page_size}, "
            f"on {sheets} sheet{plural} per copy."
        )
    elif layout == "zine":
        lines.append(
            f"Mini-zine: {pages} pages{added} = 8 panels of {page_size} on one side of 1 sheet per copy."
        )
    else:
        lines.append(
            f"2-up: {pages} pages{added} of {page_size}, two per sheet, on {sheets} sheet{plural} per copy."
        )
    lines.append(f"Paper: {paper}.")
    if layout == "booklet":
        edge = "SHORT" if duplex == "short" else "LONG"
        lines.append(f"Print double-sided, flip on the {edge} edge.")
    else:
        lines.append("Print one-sided.")
    lines.append("Print at 100 % / actual size, no scaling (turn off 'fit to page').")
    if layout == "booklet" and len(signatures) > 1:
        groups = []
        first = 1
        for size in signatures:
            last = first + size // 4 - 1
            groups.append(f"{first}–{last}" if last > first else f"{first}")
            first = last + 1
        lines.append(
            f"Binding: {len(signatures)} signatures (sheets {', '.join(groups)}). Nest the sheets of each "
            "signature in order, fold each signature in half separately, stack the signatures in order, "
            "then sew or glue them along the spine."
        )
    elif layout == "booklet":
        lines.append(
            "Binding: stack the sheets in order (sheet 1, with the cover, outside), fold the stack in half, "
            "and staple twice on the fold."
        )
    elif layout == "zine":
        lines.append(
            "Folding: fold the sheet into eighths (in half three times) and unfold it. Fold it in half with "
            "the short edges together and cut from the fold along the middle crease as far as the next "
            "crease (through the two middle panels only). Unfold, fold it in half lengthwise with the "
            "print outside, push the ends together so the cut opens, and fold it flat into a booklet "
            "with page 1 as the cover."
        )
    else:
        lines.append(
            "Cutting: cut each sheet in half along the middle; the left half comes before the right half."
        )
    if creep_mm:
        lines.append(
            f"Creep: inner sheets are shifted up to {creep_mm:g} mm toward the spine; trim the fore-edge "
            "after folding."
        )
    if marks:
        inner = {
            "booklet": "dashed fold marks at the spine",
            "zine": "dashed fold marks at every fold",
            "2up": "cut marks at the middle",
        }[layout]
        lines.append(
            f"Marks: crop marks at the corners, {inner}; the job name and sheet number are in the slug."
        )
    return "\n".join(lines) + "\n"
