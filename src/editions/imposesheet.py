"""The sheets of an imposition as numbers: the layouts' cells and sizes in, no PDF library needed.

Where each reading page goes (:class:`Place` in a cell of a :class:`Side` of a sheet), the sheet and
its cells in points (:class:`Geometry`), and the sizes in millimetres of the slug and the bleed.
:mod:`editions.impose` (the layouts) and :mod:`editions.imposenote` (paper names, the printing note)
use them without loading pypdf; :mod:`editions.imposepdf` draws them with it.
"""

from __future__ import annotations

from dataclasses import dataclass

PT_PER_MM = 72 / 25.4
SLUG_MM = 15.0
"""Margin added around the trimmed sheet on every side when marks are on."""
MAX_BLEED_MM = 5.0


@dataclass(frozen=True)
class Place:
    """One page (or a blank) in one cell of a sheet side."""

    page: int | None  # index of the reading page; None for a blank
    col: int
    row: int
    upside_down: bool = False
    shift: float = 0.0  # horizontal shift of the content in points (creep), positive to the right


@dataclass(frozen=True)
class Side:
    places: tuple[Place, ...]
    sheet: int  # 1-based
    face: str  # "front", "back" or "" for one-sided layouts
    turned: bool = False  # drawn upside down (backs for long-edge duplex)
    signature: int = 0  # 1-based when the booklet has several signatures


@dataclass(frozen=True)
class Geometry:
    sheet_w: float
    sheet_h: float
    origin: tuple[float, float]  # lower-left corner of the trimmed content on the sheet
    cell_w: float
    cell_h: float
    cols: int
    rows: int
    bleed: float
