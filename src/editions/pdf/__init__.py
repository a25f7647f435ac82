"""The PDF stage: an edition in, a print-ready PDF pamphlet out (rendered by WeasyPrint).

In: an :class:`~editions.model.Edition`, a style (name or :class:`~editions.styles.Style`), a
paper size, an optional body font size and the open-right option. Out: a PDF file (written
atomically; by default ``dist/<edition-slug>.pdf``) and a :class:`PdfResult` with its path and
page count; with ``keep_html`` also the complete print HTML beside it (``<stem>.print.html``),
which the ``weasyprint`` command renders as is. :func:`make_pdf` is the stage; its modules, in
the order a build goes through them:

- :mod:`~editions.pdf.printhtml`: the edition → the print HTML (page geometry, style CSS, options);
  :mod:`~editions.pdf.qr` draws the Sources page's QR codes for it;
- :mod:`~editions.pdf.render`: rendering one document with WeasyPrint and the restricted fetcher
  (the whole edition at once, for editions under :data:`PARALLEL_MIN_ARTICLES` articles);
- for larger ones, :mod:`~editions.pdf.parts`, the build in parts: :mod:`~editions.pdf.book` cuts
  the HTML into parts and places their pages (:mod:`~editions.pdf.stylescan` reads the style for
  the skeletons), :mod:`~editions.pdf.pool` renders them in worker
  processes (or takes them from the cache, :mod:`editions.cache`), :mod:`~editions.pdf.merge`
  writes the book with one font program per face (:mod:`~editions.pdf.fontplan`);
- :mod:`~editions.pdf.weasyfix`: all that editions assumes of WeasyPrint beyond its public API
  (and :mod:`~editions.pdf.libraries`, imported first: WeasyPrint's import without a library search);
  :mod:`~editions.pdf.objects`: PDF values for pydyf.

Imports go one way, down this list's dependencies: ``__init__`` → ``parts`` → ``merge``
(→ ``fontplan``), ``pool``, ``book`` (→ ``stylescan``); ``pool`` → ``render`` → ``weasyfix`` → ``objects``;
``printhtml`` → ``qr`` → ``pool``.
"""

from __future__ import annotations

import logging
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..attribution import check_attribution
from ..cache import PartCache, default_cache_dir
from ..errors import EditionsError
from ..html import default_output
from ..inputs import check_edition_outputs
from ..limits import check_edition
from ..model import Edition
from ..paper import PaperSize, page_geometry
from ..resources import ResourceLoader, ResourcePolicy
from ..styles import Style
from ..textio import write_atomic
from . import libraries  # noqa: F401  (first: it imports WeasyPrint without a library search)
from .parts import build as build_in_parts
from .pool import environment_jobs, fewer_collections
from .printhtml import base_url, print_options, render_print_html, resolve_style, style_css
from .qr import qr_codes, qr_svg, valid_qr_svg
from .render import Progress, Reporter, RestrictedFetcher, render_document, write_document

__all__ = [
    "MAX_PDF_TEXT",
    "MAX_PDF_TEXT_IN_PARTS",
    "PARALLEL_MIN_ARTICLES",
    "PdfResult",
    "Progress",
    "RestrictedFetcher",
    "check_length",
    "make_pdf",
    "print_options",
    "qr_svg",
    "render_document",
    "render_print_html",
    "style_css",
    "valid_qr_svg",
]

log = logging.getLogger("editions")


@dataclass(frozen=True)
class PdfResult:
    """What :func:`make_pdf` wrote, and how: ``parts`` is 0 for a render in one piece, else the number
    of parts (see :mod:`editions.pdf.parts`), of which ``rendered`` were rendered and ``cached`` came
    from the cache (counting the skeletons and front matter too); ``page_keys`` (a build in parts
    only) a key per page, the same for a page that looks the same (see :func:`editions.pdf.merge.merge`)."""

    path: Path
    pages: int
    html_path: Path | None = None
    parts: int = 0
    rendered: int = 0
    cached: int = 0
    page_keys: tuple[str, ...] = ()


