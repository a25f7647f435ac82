"""Word files (``.docx``): the body through mammoth, the metadata from the document itself.

In: the bytes of a ``.docx`` file. Out: a :class:`~editions.readers.Draft` whose body is HTML
made by mammoth from the document's *styles* (so what a writer marked as "Heading 1" becomes a
heading, whatever it looks like): headings (the top level made ``<h2>``), bulleted and numbered
lists, tables, quotes (the "Quote", "Intense Quote" and "Block Text" styles), bold and italic,
links and images (as ``data:`` URIs, which the sanitiser caps in size). Footnotes and endnotes
become the project's ``<sup class="fn" data-fn="N">`` markers, numbered in reading order, with
their texts in ``Draft.footnotes``. Comments are left out.

Metadata, each field from the first of these that gives it:

- a YAML front matter block typed at the top of the document (a ``---`` paragraph, ``key: value``
  paragraphs, a closing ``---`` paragraph), as in Markdown files;
- the paragraphs styled "Title", "Subtitle", "Author" and "Date" at the top (Word's and pandoc's
  styles);
- the document properties (``docProps/core.xml``): title, author(s) (``dc:creator``, split at
  ``;``), creation date, language; placeholder values such as "Microsoft Office User" or
  "Document1" are ignored;
- a single "Heading 1" at the very start of a document with no other title.

A file that is not a Word document (another zip, a truncated download, an old binary ``.doc``)
raises :class:`~editions.errors.EditionsError` naming the file.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import zipfile
from pathlib import Path

import lxml.etree as etree
import lxml.html

from ..errors import EditionsError
from . import Draft, apply_front_matter
from .frontmatter import split_front_matter
from .webpage import language_tag, parse_meta_date, shift_headings, split_authors

log = logging.getLogger("editions")

MAX_UNCOMPRESSED = 200 * 1024 * 1024
"""Largest total size of the parts inside a ``.docx`` (a guard against zip bombs)."""
MAX_DOCUMENT_XML = 40 * 1024 * 1024
"""Largest ``word/document.xml`` (about 2,000 pages of text; mammoth holds it all in memory as a DOM)."""

STYLE_MAP = """
p[style-name='Title'] => h1.editions-title:fresh
p[style-name='Subtitle'] => p.editions-subtitle:fresh
p[style-name='Author'] => p.editions-author:fresh
p[style-name='Date'] => p.editions-date:fresh
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
p[style-name='Block Text'] => blockquote > p:fresh
"""

PLACEHOLDER_AUTHORS = {
    "python-docx", "microsoft office user", "microsoft office-anwender", "utilisateur de microsoft office",
    "administrator", "admin", "user", "windows user", "unknown", "author", "owner", "pandoc", "libreoffice",
}  # fmt: skip
PLACEHOLDER_TITLE = re.compile(
    r"(?i)\A(?:document\s*\d*|doc\d+|untitled.*|microsoft word\b.*|title|sans titre.*)\Z"
)

_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
}
_NOTE_ID = re.compile(r"#((?:foot|end)note-[\w-]+)\Z")


def read(data: bytes, path: Path) -> Draft:
    """Read a Word document (the registry's ``.docx`` reader; takes bytes)."""
    archive = _open(data, path)
    html = _convert(data, path)
    core = _core_properties(archive, path)
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    draft = Draft()
    draft.footnotes = _take_notes(root)
    front = _take_front_matter(root, path)
    styled = _take_styled(root)
    _tidy(root)
    draft.title = styled.get("title") or core.get("title")
    draft.subtitle = styled.get("subtitle")
    authors = styled.get("authors") or core.get("authors")
    draft.authors = tuple(authors) if authors else ()
    draft.date = styled.get("date") or core.get("date")
    draft.lang = core.get("lang")
    if not draft.title and not front.get("title"):
        draft.title = _take_sole_heading(root)
    elif draft.title:
        _drop_heading_equal_to(root, draft.title)
    shift_headings(root)
    draft.body_html = "".join(lxml.html.tostring(child, encoding="unicode") for child in root)
    if root.text and root.text.strip():
        draft.body_html = f"<p>{_escape(root.text.strip())}</p>" + draft.body_html
    return apply_front_matter(draft, front)


read.binary = True  # type: ignore[attr-defined]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _open(data: bytes, path: Path) -> zipfile.ZipFile:
    """The document as a zip archive, checked to be a Word document of reasonable size."""
    if not data.startswith(b"PK"):
        hint = " (an old .doc file? save it as .docx)" if data.startswith(b"\xd0\xcf\x11\xe0") else ""
        raise EditionsError(f"not a Word .docx file{hint}", path)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        total = sum(info.file_size for info in archive.infolist())
        body_size = archive.getinfo("word/document.xml").file_size if "word/document.xml" in names else 0
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise EditionsError(f"not a Word .docx file, or a damaged one ({exc})", path) from None
    if "word/document.xml" not in names:
        raise EditionsError("not a Word .docx file (a zip archive without word/document.xml)", path)
    if total > MAX_UNCOMPRESSED or body_size > MAX_DOCUMENT_XML:
        raise EditionsError(f"the document is too large once unpacked ({total // (1024 * 1024)} MB)", path)
    return archive


def _convert(data: bytes, path: Path) -> str:
    import mammoth

    try:
        # Never open a file or URL an image is *linked* to (only images inside the document are read).
        result = mammoth.convert_to_html(io.BytesIO(data), style_map=STYLE_MAP, external_file_access=False)
    except Exception as exc:  # mammoth raises whatever a damaged part provokes
        raise EditionsError(f"cannot read the Word document ({type(exc).__name__}: {exc})", path) from None
    for message in result.messages:
        log.debug("%s: %s", path, message.message)
    return result.value or ""


def _core_properties(archive: zipfile.ZipFile, path: Path) -> dict[str, object]:
    """Title, authors, date and language from ``docProps/core.xml`` (placeholders left out)."""
    try:
        raw = archive.read("docProps/core.xml")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        return {}
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError:
        log.warning("%s: the document properties are damaged; ignored", path)
        return {}

    def value(name: str) -> str:
        element = root.find(name, _NS)
        return " ".join((element.text or "").split()) if element is not None else ""

    out: dict[str, object] = {}
    title = value("dc:title")
    if title and not PLACEHOLDER_TITLE.match(title):
        out["title"] = title
    creator = value("dc:creator")
    authors = [name for name in split_authors(creator) if name.lower() not in PLACEHOLDER_AUTHORS]
    if authors:
        out["authors"] = tuple(authors)
    if creator.lower() not in {"python-docx"}:
        date = parse_meta_date(value("dcterms:created"))
        if date and date <= dt.date.today():
            out["date"] = date
    lang = language_tag(value("dc:language"))
    if lang:
        out["lang"] = lang
    return out


def _take_notes(root: lxml.html.HtmlElement) -> list[str]:
    """Replace mammoth's note references by the project's markers; return the notes in order."""
    notes: dict[str, lxml.html.HtmlElement] = {}
    for item in root.xpath(".//li[starts-with(@id, 'footnote-') or starts-with(@id, 'endnote-')]"):
        notes[item.get("id")] = item
    order: dict[str, int] = {}
    for link in root.xpath(".//a[starts-with(@href, '#footnote-') or starts-with(@href, '#endnote-')]"):
        match = _NOTE_ID.match(link.get("href", ""))
        if not match or match.group(1) not in notes:
            continue
        number = order.setdefault(match.group(1), len(order) + 1)
        marker = etree.Element("sup", {"class": "fn", "data-fn": str(number)})
        marker.text = str(number)
        holder = link.getparent()
        target = holder if holder is not None and holder.tag == "sup" and len(holder) == 1 else link
        marker.tail = target.tail
        target.getparent().replace(target, marker)
    texts = []
    for note_id in order:
        item = notes[note_id]
        for back in item.xpath(
            ".//a[starts-with(@href, '#footnote-ref-') or starts-with(@href, '#endnote-ref-')]"
        ):
            back.drop_tree()
        parts = [lxml.html.tostring(child, encoding="unicode") for child in item]
        text = (item.text or "").strip()
        html = "".join(parts).strip()
        if text:
            html = f"<p>{_escape(text)}</p>{html}"
        texts.append(re.sub(r"\s+</p>", "</p>", re.sub(r"<p>\s+", "<p>", html)))
    for item in notes.values():
        parent = item.getparent()
        if parent is not None:
            parent.remove(item)
            if parent.tag in {"ol", "ul"} and not len(parent) and parent.getparent() is not None:
                parent.drop_tree()
    return texts


def _text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _take_front_matter(root: lxml.html.HtmlElement, path: Path) -> dict[str, object]:
    """A YAML block typed in the document's first paragraphs (``---`` … ``---``), removed from the body."""
    children = list(root)
    if not children or children[0].tag != "p" or _text(children[0]) != "---":
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


def _take_styled(root: lxml.html.HtmlElement) -> dict[str, object]:
    """Title, subtitle, authors and date from their paragraph styles, removed from the body."""
    out: dict[str, object] = {}
    authors: list[str] = []
    for element in root.xpath(".//*[starts-with(@class, 'editions-')]"):
        kind = element.get("class")
        text = _text(element)
        element.attrib.pop("class", None)
        if kind == "editions-title" and text and "title" not in out:
            out["title"] = text
        elif kind == "editions-subtitle" and text and "subtitle" not in out:
            out["subtitle"] = text
        elif kind == "editions-author" and text:
            authors.extend(split_authors(text))
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
        out["authors"] = tuple(authors)
    return out


def _tidy(root: lxml.html.HtmlElement) -> None:
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


def _take_sole_heading(root: lxml.html.HtmlElement) -> str | None:
    """The text of a first-block ``<h1>`` that is the document's only one, removed from the body."""
    children = list(root)
    h1s = root.findall(".//h1")
    if children and children[0].tag == "h1" and len(h1s) == 1 and _text(children[0]):
        title = _text(children[0])
        children[0].drop_tree()
        return title
    return None


def _drop_heading_equal_to(root: lxml.html.HtmlElement, title: str) -> None:
    children = list(root)
    if children and children[0].tag in {"h1", "h2"} and _text(children[0]).casefold() == title.casefold():
        children[0].drop_tree()


__all__ = ["read"]
