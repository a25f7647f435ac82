"""The body of an OpenDocument text: the document's ``office:text`` in, HTML blocks out (headings,
paragraphs, lists, tables, quotes, figures, inline formatting, links and images checked by
:mod:`editions.resources`), with the notes' texts in reading order (:class:`Converter`)."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

import lxml.html

from ..resources import ImageRefused, check_image
from ..sanitize import append_text
from . import office
from .odtstyles import Styles

if TYPE_CHECKING:
    from odfdo import Document
    from odfdo.element import Element as OdfElement

log = logging.getLogger("editions")

MAX_DEPTH = 48
"""Deepest nesting of lists, tables, frames and spans read as structure; deeper content is text."""
MAX_CELLS = 200
"""Most cells read in one table row (OpenDocument can repeat an empty cell a thousand times)."""
MAX_REPEATED_ROWS = 100
"""Most copies of a repeated table row."""

Html: TypeAlias = lxml.html.HtmlElement

_SKIPPED = frozenset(
    {
        "office:annotation", "office:annotation-end", "text:tracked-changes", "text:change",
        "text:change-start", "text:change-end", "text:sequence-decls", "text:variable-decls",
        "text:user-field-decls", "text:dde-connection-decls", "office:forms", "text:soft-page-break",
        "text:bookmark", "text:bookmark-start", "text:bookmark-end", "text:reference-mark",
        "text:reference-mark-start", "text:reference-mark-end", "text:alphabetical-index-mark",
        "text:alphabetical-index-mark-start", "text:alphabetical-index-mark-end", "text:toc-mark",
        "text:toc-mark-start", "text:toc-mark-end", "text:user-index-mark", "text:user-index-mark-start",
        "text:user-index-mark-end", "text:table-of-content", "text:alphabetical-index",
        "text:illustration-index", "text:table-index", "text:object-index", "text:user-index",
        "text:bibliography", "text:hidden-text", "text:hidden-paragraph", "text:number",
        "text:note-citation", "table:table-columns", "table:table-column", "table:table-header-columns",
        "table:table-column-group", "table:covered-table-cell", "svg:title", "svg:desc",
        "office:event-listeners", "draw:contour-polygon", "draw:contour-path", "text:index-title",
    }
)  # fmt: skip
_TEXT_BLOCKS = frozenset({"text:p", "text:h"})


_WHITE_SPACE = re.compile(r"[ \t\r\n]+")


def _collapse(text: str | None) -> str | None:
    """Text as OpenDocument shows it: runs of white space are one space (``text:s`` writes more)."""
    return _WHITE_SPACE.sub(" ", text) if text else text


def _trim(element: Html) -> None:
    """Drop the white space at the start and at the end of a block's own text."""
    if element.text:
        element.text = element.text.lstrip() or None
    if len(element):
        element[-1].tail = (element[-1].tail or "").rstrip() or None
    elif element.text:
        element.text = element.text.rstrip() or None


def _sub(parent: Html, tag: str, attributes: dict[str, str] | None = None) -> Html:
    element = lxml.html.Element(tag, attributes or {})
    parent.append(element)
    return element


