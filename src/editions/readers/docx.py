"""Word files (``.docx``): the body through mammoth, the metadata from the document itself.

In: the bytes of a ``.docx`` file. Out: a :class:`~editions.readers.Draft` whose body is HTML
made by mammoth from the document's *styles* (so what a writer marked as "Heading 1" becomes a
heading, whatever it looks like): headings (the top level made ``<h2>``), bulleted and numbered
lists, tables (rows marked "Repeat as header row" as ``<thead>``), quotes (the "Quote", "Intense
Quote" and "Block Text" styles), bold and italic, links and images (as ``data:`` URIs, which the
sanitiser caps in size), "Caption" paragraphs next to an image as figure captions. Footnotes and
endnotes become the project's ``<sup class="fn" data-fn="N">`` markers, numbered in reading order,
with their texts in ``Draft.footnotes``. Comments are left out.

Metadata comes from a YAML front matter block typed at the top, the paragraphs styled "Title",
"Subtitle", "Author" and "Date" (Word's and pandoc's styles), a byline or dateline paragraph under
the title, and the document properties (``docProps/core.xml``: title, author(s) (``dc:creator``,
split at ``;``), creation date, language; placeholder values such as "Microsoft Office User" or
"Document1" are ignored), in the order :mod:`editions.readers.office` gives, which also turns
captions into figures and a wholly bold first table row into a header.

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
from . import office
from .draft import Draft
from .pagemeta import language_tag, parse_meta_date, split_authors

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
p[style-name='Caption'] => p.editions-caption:fresh
p[style-name='caption'] => p.editions-caption:fresh
p[style-name='Image Caption'] => p.editions-caption:fresh
p[style-name='Table Caption'] => p.editions-caption:fresh
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
    notes = _take_notes(root)
    return office.build_draft(root, path, footnotes=notes, properties=core, kind="Word")


read.binary = True  # type: ignore[attr-defined]


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
            html = f"<p>{office.escape(text)}</p>{html}"
        texts.append(re.sub(r"\s+</p>", "</p>", re.sub(r"<p>\s+", "<p>", html)))
    for item in notes.values():
        parent = item.getparent()
        if parent is not None:
            parent.remove(item)
            if parent.tag in {"ol", "ul"} and not len(parent) and parent.getparent() is not None:
                parent.drop_tree()
    return texts


__all__ = ["read"]
