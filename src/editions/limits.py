"""Limits on what costs layout time: blocks, elements, list items, table cells, footnotes, images.

In: an article's sanitised HTML body and footnotes (or a whole edition). Out: nothing, or an
:class:`~editions.errors.EditionsError` naming the article, what it has too many of, the limit,
and how to split the work.

Text length alone does not bound a build: 100,000 one-letter paragraphs are 300 KB of Markdown
but 3,000 pages of boxes. Measured on one core (WeasyPrint 70, A5), each paragraph or other
block costs about 1.5 ms of layout, a list item about 2 ms, a table cell or inline element
about 1.3 ms, a footnote about 17 ms. The limits below keep one article (and one render) under
about a minute of layout, and an edition rendered in parts (each part by its own process)
under :data:`EDITION_FACTOR` times that; the 400-article benchmark anthology uses about a tenth
of the edition limits.

:func:`check_article` runs when an article is read (every build and ``editions import``);
:func:`check_markdown_source` runs before a Markdown body is even parsed (parsing 100,000
paragraphs takes longer than refusing them); :func:`check_edition` runs before a PDF is laid out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path

from .errors import EditionsError
from .model import Edition

#: Tags that start a block box: paragraphs, headings, list items, quotes, rows …
BLOCK_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "blockquote", "pre", "figure"}
    | {"figcaption", "tr", "caption", "hr", "div", "ul", "ol", "dl", "table"}
)


@dataclass(frozen=True)
class Counts:
    """What one article (or a whole edition) holds, counted from its sanitised HTML."""

    blocks: int = 0
    elements: int = 0
    list_items: int = 0
    table_cells: int = 0
    footnotes: int = 0
    images: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


#: The most of each one article may hold (and one PDF rendered in one piece).
ARTICLE_LIMITS = Counts(
    blocks=20_000, elements=60_000, list_items=10_000, table_cells=10_000, footnotes=2_000, images=300
)
#: How many articles' worth an edition rendered in parts may hold (as for its text:
#: :data:`editions.pdf.MAX_PDF_TEXT_IN_PARTS`).
EDITION_FACTOR = 8
#: The most of each a PDF edition rendered in parts may hold.
EDITION_LIMITS = Counts(*(EDITION_FACTOR * getattr(ARTICLE_LIMITS, f.name) for f in fields(Counts)))
#: A web page may hold this many times an article's blocks (menus, comments …) before extraction.
PAGE_FACTOR = 2

_WHAT = {
    "blocks": "paragraphs and other blocks (headings, list items, quotes, table rows …)",
    "elements": "HTML elements (paragraphs, emphasis, links …)",
    "list_items": "list items",
    "table_cells": "table cells",
    "footnotes": "footnotes",
    "images": "images",
}

_OPEN_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)")


def count_html(fragment: str, footnotes: Iterable[str] = ()) -> Counts:
    """The :class:`Counts` of a body and its footnotes (a linear scan of opening tags, no parsing)."""
    blocks = elements = list_items = table_cells = images = notes = 0
    for part in (fragment, *footnotes):
        for match in _OPEN_TAG.finditer(part):
            tag = match.group(1).lower()
            elements += 1
            if tag in BLOCK_TAGS:
                blocks += 1
            if tag == "li":
                list_items += 1
            elif tag in ("td", "th"):
                table_cells += 1
            elif tag == "img":
                images += 1
        notes += 1
    return Counts(blocks, elements, list_items, table_cells, notes - 1, images)


def check_article(counts: Counts, path: str | Path | None) -> None:
    """Refuse an article holding more of anything than :data:`ARTICLE_LIMITS` allows."""
    for name, value, limit in _over(counts, ARTICLE_LIMITS):
        raise EditionsError(
            f"too much for one article: {value:,} {_WHAT[name]}; the limit is {limit:,}: "
            "split it into several articles",
            path,
        )


def check_markdown_source(body: str, path: str | Path | None, line: int = 1) -> None:
    """Refuse a Markdown body with more paragraphs (runs of lines between blank lines, outside fenced
    code) than an article may hold, before it is parsed."""
    blocks = 0
    fence: str | None = None
    previous_blank = True
    for raw in body.splitlines():
        stripped = raw.strip()
        if fence is not None:
            if stripped.startswith(fence):
                fence = None
            continue
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            blocks += 1
            previous_blank = False
            continue
        if not stripped:
            previous_blank = True
        elif previous_blank:
            blocks += 1
            previous_blank = False
    if blocks > ARTICLE_LIMITS.blocks:
        raise EditionsError(
            f"too much for one article: at least {blocks:,} {_WHAT['blocks']}; the limit is "
            f"{ARTICLE_LIMITS.blocks:,}: split it into several articles",
            path,
            line,
        )


def check_page_blocks(blocks: int, source: str | Path) -> None:
    """Refuse a web page with more block elements than :data:`PAGE_FACTOR` articles' worth, before
    the article is extracted from it."""
    limit = PAGE_FACTOR * ARTICLE_LIMITS.blocks
    if blocks > limit:
        raise EditionsError(
            f"too much for one article: the page has {blocks:,} {_WHAT['blocks']}; the limit is "
            f"{limit:,}: split it into several articles",
            source,
        )


def check_edition(edition: Edition, *, in_parts: bool) -> None:
    """Refuse an edition holding more than one PDF may lay out: :data:`EDITION_LIMITS` when rendered
    in parts, else :data:`ARTICLE_LIMITS` (one render), naming the article with the most of it."""
    per_article = [(count_html(a.body_html, a.footnotes), a) for a in edition.articles]
    total = sum((c for c, _ in per_article), Counts())
    limits = EDITION_LIMITS if in_parts else ARTICLE_LIMITS
    for name, value, limit in _over(total, limits):
        _, biggest = max(per_article, key=lambda item: getattr(item[0], name))
        raise EditionsError(
            f"too much for one PDF: the edition has {value:,} {_WHAT[name]}; the limit is {limit:,}: split "
            "it into several editions (several folders or edition.toml manifests, each built on its own)",
            biggest.path or biggest.title,
        )


def _over(counts: Counts, limits: Counts) -> list[tuple[str, int, int]]:
    return [
        (f.name, getattr(counts, f.name), getattr(limits, f.name))
        for f in fields(counts)
        if getattr(counts, f.name) > getattr(limits, f.name)
    ]