class Converter:
    """Turns the document's body into HTML blocks, collecting the notes and checking the images."""

    def __init__(self, document: Document, path: Path) -> None:
        self.document = document
        self.path = path
        self.styles = Styles(document)
        self.notes: list[str] = []
        self._parts = set(document.parts)
        self._images: dict[str, str | ImageRefused] = {}

    def body(self) -> Html:
        root = lxml.html.Element("div")
        self.blocks(self.document.body, root, 0)
        return root

    # -- blocks ---------------------------------------------------------------------------------

    def blocks(self, container: OdfElement, target: Html, depth: int) -> None:
        """Append the HTML of ``container``'s block children to ``target``."""
        for child in container.children:
            self.block(child, target, depth + 1)

    def block(self, node: OdfElement, target: Html, depth: int) -> None:
        tag = node.tag
        if tag in _SKIPPED:
            return
        if depth > MAX_DEPTH:
            text = " ".join(_plain(node).split())
            if text:
                _sub(target, "p").text = text
            return
        if tag == "text:p":
            self.paragraph(node, target, depth)
        elif tag == "text:h":
            self.heading(node, target, depth)
        elif tag == "text:list":
            self.list_block(node, target, depth, 1, None)
        elif tag == "table:table":
            self.table(node, target, depth)
        elif tag == "draw:frame" or tag == "draw:a":  # a frame anchored to the page
            holder = lxml.html.Element("p")
            pending: list[Html] = []
            self.inline_child(node, holder, pending, depth)
            if office.text_of(holder) or holder.find(".//img") is not None:
                target.append(holder)
            target.extend(pending)
        elif tag in {"text:section", "text:numbered-paragraph", "text:index-body", "office:text"}:
            self.blocks(node, target, depth)
        # Other elements (drawing shapes, forms, declarations) hold no article text.

    def paragraph(self, node: OdfElement, target: Html, depth: int) -> None:
        style = node.get_attribute_string("text:style-name")
        kind = self.styles.kind(style)
        pending: list[Html] = []
        if kind == "title":
            element = lxml.html.Element("h1", {"class": "editions-title"})
        elif kind in {"subtitle", "author", "date", "caption"}:
            element = lxml.html.Element("p", {"class": f"editions-{kind}"})
        elif kind == "pre":
            element = lxml.html.Element("pre")
        else:
            element = lxml.html.Element("p")
        inner = element
        if kind in {None, "quote", "table-heading"}:
            for tag in self.styles.formats(style, "paragraph", inherited=False):
                inner = _sub(inner, tag)
        self.inline(node, inner, pending, depth)
        _unwrap_empty(element)
        _trim(inner)
        if kind == "caption" and element.find(".//img") is not None:
            if office.text_of(element):
                element = _caption_frame(element)
            else:  # an image paragraph in a caption style (pandoc's "FigureWithCaption")
                del element.attrib["class"]
        has_content = office.text_of(element) or element.find(".//img") is not None
        if has_content:
            if kind == "quote":
                previous = target[-1] if len(target) else None
                quote = previous if previous is not None and previous.tag == "blockquote" else None
                if quote is None:
                    quote = _sub(target, "blockquote")
                quote.append(element)
            elif kind == "pre" and len(target) and target[-1].tag == "pre":
                last = target[-1]
                append_text(last, "\n" + (element.text or ""))
                last.extend(list(element))
            else:
                target.append(element)
        target.extend(pending)

    def heading(self, node: OdfElement, target: Html, depth: int) -> None:
        style = node.get_attribute_string("text:style-name")
        kind = self.styles.kind(style)
        level_value = node.get_attribute_string("text:outline-level") or "1"
        level = int(level_value) if level_value.isdigit() else 1
        if kind == "title":
            element = lxml.html.Element("h1", {"class": "editions-title"})
        elif kind == "subtitle":
            element = lxml.html.Element("p", {"class": "editions-subtitle"})
        else:
            element = lxml.html.Element(f"h{min(6, max(1, level))}")
        pending: list[Html] = []
        self.inline(node, element, pending, depth)
        for bold in element.xpath(".//strong"):
            bold.drop_tag()  # headings are bold already
        _trim(element)
        if office.text_of(element):
            target.append(element)
        target.extend(pending)

    def list_block(
        self, node: OdfElement, target: Html, depth: int, level: int, inherited: str | None
    ) -> None:
        list_style = node.get_attribute_string("text:style-name") or inherited
        items = [c for c in node.children if c.tag in {"text:list-item", "text:list-header"}]
        if _numbered_headings(node):  # headings numbered through a list style are headings
            for item in items:
                self.blocks(item, target, depth)
            return
        ordered = self.styles.ordered(list_style, level)
        if ordered is None and items:
            first = next((c for c in items[0].children if c.tag in _TEXT_BLOCKS), None)
            if first is not None:
                own = self.styles.list_style_of(first.get_attribute_string("text:style-name"))
                ordered = self.styles.ordered(own, level)
                list_style = list_style or own
        element = _sub(target, "ol" if ordered else "ul")
        for item in items:
            li = _sub(element, "li")
            start = item.get_attribute_string("text:start-value")
            if ordered and start and start.isdigit():
                if len(element) == 1:
                    element.set("start", start)
                else:
                    li.set("value", start)
            for child in item.children:
                if child.tag == "text:list":
                    self.list_block(child, li, depth + 1, level + 1, list_style)
                else:
                    self.block(child, li, depth + 1)
        if not len(element):
            element.drop_tree()

    def table(self, node: OdfElement, target: Html, depth: int) -> None:
        rows: list[tuple[OdfElement, bool]] = []
        self._collect_rows(node, rows, header=False)
        if not rows:
            return
        table = lxml.html.Element("table")
        header_rows = [row for row, header in rows if header]
        body_rows = [row for row, header in rows if not header]
        if not header_rows and len(body_rows) > 1 and self._heading_styled(body_rows[0]):
            header_rows, body_rows = body_rows[:1], body_rows[1:]
        if header_rows:
            thead = _sub(table, "thead")
            for row in header_rows:
                self.row(row, thead, "th", depth)
        tbody = _sub(table, "tbody")
        for row in body_rows:
            self.row(row, tbody, "td", depth)
        if not len(tbody):
            table.remove(tbody)
        if office.text_of(table) or table.find(".//img") is not None:
            target.append(table)

    def _collect_rows(self, node: OdfElement, rows: list[tuple[OdfElement, bool]], *, header: bool) -> None:
        for child in node.children:
            tag = child.tag
            if tag == "table:table-row":
                value = child.get_attribute_string("table:number-rows-repeated") or "1"
                copies = min(int(value), MAX_REPEATED_ROWS) if value.isdigit() else 1
                if copies > 1 and not _plain(child).strip():
                    copies = 1  # LibreOffice pads tables with repeated empty rows
                rows.extend([(child, header)] * copies)
            elif tag == "table:table-header-rows":
                self._collect_rows(child, rows, header=True)
            elif tag in {"table:table-rows", "table:table-row-group"}:
                self._collect_rows(child, rows, header=header)

    def _heading_styled(self, row: OdfElement) -> bool:
        """Whether every non-empty cell of ``row`` is in the "Table Heading" paragraph style."""
        filled = [c for c in row.children if c.tag == "table:table-cell" and _plain(c).strip()]
        if not filled:
            return False
        for cell in filled:
            paragraphs = [p for p in cell.children if p.tag in _TEXT_BLOCKS and _plain(p).strip()]
            if not paragraphs or any(
                self.styles.kind(p.get_attribute_string("text:style-name")) != "table-heading"
                for p in paragraphs
            ):
                return False
        return True

    def row(self, node: OdfElement, parent: Html, cell_tag: str, depth: int) -> None:
        tr = _sub(parent, "tr")
        count = 0
        for cell in node.children:
            if cell.tag != "table:table-cell":
                continue
            value = cell.get_attribute_string("table:number-columns-repeated") or "1"
            copies = int(value) if value.isdigit() else 1
            empty = not cell.children and not cell.text.strip()
            if empty and copies > 1:
                copies = 1
            for _ in range(copies):
                if count >= MAX_CELLS:
                    break
                count += 1
                td = _sub(tr, cell_tag)
                for attribute, html_name in (
                    ("table:number-columns-spanned", "colspan"),
                    ("table:number-rows-spanned", "rowspan"),
                ):
                    span = cell.get_attribute_string(attribute)
                    if span and span.isdigit() and int(span) > 1:
                        td.set(html_name, span)
                self.blocks(cell, td, depth + 1)
                if cell_tag == "th":
                    for bold in td.xpath(".//strong"):
                        bold.drop_tag()
        while (
            len(tr) > 1 and not office.text_of(tr[-1]) and tr[-1].find(".//img") is None and not tr[-1].attrib
        ):
            tr.remove(tr[-1])  # trailing empty cells written as padding

    # -- inline content -------------------------------------------------------------------------

    def inline(self, node: OdfElement, target: Html, pending: list[Html], depth: int) -> None:
        """Append ``node``'s text and inline children to ``target``; the blocks of text frames
        anchored in it go to ``pending`` (they follow the paragraph)."""
        append_text(target, _collapse(node.text))
        for child in node.children:
            self.inline_child(child, target, pending, depth + 1)
            append_text(target, _collapse(child.tail))

    def inline_child(self, node: OdfElement, target: Html, pending: list[Html], depth: int) -> None:
        tag = node.tag
        if tag in _SKIPPED:
            return
        if depth > MAX_DEPTH:
            append_text(target, _plain(node))
            return
        if tag == "text:span":
            inner = target
            for html_tag in self.styles.formats(
                node.get_attribute_string("text:style-name"), "text", inherited=True
            ):
                inner = _sub(inner, html_tag)
            self.inline(node, inner, pending, depth)
        elif tag == "text:a":
            href = (node.get_attribute_string("xlink:href") or "").strip()
            link = _sub(target, "a", {"href": href}) if href else target
            self.inline(node, link, pending, depth)
        elif tag == "text:s":
            count = node.get_attribute_string("text:c") or "1"
            append_text(target, " " * min(int(count) if count.isdigit() else 1, 20))
        elif tag == "text:tab":
            append_text(target, " ")
        elif tag == "text:line-break":
            _sub(target, "br")
        elif tag == "text:note":
            self.note(node, target, depth)
        elif tag == "draw:frame":
            self.frame(node, target, pending, depth)
        elif tag == "draw:a":
            href = (node.get_attribute_string("xlink:href") or "").strip()
            link = _sub(target, "a", {"href": href}) if href else target
            for child in node.children:
                self.inline_child(child, link, pending, depth + 1)
        elif tag == "text:ruby":
            base = next((c for c in node.children if c.tag == "text:ruby-base"), None)
            if base is not None:
                self.inline(base, target, pending, depth)
        elif tag in _TEXT_BLOCKS:
            self.inline(node, target, pending, depth)
        elif tag.startswith("draw:") or tag.startswith("table:") or tag == "text:list":
            holder = lxml.html.Element("div")
            self.block(node, holder, depth)
            pending.extend(holder)
        else:  # fields (page numbers, dates, sequence numbers, cross-references) and meta: their text
            self.inline(node, target, pending, depth)

    def note(self, node: OdfElement, target: Html, depth: int) -> None:
        body = next((c for c in node.children if c.tag == "text:note-body"), None)
        if body is None:
            return
        holder = lxml.html.Element("div")
        self.blocks(body, holder, depth)
        html = "".join(lxml.html.tostring(child, encoding="unicode") for child in holder)
        if not html.strip():
            return
        self.notes.append(html)
        number = str(len(self.notes))
        _sub(target, "sup", {"class": "fn", "data-fn": number}).text = number

    def frame(self, node: OdfElement, target: Html, pending: list[Html], depth: int) -> None:
        """An image (the first of its versions that the image rules accept), or a text box whose
        blocks go to ``pending``; embedded objects (charts, formulas) use their preview image."""
        children = node.children
        alt = ""
        for child in children:
            if child.tag in {"svg:title", "svg:desc"} and _plain(child).strip():
                alt = " ".join(_plain(child).split())
                break
        images = [c for c in children if c.tag == "draw:image"]
        boxes = [c for c in children if c.tag == "draw:text-box"]
        objects = [c for c in children if c.tag in {"draw:object", "draw:object-ole"}]
        if images:
            self.image(images, alt, target, is_object=bool(objects))
        elif objects:
            log.warning("%s: an embedded object (a chart or formula) left out: it has no image", self.path)
        for box in boxes:
            holder = lxml.html.Element("div")
            self.blocks(box, holder, depth)
            pending.extend(holder)

    def image(self, versions: list[OdfElement], alt: str, target: Html, *, is_object: bool) -> None:
        reasons = []
        for version in versions:
            href = (version.get_attribute_string("xlink:href") or "").strip()
            if not href:
                binary = next((c for c in version.children if c.tag == "office:binary-data"), None)
                if binary is not None:
                    reasons.append("an image written inside the XML is not read")
                continue
            if re.match(r"https?://", href, re.I):
                img = _sub(target, "img", {"src": href})
                img.set("alt", alt)
                return
            src = self._embedded(href)
            if isinstance(src, str):
                img = _sub(target, "img", {"src": src})
                img.set("alt", alt)
                return
            reasons.append(f"{href}: {src}")
        what = "an embedded object (a chart or formula)" if is_object else "an image"
        why = "; ".join(reasons) or "no source"
        log.warning("%s: %s left out (%s)", self.path, what, why)
        if alt:
            append_text(target, f"[{alt}]")

    def _embedded(self, href: str) -> str | ImageRefused:
        """The ``data:`` URI of an image stored in the file, or why it cannot be used."""
        name = href[2:] if href.startswith("./") else href
        if name not in self._images:
            if (
                name not in self._parts
                or name.startswith(("/", "../"))
                or re.match(r"[A-Za-z][\w+.-]*:", name)
            ):
                self._images[name] = ImageRefused("not inside the document (linked images are not read)")
            else:
                data = self.document.get_part(name)
                try:
                    if not isinstance(data, bytes):
                        raise ImageRefused("not an image")
                    image = check_image(data, stem=Path(name).stem)
                    self._images[name] = image.data_uri
                except ImageRefused as exc:
                    self._images[name] = exc
        return self._images[name]


