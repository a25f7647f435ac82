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

This module holds the layouts (which page goes in which cell of which sheet side) and the run of
an imposition; :mod:`editions.imposesheet` holds the sheets as numbers (cells, places, sizes),
:mod:`editions.imposepdf` draws the sheet sides with pypdf (pages as Form XObjects, marks, the
slug), :mod:`editions.imposenote` names the paper and writes the printing note. pypdf is loaded by
the first imposition, so ``import editions`` (and ``make-html``, ``make-epub``) does without it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from .errors import EditionsError
from .i18n import direction as direction_of
from .imposenote import describe_sheet, describe_size, printing_note, standard_size
from .imposesheet import MAX_BLEED_MM, PT_PER_MM, SLUG_MM, Geometry, Place, Side
from .inputs import same_file
from .textio import atomic_path, write_atomic

if TYPE_CHECKING:  # pypdf is loaded by the first imposition, not by ``import editions``
    from pypdf import PdfReader

__all__ = ["DUPLEX_MODES", "LAYOUTS", "ImposeResult", "impose", "write_note"]

LAYOUTS = ("booklet", "zine", "2up")
DUPLEX_MODES = ("short", "long")

ZINE_PAGES = 8


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
    from pypdf import PdfReader

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
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, IndirectObject, NameObject

    from .imposepdf import (
        add_side,
        copy_metadata,
        make_job_name,
        make_source,
        mark_font,
        marks_form,
        registration_colour,
    )

    n = len(reader.pages)
    if layout == "zine" and n > ZINE_PAGES:
        raise EditionsError(
            f"a zine holds at most {ZINE_PAGES} pages, but this edition has {n} pages; "
            "use the booklet layout instead",
            source_path,
        )
    writer = PdfWriter()
    sources = [make_source(writer, page) for page in reader.pages]
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
    paper = None if marks else standard_size(content_w / PT_PER_MM, content_h / PT_PER_MM)
    if marks:
        slug = SLUG_MM * PT_PER_MM
        sheet_w, sheet_h = content_w + 2 * slug, content_h + 2 * slug
    elif paper:  # e.g. two A5 pages (296 mm) on A4 (297 mm): use the paper, centre the pages
        sheet_w, sheet_h = paper[1] * PT_PER_MM, paper[2] * PT_PER_MM
    else:
        sheet_w, sheet_h = content_w, content_h
    origin = ((sheet_w - content_w) / 2, (sheet_h - content_h) / 2)
    bleed = min(min(s.bleed for s in sources), MAX_BLEED_MM * PT_PER_MM) if marks else 0.0
    job = make_job_name(reader, source_path, job_name)

    geometry = Geometry(sheet_w, sheet_h, origin, cell_w, cell_h, cols, rows, bleed)
    mark_resources = None
    if marks:
        registration = writer._add_object(registration_colour())
        mark_resources = {
            "/Font": DictionaryObject({NameObject("/Fm"): writer._add_object(mark_font())}),
            "/ColorSpace": DictionaryObject({NameObject("/CSreg"): registration}),
            "/Mk": marks_form(writer, geometry, layout, registration),
        }
    streams: dict[bytes, IndirectObject] = {}
    for side in sides:
        add_side(writer, side, sources, geometry, job, sheets, mark_resources, streams)

    copy_metadata(reader, writer)
    with atomic_path(out_path) as tmp:
        writer.write(tmp)

    sheet_size, paper_line = describe_sheet(content_w, content_h, sheet_w, sheet_h, marks)
    page_size = describe_size(cell_w / PT_PER_MM, cell_h / PT_PER_MM, orientation=False)
    note = printing_note(
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
    from pypdf.generic import DictionaryObject

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


def _mirrored(side: Side) -> Side:
    """A sheet side of a book bound on the right: each page in the mirror-image cell, the creep
    shift (toward the spine) reversed with it."""
    cols = 1 + max(place.col for place in side.places)
    places = tuple(Place(p.page, cols - 1 - p.col, p.row, p.upside_down, -p.shift) for p in side.places)
    return Side(places, side.sheet, side.face, side.turned, side.signature)


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
) -> tuple[list[Side], int, int, int, list[int]]:
    """The sheet sides of a booklet of ``n`` pages, its last ``tail`` pages kept at the end."""
    total = -(-n // 4) * 4
    order = _reading_order(n, total, tail)
    size = signature or total
    signatures = [min(size, total - start) for start in range(0, total, size)]
    sides: list[Side] = []
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
                Place(part[pages - 1 - 2 * k], 0, 0, shift=shift),
                Place(part[2 * k], 1, 0, shift=-shift),
            )
            back = (
                Place(part[2 * k + 1], 0, 0, shift=shift),
                Place(part[pages - 2 - 2 * k], 1, 0, shift=-shift),
            )
            sides.append(Side(front, sheet, "front", signature=sig))
            sides.append(Side(back, sheet, "back", turned=duplex == "long", signature=sig))
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


def _zine(n: int, tail: int = 1) -> tuple[list[Side], int, int, int, list[int]]:
    order = _reading_order(n, ZINE_PAGES, tail)
    places = tuple(
        Place(order[number - 1], col, row, upside_down) for number, col, row, upside_down in _ZINE_PANELS
    )
    return [Side(places, 1, "")], 4, 2, ZINE_PAGES, [ZINE_PAGES]


def _two_up(n: int) -> tuple[list[Side], int, int, int, list[int]]:
    total = n + n % 2
    order: list[int | None] = [*range(n), *([None] * (total - n))]
    sides = [
        Side((Place(order[i], 0, 0), Place(order[i + 1], 1, 0)), i // 2 + 1, "") for i in range(0, total, 2)
    ]
    return sides, 2, 1, total, []
