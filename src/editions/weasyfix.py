"""What editions changes in WeasyPrint's layout engine: a bug fix, a hyphenation limit and a hook,
installed before every render.

In: nothing (:func:`install` patches the WeasyPrint imported in this process, once; a WeasyPrint
that lacks what it patches is left as it is). Out: the same layout engine, minus the bug below,
with at most :data:`HYPHENATED_LINES` consecutive hyphenated lines, plus :func:`listening`, which
calls a function with every page as soon as it is laid out (the PDF stage reports which article
it has reached with it).

**No hyphen ladders.** WeasyPrint 70 does not implement CSS ``hyphenate-limit-lines``: it may end
any number of consecutive lines with a hyphen (6 in a row in the benchmark anthology). After
:data:`HYPHENATED_LINES` lines of a paragraph ending in its hyphenation character, the next line
of that paragraph is broken as with ``hyphens: manual`` (soft hyphens still count), as
``hyphenate-limit-lines: 2`` would do.

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


#: The most consecutive lines of a paragraph that automatic hyphenation may end with a hyphen.
HYPHENATED_LINES = 2

# How many lines of the paragraph being laid out end, one after the other, with a hyphen.
_HYPHEN_RUN: contextvars.ContextVar[int] = contextvars.ContextVar("editions_hyphen_run", default=0)


def install() -> None:
    """Install the fix, the limit and the hook in this process (idempotent)."""
    _install_footnote_fix()
    _install_hyphenation_limit()
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


def _ends_hyphenated(line: Any) -> bool:
    """Whether a laid-out line box ends with its text's hyphenation character."""
    from weasyprint.formatting_structure import boxes

    last = None
    for box in line.descendants():
        if isinstance(box, boxes.TextBox) and box.text.strip():
            last = box
    if last is None:
        return False
    return bool(last.text.rstrip().endswith(last.style["hyphenate_character"] or "\u2010"))


def _install_hyphenation_limit() -> None:
    from weasyprint.layout import block, inline

    iter_lines = getattr(inline, "iter_line_boxes", None)
    split_line = getattr(inline, "split_first_line", None)
    if iter_lines is None or split_line is None or getattr(iter_lines, _MARK, False):
        return

    @functools.wraps(iter_lines)
    def iter_line_boxes(
        context: Any, box: Any, position_y: Any, bottom_space: Any, skip_stack: Any, *args: Any
    ) -> Iterator[Any]:
        lines = iter_lines(context, box, position_y, bottom_space, skip_stack, *args)
        # A paragraph continued on the next page goes on counting: the run after each line is
        # kept on the paragraph's box, under the place where the next line starts.
        runs = box.__dict__.setdefault("_editions_hyphen_runs", {})
        run = runs.get(repr(skip_stack), 0) if skip_stack is not None else 0
        while True:
            token = _HYPHEN_RUN.set(run)  # seen while this paragraph's next line is broken
            try:
                item = next(lines)
            except StopIteration:
                return
            finally:
                _HYPHEN_RUN.reset(token)
            run = run + 1 if _ends_hyphenated(item[0]) else 0
            if item[1] is not None:
                runs[repr(item[1])] = run
            yield item

    @functools.wraps(split_line)
    def split_first_line(text: str, style: Any, *args: Any, **kwargs: Any) -> Any:
        if _HYPHEN_RUN.get() >= HYPHENATED_LINES and style["hyphens"] == "auto":
            style = style.copy()
            style["hyphens"] = "manual"
        return split_line(text, style, *args, **kwargs)

    setattr(iter_line_boxes, _MARK, True)
    inline.iter_line_boxes = iter_line_boxes
    block.iter_line_boxes = iter_line_boxes  # block.py imported it by name
    inline.split_first_line = split_first_line
