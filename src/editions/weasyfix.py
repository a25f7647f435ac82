"""Fixes for WeasyPrint bugs that spoil a printed page, installed before every PDF render.

In: nothing (:func:`install` patches the WeasyPrint imported in this process, once; a WeasyPrint
that lacks what it patches is left as it is). Out: the same layout engine, minus these bugs:

**Footnotes pushed off their page by a rounding error.** WeasyPrint decides whether the footnote
area overflows by comparing the bottom of its last note with the bottom of the area, both sums of
floating-point lengths. With some margins, borders and line heights (the default style on A4, for
one) the two differ by about 10⁻¹³ px, the area "overflows", and the note is moved to the next
page, and with it every later note on the page: on A4 no note was printed on the page of its call,
some up to 14 pages later, and some not at all. An area of ``height: auto`` without a
``max-height`` cannot overflow, so for such an area the answer is no. (An area a style limits with
``max-height`` keeps WeasyPrint's own test.)
"""

from __future__ import annotations

import functools
import math
from typing import Any

_MARK = "_editions_fix"


def install() -> None:
    """Install the fixes in this process (idempotent)."""
    from weasyprint.layout import LayoutContext

    original = getattr(LayoutContext, "_update_footnote_area", None)
    if original is None or getattr(original, _MARK, False):
        return

    @functools.wraps(original)
    def update_footnote_area(self: Any) -> bool:
        overflow = bool(original(self))
        area = self.current_footnote_area
        if overflow and area.style["height"] == "auto" and math.isinf(getattr(area, "max_height", 0)):
            return False
        return overflow

    setattr(update_footnote_area, _MARK, True)
    LayoutContext._update_footnote_area = update_footnote_area
