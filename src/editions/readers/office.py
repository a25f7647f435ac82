"""What Word (``.docx``) and OpenDocument (``.odt``) files share once their body is HTML.

In: the body of a word-processor document as HTML (an lxml ``<div>`` whose children are the
document's blocks, made by :mod:`~editions.readers.docx` or :mod:`~editions.readers.odt`), in which
the paragraphs of the "Title", "Subtitle", "Author", "Date" and "Caption" styles carry the classes
``editions-title``, ``editions-subtitle``, ``editions-author``, ``editions-date`` and
``editions-caption``; the footnotes; and the fields of the document's properties. Out: a
:class:`~editions.readers.Draft` whose fields come from the strongest evidence, every paragraph
taken into a field removed from the body (so nothing prints twice), figures with their captions,
and tables whose header row is a ``<thead>``.

Each field, from the first of these that gives it:

- **title**: a YAML front matter block typed at the top of the document (``---`` … ``---``); a
  "Title" paragraph; the document's properties; a single first-level heading at the very start;
- **subtitle**: the front matter; a "Subtitle" paragraph;
- **authors**: the front matter; "Author" paragraphs; a *byline paragraph* among the first
  :data:`TOP_BLOCKS` blocks (``By Ana Ruiz``, ``Par …``, ``Von …``, ``Ana Ruiz | 9 January 2023``);
  the document's properties (weak: they name whoever made the file);
- **date**: the front matter; a "Date" paragraph; a *dateline paragraph* among the first blocks
  (``9 January 2023``, ``Published Jan. 9, 2023``); the document's creation date (weak).

A byline or dateline paragraph is always taken out of the body (the attribution prints it).

**Figures**: a caption paragraph (the "Caption" style or one based on it) right after, else right
before, a paragraph that holds only images becomes ``<figure><img …><figcaption>``.

**Table headers**: rows the document marks as header rows (Word's "Repeat as header row",
OpenDocument's header rows) are a ``<thead>`` already; without that mark the first row is the
header when every non-empty cell of it is wholly bold and some later row is not.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TypeAlias

import lxml.html

from ..dates import dateline_authors, parse_byline, parse_dateline
from ..model import Evidence
from .draft import Draft, apply_front_matter
from .frontmatter import split_front_matter
from .pagemeta import parse_meta_date, split_authors
from .webpage import shift_headings

TOP_BLOCKS = 4
"""How many blocks at the top of the body (after the title) may be a byline or a dateline."""
MAX_META_PARAGRAPH = 200
"""Longest paragraph (in characters) that may be a byline or a dateline."""

Element: TypeAlias = lxml.html.HtmlElement


def build_draft(
    root: Element,
    path: Path,
    *,
    footnotes: list[str],
    properties: dict[str, object],
    kind: str,
) -> Draft:
    """The draft of a document whose body is ``root`` (see the module docstring for the rules).

    ``properties`` holds what the document's properties give (``title``, ``authors``, ``date``,
    ``lang``), placeholders already left out; ``kind`` names the format in evidence ("Word").
    """
    draft = Draft()
    draft.footnotes = footnotes
    front = take_front_matter(root, path)
    make_figures(root)
    styled = take_styled(root)
    tidy(root)
    draft.title = _str(styled.get("title")) or _str(properties.get("title"))
    if styled.get("title"):
        draft.evidence["title"] = Evidence("title", None, True, 'the paragraph in the "Title" style')
    elif draft.title:
        draft.evidence["title"] = Evidence("title", None, False, f"the {kind} document's properties")
    if not draft.title and not front.get("title"):
        draft.title = take_sole_heading(root)
        if draft.title:
            draft.evidence["title"] = Evidence(
                "title", None, True, "the document's only first-level heading, at its start"
            )
    elif draft.title:
        drop_heading_equal_to(root, draft.title)
    draft.subtitle = _str(styled.get("subtitle"))
    byline_authors, byline_date = take_byline(root)
    if styled.get("authors"):
        draft.authors = _names(styled["authors"])
        draft.evidence["authors"] = Evidence("authors", None, True, 'the paragraphs in the "Author" style')
    elif byline_authors:
        draft.authors = byline_authors
        draft.evidence["authors"] = Evidence("authors", None, True, "the byline paragraph under the title")
    elif properties.get("authors"):
        draft.authors = _names(properties["authors"])
        draft.evidence["authors"] = Evidence(
            "authors", None, False, f"the {kind} document's properties (whoever made the file)"
        )
    date = styled.get("date") or byline_date or properties.get("date")
    draft.date = date if isinstance(date, dt.date) else None
    if styled.get("date"):
        draft.evidence["date"] = Evidence("date", None, True, 'the paragraph in the "Date" style')
    elif byline_date:
        draft.evidence["date"] = Evidence("date", None, True, "the dateline paragraph under the title")
    elif draft.date:
        draft.evidence["date"] = Evidence("date", None, False, f"the {kind} document's creation date")
    draft.lang = _str(properties.get("lang"))
    mark_table_headers(root)
    shift_headings(root)
    draft.body_html = "".join(lxml.html.tostring(child, encoding="unicode") for child in root)
    if root.text and root.text.strip():
        draft.body_html = f"<p>{escape(root.text.strip())}</p>" + draft.body_html
    return apply_front_matter(draft, front)


def _names(value: object) -> tuple[str, ...]:
    return tuple(name for name in value if isinstance(name, str)) if isinstance(value, tuple | list) else ()


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def text_of(element: Element) -> str:
    """The visible text of ``element``, its white space collapsed."""
    return " ".join(element.text_content().split())


# --- metadata paragraphs -------------------------------------------------------------------------


def take_front_matter(root: Element, path: Path) -> dict[str, object]:
    """A YAML block typed in the document's first paragraphs (``---`` … ``---``), removed from the body."""
    children = list(root)
    if not children or children[0].tag != "p" or text_of(children[0]) != "---":
        return {}
    lines = ["---"]
    for index, element in enumerate(children[1:41], start=1):
        text = element.text_content().replace("\xa0", " ")
        if element.tag == "p" and text.strip() in {"---", "..."}:
            lines.append("---")
            front = split_front_matter("\n".join(lines) + "\n", path)
            for used in children[: index + 1]:
                root.remove(used)
            return front.fields
        lines.append(text)
    return {}


