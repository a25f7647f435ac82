"""What editions assumes of WeasyPrint beyond its public API, all in one module (each pinned by a test).

In: a WeasyPrint imported in this process, and the PDF fonts it embeds. Out: a bug fix and a hook
in its layout engine (:func:`install`, :func:`listening`), what a laid-out page holds
(:func:`element_ids`, :func:`page_facts`), what its progress log says (:data:`REPAGINATION`), and
its embedded fonts read (:func:`read_font`), subset (:func:`subset_font`) and written again
(:func:`font_objects`) as it writes them. Everything else in :mod:`editions.pdf` uses WeasyPrint's
documented API only
(``HTML``, ``Document``, ``Page``, ``FontConfiguration``, ``URLFetcher``). The assumptions, each
checked by ``tests/test_weasyfix.py`` against the WeasyPrint installed, are:

1. ``weasyprint.layout.LayoutContext._update_footnote_area()`` says whether the footnote area
   overflows, and the area is ``LayoutContext.current_footnote_area`` (the footnote fix below);
2. ``weasyprint.layout.page.remake_page(index, …)`` lays out each page and returns it first in a
   tuple (the page hook);
3. a page box has ``descendants()``, boxes an ``element`` with ``get("id")`` (progress by article);
4. ``weasyprint.progress`` logs ``Step 5 - Creating layout - Repagination #N`` at ``INFO`` when
   it lays the pages out again (progress while page numbers settle);
5. every font WeasyPrint embeds is a Type 0 font, ``Identity-H``, over a ``CIDFontType2`` font
   with an ``Identity`` ``CIDToGIDMap`` and a ``FontFile2`` program subset *keeping the original
   glyph ids*, with ``/W`` widths and a ``bfchar`` ``ToUnicode`` map, so the fonts of separately
   rendered parts can be replaced by one subset of the original file (:mod:`editions.pdf.merge`);
6. ``Page.anchors`` are boxes and ``Page.links`` rectangles two corners (see :func:`page_facts`);
7. ``weasyprint.layout.inline.iter_line_boxes(context, box, position_y, bottom_space, skip_stack,
   …)`` yields ``(line, resume_at, …)`` for each line of a paragraph (``block`` imports it by
   name) and ``inline.split_first_line(text, style, …)`` breaks one line, hyphenating where
   ``style["hyphens"]`` is ``auto`` (the hyphenation limit below);
8. with ``pdf_tags``, ``weasyprint.draw.draw_stacking_context(stream, context)`` draws each margin
   box as a stacking context of its own, text marked by ``stream.marked`` only when
   ``stream._tags`` is not ``None``, and ``weasyprint.pdf.tags._build_box_tree(box, parent, pdf,
   …)`` yields the structure elements (``pydyf.Dictionary`` with ``S``) of a box, calling itself
   through the module for the children (the tagging fixes below);
9. ``weasyprint.layout.inline.text_align`` justifies a line by calling the module's
   ``justify_line(context, line, extra_width)``, whose ``add_word_spacing(context, box, spacing,
   x_advance)`` lays each text box out again with ``create_layout(text, style, context, max_width,
   justification_spacing)`` from the box's ``style`` (so its ``letter_spacing`` too) and keeps that
   layout as ``box.pango_layout``, which is drawn (the letter spacing below);
10. ``pydyf.PDF.write(output, version, identifier, compress)`` writes, compressed, every object
   whose ``compressible`` is true in one object stream and the others with their ``offset``, then a
   cross-reference stream (``write_line``, ``current_position``, ``objects``, ``catalog``,
   ``info``): :func:`write_in_streams` writes the same with streams of at most
   :data:`OBJECTS_PER_STREAM` objects (the same bytes as pydyf's for a smaller file, tested);
11. ``weasyprint.layout.page.remake_page`` gives each page's styles by calling the module's
   ``set_page_type_computed_styles(page_type, html, style_for)``, which cascades the ``@page``
   rules whose selectors match (``style_for._sheets``, each sheet's ``page_rules`` of ``(rule,
   [(specificity, pseudo_type, selector)], declarations)``, ``style_for._page_type_match``) and
   makes the styles ``style_for(page_type, pseudo_type)`` returns (``set_computed_styles``, into
   ``get_computed_styles()``), a page's inheriting from the root element's and its margin boxes'
   from the page's; ``initial_page_sizes["box"]`` is set once the first page is (the shared page
   styles below);
12. ``weasyprint.css.find_stylesheets`` makes the sheet of each ``<style>`` element by calling the
    module's ``CSS(string=…, base_url=…, url_fetcher=…, media_type=…, font_config=…,
    counter_style=…, page_rules=…, color_profiles=…, layers=…)``, which adds its ``@page`` rules
    to ``page_rules`` and its ``@font-face`` rules to ``font_config`` (once per configuration), and
    keeps its selectors in ``matcher`` and the document's lists as ``page_rules`` and ``layers``
    (the stylesheets kept below);
13. ``weasyprint.text.line_break.Layout.setup(style)`` makes, for each layout, a Pango context of
    the style's font map, direction and language (``font-language-override`` first), a font
    description (``get_font_description``), the decoration metrics when the text is decorated and
    the font features (``font_features``, one attribute per features string in
    ``font_config.font_features``), and from ``style`` reads nothing else (the shared setups below).

(About 1,100 lines, longer than the other modules on purpose: every assumption made of WeasyPrint's
internals is here and nowhere else, so a new WeasyPrint is checked against one module and one test
file.)

Other versions of WeasyPrint than those ``pyproject.toml`` allows may break these: a WeasyPrint
that lacks what :func:`install` patches is left as it is; a font of another shape is kept as the
part embedded it.

**No hyphen ladders.** WeasyPrint 70 does not implement CSS ``hyphenate-limit-lines``: it may end
any number of consecutive lines with a hyphen (6 in a row in the benchmark anthology). After
:data:`HYPHENATED_LINES` lines of a paragraph ending in its hyphenation character, the next line
of that paragraph is broken as with ``hyphens: manual`` (soft hyphens still count), as
``hyphenate-limit-lines: 2`` would do.

**Letters take part of a loose line's slack.** WeasyPrint 70 justifies a line by widening its
word spaces only, so a line before a long word that neither fits nor hyphenates gets spaces two or
three times their width. As InDesign's letter-spacing limits and LaTeX's microtype do, once the word
spaces of a justified line would widen by more than :data:`COMFORTABLE_STRETCH` (em), the rest of the
slack goes first to the letters, at most :data:`MAX_LETTER_SPACING` (em) between two letters, and only
what they cannot take to the spaces. A text box so spaced gets a copy of its style with that
``letter-spacing``, and is laid out and drawn with it (WeasyPrint's own letter spacing: the glyphs'
positions change, not the text, so the PDF's text and its copy-paste stay the same; Pango drops
optional ligatures in spaced text). Only text of scripts whose letters stand apart (Latin, Greek,
Cyrillic; :data:`SPACED_SCRIPTS`) and without a letter-spacing of its own is spaced: Arabic, whose
letters join, and every other script keep WeasyPrint's word spacing alone. Lines that are not
justified, and the last line of a paragraph, are not touched.

**Tags: running heads are not content, notes are notes.** WeasyPrint 70 marks the text of page
margin boxes (running heads, folios) as content whose structure elements belong to no tree; they
are drawn as artifacts here (``/Artifact BMC``), outside the structure tree, as PDF/UA wants page
furniture. An element with the class ``footnote`` (the notes, wherever they land) is tagged
``/Note`` instead of a ``/Span``. An image with an empty ``alt`` (decoration, such as the cover's
picture beside the title) is an artifact too, not a ``/Figure`` without alternative text; an SVG
image's ``aria-label`` (the QR codes') is its alternative text when it has no ``<title>``.

**Pages that match the same ``@page`` rules share their styles.** WeasyPrint 70 gives every page a
page type of its own (its index is part of it, for ``:nth()``), and so cascades the ``@page`` rules
and computes the styles of the page and of its 16 margin boxes again for every page, each property
computed anew the first time a page reads it, and looks for a page type's margin boxes among the
cascaded styles of every page before it: about 2 ms of a page's 7 ms in a skeleton (see
:mod:`editions.pdf.parts`), more the longer the document. The styles depend only on which selectors
match (and on the root element's style, the same for every page), so a page whose selectors are
those of an earlier page gets the earlier page's style objects; WeasyPrint's layout copies a style
before it changes one (its only changes of page styles, the page counter's, give the same on a
second call). The pages of the first page's type (laid out before the viewport's size is known,
which ``vw`` units read) are not shared. The same pages, the same bytes (tested), in every render.

**Footnotes pushed off their page by a rounding error.** WeasyPrint decides whether the footnote
area overflows by comparing the bottom of its last note with the bottom of the area, both sums of
floating-point lengths. With some margins, borders and line heights (the default style on A4, for
one) the two differ by about 10⁻¹³ px, the area "overflows", and the note is moved to the next
page, and with it every later note on the page: on A4 no note was printed on the page of its call,
some up to 14 pages later, and some not at all. An area of ``height: auto`` without a
``max-height`` cannot overflow, so for such an area the answer is no. (An area a style limits with
``max-height`` keeps WeasyPrint's own test.)

**Stylesheets kept in a worker.** Each part of a build repeats the style's CSS (25 KB) in a
``<style>`` element, which WeasyPrint parses again for every render. With
:func:`keep_stylesheets` on (in the worker processes only: :func:`editions.pdf.pool.worker_pool`),
the sheet parsed for a ``<style>`` is kept, keyed by its text, base URL, medium, font
configuration and the fetcher's :attr:`cache_key` (what it may read), and given to the next
document with the same key: its ``@page`` rules are added to that document's list again and it
points at that document's lists. Only sheets that logged nothing and added no counter style,
colour profile or cascade layer are kept (those depend on, or change, the document's other
state); at most :data:`KEPT_STYLESHEETS` of them.
"""

