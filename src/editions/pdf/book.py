"""The book: the print HTML in, cut into parts; where their pages land; the documents workers render.

In: the complete print HTML of an edition. Out: a :class:`Book` (front matter, articles, back
matter, and the HTML around them), or why it cannot be cut (:func:`split_book`); the articles
grouped into batches (:func:`plan_batches`); the HTML of a body part (:func:`body_html`, its page
furniture switched off), of a skeleton (:func:`skeleton_html`: hidden sections padded to the parts'
page counts, for the running heads and folios; the style without the rules none of its elements may
match, :func:`pruned_css`, and each header without its children after the last that may set what
the furniture shows, :func:`furniture_selectors`: a skeleton takes less than half the time, and
WeasyPrint lays out and draws the same) and of the front matter (:func:`front_html`, its
contents carrying the page numbers measured); where each part lands in the book (:func:`place`) and
how far its pages move sideways onto the skeleton's (:func:`page_shifts`). Pure functions of HTML
and measured facts: no rendering, no processes (see :mod:`editions.pdf.parts` for the build).
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import unquote

import lxml.etree
import lxml.html

from .stylescan import Requirement, Signature, furniture_selectors, may_set_furniture, pruned_css, signature

log = logging.getLogger("editions")

#: An article ends a batch when the first 8 hex digits of the SHA-1 of its slug, as a number, are
#: divisible by this (a content-defined cut: editing an article does not move the cuts).
BATCH_CUT = 4
#: A batch never holds more articles than this, nor (when it has two or more) more text than that.
BATCH_MAX_ARTICLES = 8
BATCH_MAX_CHARS = 120_000

MARGIN_BOXES = (
    "top-left-corner",
    "top-left",
    "top-center",
    "top-right",
    "top-right-corner",
    "left-top",
    "left-middle",
    "left-bottom",
    "right-top",
    "right-middle",
    "right-bottom",
    "bottom-left-corner",
    "bottom-left",
    "bottom-center",
    "bottom-right",
    "bottom-right-corner",
)

#: Added to the body parts: no page furniture and no page or canvas background (the skeleton
#: page underneath draws those).
BODY_CSS = (
    "/* editions: a body part (the furniture is drawn by the skeleton) */\n"
    "@page { background: none !important; border: none !important; "
    + " ".join(f"@{name} {{ content: none !important; }}" for name in MARGIN_BOXES)
    + " }\nhtml, body { background: none !important; }\n"
)
#: Added to the body parts and skeletons: the body's top margin (and, but at the end of the book,
#: its bottom margin) belongs to the first (last) page of the whole document, not of every part.
NO_TOP_MARGIN_CSS = "body { margin-top: 0 !important; }\n"
NO_BOTTOM_MARGIN_CSS = "body { margin-bottom: 0 !important; }\n"


def _margins_css(part: Part) -> str:
    return NO_TOP_MARGIN_CSS + ("" if part.has_back else NO_BOTTOM_MARGIN_CSS)


_LEAD = "editions-lead"
_OPEN_RIGHT_RULE = "article.article { break-before: right; }"
_SIDE_BREAK = re.compile(r"break-(?:before|after)\s*:\s*(?:left|right|recto|verso)", re.IGNORECASE)
_FIRST_PAGE = re.compile(r"@page[^{;]*:first\b", re.IGNORECASE)
_PAGES_COUNTER = re.compile(r"counters?\(\s*pages\b", re.IGNORECASE)
_FIXED = re.compile(r"position\s*:\s*fixed", re.IGNORECASE)
#: How the contents prints page numbers: replaced, in the front matter, by the numbers the parts measured.
_TARGET_PAGE = re.compile(r"target-counter\(\s*attr\(\s*href\s+url\s*\)\s*,\s*page\s*\)", re.IGNORECASE)
_TARGET_ANY = re.compile(r"target-(?:counters?|text)\s*\(", re.IGNORECASE)
_PAGE_ATTRIBUTE = "data-editions-page"

# --- the book's structure ----------------------------------------------------------------------


@dataclass
class Section:
    """A top-level element that starts on a new page: an article, or a back-matter section."""

    id: str
    html: str
    element: Any
    chars: int
    in_main: bool = True


@dataclass
class Book:
    """The print HTML cut into the pieces parts are made of."""

    prefix: str  # <!DOCTYPE html><html …><head>…  (no </head>)
    front_prefix: str  # the same, the contents' target-counter() replaced by attr(data-editions-page)
    body_open: str  # </head><body …>
    suffix: str  # </body></html>
    css: str
    main_open: str
    main_close: str
    front: list[Any]
    front_html: str
    articles: list[Section]
    back: list[Section]
    carriers: str  # hidden copies of the front matter's short elements (their running strings)
    # For the skeletons: the elements every skeleton holds (head, html, body, main and the
    # skeleton's own blocks; None: the style is not pruned), the texts of the <style> elements, and
    # what may matter to their furniture (see furniture_selectors(); None: whole headers).
    skeleton_base: frozenset[Signature] | None = None
    styles: list[str] = field(default_factory=list)
    furniture: list[tuple[Requirement, bool]] | None = None
    _pruned: dict[frozenset[Signature], str] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def document(
        self, body: str, extra_css: str = "", *, front: bool = False, prefix: str | None = None
    ) -> str:
        style = f"<style>\n{extra_css}</style>\n" if extra_css else ""
        prefix = self.front_prefix if front else self.prefix if prefix is None else prefix
        return f"{prefix}{style}{self.body_open}{body}{self.suffix}"

    def skeleton_prefix(self, elements: set[Signature]) -> str:
        """The prefix without the style's rules none of whose selectors may match the base elements
        or ``elements`` (those of one skeleton's body: so that a skeleton's document depends on
        its own sections only, and stays in the cache when another article changes)."""
        if self.skeleton_base is None:
            return self.prefix
        key = frozenset(elements | self.skeleton_base)
        if key not in self._pruned:
            prefix = self.prefix
            for text in self.styles:
                if text and prefix.count(text) == 1:
                    prefix = prefix.replace(text, pruned_css(text, set(key)))
            self._pruned[key] = prefix
        return self._pruned[key]


def _open_tag(element: Any) -> str:
    shell = lxml.html.Element(element.tag, attrib=dict(element.attrib))
    text = lxml.html.tostring(shell, encoding="unicode")
    return text[: text.rindex("</")]


def _html(element: Any) -> str:
    return lxml.html.tostring(element, encoding="unicode", with_tail=False)


def _select(element: lxml.html.HtmlElement, path: str) -> list[lxml.html.HtmlElement]:
    """The elements an XPath ``path`` (one that selects elements only) finds under ``element``;
    lxml-stubs type any XPath result as every value XPath can give."""
    return cast(list[lxml.html.HtmlElement], element.xpath(path))


def _drop_attribute(element: lxml.html.HtmlElement, name: str) -> None:
    if name in element.attrib:
        del element.attrib[name]


def _blank(text: str | None) -> bool:
    return not (text or "").strip()


def split_book(html: str, *, open_right: bool) -> tuple[Book | None, str]:
    """Cut the print HTML into front matter, articles and back matter; or say why it cannot be."""
    root = lxml.html.document_fromstring(html)
    head, body = root.find("head"), root.find("body")
    if head is None or body is None:
        return None, "no head or body"
    if "rtl" in (root.get("dir", "") + body.get("dir", "")).lower():
        return None, "right-to-left document"
    css = "\n".join(style.text or "" for style in head.iter("style"))
    side_breaks = len(_SIDE_BREAK.findall(css)) - (css.count(_OPEN_RIGHT_RULE) if open_right else 0)
    for pattern, reason in (
        (_FIRST_PAGE, "the style has @page :first rules"),
        (_PAGES_COUNTER, "the style uses counter(pages)"),
        (_FIXED, "the style uses position: fixed"),
    ):
        if pattern.search(css):
            return None, reason
    if side_breaks:
        return None, "the style breaks pages to a side"
    if len(_TARGET_ANY.findall(css)) > len(_TARGET_PAGE.findall(css)):
        return None, "the style uses target-counter() or target-text() other than for the contents"
    children = [child for child in body if isinstance(child.tag, str)]
    mains = [child for child in children if child.tag == "main"]
    if len(mains) != 1 or not _blank(body.text) or any(not _blank(c.tail) for c in body):
        return None, "the body is not front matter, one <main> and back matter"
    main = mains[0]
    index = children.index(main)
    articles_el = [child for child in main if isinstance(child.tag, str)]
    if not articles_el or not _blank(main.text) or any(not _blank(c.tail) for c in main):
        return None, "<main> holds something other than articles"
    if any(a.tag != "article" or "article" not in (a.get("class") or "").split() for a in articles_el):
        return None, "<main> holds something other than article.article elements"
    back_el = children[index + 1 :]
    front = children[:index]
    sections: list[list[Section]] = [[], []]
    seen: set[str] = set()
    for group, elements in ((0, articles_el), (1, back_el)):
        for number, element in enumerate(elements):
            ident = element.get("id")
            if not ident or ident in seen:
                ident = f"editions-section-{group}-{number}"
                element.set("id", ident)
            seen.add(ident)
            # An HtmlElement (parsed by lxml.html), which lxml-stubs type as a plain _Element
            length = len(cast(lxml.html.HtmlElement, element).text_content())
            sections[group].append(Section(ident, _html(element), element, length, group == 0))
    text = lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")
    head_html = _html(head)
    prefix_end = text.index(head_html) + len(head_html) - len("</head>")
    body_open = "</head>" + _open_tag(body)
    book = Book(
        prefix=text[:prefix_end],
        front_prefix=_TARGET_PAGE.sub(f"attr({_PAGE_ATTRIBUTE})", text[:prefix_end]),
        body_open=body_open,
        suffix="</body></html>",
        css=css,
        main_open=_open_tag(main),
        main_close="</main>",
        front=front,
        front_html="".join(_html(e) for e in front),
        articles=sections[0],
        back=sections[1],
        carriers="",
        furniture=furniture_selectors(css),
    )
    book.carriers = _carriers(front, book.furniture)
    book.skeleton_base = _skeleton_base(root, body, main)
    book.styles = [style.text or "" for style in head.iter("style")]
    return book, ""


def _carriers(front: Sequence[Any], furniture: Sequence[tuple[Requirement, bool]] | None) -> str:
    """Hidden, out-of-flow copies of the front matter's short elements: they set its running strings
    (those that may matter to the furniture, when the style says which: see :func:`furniture_selectors`)."""
    style = "position: absolute; top: 0; left: 0; width: 100%; visibility: hidden"
    pieces = []
    for element in front:
        for child in element:
            if not isinstance(child.tag, str) or child.tag in {
                "ol",
                "ul",
                "img",
                "svg",
                "nav",
                "table",
                "figure",
            }:
                continue
            if furniture is not None and not may_set_furniture(child, furniture):
                continue
            copy = lxml.html.fromstring(_html(child))
            for unwanted in _select(copy, ".//img|.//svg|.//a[@href]"):
                if unwanted.tag == "a":
                    _drop_attribute(unwanted, "href")
                else:
                    unwanted.drop_tree()
            _drop_attribute(copy, "id")
            copy.set("style", style)
            pieces.append(_html(copy))
    return "".join(pieces)


# --- what a skeleton keeps of the style: see editions.pdf.stylescan -------------------------------

_FILLER = "editions-filler"
_CARRIERS = "editions-carriers"


def _skeleton_base(root: Any, body: Any, main: Any) -> frozenset[Signature]:
    """The elements every skeleton of a book holds, whatever its sections (see :func:`skeleton_html`)."""
    found = {signature(e) for e in root.find("head").iter() if isinstance(e.tag, str)}
    found |= {signature(root), signature(body), signature(main)}
    found |= {("div", frozenset({name}), "") for name in (_FILLER, _CARRIERS, _LEAD)}
    # What WeasyPrint's HTML parser may add around a table's rows and columns.
    found |= {(tag, frozenset(), "") for tag in ("tbody", "tr", "colgroup")}
    return frozenset(found)


def plan_batches(articles: Sequence[Section]) -> list[list[int]]:
    """Group article indices into batches (see :data:`BATCH_CUT`)."""
    batches: list[list[int]] = []
    current: list[int] = []
    chars = 0
    for index, article in enumerate(articles):
        if current and (len(current) >= BATCH_MAX_ARTICLES or chars + article.chars > BATCH_MAX_CHARS):
            batches.append(current)
            current, chars = [], 0
        current.append(index)
        chars += article.chars
        if int(hashlib.sha1(article.id.encode()).hexdigest()[:8], 16) % BATCH_CUT == 0:
            batches.append(current)
            current, chars = [], 0
    if current:
        batches.append(current)
    return batches


# --- layout: where every page goes ---------------------------------------------------------------------


@dataclass
class Part:
    """A body part (a batch of articles, or the back matter, or both) and where it lands in the book."""

    sections: list[Section]
    data: bytes = b""
    meta: dict[str, Any] = field(default_factory=dict)
    counts: list[int] = field(default_factory=list)  # pages per section, without blank pages
    chunk_start: int = 0  # the skeleton's first page (a blank page before the part, if any)
    start: int = 0  # the part's first page in the book
    blank_before: bool = False

    @property
    def in_main(self) -> bool:
        """Whether the part starts with an article (not back matter)."""
        return self.sections[0].in_main

    @property
    def has_back(self) -> bool:
        return not self.sections[-1].in_main

    @property
    def pages(self) -> int:
        return len(self.meta["pages"])


def trailing_pages(part: Part) -> int:
    """Pages after the last one a section's box reaches: footnotes that did not fit on their page."""
    ids = {s.id for s in part.sections}
    trailing = 0
    for page in reversed(part.meta["pages"]):
        if any(name in ids for name, *_ in page["anchors"]):
            break
        trailing += 1
    return trailing


