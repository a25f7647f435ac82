"""Readers: one module per input format, each turning a file into an :class:`~editions.model.Article`.

In: a path. Out: an :class:`Article` whose body is sanitised and typographically finished HTML.

Every reader produces a :class:`Draft` (metadata it found plus a raw HTML body and footnotes);
:func:`finish` is the single place where front matter overrides detection, the language is
detected, the HTML is sanitised (and its size checked against :mod:`editions.limits`) and
typography is applied (to the metadata too: titles, names,
publications), so every format gets the same treatment.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from pathlib import Path

from ..errors import EditionsError
from ..model import Article
from ..textio import decode_text, read_bytes, read_text
from .draft import Draft, apply_front_matter, finish

__all__ = [
    "Draft",
    "apply_front_matter",
    "draft_from_bytes",
    "finish",
    "read_article",
    "read_draft",
    "supported_suffixes",
]

log = logging.getLogger("editions")


#: The reader module per file ending; a module is imported when a file of its kind is read, so
#: an edition of Markdown files does not load the Word, OpenDocument and web page readers.
_READERS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".html": "webpage",
    ".htm": "webpage",
    ".docx": "docx",
    ".odt": "odt",
}


def _reader(suffix: str) -> Callable[..., Draft] | None:
    """The reader for a file ending, or ``None``. A reader takes ``(text, path)``, or ``(data, path)``
    with the file's bytes when it is marked ``binary`` (Word and OpenDocument files; web pages,
    which declare their own encoding)."""
    module = _READERS.get(suffix)
    if module is None:
        return None
    reader: Callable[..., Draft] = importlib.import_module(f".{module}", __name__).read
    return reader


def supported_suffixes() -> tuple[str, ...]:
    """File endings that :func:`read_article` accepts."""
    return tuple(_READERS)


def read_article(path: str | Path, *, lang: str | None = None) -> Article:
    """Read one article file.

    ``lang`` is the fallback language when the article gives none and detection is unsure.
    Raises :class:`EditionsError` for a missing, unreadable, empty or unsupported file.
    """
    path = Path(path)
    return finish(read_draft(path), path, fallback_lang=lang)


def read_draft(path: Path) -> Draft:
    """What the reader for ``path``'s format found, before :func:`finish` (the importer shows this)."""
    reader = _reader(path.suffix.lower())
    if reader is None:
        known = ", ".join(sorted(_READERS))
        raise EditionsError(
            f"unknown article format '{path.suffix or path.name}' (expected one of {known})", path
        )
    if getattr(reader, "binary", False):
        data = read_bytes(path)
        if not data.strip():
            raise EditionsError("the article is empty", path)
        return reader(data, path)
    text = read_text(path)
    if not text.strip():
        raise EditionsError("the article is empty", path)
    return reader(text, path)


def draft_from_bytes(data: bytes, suffix: str, name: Path) -> Draft:
    """What the reader for ``suffix`` (``.md``, ``.docx`` …) finds in ``data``, an article that is
    not a file (standard input); ``name`` stands for the file in messages."""
    reader = _reader(suffix)
    if reader is None:
        raise EditionsError(f"unknown article format '{suffix}'", name)
    if not data.strip():
        raise EditionsError("the article is empty", name)
    if getattr(reader, "binary", False):
        return reader(data, name)
    text = decode_text(data, name).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise EditionsError("the article is empty", name)
    return reader(text, name)