from __future__ import annotations

import collections
import contextlib
import contextvars
import copy
import functools
import io
import logging
import math
import operator
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydyf

from .objects import name as pdf_name
from .objects import number as pdf_number

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


#: How much (em) the word spaces of a justified line widen before its letters take part of the slack
#: (half of the bundled Gentium's space, as TeX's fonts let their spaces stretch by half).
COMFORTABLE_STRETCH = 0.11
#: The most letter spacing (em) that justification adds between two letters.
MAX_LETTER_SPACING = 0.025
# What WeasyPrint 70's drawing loses of a spaced glyph's advance, on average (font size units):
# it writes each glyph's spacing as ``int()`` thousandths of the font size.
_DRAWING_LOSS = 0.0005
#: Text that may be letter-spaced: all its characters in these blocks (Latin, Greek, Cyrillic and
#: their extensions, general punctuation, currency and letter-like symbols, the Latin ligatures).
SPACED_SCRIPTS = re.compile(r"[\u0000-\u052f\u1d00-\u1dbf\u1e00-\u20cf\u2100-\u214f\ufb00-\ufb06]*")


def install() -> None:
    """Install the fix, the hyphenation limit and the hook in this process (idempotent)."""
    _install_stylesheet_cache()
    _install_footnote_fix()
    _install_hyphenation_limit()
    _install_letter_spacing()
    _install_page_hook()
    _install_tagging_fixes()
    _install_object_streams()
    _install_shared_page_styles()
    _install_layout_setups()


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


