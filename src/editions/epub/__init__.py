"""The EPUB stage: an edition and a style in, an EPUB 3 collection out.

In: an :class:`~editions.model.Edition`, a :class:`~editions.styles.Style` (its ``templates/epub/``
XHTML templates, its CSS for the ``epub`` medium, its ``fonts/``) and options. Out: one EPUB 3 file
that EPUBCheck accepts without a warning, byte-identical for the same input and ``SOURCE_DATE_EPOCH``.

The book holds a cover image (the edition's own ``cover``, else one drawn in the style's colours and
fonts) and its XHTML page, a title page, the navigation document (contents with every article and
its sections, landmarks) which is also the visible contents page, an NCX for older readers, one XHTML
document per article (footnotes as EPUB 3 ``footnote`` asides), Sources and a colophon.

:func:`make_epub` is the stage; its modules, in the order a build goes through them:

- :mod:`~editions.epub.book`: the builder: the documents rendered by Jinja2 from the style's
  ``epub/*.xhtml`` templates, the package's metadata, the identifier and the build time;
- :mod:`~editions.epub.chapters`: the templates' data (articles, contents entries); article bodies
  come from :func:`editions.html.prepare_article` and are rebuilt as namespaced XHTML by
  :mod:`~editions.epub.xhtml` (headings one level down, since the article title is an ``<h2>``
  under the book's ``<h1>``; the images :mod:`editions.resources` allows packed by
  :mod:`~editions.epub.files`, the others left out; links that cannot work in the book unwrapped);
- :mod:`~editions.epub.fonts`: the style's fonts packed with ``--embed-fonts``;
- :mod:`~editions.epub.cover`: the cover drawn in the style's colours and fonts;
- :mod:`~editions.epub.package`: ebooklib assembles the package document and the container; the zip
  is then rewritten with fixed timestamps, order and permissions.
"""

from __future__ import annotations

from pathlib import Path

from ..attribution import check_attribution
from ..html import default_output
from ..inputs import check_edition_outputs
from ..model import Edition
from ..resources import ResourceLoader, ResourcePolicy
from ..styles import Style, load_style
from ..textio import write_atomic
from .book import Builder


def make_epub(
    edition: Edition,
    out: str | Path | None = None,
    *,
    style: Style | str | None = None,
    embed_fonts: bool = False,
    allow_remote_images: bool = False,
    require_sources: bool | None = None,
) -> Path:
    """Write the EPUB 3 edition to ``out`` (default ``dist/<slug>.epub``) atomically and return its path.

    ``style`` is a style name, folder or :class:`Style` (default: the edition's, else ``default``);
    ``embed_fonts`` packs the style's bundled fonts (unmodified, with their licences) and uses them;
    ``allow_remote_images`` lets articles' ``http(s)`` images be fetched and packed (see
    :mod:`editions.resources`, which decides which images every output may use).
    Articles without a source, or with guessed ones, are warned about first; ``require_sources``
    (default: the edition's setting) makes a missing source an error instead (see
    :func:`~editions.attribution.check_attribution`). Returns the path of the EPUB written.
    Raises :class:`EditionsError` for an unknown style, a missing or unreadable cover image, a
    template error, a missing source when sources are required, or an output that cannot be
    written.
    """
    target = Path(out) if out else default_output(edition, ".epub")
    resolved = style if isinstance(style, Style) else load_style(style or edition.style, edition.root)
    check_edition_outputs(edition, [target], resolved)
    check_attribution(edition, require_sources=require_sources)
    loader = ResourceLoader(edition.root, ResourcePolicy(allow_remote_images=allow_remote_images))
    return write_atomic(
        target, render_epub(edition, style=resolved, embed_fonts=embed_fonts, resources=loader)
    )


def render_epub(
    edition: Edition,
    *,
    style: Style | str | None = None,
    embed_fonts: bool = False,
    resources: ResourceLoader | None = None,
) -> bytes:
    """The EPUB file's bytes (see :func:`make_epub`); ``resources`` loads the articles' images."""
    resolved = style if isinstance(style, Style) else load_style(style or edition.style, edition.root)
    return Builder(edition, resolved, embed_fonts=embed_fonts, resources=resources).build()


__all__ = ["make_epub", "render_epub"]
