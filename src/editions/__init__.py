"""editions: articles in, print and e-book editions out.

The public API::

    import editions
    edition = editions.load_edition(["articles"])
    editions.make_html(edition, "dist/edition.html")
    result = editions.make_pdf(edition, "dist/edition.pdf", paper="A5")
    editions.impose(result.path, "dist/edition-booklet.pdf", layout="booklet")
    editions.make_epub(edition, "dist/edition.epub")

Stages: readers (:func:`read_article`) → model (:class:`Article`, :class:`Edition`) →
typography → HTML (:func:`render_html`, :func:`make_html`) → PDF (:func:`make_pdf`) →
imposition (:func:`impose`); EPUB (:func:`make_epub`). The PDF, imposition and EPUB stages
are imported on first use, so ``make-html`` does not pay for loading WeasyPrint or pypdf.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from .edition import build_edition, load_edition
from .errors import EditionsError
from .html import make_html, render_html
from .model import Article, Edition, Evidence, PdfSettings, Source
from .readers import read_article
from .styles import Style, available_styles, describe_styles, load_style
from .version import __version__

if TYPE_CHECKING:
    from .epub import make_epub
    from .importer import import_articles
    from .impose import ImposeResult, impose
    from .paper import parse_paper
    from .pdf import PdfResult, make_pdf

_LAZY = {
    "make_pdf": "pdf",
    "PdfResult": "pdf",
    "parse_paper": "paper",
    "make_epub": "epub",
    "import_articles": "importer",
    "impose": "impose",
    "ImposeResult": "impose",
}

__all__ = [
    "Article",
    "Edition",
    "EditionsError",
    "Evidence",
    "ImposeResult",
    "PdfResult",
    "PdfSettings",
    "Source",
    "Style",
    "__version__",
    "available_styles",
    "build_edition",
    "describe_styles",
    "import_articles",
    "impose",
    "load_edition",
    "load_style",
    "make_epub",
    "make_html",
    "make_pdf",
    "parse_paper",
    "read_article",
    "render_html",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'editions' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)


class _Package(types.ModuleType):
    """This package's module: ``editions.impose`` stays the function. Importing the submodule of
    the same name (``from editions.impose import …``) would otherwise bind the name to the module."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "impose" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