def _install_shared_page_styles() -> None:
    from weasyprint.layout import page as page_layout

    original = getattr(page_layout, "set_page_type_computed_styles", None)
    if original is None or getattr(original, _MARK, False):
        return

    @functools.wraps(original)
    def set_page_type_computed_styles(page_type: Any, html: Any, style_for: Any) -> None:
        known = style_for.__dict__.get("_editions_page_styles")
        if known is None:
            selectors = [
                selector
                for sheet, _origin, _specificity in style_for._sheets
                for _rule, selector_list, _declarations in sheet.page_rules
                for selector in selector_list
            ]
            pseudo_types = list(dict.fromkeys(pseudo for _, pseudo, _ in selectors if pseudo))
            known = style_for._editions_page_styles = ([s[2] for s in selectors], pseudo_types, {})
        page_selectors, pseudo_types, shared = known
        match = style_for._page_type_match
        key = tuple(i for i, selector in enumerate(page_selectors) if match(selector, page_type))
        computed = style_for.get_computed_styles()
        styles = shared.get(key)
        if styles is not None:
            for pseudo, style in styles:
                computed[page_type, pseudo] = style
            return
        original(page_type, html, style_for)
        if style_for.initial_page_sizes["box"] is not None:
            shared[key] = [
                (pseudo, computed[page_type, pseudo])
                for pseudo in (None, *pseudo_types)
                if (page_type, pseudo) in computed
            ]

    setattr(set_page_type_computed_styles, _MARK, True)
    page_layout.set_page_type_computed_styles = set_page_type_computed_styles