def section_counts(part: Part) -> list[int] | None:
    """Pages on which each section's box lies (blank pages belong to none); None if not contiguous."""
    pages_of: dict[str, list[int]] = {s.id: [] for s in part.sections}
    for number, page in enumerate(part.meta["pages"]):
        for name, *_ in page["anchors"]:
            if name in pages_of and (not pages_of[name] or pages_of[name][-1] != number):
                pages_of[name].append(number)
    counts = []
    for section in part.sections:
        found = pages_of[section.id]
        if not found or found != list(range(found[0], found[-1] + 1)):
            return None
        counts.append(len(found))
    return counts


def is_right(page: int) -> bool:
    return page % 2 == 1


def place(parts: Sequence[Part], front_pages: int, *, open_right: bool) -> int:
    """Give every part its pages in the book; return the book's page count."""
    position = front_pages + 1
    for part in parts:
        part.chunk_start = position
        part.blank_before = open_right and part.in_main and not is_right(position)
        if part.blank_before:
            position += 1
        part.start = position
        position += part.pages
    return position - 1


def anchor_pages(parts: Sequence[Part]) -> dict[str, int]:
    """The book page of every anchor of the body parts (the first occurrence wins)."""
    found: dict[str, int] = {}
    for part in parts:
        for number, page in enumerate(part.meta["pages"]):
            for name, *_ in page["anchors"]:
                found.setdefault(name, part.start + number)
    return found