def take_styled(root: Element) -> dict[str, object]:
    """Title, subtitle, authors and date from their paragraph styles, removed from the body.

    An "Author" paragraph may be written as a byline (``By Ana Ruiz and John Smith``): the names
    are taken without the marker. A "Date" paragraph that holds no date stays in the body.
    """
    out: dict[str, object] = {}
    authors: list[str] = []
    for element in root.xpath(".//*[starts-with(@class, 'editions-')]"):
        kind = element.get("class")
        text = text_of(element)
        element.attrib.pop("class", None)
        if kind == "editions-title" and text and "title" not in out:
            out["title"] = text
        elif kind == "editions-subtitle" and text and "subtitle" not in out:
            out["subtitle"] = text
        elif kind == "editions-author" and text:
            authors.extend(parse_byline(text) or split_authors(text))
        elif kind == "editions-date" and text and "date" not in out:
            date = parse_meta_date(text)
            if date is None:
                element.tag = "p"
                continue
            out["date"] = date
        else:
            element.tag = "p"
            continue
        element.drop_tree()
    if authors:
        out["authors"] = tuple(dict.fromkeys(authors))
    return out


def take_byline(root: Element) -> tuple[tuple[str, ...], dt.date | None]:
    """The authors of a byline paragraph and the date of a dateline paragraph among the first
    :data:`TOP_BLOCKS` blocks (before any heading, list or table), removed from the body.

    Only whole paragraphs count: ``By Ana Ruiz``, ``By Ana Ruiz and John Smith, Staff Writer``,
    ``Ana Ruiz | 9 January 2023``, ``Published 9 January 2023``; a sentence that starts with "By"
    or holds a date is body text.
    """
    authors: tuple[str, ...] = ()
    date: dt.date | None = None
    for element in list(root)[:TOP_BLOCKS]:
        if element.tag != "p":
            break
        text = text_of(element)
        if not text or len(text) > MAX_META_PARAGRAPH or element.find(".//img") is not None:
            continue
        names = parse_byline(text)
        if names and not authors:
            authors = names
            element.drop_tree()
            continue
        day = parse_dateline(text)
        if day is not None and date is None:
            date = day
            authors = authors or dateline_authors(text)
            element.drop_tree()
    return authors, date


def take_sole_heading(root: Element) -> str | None:
    """The text of a first-block ``<h1>`` that is the document's only one, removed from the body."""
    children = list(root)
    h1s = root.findall(".//h1")
    if children and children[0].tag == "h1" and len(h1s) == 1 and text_of(children[0]):
        title = text_of(children[0])
        children[0].drop_tree()
        return title
    return None


def drop_heading_equal_to(root: Element, title: str) -> None:
    children = list(root)
    if children and children[0].tag in {"h1", "h2"} and text_of(children[0]).casefold() == title.casefold():
        children[0].drop_tree()