def _install_tagging_fixes() -> None:
    try:
        from weasyprint import draw
        from weasyprint.formatting_structure import boxes
        from weasyprint.pdf import tags
        from weasyprint.pdf.stream import Stream
    except ImportError:
        return
    draw_context = getattr(draw, "draw_stacking_context", None)
    build_tree = getattr(tags, "_build_box_tree", None)
    marked = getattr(Stream, "marked", None)
    if draw_context is None or build_tree is None or marked is None or getattr(build_tree, _MARK, False):
        return

    def decorative(box: Any) -> bool:
        """An image with an empty ``alt``: decoration, not a figure."""
        element = getattr(box, "element", None)
        return (
            isinstance(box, boxes.ReplacedBox)
            and element is not None
            and element.get("alt") is not None
            and not element.get("alt").strip()
        )

    def marked_content(stream: Any, box: Any, tag: str) -> Any:
        return stream.artifact() if decorative(box) else marked(stream, box, tag)

    @functools.wraps(draw_context)
    def draw_stacking_context(stream: Any, context: Any) -> Any:
        marks = getattr(stream, "_tags", None)
        if marks is None or not isinstance(context.box, boxes.MarginBox):
            return draw_context(stream, context)
        with stream.artifact():
            stream._tags = None
            try:
                return draw_context(stream, context)
            finally:
                stream._tags = marks

    @functools.wraps(build_tree)
    def build_box_tree(box: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        if isinstance(box, boxes.MarginBox) or decorative(box):
            return
        for element in build_tree(box, *args, **kwargs):
            html = getattr(box, "element", None)
            if (
                html is not None
                and box.element_tag == "span"
                and "footnote" in (html.get("class") or "").split()
            ):
                element["S"] = "/Note"
            label = html.get("aria-label") if html is not None else None
            if element.get("S") == "/Figure" and "Alt" not in element and label:
                element["Alt"] = pydyf.String(label)
            yield element

    setattr(build_box_tree, _MARK, True)
    Stream.marked = marked_content
    draw.draw_stacking_context = draw_stacking_context
    tags._build_box_tree = build_box_tree


#: How many parsed stylesheets a process keeps with :func:`keep_stylesheets` on.
KEPT_STYLESHEETS = 8

# (text, base URL, medium, fetcher key) -> (font configuration, sheet, its @page rules); None: off.
_SHEETS: collections.OrderedDict[tuple[Any, ...], tuple[Any, Any, list[Any]]] | None = None
_SHEETS_PID = 0
_SHEETS_LOCK = threading.Lock()
_SHEET_ARGUMENTS = frozenset(
    {"string", "base_url", "url_fetcher", "media_type", "font_config", "counter_style"}
    | {"page_rules", "color_profiles", "layers"}
)


def keep_stylesheets() -> None:
    """Keep the stylesheets of ``<style>`` elements parsed in this process for the next renders
    (once :func:`install` is, as every render does). Turned on in the build's worker processes,
    which render parts of one edition; not in a process that renders whole documents."""
    global _SHEETS, _SHEETS_PID
    if _SHEETS is None or os.getpid() != _SHEETS_PID:  # not those of the process this one forked from
        _SHEETS, _SHEETS_PID = collections.OrderedDict(), os.getpid()


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _install_stylesheet_cache() -> None:
    from weasyprint import css as css_module

    original = getattr(css_module, "CSS", None)
    if original is None or getattr(original, _MARK, False):
        return

    def kept_css(*args: Any, **kwargs: Any) -> Any:
        sheets = _SHEETS if os.getpid() == _SHEETS_PID else None
        fetcher_key = getattr(kwargs.get("url_fetcher"), "cache_key", None)
        if sheets is None or args or set(kwargs) != _SHEET_ARGUMENTS or fetcher_key is None:
            return original(*args, **kwargs)
        text, font_config = kwargs["string"], kwargs["font_config"]
        page_rules, layers = kwargs["page_rules"], kwargs["layers"]
        counter_style, profiles = kwargs["counter_style"], kwargs["color_profiles"]
        if not isinstance(text, str) or font_config is None or not isinstance(page_rules, list):
            return original(*args, **kwargs)
        key = (text, kwargs["base_url"], kwargs["media_type"], fetcher_key)
        with _SHEETS_LOCK:
            kept = sheets.get(key)
            if kept is not None:
                sheets.move_to_end(key)
        if kept is not None and kept[0] is font_config:
            sheet = copy.copy(kept[1])
            page_rules.extend(kept[2])
            sheet.page_rules, sheet.layers = page_rules, layers
            return sheet
        before = (len(page_rules), len(layers), dict(counter_style), dict(profiles))
        counter = _Count()
        weasy_log = logging.getLogger("weasyprint")
        weasy_log.addHandler(counter)
        try:
            sheet = original(*args, **kwargs)
        finally:
            weasy_log.removeHandler(counter)
        unchanged = (
            len(layers) == before[1]
            and _same_items(counter_style, before[2])
            and _same_items(profiles, before[3])
        )
        if counter.count == 0 and unchanged:
            with _SHEETS_LOCK:
                sheets[key] = (font_config, sheet, page_rules[before[0] :])
                sheets.move_to_end(key)
                while len(sheets) > KEPT_STYLESHEETS:
                    sheets.popitem(last=False)
        return sheet

    setattr(kept_css, _MARK, True)
    css_module.CSS = kept_css


def _same_items(now: dict[Any, Any], before: dict[Any, Any]) -> bool:
    return now.keys() == before.keys() and all(now[k] is before[k] for k in before)


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


def _install_letter_spacing() -> None:
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline
    from weasyprint.text.ffi import FROM_UNITS, ffi, pango

    original = getattr(inline, "justify_line", None)
    add_word_spacing = getattr(inline, "add_word_spacing", None)
    count_spaces = getattr(inline, "count_expandable_spaces", None)
    create_layout = getattr(inline, "create_layout", None)
    if (
        original is None
        or add_word_spacing is None
        or count_spaces is None
        or create_layout is None
        or getattr(original, _MARK, False)
    ):
        return

    def spaceable(box: Any) -> bool:
        return (
            box.style["letter_spacing"] == "normal"
            and SPACED_SCRIPTS.fullmatch(box.text) is not None
            and len(box.text) > 1
        )

    def letters(box: Any) -> int:
        """The letter gaps of the spaceable text of ``box`` (a line or an inline box)."""
        if isinstance(box, boxes.TextBox):
            return len(box.text) - 1 if spaceable(box) else 0
        if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            return sum(letters(child) for child in box.children if child.is_in_normal_flow())
        return 0

    def width(layout: Any) -> float:
        line, _ = layout.get_first_line()
        extents = ffi.new("PangoRectangle *")
        pango.pango_layout_line_get_extents(line, ffi.NULL, extents)
        return float(extents.width * FROM_UNITS)

    def space_letters(context: Any, box: Any, spacing: float, x_advance: float) -> float:
        """Letter-space the spaceable text of ``box`` by ``spacing`` (px), moving what follows:
        the ``x_advance`` after it (as ``add_word_spacing`` does for word spaces)."""
        if isinstance(box, boxes.TextBox):
            box.position_x += x_advance
            if spaceable(box):
                style = box.style.copy()
                style["letter_spacing"] = spacing
                layout = create_layout(box.text, style, context, None, 0)
                grown = width(layout) - box.width
                layout.deactivate()
                # Drawn, each glyph's spacing is written in whole thousandths of the font size,
                # truncated toward zero (half a thousandth short on average): that half is given
                # back, so the line still ends at the measure.
                style["letter_spacing"] = spacing + _DRAWING_LOSS * style["font_size"]
                box.style, box.pango_layout = style, layout
                box.width += grown
                x_advance += grown
        elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            box.position_x += x_advance
            before = x_advance
            children = box.children[::-1] if box.style["direction"] == "rtl" else box.children
            for child in children:
                if child.is_in_normal_flow():
                    x_advance = space_letters(context, child, spacing, x_advance)
            box.width += x_advance - before
        else:
            box.translate(x_advance, 0)
        return x_advance

    @functools.wraps(original)
    def justify_line(context: Any, line: Any, extra_width: float) -> None:
        spaces = count_spaces(line)
        if not spaces:
            return
        size = line.style["font_size"]
        slack = extra_width - spaces * COMFORTABLE_STRETCH * size
        gaps = letters(line) if slack > 0 and MAX_LETTER_SPACING > 0 else 0
        if gaps:
            extra_width -= space_letters(context, line, min(MAX_LETTER_SPACING * size, slack / gaps), 0)
        add_word_spacing(context, line, max(0.0, extra_width) / spaces, 0)

    setattr(justify_line, _MARK, True)
    inline.justify_line = justify_line


# What ``Layout.setup`` reads of a style (assumption 13), beside its font configuration.
_SETUP_PROPERTIES = (
    "direction",
    "font_language_override",
    "lang",
    "font_family",
    "font_style",
    "font_stretch",
    "font_weight",
    "font_size",
    "font_variant_caps",
    "font_variation_settings",
    "text_decoration_line",
    "font_kerning",
    "font_variant_ligatures",
    "font_variant_position",
    "font_variant_numeric",
    "font_variant_alternates",
    "font_variant_east_asian",
    "font_feature_settings",
)


# What ``font_features`` takes, in its order.
_FEATURE_PROPERTIES = (
    "font_kerning",
    "font_variant_ligatures",
    "font_variant_position",
    "font_variant_caps",
    "font_variant_numeric",
    "font_variant_alternates",
    "font_variant_east_asian",
    "font_feature_settings",
)


def _install_layout_setups() -> None:
    """Text layouts of the same font share their Pango context and font description.

    WeasyPrint's ``Layout.setup`` makes a Pango context, a font description and the font features
    anew for every layout of a piece of text (several per line: breaking it, justifying it, drawing
    it), a tenth of a render. They depend only on the style's font properties, language and
    direction (:data:`_SETUP_PROPERTIES`), so they are made once per font configuration, thread and
    such properties, as ``setup`` makes them; each layout is still a layout of its own over them
    (layouts sharing a context, as Pango means them to).
    """
    from weasyprint.text import line_break
    from weasyprint.text.constants import LST_TO_ISO, PANGO_DIRECTION
    from weasyprint.text.ffi import FROM_UNITS, ffi, gobject, pango, unicode_to_char_p

    layout_class: Any = getattr(line_break, "Layout", None)
    original = getattr(layout_class, "setup", None)
    if original is None or getattr(original, _MARK, False):
        return
    font_features = line_break.font_features
    font_description = line_break.get_font_description

    def make(style: Any) -> tuple[Any, ...]:
        """What ``setup`` makes of ``style`` that its layouts only read."""
        font_config = style.font_config
        context = ffi.gc(pango.pango_font_map_create_context(font_config.font_map), gobject.g_object_unref)
        pango.pango_context_set_round_glyph_positions(context, False)
        pango.pango_context_set_base_dir(context, PANGO_DIRECTION[style["direction"]])
        override = style["font_language_override"]
        lang = LST_TO_ISO.get(override.lower(), override) if override != "normal" else style["lang"]
        if lang:
            lang_p, _ = unicode_to_char_p(lang)
            language = pango.pango_language_from_string(lang_p)
            pango.pango_context_set_language(context, language)
        else:
            language = pango.pango_language_get_default()
        description = font_description(style)
        metrics: dict[str, Any] = dict.fromkeys(("ascent", "underline_position", "strikethrough_position"))
        if style["text_decoration_line"] != "none":
            font_metrics = ffi.gc(
                pango.pango_context_get_metrics(context, description, language),
                pango.pango_font_metrics_unref,
            )
            for name in (*metrics, "underline_thickness", "strikethrough_thickness"):
                metrics[name] = FROM_UNITS * getattr(pango, f"pango_font_metrics_get_{name}")(font_metrics)
        features = font_features(*(style[name] for name in _FEATURE_PROPERTIES))
        feature = None
        if features:
            text = ",".join(f"{key} {value}" for key, value in features.items()).encode()
            feature = font_config.font_features.get(text)
            if feature is None:  # one attribute per features string, shared with WeasyPrint's own
                feature = font_config.font_features[text] = pango.pango_attr_font_features_new(text)
        return context, language, description, feature, metrics

    setup_key = operator.itemgetter(*_SETUP_PROPERTIES)

    @functools.wraps(original)
    def setup(self: Any, style: Any) -> None:
        try:
            key = (threading.get_ident(), setup_key(style))
            setups = style.font_config.__dict__.setdefault("_editions_layout_setups", {})
            made = setups.get(key)
        except (TypeError, AttributeError):  # a value that is not hashable: as WeasyPrint does
            original(self, style)
            return
        if made is None:
            made = setups[key] = make(style)
        context, language, description, feature, metrics = made
        self.style = style
        self.first_line_direction = 0
        self.language = language
        self.layout = ffi.gc(pango.pango_layout_new(context), gobject.g_object_unref)
        pango.pango_layout_set_auto_dir(self.layout, False)
        pango.pango_layout_set_font_description(self.layout, description)
        self.__dict__.update(metrics)
        if feature is not None:
            attributes = pango.pango_attr_list_new()
            pango.pango_attr_list_insert(attributes, feature)
            pango.pango_layout_set_attributes(self.layout, attributes)

    setattr(setup, _MARK, True)
    layout_class.setup = setup


def element_ids(page: Any) -> Iterator[str]:
    """The ids of the elements that have a box on ``page`` (a page box given to a listener)."""
    for box in page.descendants():
        element = getattr(box, "element", None)
        ident = element.get("id") if element is not None else None
        if ident:
            yield ident


#: What a part's internal links point at, before the target (see :func:`page_facts`).
INTERNAL_LINK = "editions-internal:"


def page_facts(page: Any) -> dict[str, Any]:
    """What the merge needs of a laid-out page (a ``Document.pages`` item), in PDF points from its
    bottom left: its ``size``; its ``anchors`` (name, x1, top, x2: the anchor's box); its
    ``bookmarks`` (level, label, x, y, state); and its internal ``links`` (target, x1, y1, x2, y2),
    which are turned into links to :data:`INTERNAL_LINK` + the target (so that WeasyPrint writes
    them, and tags them, whether the target is in the part or not; the merge makes them internal
    links to the book's destinations again).

    Assumption 6: ``Page.anchors`` values are boxes ``(x1, y1, x2, y2)`` and link rectangles two
    corners ``(x1, y1, x2, y2)``, not the ``(x, y)`` points and ``(x, y, width, height)``
    rectangles WeasyPrint's documentation describes.
    """
    height = page.height * 0.75

    def point(x: float, y: float) -> tuple[float, float]:
        return round(x * 0.75, 4), round(height - y * 0.75, 4)

    links = []
    for index, link in enumerate(page.links):
        if link[0] != "internal":
            continue
        _, target, rect, *rest = link
        page.links[index] = ("external", INTERNAL_LINK + target, rect, *rest)
        links.append([target, *point(rect[0], rect[1]), *point(rect[2], rect[3])])
    anchors = []
    for name, (x1, y1, x2, _) in page.anchors.items():
        anchors.append([name, *point(x1, y1), round(x2 * 0.75, 4)])
    bookmarks = [[level, label, *point(x, y), state] for level, label, (x, y), state in page.bookmarks]
    return {
        "size": [round(page.width * 0.75, 4), round(page.height * 0.75, 4)],
        "anchors": anchors,
        "bookmarks": bookmarks,
        "links": links,
    }


#: What WeasyPrint's ``weasyprint.progress`` logger says, at ``INFO``, when it lays the pages out again
#: to settle page numbers (the number is the pass's, from 1).
REPAGINATION = re.compile(r"Step 5 - Creating layout - Repagination #(\d+)")


# --- the fonts WeasyPrint embeds ---------------------------------------------------------------------

_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")
#: The font descriptor entries :func:`font_objects` writes again.
DESCRIPTOR_KEYS = (
    "/FontName",
    "/FontFamily",
    "/Flags",
    "/ItalicAngle",
    "/Ascent",
    "/Descent",
    "/StemV",
    "/StemH",
)


@dataclass
class EmbeddedFont:
    """A font as WeasyPrint embeds it (read by :func:`read_font` from a pypdf font dictionary)."""

    base: str
    cid: Any
    descriptor: Any

    def program(self) -> bytes:
        """The font program (the subset WeasyPrint made, its glyph ids those of the original file)."""
        return bytes(self.descriptor["/FontFile2"].get_object().get_data())

    def descriptor_entries(self) -> dict[str, Any]:
        """The descriptor's entries that :func:`font_objects` writes again (pypdf values)."""
        return {key: self.descriptor[key] for key in DESCRIPTOR_KEYS if key in self.descriptor}

    def widths(self) -> dict[int, float]:
        """The width of each glyph id (the ``/W`` array)."""
        return parse_widths(self.cid.get("/W", []))


def read_font(font: Any) -> EmbeddedFont:
    """A pypdf font dictionary of WeasyPrint's shape (see the module docstring), read.

    Raises ``ValueError`` (or ``KeyError``, ``IndexError``, ``TypeError``, ``AttributeError``) for a
    font of another shape.
    """
    if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H":
        raise ValueError("not an Identity-H Type 0 font")
    cid = font["/DescendantFonts"][0].get_object()
    if cid.get("/Subtype") != "/CIDFontType2" or cid.get("/CIDToGIDMap") != "/Identity":
        raise ValueError("not a TrueType CID font with identity map")
    descriptor = cid["/FontDescriptor"].get_object()
    descriptor["/FontFile2"].get_object()
    return EmbeddedFont(str(font["/BaseFont"]), cid, descriptor)


def unicode_map(font: Any) -> dict[int, bytes]:
    """The text of each glyph id, from the font's ``ToUnicode`` map (UTF-16BE hex digits)."""
    to_unicode = font.get("/ToUnicode")
    if to_unicode is None:
        return {}
    return {int(glyph, 16): text for glyph, text in _BFCHAR.findall(to_unicode.get_object().get_data())}


def parse_widths(array: Any) -> dict[int, float]:
    """A ``/W`` array (``first [w w …]`` and ``first last w`` runs) as the width of each glyph id."""
    widths: dict[int, float] = {}
    items = list(array)
    i = 0
    while i < len(items):
        first = int(items[i])
        following = items[i + 1].get_object() if hasattr(items[i + 1], "get_object") else items[i + 1]
        if isinstance(following, list):
            for offset, width in enumerate(following):
                widths[first + offset] = float(width)
            i += 2
        else:
            last, width = int(following), float(items[i + 2])
            for glyph in range(first, last + 1):
                widths[glyph] = width
            i += 3
    return widths


def font_objects(pdf: pydyf.PDF, record: dict[str, Any], program: bytes) -> bytes:
    """A Type 0 font as WeasyPrint writes it, for ``record`` (its ``base`` name, ``descriptor`` entries,
    ``widths`` and ``unicode`` map), over the font ``program`` (a reference): the font's reference."""
    widths = record["widths"]
    unicode_items = sorted(record["unicode"].items())
    cmap = [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo",
        b"<< /Registry (Adobe)",
        b"/Ordering (UCS)",
        b"/Supplement 0",
        b">> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        b"<0000> <ffff>",
        b"endcodespacerange",
    ]
    for start in range(0, len(unicode_items), 100):
        batch = unicode_items[start : start + 100]
        cmap.append(f"{len(batch)} beginbfchar".encode())
        cmap.extend(f"<{glyph:04x}> <{text.decode().lower()}>".encode() for glyph, text in batch)
        cmap.append(b"endbfchar")
    cmap += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    to_unicode = pydyf.Stream(cmap, compress=True)
    pdf.add_object(to_unicode)
    d = record["descriptor"]
    ascent, descent = pdf_number(d.get("/Ascent", 0)), pdf_number(d.get("/Descent", 0))
    max_x = max(widths.values()) if widths else 0
    flags = int(d.get("/Flags", 4)) & ~1
    if len(widths) > 1 and len(set(widths.values())) == 1:
        flags |= 1
    descriptor = pydyf.Dictionary(
        {
            "Type": "/FontDescriptor",
            "FontName": pdf_name(str(d.get("/FontName", record["base"]))),
            "FontFamily": pydyf.String(str(d.get("/FontFamily", ""))),
            "Flags": flags,
            "FontBBox": pydyf.Array([0, descent, pdf_number(max_x), ascent]),
            "ItalicAngle": pdf_number(d.get("/ItalicAngle", 0)),
            "Ascent": ascent,
            "Descent": descent,
            "CapHeight": ascent,
            "StemV": pdf_number(d.get("/StemV", 80)),
            "StemH": pdf_number(d.get("/StemH", 80)),
            "FontFile2": program,
        }
    )
    pdf.add_object(descriptor)
    w = pydyf.Array()
    current = None
    for glyph in sorted(widths):
        if glyph - 1 not in widths:
            w.append(glyph)
            current = pydyf.Array()
            w.append(current)
        assert current is not None
        current.append(pdf_number(widths[glyph]))
    cid = pydyf.Dictionary(
        {
            "Type": "/Font",
            "Subtype": "/CIDFontType2",
            "BaseFont": pdf_name(record["base"]),
            "CIDSystemInfo": pydyf.Dictionary(
                {"Registry": pydyf.String("Adobe"), "Ordering": pydyf.String("Identity"), "Supplement": 0}
            ),
            "CIDToGIDMap": "/Identity",
            "W": w,
            "FontDescriptor": descriptor.reference,
        }
    )
    pdf.add_object(cid)
    font = pydyf.Dictionary(
        {
            "Type": "/Font",
            "Subtype": "/Type0",
            "BaseFont": pdf_name(record["base"]),
            "ToUnicode": to_unicode.reference,
            "Encoding": "/Identity-H",
            "DescendantFonts": pydyf.Array([cid.reference]),
        }
    )
    pdf.add_object(font)
    return font.reference


def subset_font(task: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
    """Subset an original font file to glyph ids, keeping them, as WeasyPrint does when it embeds (a task
    for a worker: ``path``, ``gids`` and ``index``, the font's number in a collection).

    WeasyPrint subsets with HarfBuzz (with fontTools when HarfBuzz cannot): the same glyph ids, no
    layout tables, no empty slots after the last glyph kept."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options(
        retain_gids=True,
        passthrough_tables=True,
        ignore_missing_glyphs=True,
        hinting=False,
        desubroutinize=True,
        notdef_outline=False,
    )
    options.drop_tables += [
        *("GSUB", "GPOS", "GDEF", "SVG ", "BASE", "JSTF", "DSIG", "LTSH", "PCLT", "EBDT", "EBLC"),
        *("Silf", "Silt", "Sill", "Glat", "Gloc", "Feat"),  # Graphite: not used in PDF
    ]
    font = TTFont(io.BytesIO(Path(task["path"]).read_bytes()), fontNumber=task.get("index", 0))
    font.flavor = None
    # The tables the subsetter drops first, dropped before it starts: it would read the layout tables
    # (GSUB, GPOS: most of the time of a subset) only to drop them.
    dropped = [
        tag
        for tag in font.keys()  # noqa: SIM118 (a TTFont is not iterable)
        if tag.strip() in options.drop_tables
        or (tag.strip() in options.hinting_tables and not options.hinting)
        or (tag == "kern" and not options.legacy_kern and "GPOS" in font)
    ]
    for tag in dropped:
        del font[tag]
    original = font.getGlyphOrder()
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=task["gids"])
    subsetter.subset(font)
    # Like HarfBuzz, keep no empty slots after the last glyph retained.
    retained = [original.index(name) for name in subsetter.glyphs_retained if name in original]
    last = max([*retained, *task["gids"], 0])
    order = font.getGlyphOrder()
    if "glyf" in font and last + 1 < len(order):
        glyf, hmtx = font["glyf"], font["hmtx"]
        for name in order[last + 1 :]:
            glyf.glyphs.pop(name, None)
            hmtx.metrics.pop(name, None)
        kept = order[: last + 1]
        glyf.glyphOrder = kept
        font.setGlyphOrder(kept)
        font["maxp"].numGlyphs = len(kept)
    out = io.BytesIO()
    font.save(out, reorderTables=True)
    return out.getvalue(), {}


def valid_font(data: bytes, meta: dict[str, Any]) -> bool:
    """A cached font subset is good when fontTools reads it as a font with glyphs."""
    from fontTools.ttLib import TTFont

    if data[:4] not in (b"\x00\x01\x00\x00", b"OTTO", b"true"):
        return False
    font = TTFont(io.BytesIO(data), lazy=True)
    return bool(font["maxp"].numGlyphs > 0)


#: How many objects one object stream of a written PDF holds (as ``qpdf --object-streams=generate``).
OBJECTS_PER_STREAM = 100


def _install_object_streams() -> None:
    """Write a compressed PDF's objects in object streams of :data:`OBJECTS_PER_STREAM`, not one.

    pydyf puts every compressible object of a file in one object stream, and pypdf (7) parses a
    whole stream the first time it reads one of its objects: opening a tagged book to impose it
    parsed its structure tree, thousands of objects it never uses (0.29 s for 86 pages, against
    0.10 s with streams of 100 objects).
    """
    import pydyf

    original = pydyf.PDF.write
    if getattr(original, _MARK, False):
        return

    @functools.wraps(original)
    def write(
        self: Any, output: Any, version: bytes | str = b"1.7", identifier: Any = False, compress: bool = False
    ) -> None:
        version = version.encode() if isinstance(version, str) else (version or b"1.7")
        if not compress or version < b"1.5":
            original(self, output, version=version, identifier=identifier, compress=compress)
            return
        write_in_streams(self, output, version, identifier)

    setattr(write, _MARK, True)
    pydyf.PDF.write = write


def write_in_streams(pdf: Any, output: Any, version: bytes, identifier: Any) -> None:
    """pydyf's ``PDF.write(…, compress=True)`` with the compressible objects in several streams."""
    import hashlib
    import math

    import pydyf

    if identifier not in (False, True, None) and not isinstance(identifier, bytes):
        identifier = str(identifier).encode()
    if pdf.info:
        pdf.add_object(pdf.info)
    pdf.write_line(b"%PDF-" + version, output)
    pdf.write_line(b"%\xf0\x9f\x96\xa4", output)
    compressed = []
    # Every object's data, made once (a stream's compresses it): the file's identifier digests them.
    made: dict[int, bytes] = {}
    for object_ in pdf.objects:
        if object_.free == "f":
            continue
        if object_.compressible:
            compressed.append(object_)
        else:
            object_.offset = pdf.current_position
            made[id(object_)] = data = object_.data
            pdf.write_line(b"%d %d obj\n%s\nendobj" % (object_.number, object_.generation, data), output)
    where: dict[int, tuple[int, int]] = {}  # object number -> (stream number, index in it)
    for start in range(0, len(compressed), OBJECTS_PER_STREAM):
        chunk = compressed[start : start + OBJECTS_PER_STREAM]
        header: list[int] = []
        datas: list[bytes] = []
        position = 0
        for object_ in chunk:
            made[id(object_)] = data = object_.data
            datas.append(data)
            header += [object_.number, position]
            position += len(data) + 1
        head = " ".join(str(i) for i in header)
        extra = {"Type": "/ObjStm", "N": len(chunk), "First": len(head) + 1}
        stream = pydyf.Stream([head, *datas], extra, True)
        stream.offset = pdf.current_position
        pdf.add_object(stream)
        made[id(stream)] = data = stream.data
        pdf.write_line(b"%d %d obj\n%s\nendobj" % (stream.number, stream.generation, data), output)
        for index, object_ in enumerate(chunk):
            where[object_.number] = (stream.number, index)
    xref = []
    for object_ in pdf.objects:
        if object_.number in where and object_.compressible and object_.free != "f":
            xref.append((2, *where[object_.number]))
        else:
            xref.append((int(bool(object_.number)), object_.offset, object_.generation))
    xref.append((1, pdf.current_position, 0))
    field2 = math.ceil(math.log(pdf.current_position + 1, 256))
    field3 = math.ceil(math.log(max(max(o.generation for o in pdf.objects), OBJECTS_PER_STREAM) + 1, 256))
    lengths = (1, field2, field3)
    table = b"".join(
        value.to_bytes(length, "big") for line in xref for length, value in zip(lengths, line, strict=True)
    )
    extra = {
        "Type": "/XRef",
        "Index": pydyf.Array((0, len(pdf.objects) + 1)),
        "W": pydyf.Array(lengths),
        "Size": len(pdf.objects) + 1,
        "Root": pdf.catalog.reference,
    }
    if pdf.info:
        extra["Info"] = pdf.info.reference
    if identifier:
        data = b"".join(made[id(o)] for o in pdf.objects if o.free != "f")
        digest = hashlib.md5(data).hexdigest().encode()
        if identifier is True:
            identifier = digest
        extra["ID"] = pydyf.Array((pydyf.String(identifier).data, pydyf.String(digest).data))
    xref_stream = pydyf.Stream([table], extra, True)
    pdf.xref_position = xref_stream.offset = pdf.current_position
    pdf.add_object(xref_stream)
    pdf.write_line(xref_stream.indirect, output)
    pdf.write_line(b"startxref", output)
    pdf.write_line(f"{pdf.xref_position}".encode(), output)
    pdf.write_line(b"%%EOF", output)