def estimated_counts(book: Book, geometry: Any) -> list[int]:
    """Rough page counts from the text length (only their number of digits matters, for a first guess)."""
    pt_mm = geometry.font_size_pt * 25.4 / 72
    per_page = max(200.0, (geometry.text_width / (0.48 * pt_mm)) * (geometry.text_height / (1.45 * pt_mm)))
    return [max(1, math.ceil(a.chars / per_page)) for a in book.articles]


# --- the documents the workers render ------------------------------------------------------------------


def body_html(book: Book, part: Part) -> str:
    main = "".join(s.html for s in part.sections if s.in_main)
    back = "".join(s.html for s in part.sections if not s.in_main)
    inner = (f"{book.main_open}{main}{book.main_close}" if main else "") + back
    return book.document(inner, BODY_CSS + _margins_css(part))


def _skeleton_section(
    section: Section, pages: int, carriers: str, furniture: Sequence[tuple[Requirement, bool]] | None
) -> str:
    element = section.element
    shell = lxml.html.Element(element.tag, attrib=dict(element.attrib))
    style = (shell.get("style") or "").rstrip("; ")
    shell.set("style", (style + "; " if style else "") + "visibility: hidden")
    first = next((child for child in element if isinstance(child.tag, str)), None)
    inner = ""
    if first is not None:
        copy = lxml.html.fromstring(_html(first))
        for unwanted in _select(copy, ".//img|.//svg"):
            unwanted.drop_tree()
        for anchor in _select(copy, ".//*[@href]"):
            _drop_attribute(anchor, "href")
        if furniture is not None and not any(
            may_set_furniture(e, furniture, text=True) for e in (element, first)
        ):
            # The children after the last that may set what the furniture shows are left out: they
            # change nothing drawn (the section is hidden), nor its first page's top (margins
            # collapse from the first child), only the time the skeleton takes.
            children = [child for child in copy if isinstance(child.tag, str)]
            last = max(
                (n for n, child in enumerate(children) if may_set_furniture(child, furniture)), default=0
            )
            for child in children[last + 1 :]:
                copy.remove(child)
        inner += _html(copy)
    if carriers:
        # After the first child, so as not to come between the margins that collapse, nor inside
        # an element whose text sets a running string (a back-matter section's heading); wrapped,
        # so that no rule for the section's children (``.sources > h2``) applies to them.
        inner += f'<div class="{_CARRIERS}">{carriers}</div>'
    inner += f'<div class="{_FILLER}"></div>' * (pages - 1)
    opening = _open_tag(shell)
    return f"{opening}{inner}</{element.tag}>"


