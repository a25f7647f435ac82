"""What editions changes in WeasyPrint's layout engine: a bug fix and a hook, installed before every render.

In: nothing (:func:`install` patches the WeasyPrint imported in this process, once; a WeasyPrint
that lacks what it patches is left as it is). Out: the same layout engine, minus the bug below,
plus :func:`listening`, which calls a function with every page as soon as it is laid out (the
PDF stage reports which article it has reached with it).

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

import contextlib
import contextvars
import functools
import logging
import math
from collections.abc import Callable, Iterator
from typing import Any

log = logging.getLogger("editions")

_MARK = "_editions_fix"

#: Called with (page number, WeasyPrint page box) after each page is laid out, within :func:`listening`.
PageListener = Callable[[int, Any], None]

_LISTENER: contextvars.ContextVar[PageListener | None] = contextvars.ContextVar(
    "editions_page_listener", default=None
)


def install() -> None:
    """Install the fix and the hook in this process (idempotent)."""
    _install_footnote_fix()
    _install_page_hook()


@contextlib.contextmanager
def listening(listener: PageListener) -> Iterator[None]:
    """Call ``listener`` with each page WeasyPrint lays out in this context (and thread)."""
    install()
    token = _LISTENER.set(listener)
    try:
        yield
    finally:
        _LISTENER.reset(token)


def _install_page_hook() -> None:
    from weasyprint.layout import page as page_layout

    original = getattr(page_layout, "remake_page", None)
    if original is None or getattr(original, _MARK, False):
        return

    @functools.wraps(original)
    def remake_page(index: int, *args: Any, **kwargs: Any) -> Any:
        result = original(index, *args, **kwargs)
        listener = _LISTENER.get()
        if listener is not None:
            page = result[0] if isinstance(result, tuple) else result
            try:
                listener(index + 1, page)
            except Exception:  # progress must never stop a build
                log.debug("page listener failed", exc_info=True)
        return result

    setattr(remake_page, _MARK, True)
    page_layout.remake_page = remake_page


def _install_footnote_fix() -> None:
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
