"""Paper and page geometry: a paper name or size in, the page's measurements out.

In: a paper size (``A5``, ``letter``, ``half-letter``, ``140x216mm``, ``5.5x8.5in`` …) and an optional
body font size in points. Out: a :class:`PaperSize` and a :class:`PageGeometry` (margins, wider on
the binding side, and a measure of at most :data:`MAX_MEASURE_EM` ems), or an
:class:`~editions.errors.EditionsError` saying what is wrong. Light to import: reading an edition
checks its ``[pdf]`` settings with it, without loading WeasyPrint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import EditionsError

MM_PER_PT = 25.4 / 72

#: Named paper sizes, width and height in millimetres.
PAPER_SIZES: dict[str, tuple[float, float]] = {
    "a4": (210.0, 297.0),
    "a5": (148.0, 210.0),
    "a6": (105.0, 148.0),
    "letter": (215.9, 279.4),
    "half-letter": (139.7, 215.9),
}

_PAPER_ALIASES = {"halfletter": "half-letter", "half_letter": "half-letter", "statement": "half-letter"}
_UNITS_MM = {"mm": 1.0, "cm": 10.0, "in": 25.4}
_CUSTOM = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*[x×*]\s*(\d+(?:[.,]\d+)?)\s*(mm|cm|in)\s*$", re.IGNORECASE)
MIN_SIDE_MM, MAX_SIDE_MM = 70.0, 600.0
MIN_FONT_PT, MAX_FONT_PT = 6.0, 24.0

#: The longest line the default layout sets, in ems of the body size (about 65 characters).
MAX_MEASURE_EM = 31.0
#: Below this measure (in ems) text is set ragged right rather than justified.
JUSTIFY_MIN_EM = 24.0


@dataclass(frozen=True)
class PaperSize:
    """A page size in millimetres; ``name`` is how to say it back to the user."""

    name: str
    width_mm: float
    height_mm: float

    @property
    def css(self) -> str:
        return f"{num(self.width_mm)}mm {num(self.height_mm)}mm"


def parse_paper(value: str | PaperSize) -> PaperSize:
    """``A5``, ``letter``, ``half-letter``, ``140x216mm``, ``5.5x8.5in``… as a :class:`PaperSize`.

    ``value`` is a paper name or a size with its unit (a :class:`PaperSize` is returned as is).
    Returns the paper size. Raises :class:`EditionsError` for an unknown name or a size that
    cannot be read or is out of range.
    """
    if isinstance(value, PaperSize):
        return value
    text = (value or "").strip()
    key = text.lower().replace(" ", "")
    key = _PAPER_ALIASES.get(key, key)
    if key in PAPER_SIZES:
        width, height = PAPER_SIZES[key]
        name = key.upper() if key.startswith("a") else key
        return PaperSize(name, width, height)
    match = _CUSTOM.match(text)
    if not match:
        names = ", ".join(n.upper() if n.startswith("a") else n for n in PAPER_SIZES)
        raise EditionsError(
            f"unknown paper size '{value}' (use {names}, or WIDTHxHEIGHT in mm, cm or in, e.g. 140x216mm)"
        )
    factor = _UNITS_MM[match.group(3).lower()]
    width = float(match.group(1).replace(",", ".")) * factor
    height = float(match.group(2).replace(",", ".")) * factor
    for side in (width, height):
        if not MIN_SIDE_MM <= side <= MAX_SIDE_MM:
            raise EditionsError(
                f"paper size '{value}' out of range: each side must be between "
                f"{num(MIN_SIDE_MM)} and {num(MAX_SIDE_MM)} mm"
            )
    return PaperSize(f"{num(width)}x{num(height)}mm", round(width, 3), round(height, 3))


@dataclass(frozen=True)
class PageGeometry:
    """Where the text goes on a page: margins in mm (``inner`` is the binding side), body size in pt."""

    paper: PaperSize
    font_size_pt: float
    top: float
    bottom: float
    inner: float
    outer: float

    @property
    def text_width(self) -> float:
        return self.paper.width_mm - self.inner - self.outer

    @property
    def text_height(self) -> float:
        return self.paper.height_mm - self.top - self.bottom

    @property
    def measure_em(self) -> float:
        """The line length in ems of the body size."""
        return self.text_width / (self.font_size_pt * MM_PER_PT)

    @property
    def justify(self) -> bool:
        return self.measure_em >= JUSTIFY_MIN_EM


def default_font_size(paper: PaperSize) -> float:
    """The body size for a paper: 9 pt on A6, about 10 pt on A5, 12 pt on A4 and letter."""
    size = 9.0 + (paper.width_mm - 105.0) * 3.0 / 105.0
    return round(min(12.5, max(8.5, size)) * 4) / 4


def check_font_size(pt: float) -> float:
    """``pt`` if it is a body size editions sets (:data:`MIN_FONT_PT` to :data:`MAX_FONT_PT`)."""
    if not MIN_FONT_PT <= pt <= MAX_FONT_PT:
        raise EditionsError(
            f"font size {num(pt)} pt out of range ({num(MIN_FONT_PT)} to {num(MAX_FONT_PT)} pt)"
        )
    return pt


def page_geometry(paper: str | PaperSize, font_size: float | None = None) -> PageGeometry:
    """Margins for ``paper``: a measure of at most :data:`MAX_MEASURE_EM`, the binding side wider."""
    size = parse_paper(paper)
    pt = check_font_size(float(font_size)) if font_size is not None else default_font_size(size)
    outer_min = 0.09 * size.width_mm
    inner_min = 1.25 * outer_min
    text_width = min(size.width_mm - inner_min - outer_min, MAX_MEASURE_EM * pt * MM_PER_PT)
    spare = size.width_mm - text_width
    inner = spare * 5 / 9
    return PageGeometry(
        paper=size,
        font_size_pt=pt,
        top=round(0.075 * size.height_mm, 2),
        bottom=round(0.095 * size.height_mm, 2),
        inner=round(inner, 2),
        outer=round(spare - inner, 2),
    )


def num(value: float) -> str:
    """``value`` to at most 3 decimals, without trailing zeros (for CSS lengths and messages)."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text or "0"