#: The most layout work one PDF may take: characters of text, a footnote counting as
#: :data:`FOOTNOTE_COST` more (measured on one core: about 45,000 characters or 70 footnotes a
#: second, so about 1,000 A5 pages in 45 s). Longer editions stop with an error before layout.
MAX_PDF_TEXT = 2_000_000
#: The same limit for editions rendered in parts (:mod:`editions.pdf.parts`): each part is laid out
#: by its own process, so time grows linearly and memory stays bounded; only the sum is capped here
#: (about 8,000 A5 pages), one article still being held to :data:`MAX_PDF_TEXT`.
MAX_PDF_TEXT_IN_PARTS = 8 * MAX_PDF_TEXT
FOOTNOTE_COST = 500
_TAGS = re.compile(r"<[^>]*>")


def check_length(edition: Edition, limit: int = MAX_PDF_TEXT) -> None:
    """Refuse an edition too long to lay out in reasonable time, naming its longest article.

    The counts of what else costs layout time (blocks, list items, table cells …) are checked first
    (:func:`editions.limits.check_edition`).

    ``limit`` is for the whole edition (:data:`MAX_PDF_TEXT_IN_PARTS` when it is rendered in parts);
    no article may exceed :data:`MAX_PDF_TEXT` either way.
    """
    check_edition(edition, in_parts=limit > MAX_PDF_TEXT)  # blocks, footnotes, images …
    costs = []
    for article in edition.articles:
        chars = len(_TAGS.sub("", article.body_html)) + sum(len(_TAGS.sub("", n)) for n in article.footnotes)
        costs.append((chars + FOOTNOTE_COST * len(article.footnotes), chars, len(article.footnotes), article))
    total = sum(c[0] for c in costs)
    if total <= limit and max((c[0] for c in costs), default=0) <= MAX_PDF_TEXT:
        return
    limit = limit if total > limit else MAX_PDF_TEXT
    _, chars, notes, longest = max(costs, key=lambda c: c[0])
    size = f"{chars:,} characters" + (f" and {notes:,} footnotes" if notes else "")
    whole = "" if len(costs) == 1 else f" (with the other articles: {total:,})"
    counting = f", a footnote counting as {FOOTNOTE_COST}" if any(c[2] for c in costs) else ""
    raise EditionsError(
        f"too long for one PDF: {size}{whole}; the limit is {limit:,} characters (about "
        f"{limit // 2000:,} A5 pages{counting}): split it into several editions",
        longest.path or longest.title,
    )


