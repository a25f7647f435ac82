"""Sizes and the printing note: the trim and sheet sizes of an imposition in, the names of the
paper (A4 landscape, letter …) and the few plain lines the person at the printer reads out."""

from __future__ import annotations

from .imposesheet import PT_PER_MM, SLUG_MM

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


def standard_size(w_mm: float, h_mm: float) -> tuple[str, float, float] | None:
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
    paper = standard_size(w_mm, h_mm)
    orientation = "landscape" if w_mm > h_mm + 0.01 else "portrait"
    if paper is None:
        return None, orientation, _dims(w_mm, h_mm, False), False
    name, pw, ph = paper
    us = name in _US_SIZES
    return name, orientation, _dims(pw, ph, us), us


def describe_size(w_mm: float, h_mm: float, orientation: bool = True) -> str:
    """``"A4 landscape (297 × 210 mm)"``, ``"Letter landscape (11 × 8.5 in)"`` or ``"300 × 200 mm"``."""
    name, turn, dims, _ = _size_parts(w_mm, h_mm)
    if name is None:
        return dims
    return f"{name} {turn} ({dims})" if orientation else f"{name} ({dims})"


def describe_sheet(
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


def printing_note(
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