def skeleton_html(book: Book, group: Sequence[Part]) -> str:
    """The furniture of consecutive parts: hidden sections of the right page counts, numbered from
    the first part's first page (after a leading page, dropped, when that is a left-hand page).

    Of the style, the rules that may match its elements (:meth:`Book.skeleton_prefix`); of each
    section, its first child (the header), without the children after the last that may set what
    the furniture shows (:func:`furniture_selectors`), then one empty block per further page, each
    breaking the page (by a class: they share one style)."""
    first_page = group[0].chunk_start
    lead = ""
    counter = first_page
    if not is_right(first_page):
        lead = f'<div class="{_LEAD}" style="page: {_LEAD}; break-after: page"></div>'
        counter = first_page - 1
    main: list[str] = []
    back: list[str] = []
    for part in group:
        for section, pages in zip(part.sections, part.counts, strict=True):
            carriers = book.carriers if not main and not back else ""
            (main if section.in_main else back).append(
                _skeleton_section(section, pages, carriers, book.furniture)
            )
    inner = (f"{book.main_open}{''.join(main)}{book.main_close}" if main else "") + "".join(back)
    css = f"/* editions: a skeleton */\n@page :first {{ counter-reset: page {counter}; }}\n"
    css += f".{_FILLER} {{ break-before: page !important; }}\n"
    css += NO_TOP_MARGIN_CSS + ("" if back else NO_BOTTOM_MARGIN_CSS)
    elements = {
        signature(e)
        for fragment in lxml.html.fragments_fromstring(lead + inner)
        if not isinstance(fragment, str)
        for e in fragment.iter()
        if isinstance(e.tag, str)
    }
    return book.document(lead + inner, css, prefix=book.skeleton_prefix(elements))