def tidy(root: Element) -> None:
    """Drop bookmarks and in-document links; unwrap lone paragraphs in table cells and list items."""
    for link in list(root.iter("a")):
        href = (link.get("href") or "").strip()
        if not href or href.startswith("#"):
            if link.text_content().strip() or len(link):
                link.drop_tag()
            else:
                link.drop_tree()
    for cell in root.xpath(".//td|.//th"):
        if len(cell) == 1 and cell[0].tag == "p" and not (cell.text or "").strip():
            cell[0].drop_tag()
    for item in root.iter("li"):
        paragraphs = [child for child in item if child.tag == "p"]
        if (
            len(paragraphs) == 1
            and len(item)
            and item[0] is paragraphs[0]
            and not (item.text or "").strip()
            and all(child.tag in {"p", "ul", "ol"} for child in item)
        ):
            paragraphs[0].drop_tag()


# --- figures ------------------------------------------------------------------------------------


def _images_only(element: Element | None) -> bool:
    """Whether ``element`` is a paragraph that holds images and no text."""
    return (
        element is not None
        and element.tag == "p"
        and element.find(".//img") is not None
        and not text_of(element)
        and element.get("class") is None
    )


def make_figures(root: Element) -> None:
    """Join each caption paragraph to the image paragraph right after it, else right before it, as
    ``<figure>`` with a ``<figcaption>``; a caption without an image next to it stays a paragraph."""
    for caption in root.xpath(".//p[@class='editions-caption']"):
        del caption.attrib["class"]
        if not text_of(caption):
            continue
        before, after = caption.getprevious(), caption.getnext()
        if _images_only(before):
            figure_from(before, caption, caption_first=False)
        elif _images_only(after):
            figure_from(after, caption, caption_first=True)


def figure_from(images: Element, caption: Element, *, caption_first: bool) -> Element:
    """Replace the paragraph ``images`` and the paragraph ``caption`` by one ``<figure>``, in their order."""
    figure = lxml.html.Element("figure")
    (caption if caption_first else images).addprevious(figure)
    figcaption = lxml.html.Element("figcaption")
    figcaption.text = caption.text
    figcaption.extend(list(caption))
    pictures = list(images)
    figure.extend([figcaption, *pictures] if caption_first else [*pictures, figcaption])
    images.drop_tree()
    caption.drop_tree()
    return figure


# --- tables -------------------------------------------------------------------------------------


def _cells(row: Element) -> list[Element]:
    return [cell for cell in row if cell.tag in {"td", "th"}]


def _wholly_bold(cell: Element) -> bool:
    """Whether all the text of ``cell`` is inside ``<strong>`` or ``<b>``."""
    bold = cell.xpath(".//*[self::strong or self::b][not(ancestor::strong or ancestor::b)]")
    text = "".join(cell.text_content().split())
    return bool(text) and text == "".join("".join(b.text_content().split()) for b in bold)


def _rows(table: Element) -> list[Element]:
    return list(table.xpath("./tr|./tbody/tr"))


def mark_table_headers(root: Element) -> None:
    """Make a table's first row its header (``<thead>``, ``<th>``) when it is wholly bold and the
    table has a later row that is not; tables with a header already are left as they are."""
    for table in list(root.iter("table")):
        if table.find("thead") is not None or table.xpath("./tr[th]|./tbody/tr[th]"):
            continue
        rows = _rows(table)
        if len(rows) < 2:
            continue
        if not _row_is_bold(rows[0]) or all(_row_is_bold(row) for row in rows[1:]):
            continue
        head_row(table, rows[0])


def _row_is_bold(row: Element) -> bool:
    filled = [cell for cell in _cells(row) if text_of(cell) or cell.find(".//img") is not None]
    return bool(filled) and all(_wholly_bold(cell) for cell in filled)


def head_row(table: Element, row: Element) -> None:
    """Move ``row`` into a ``<thead>`` at the top of ``table``, its cells ``<th>`` (without the bold
    that marked them: header cells are bold already)."""
    parent = row.getparent()
    if parent.tag == "table":
        body = lxml.html.Element("tbody")
        first = _rows(table)[0]
        first.addprevious(body)
        for other in _rows(table):
            if other.getparent() is table:
                body.append(other)
    thead = lxml.html.Element("thead")
    table.insert(_head_position(table), thead)
    thead.append(row)
    for cell in _cells(row):
        cell.tag = "th"
        for bold in cell.xpath(".//*[self::strong or self::b]"):
            bold.drop_tag()


def _head_position(table: Element) -> int:
    """Where a ``<thead>`` goes: after a ``<caption>`` and column groups."""
    position = 0
    for index, child in enumerate(table):
        if child.tag in {"caption", "colgroup", "col"}:
            position = index + 1
    return position


__all__ = ["build_draft", "head_row", "make_figures", "mark_table_headers", "take_byline"]
