"""OpenDocument text (``.odt``, as LibreOffice, OpenOffice, Google Docs and pandoc write it).

In: the bytes of an ``.odt`` file. Out: a :class:`~editions.readers.Draft` whose body is HTML made
from the document's structure and *styles*, read with odfdo (a maintained OpenDocument library on
lxml): headings (``text:h``; the top level made ``<h2>``), paragraphs, bulleted and numbered
lists (nested, numbered ones keeping their start), tables (header rows, merged cells), block
quotes (the "Quotations" and "Quote" styles), preformatted text, bold, italic, struck-through,
superscript and subscript text (from character styles or direct formatting), links, images stored
in the file (checked by the rules of :mod:`editions.resources` and embedded as ``data:`` URIs) and
captions: a LibreOffice caption frame (an image with its "Figure"/"Illustration" caption) or a
"Caption" paragraph next to an image becomes ``<figure>`` with ``<figcaption>``. Footnotes and
endnotes (``text:note``) become ``<sup class="fn" data-fn="N">`` markers numbered in reading
order, their texts in ``Draft.footnotes``. Comments, tracked deletions, tables of contents and
indexes (generated text) are left out; a text frame's paragraphs follow the paragraph it is
anchored in.

Metadata, field by field, as for Word files (:mod:`editions.readers.office`): front matter typed at
the top, then the "Title", "Subtitle", "Author" and "Date" paragraph styles (LibreOffice's and
pandoc's), then a byline ("By Ana Ruiz") or dateline paragraph under the title, then the document's
properties (``meta.xml``): ``dc:title``, the author as ``meta:initial-creator`` (who created the
file) else ``dc:creator`` (who saved it last), used only when no byline names the authors, the
creation date and ``dc:language``.

The body is converted by :mod:`~editions.readers.odtbody`, which asks
:mod:`~editions.readers.odtstyles` what each style means.

A file that is not an OpenDocument text (another zip, a spreadsheet, a truncated download) raises
:class:`~editions.errors.EditionsError` naming the file.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import EditionsError
from . import office
from .docx import PLACEHOLDER_AUTHORS, PLACEHOLDER_TITLE
from .draft import Draft
from .odtbody import Converter
from .pagemeta import language_tag, split_authors

if TYPE_CHECKING:
    from odfdo import Document

MAX_UNCOMPRESSED = 200 * 1024 * 1024
"""Largest total size of the parts inside an ``.odt`` (a guard against zip bombs)."""
MAX_CONTENT_XML = 40 * 1024 * 1024
"""Largest ``content.xml`` (about 2,000 pages of text)."""

TEXT_MIMETYPES = frozenset(
    {"application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.text-template"}
)


def read(data: bytes, path: Path) -> Draft:
    """Read an OpenDocument text (the registry's ``.odt`` reader; takes bytes)."""
    document = _open(data, path)
    try:
        converter = Converter(document, path)
        root = converter.body()
        properties = _properties(document)
    except EditionsError:
        raise
    except Exception as exc:  # odfdo and lxml raise whatever a damaged part provokes
        raise EditionsError(
            f"cannot read the OpenDocument file ({type(exc).__name__}: {exc})", path
        ) from None
    return office.build_draft(
        root, path, footnotes=converter.notes, properties=properties, kind="OpenDocument"
    )


read.binary = True  # type: ignore[attr-defined]


def _open(data: bytes, path: Path) -> Document:
    """The document, checked to be an OpenDocument text of reasonable size."""
    if not data.startswith(b"PK"):
        hint = " (an old .doc file? save it as .odt)" if data.startswith(b"\xd0\xcf\x11\xe0") else ""
        raise EditionsError(f"not an OpenDocument text (.odt) file{hint}", path)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            total = sum(info.file_size for info in archive.infolist())
            content = archive.getinfo("content.xml").file_size if "content.xml" in names else 0
            mimetype = (
                archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if "mimetype" in names
                else ""
            )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError) as exc:
        raise EditionsError(f"not an OpenDocument text (.odt) file, or a damaged one ({exc})", path) from None
    if "content.xml" not in names:
        raise EditionsError("not an OpenDocument text (.odt) file (a zip archive without content.xml)", path)
    if mimetype and mimetype not in TEXT_MIMETYPES:
        kind = (
            mimetype.rsplit(".", 1)[-1] if mimetype.startswith("application/vnd.oasis.opendocument.") else ""
        )
        what = f"an OpenDocument {kind}" if kind else f"a '{mimetype[:60]}' file"
        raise EditionsError(f"not an OpenDocument text: {what} (only text documents are articles)", path)
    if total > MAX_UNCOMPRESSED or content > MAX_CONTENT_XML:
        raise EditionsError(f"the document is too large once unpacked ({total // (1024 * 1024)} MB)", path)
    from odfdo import Document

    try:
        return Document(io.BytesIO(data))
    except Exception as exc:  # odfdo raises whatever a damaged archive provokes
        raise EditionsError(
            f"cannot read the OpenDocument file ({type(exc).__name__}: {exc})", path
        ) from None


def _properties(document: Document) -> dict[str, object]:
    """Title, authors, creation date and language from ``meta.xml`` (placeholders left out)."""
    if "meta.xml" not in document.parts:
        return {}
    meta = document.meta
    out: dict[str, object] = {}
    title = " ".join((meta.get_title() or "").split())
    if title and not PLACEHOLDER_TITLE.match(title):
        out["title"] = title
    for creator in (meta.get_initial_creator(), meta.get_creator()):
        names = [n for n in split_authors(creator or "") if n.lower() not in PLACEHOLDER_AUTHORS]
        if names:
            out["authors"] = tuple(names)
            break
    try:
        created = meta.get_creation_date()
    except ValueError:
        created = None
    if created is not None and created.date() <= dt.date.today():
        out["date"] = created.date()
    lang = language_tag(meta.get_language())
    if lang:
        out["lang"] = lang
    return out


__all__ = ["read"]