def skeleton_pages(group: Sequence[Part], meta: dict[str, Any]) -> list[list[dict[str, Any]]] | None:
    """The skeleton's pages of each part of the group (a blank page before a part included)."""
    pages = meta["pages"][0 if is_right(group[0].chunk_start) else 1 :]
    if len(pages) != sum(p.pages + p.blank_before for p in group):
        return None
    out, position = [], 0
    for part in group:
        size = part.pages + part.blank_before
        out.append(pages[position : position + size])
        position += size
    return out


def front_html(book: Book, targets: dict[str, int]) -> str:
    """The front matter, its links to the targets carrying their page numbers (see :data:`_TARGET_PAGE`)."""
    pieces = []
    for element in book.front:
        copy = lxml.html.fromstring(_html(element))
        for link in copy.iter("a"):
            href = link.get("href") or ""
            if href.startswith("#") and unquote(href[1:]) in targets:
                link.set(_PAGE_ATTRIBUTE, str(targets[unquote(href[1:])]))
        pieces.append(_html(copy))
    return book.document("".join(pieces), "/* editions: the front matter */\n", front=True)


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def front_targets(book: Book) -> list[str]:
    """Ids the front matter links to that are not in the front matter."""
    inside = {
        e.get("id")
        for element in book.front
        for e in element.iter()
        if isinstance(e.tag, str) and e.get("id")
    }
    targets: dict[str, None] = {}
    for element in book.front:
        for link in element.iter("a"):
            href = link.get("href") or ""
            if href.startswith("#") and len(href) > 1:
                name = unquote(href[1:])
                if name not in inside:
                    targets.setdefault(name, None)
    return list(targets)


def page_shifts(part: Part, skeleton_pages: Sequence[dict[str, Any]]) -> list[float] | None:
    """For each page of the part, how far its content moves sideways to land where the skeleton's is.

    The sections' boxes must have the same width on both (the same measure), and on a section's
    opening page the same top (the same top margin; further down, a box's top depends on what
    opens the page, which the skeleton does not have).
    """
    ids = {s.id for s in part.sections}
    opened: set[str] = set()
    shifts: list[float | None] = []
    for body, skeleton in zip(part.meta["pages"], skeleton_pages, strict=True):
        mine = {a[0]: a for a in body["anchors"] if a[0] in ids}
        theirs = {a[0]: a for a in skeleton["anchors"] if a[0] in ids}
        common = sorted(set(mine) & set(theirs))
        if not common:
            if mine or theirs:
                return None
            shifts.append(None)  # a blank page, or footnotes alone: moved as the pages on its side
            continue
        name = common[0]
        _, x1, y1, x2 = mine[name]
        _, sx1, sy1, sx2 = theirs[name]
        opening = name not in opened
        opened.add(name)
        if abs((x2 - x1) - (sx2 - sx1)) > 0.01 or (opening and abs(y1 - sy1) > 0.01):
            log.debug("page %d: part %s, skeleton %s", len(shifts), mine[name], theirs[name])
            return None
        shifts.append(round(sx1 - x1, 4))
    by_side = {n % 2: shift for n, shift in enumerate(shifts) if shift is not None}
    return [shift if shift is not None else by_side.get(n % 2, 0.0) for n, shift in enumerate(shifts)]