def _usable_cache(folder: Path) -> bool:
    """Whether the cache folder can be created and written; if not, one warning (the build goes on
    without a cache)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-"):
            pass
    except OSError as exc:
        reason = "not a folder" if folder.exists() and not folder.is_dir() else exc.strerror or str(exc)
        log.warning("%s: cannot use this cache folder (%s); building without a cache", folder, reason)
        return False
    return True


#: Editions with at least this many articles are rendered in parts (see :mod:`editions.pdf.parts`)
#: unless ``parallel`` says otherwise: the parts are laid out on every core, at the cost of the
#: skeletons, the front matter's probe and the merge (about a third more CPU time for 10 articles);
#: below it, one render is about as fast (measured: bench/RESULTS.md).
PARALLEL_MIN_ARTICLES = 6


@fewer_collections()
def make_pdf(
    edition: Edition,
    out: str | Path | None = None,
    *,
    style: Style | str | None = None,
    paper: str | PaperSize | None = None,
    font_size: float | None = None,
    open_right: bool | None = None,
    keep_html: bool = False,
    progress: Progress | None = None,
    jobs: int | None = None,
    cache: bool = True,
    cache_dir: str | Path | None = None,
    parallel: bool | None = None,
    allow_remote_images: bool = False,
    require_sources: bool | None = None,
    archive: bool | None = None,
    small_parts: bool = False,
) -> PdfResult:
    """Write the edition as a print-ready PDF (see the module docstring) and say where and how long.

    Large editions (:data:`PARALLEL_MIN_ARTICLES` articles or more, or any with ``parallel=True``)
    are rendered in parts by ``jobs`` worker processes (default: one per CPU) and merged; the parts
    are kept in a cache (``cache_dir``, default :func:`editions.cache.default_cache_dir`; none with
    ``cache=False``) so that a rebuild renders only what changed. ``parallel=False`` renders the
    whole document at once. Either way the book is the same. ``allow_remote_images`` lets articles'
    ``http(s)`` images be fetched and embedded (see :mod:`editions.resources`). ``paper``,
    ``font_size`` and ``open_right`` left as ``None`` come from the edition's ``[pdf]`` settings,
    else the defaults (A5, the paper's body size, no). Articles without a source, or with guessed
    ones, are warned about first; ``require_sources`` (default: the edition's setting) makes a
    missing source an error instead (see :func:`~editions.attribution.check_attribution`), once the
    options and the edition's length are known to be fine. The PDF is tagged (structure, language,
    reading order); ``archive`` (default: the edition's ``[pdf] archive``, else no) makes it a PDF/A-2b.
    ``small_parts`` renders a build in parts one article per part, so that a rebuild after an edit
    renders the least (the web app's builds; see :func:`editions.pdf.parts.build`).

    ``out`` defaults to ``dist/<slug>.pdf``; ``style`` is a style name, folder or :class:`Style`
    (default: the edition's, else ``default``); ``keep_html`` also writes the print HTML beside
    the PDF; ``progress`` is called with a message now and then once a build takes a while.
    Returns a :class:`PdfResult` (where the PDF went, its page count, and for a build in parts how
    many were rendered and how many came from the cache). Raises :class:`EditionsError` for a bad
    option (paper, font size, jobs), an unknown style, an edition too long, a missing source when
    sources are required, a rendering that fails, or an output that cannot be written.
    """
    report = Reporter(progress)
    resolved = resolve_style(edition, style)
    paper, font_size, open_right = print_options(edition, paper, font_size, open_right, resolved)
    target = Path(out) if out else default_output(edition, ".pdf")
    if target.exists() and target.is_dir():
        raise EditionsError("is a folder; give a file name for the PDF", target)
    if jobs is not None and jobs < 1:
        raise EditionsError(f"--jobs must be 1 or more, not {jobs}")
    html_target = target.with_name(f"{target.stem}.print.html") if keep_html else None
    check_edition_outputs(edition, [target, html_target], resolved)
    in_parts = parallel if parallel is not None else len(edition.articles) >= PARALLEL_MIN_ARTICLES
    in_parts = in_parts and not resolved.settings.run_on  # parts start each article on a new page
    check_length(edition, MAX_PDF_TEXT_IN_PARTS if in_parts else MAX_PDF_TEXT)
    check_attribution(edition, require_sources=require_sources)
    archive = bool(edition.pdf.archive) if archive is None else archive
    report(f"rendering {len(edition.articles)} article(s)…")
    loader = ResourceLoader(edition.root, ResourcePolicy(allow_remote_images=allow_remote_images))
    folder = (Path(cache_dir) if cache_dir else default_cache_dir()) if cache and in_parts else None
    if folder is not None and not _usable_cache(folder):
        folder = None
    workers = 1
    if in_parts:
        workers = environment_jobs(jobs)
    with qr_codes(folder, [a.source.url for a in edition.articles if a.source.url], workers):
        html = render_print_html(
            edition, style=resolved, paper=paper, font_size=font_size, open_right=open_right, resources=loader
        )
    roots = [*resolved.roots]
    if edition.root is not None:
        roots.insert(0, edition.root)
    files = [edition.cover] if edition.cover is not None else []
    html_path = None
    if keep_html:
        html_path = write_atomic(html_target or target.with_name(f"{target.stem}.print.html"), html)
    if in_parts:
        store = PartCache(folder) if folder is not None else None
        if store is not None:
            store.remove_stale_temporaries()
        built = build_in_parts(
            html,
            target,
            base_url=base_url(edition),
            roots=[Path(r).resolve() for r in roots],
            files=[Path(f).resolve() for f in files],
            geometry=page_geometry(paper, font_size),
            open_right=open_right,
            jobs=environment_jobs(jobs),
            cache=store,
            report=report,
            archive=archive,
            small_parts=small_parts,
        )
        if built is not None:
            if store is not None and store.writes:
                store.prune()
            report(f"done: {built.rendered} parts rendered, {built.cached} from the cache")
            return PdfResult(
                target,
                built.pages,
                html_path,
                built.parts,
                built.rendered,
                built.cached,
                tuple(built.page_keys),
            )
        check_length(edition)  # in one piece after all: the limit of one render
    document, problems = render_document(
        html,
        base_url=base_url(edition),
        roots=roots,
        files=files,
        progress=report,
        articles=[(a.slug, a.title) for a in edition.articles],
    )
    for problem in problems:
        log.warning("%s", problem)
    pages = len(document.pages)
    report(f"writing {pages} pages to {target}…")
    write_document(document, target, archive=archive)
    return PdfResult(path=target, pages=pages, html_path=html_path)
