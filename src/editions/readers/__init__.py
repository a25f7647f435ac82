"""Readers: one module per input format, each turning a file into an :class:`~editions.model.Article`.

In: a path. Out: an :class:`Article` whose body is sanitised and typographically finished HTML.

Every reader produces a :class:`Draft` (metadata it found plus a raw HTML body and footnotes);
:func:`finish` is the single place where front matter overrides detection, the language is
detected, the HTML is sanitised (and its size checked against :mod:`editions.limits`) and
typography is applied (to the metadata too: titles, names,
publications), so every format gets the same treatment.
"""

from __future__ import annotations

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


def _registry() -> dict[str, Callable[..., Draft]]:
    """Reader per file ending. A reader takes ``(text, path)``, or ``(data, path)`` with the file's
    bytes when it is marked ``binary`` (Word and OpenDocument files; web pages, which declare their
    own encoding)."""
    from . import docx, markdown, odt, text, webpage

    return {
        ".md": markdown.read,
        ".markdown": markdown.read,
        ".txt": text.read,
        ".text": text.read,
        ".html": webpage.read,
        ".htm": webpage.read,
        ".docx": docx.read,
        ".odt": odt.read,
    }


def supported_suffixes() -> tuple[str, ...]:
    """File endings that :func:`read_article` accepts."""
    return tuple(_registry())


def read_article(path: str | Path, *, lang: str | None = None) -> Article:
    """Read one article file.

    ``lang`` is the fallback language when the article gives none and detection is unsure.
    Raises :class:`EditionsError` for a missing, unreadable, empty or unsupported file.
    """
    path = Path(path)
    return finish(read_draft(path), path, fallback_lang=lang)


def read_draft(path: Path) -> Draft:
    """What the reader for ``path``'s format found, before :func:`finish` (the importer shows this)."""
    reader = _registry().get(path.suffix.lower())
    if reader is None:
        known = ", ".join(sorted(_registry()))
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
    reader = _registry().get(suffix)
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
