"""editions: articles in, print and e-book editions out.

The public API::

    import editions
    edition = editions.load_edition(["articles"])
    editions.make_html(edition, "dist/edition.html")

Stages: readers (:func:`read_article`) → model (:class:`Article`, :class:`Edition`) →
typography → HTML (:func:`render_html`, :func:`make_html`).
"""

from __future__ import annotations

__version__ = "0.1.0"

from .edition import build_edition, load_edition
from .errors import EditionsError
from .html import make_html, render_html
from .model import Article, Edition, Source
from .readers import read_article
from .styles import Style, available_styles, load_style

__all__ = [
    "Article",
    "Edition",
    "EditionsError",
    "Source",
    "Style",
    "__version__",
    "available_styles",
    "build_edition",
    "load_edition",
    "load_style",
    "make_html",
    "read_article",
    "render_html",
]
