"""The package: an ebooklib book and its NCX in, the EPUB's zip out (the package document declaring
its language, ``mimetype`` first and stored, fixed order, timestamps and permissions)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import lxml.etree as etree
from ebooklib import epub

from .xhtml import XML_LANG

IBOOKS_PREFIX = "ibooks: http://vocabulary.itunes.apple.com/rdf/ibooks/vocabulary-extensions-1.0/"
ZIP_EPOCH = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)


class XhtmlItem(epub.EpubHtml):
    """An XHTML document rendered by our templates: ebooklib must not re-parse it (it would reformat text)."""

    def get_content(self, default: bytes | None = None) -> bytes:
        return bytes(self.content)


class Writer(epub.EpubWriter):
    """ebooklib's writer with our NCX and a package element that declares its language (and no
    redundant ``rendition:`` prefix: it is reserved in EPUB 3)."""

    def __init__(
        self,
        name: Any,
        book: epub.EpubBook,
        options: dict[str, Any],
        *,
        ncx: bytes,
        lang: str,
        prefixes: list[str],
    ) -> None:
        super().__init__(name, book, options)
        self._ncx = ncx
        self._lang = lang
        self._prefixes = prefixes

    def _get_ncx(self) -> bytes:
        return self._ncx

    def _write_opf(self) -> None:
        root = etree.Element(
            "package",
            {"xmlns": epub.NAMESPACES["OPF"], "unique-identifier": self.book.IDENTIFIER_ID, "version": "3.0"},
        )
        root.set(XML_LANG, self._lang)
        if self._prefixes:
            root.set("prefix", " ".join(self._prefixes))
        self._write_opf_metadata(root)
        ncx_id = self._write_opf_manifest(root)
        self._write_opf_spine(root, ncx_id)
        self._write_opf_file(root)


def reproducible_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite ebooklib's zip: ``mimetype`` first and stored, fixed order, timestamps and permissions."""
    stamp = max(when, ZIP_EPOCH).astimezone(dt.UTC)
    date_time = (
        stamp.year,
        stamp.month,
        stamp.day,
        stamp.hour,
        stamp.minute,
        stamp.second - stamp.second % 2,
    )
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    ordered = ["mimetype", *[n for n in names if n != "mimetype"]]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
                target.writestr(info, b"application/epub+zip")
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(info, source.read(name), compresslevel=9)
    return out.getvalue()