def _unwrap_empty(element: Html) -> None:
    """Drop inline wrappers (``strong``, ``em`` …) left empty."""
    for child in list(element.iter("strong", "em", "s", "sup", "sub", "a")):
        if child is element or (child.tag == "sup" and child.get("class") == "fn"):
            continue
        if not child.text_content() and not len(child) and child.getparent() is not None:
            child.drop_tag()


def _caption_frame(paragraph: Html) -> Html:
    """A caption paragraph that holds its image (LibreOffice's caption frame) as a ``<figure>``:
    the images, then the paragraph's text (after the line break that follows the image) as caption."""
    figure = lxml.html.Element("figure")
    for img in list(paragraph.iter("img")):
        img.drop_tree()  # keeps the text after it
        img.tail = None
        figure.append(img)
    while len(paragraph) and paragraph[0].tag == "br" and not (paragraph.text or "").strip():
        paragraph.text = paragraph[0].tail
        paragraph.remove(paragraph[0])
    figcaption = _sub(figure, "figcaption")
    figcaption.text = (paragraph.text or "").lstrip() or None
    figcaption.extend(list(paragraph))
    return figure


def _numbered_headings(node: OdfElement, depth: int = 0) -> bool:
    """Whether a ``text:list`` holds headings only (as outline numbering may write them)."""
    found = False
    for item in node.children:
        for child in item.children:
            if child.tag == "text:h":
                found = True
            elif child.tag == "text:list" and depth < 10:
                if not _numbered_headings(child, depth + 1):
                    return False
                found = True
            else:
                return False
    return found


def _plain(node: OdfElement, depth: int = 0) -> str:
    """The text of ``node`` and its descendants, without its tail."""
    if depth > 2 * MAX_DEPTH:
        return ""
    return node.text + "".join(_plain(child, depth + 1) + (child.tail or "") for child in node.children)
