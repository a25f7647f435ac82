"""The PDF stage: an edition in, a print-ready PDF pamphlet out (rendered by WeasyPrint).

In: an :class:`~editions.model.Edition`, a style (name or :class:`~editions.styles.Style`), a
paper size, an optional body font size and the open-right option. Out: a PDF file (written
atomically; by default ``dist/<edition-slug>.pdf``) and a :class:`PdfResult` with its path and
page count; with ``keep_html`` also the complete print HTML beside it (``<stem>.print.html``),
which the ``weasyprint`` command renders as is.

The print HTML is the same template as the HTML edition (``medium="print"``) with, around the
style's print CSS, two generated blocks: the page geometry (paper size, margins wider on the
binding side, a body size and measure suited to the paper) *before* the style's CSS, so a style
may change it, and the user's explicit choices (``--paper``, ``--font-size``, ``--open-right``)
*after* it, so they win. Relative ``url()`` references in the style's CSS become absolute
``file:`` URLs, and a ``<base>`` element points at the edition's folder, so the HTML renders the
same from wherever it is written.

Resources are fetched only through :class:`RestrictedFetcher`: files under the edition's folder
and the style's folders, and ``data:`` URIs; raster images are checked for size and pixel count
first. No network, no other files, no PDF attachments. Article images never reach it as files or
URLs: :mod:`editions.resources` embeds the ones an article may use as ``data:`` URIs beforehand.
With ``SOURCE_DATE_EPOCH`` set the output is byte-identical from one build to the next.

Paper sizes and margins come from :mod:`editions.paper`; before each render
:mod:`editions.weasyfix` corrects a WeasyPrint footnote bug and reports each page laid out.
"""

from __future__ import annotations

import contextlib
import logging
import math
import mimetypes
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import pydyf
import segno
import weasyprint
from markupsafe import Markup, escape
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import weasyfix
from .attribution import check_attribution
from .errors import EditionsError
from .html import default_output, render_html
from .inputs import check_edition_outputs
from .limits import check_edition
from .model import Edition
from .paper import (
    PageGeometry,
    PaperSize,
    num,
    page_geometry,
)
from .resources import ImageRefused, ResourceLoader, ResourcePolicy, check_image
from .styles import Style, load_style
from .textio import atomic_path, write_atomic

log = logging.getLogger("editions")

Progress = Callable[[str], None]

#: What the restricted fetcher serves from the allowed folders.
RESOURCE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp", ".tif", ".tiff"}
    | {".ttf", ".otf", ".woff", ".woff2", ".css"}
)


# --- page geometry CSS ------------------------------------------------------------------------


def geometry_css(geometry: PageGeometry) -> str:
    """The page geometry block placed *before* the style's CSS (a style may override it)."""
    g = geometry
    return "\n".join(
        [
            "/* editions: page geometry for the paper (before the style's CSS, which may change it) */",
            ":root {",
            f"  --paper-width: {num(g.paper.width_mm)}mm;",
            f"  --paper-height: {num(g.paper.height_mm)}mm;",
            f"  --text-width: {num(g.text_width)}mm;",
            f"  --text-height: {num(g.text_height)}mm;",
            f"  --body-size: {num(g.font_size_pt)}pt;",
            f"  --body-align: {'justify' if g.justify else 'start'};",
            "}",
            f"@page {{ size: {g.paper.css}; margin: {num(g.top)}mm {num(g.outer)}mm"
            f" {num(g.bottom)}mm {num(g.inner)}mm; }}",
            f"@page :left {{ margin-left: {num(g.outer)}mm; margin-right: {num(g.inner)}mm; }}",
            f"@page :right {{ margin-left: {num(g.inner)}mm; margin-right: {num(g.outer)}mm; }}",
            "",
        ]
    )


def options_css(geometry: PageGeometry, *, font_size: float | None, open_right: bool) -> str:
    """The user's explicit choices, placed *after* the style's CSS so they win."""
    lines = [
        "/* editions: the options of this build (after the style's CSS) */",
        f"@page {{ size: {geometry.paper.css}; }}",
    ]
    if font_size is not None:
        lines.append(f":root {{ --body-size: {num(geometry.font_size_pt)}pt; }}")
        lines.append(f"html {{ font-size: {num(geometry.font_size_pt)}pt; }}")
    if open_right:
        lines.append("article.article { break-before: right; }")
    return "\n".join(lines) + "\n"


# --- style CSS with absolute URLs ------------------------------------------------------------

_CSS_URL = re.compile(r"""url\(\s*(?P<q>['"]?)(?P<url>[^'")]*)(?P=q)\s*\)""")


def style_css(style: Style, medium: str = "print") -> str:
    """The style's CSS for ``medium`` (as :meth:`Style.css`) with relative ``url()``\\ s made absolute.

    A relative URL is resolved from the folder of the CSS file that holds it (standard CSS), and
    if no file is there, through the style chain (:meth:`Style.find`), so a derived style can
    replace a font or image of the base style by giving the same path.
    """
    parts = []
    for folder in reversed(style.folders):
        for name in ("common.css", f"{medium}.css"):
            css_file = folder / "css" / name
            if css_file.is_file():
                text = css_file.read_text(encoding="utf-8")
                parts.append(f"/* {folder.name}/css/{name} */\n" + _absolute_urls(text, css_file, style))
    return "\n".join(parts)


def _absolute_urls(css: str, css_file: Path, style: Style) -> str:
    def replace(match: re.Match[str]) -> str:
        url = match.group("url").strip()
        if not url or url.startswith("#") or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url):
            return match.group(0)
        relative = unquote(url.split("#", 1)[0].split("?", 1)[0])
        candidates = [css_file.parent / relative] + [folder / "css" / relative for folder in style.folders]
        found = next((c for c in candidates if c.is_file()), candidates[0])
        return f'url("{found.resolve().as_uri()}")'

    return _CSS_URL.sub(replace, css)


# --- restricted fetching ---------------------------------------------------------------------


class RestrictedFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that serves only what an edition may use.

    Allowed: ``data:`` URIs, and ``file:`` URLs of regular files under one of ``roots`` (after
    resolving ``..`` and symbolic links), or listed in ``files``, whose suffix is an image, font
    or stylesheet type, with no hidden path component. Everything else (``http:``, ``https:``,
    ``ftp:``, other files) is refused without being touched; refused URLs are kept in
    :attr:`refused`.
    """

    def __init__(self, roots: Iterable[Path], files: Iterable[Path] = ()) -> None:
        super().__init__(timeout=5, allowed_protocols=("data",), allow_redirects=False, fail_on_errors=False)
        self.roots: tuple[Path, ...] = tuple(dict.fromkeys(Path(r).resolve() for r in roots))
        self.files: frozenset[Path] = frozenset(Path(f).resolve() for f in files)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            response = super().fetch(url, headers)
            content_type = response.content_type
            body = response.read()
            response.close()
            return self._checked(url, url, body, content_type)
        if scheme == "file":
            path = self.allowed_path(url)
            if path is not None:
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return self._checked(url, path.as_uri(), path.read_bytes(), content_type)
        self.refused.append(url)
        raise ValueError(
            f"refused {_short(url)}: only files of the edition's folder and the style's folders may be used"
        )

    def _checked(self, url: str, final_url: str, body: bytes, content_type: str) -> URLFetcherResponse:
        """The response, once a raster image in it passed :func:`editions.resources.check_image`."""
        if content_type.startswith("image/") and content_type != "image/svg+xml":
            try:
                check_image(body)
            except ImageRefused as exc:
                self.refused.append(url)
                raise ValueError(f"refused {_short(url)}: {exc}") from None
        return URLFetcherResponse(final_url, body=body, headers={"Content-Type": content_type})

    def allowed_path(self, url: str) -> Path | None:
        """The local file a ``file:`` URL names, if it may be read; else ``None``."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            return None
        raw = Path(url2pathname(parts.path))  # url2pathname decodes %XX once
        try:
            path = raw.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if not path.is_file() or path.suffix.lower() not in RESOURCE_SUFFIXES:
            return None
        if path in self.files:
            return path
        for root in self.roots:
            if path.is_relative_to(root):
                inside = path.relative_to(root).parts
                if not any(part.startswith(".") for part in inside):
                    return path
        return None


def _short(url: str, limit: int = 80) -> str:
    return url if len(url) <= limit else url[: limit - 1] + "…"


# --- QR codes ---------------------------------------------------------------------------------


#: QR codes already drawn in this process, by URL (see :func:`_qr_codes`, which fills it from the cache).
_QR_MEMO: dict[str, Markup] = {}

_NUMBER = r"[0-9]+(?:\.[0-9]+)?"
#: The only shape of SVG :func:`qr_svg` draws: a size, a scale and one path of moves and lines.
_QR_SHAPE = re.compile(
    rf'<svg role="img" aria-label="(?P<label>[^"<>]*)" width="(?P<w>{_NUMBER})mm" height="(?P=w)mm" '
    rf'viewBox="0 0 (?P=w) (?P=w)" class="qr-code"><path transform="scale\({_NUMBER}\)" stroke="#000" '
    r'd="[Mmhv0-9. -]*"/></svg>\n?'
)


def qr_svg(url: str) -> Markup:
    """A vector QR code for ``url`` as inline SVG, 24 to 32 mm wide with its quiet zone (denser: wider)."""
    if url in _QR_MEMO:
        return _QR_MEMO[url]
    code = segno.make(url, micro=False, error="m", boost_error=False)
    border = 2
    modules = code.symbol_size(border=border)[0]
    size_mm = min(32.0, max(24.0, modules * 0.6))
    scale = size_mm / modules
    svg = code.svg_inline(scale=round(scale, 4), unit="mm", border=border, svgclass="qr-code", lineclass=None)
    label = escape(url)
    drawn = _QR_MEMO[url] = Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))
    return drawn


def valid_qr_svg(text: str, url: str) -> Markup | None:
    """``text`` as markup if it has the shape :func:`qr_svg` draws for ``url`` (nothing else), else ``None``.

    What comes from the cache reaches the template only through this check: one ``<svg>`` labelled
    with ``url``, a size, and a path of numbers and line commands; no other element, attribute or text.
    """
    match = _QR_SHAPE.fullmatch(text)
    if match is None or match.group("label") != str(escape(url)):
        return None
    return Markup(text)


@contextlib.contextmanager
def _qr_codes(folder: Path | None, urls: Iterable[str], jobs: int = 1) -> Iterator[None]:
    """Draw the QR codes of ``urls`` beforehand (they take about 10 ms each), by ``jobs`` processes when
    there are many, and keep them in ``folder/qr`` across builds (none kept without a folder).

    A cached code is used only when its entry is intact (:func:`editions.cache.read_text_entry`) and
    it has the shape of a code drawn for its URL (:func:`valid_qr_svg`); else it is drawn again and
    the entry replaced.
    """
    from .cache import digest, read_text_entry, write_text_entry

    wanted = sorted(set(urls))
    keys = {url: digest("qr-2", segno.__version__, url) for url in wanted} if folder else {}
    stored: set[str] = set()
    for url, key in keys.items():
        assert folder is not None
        path = folder / "qr" / f"{key}.json"
        text = read_text_entry(path, key)
        drawn = valid_qr_svg(text, url) if text is not None else None
        if drawn is not None:
            stored.add(url)
            _QR_MEMO.setdefault(url, drawn)
    missing = [url for url in wanted if url not in _QR_MEMO]
    if jobs > 1 and len(missing) >= 32:
        from .parallel import stop_pool, worker_pool

        pool = worker_pool(jobs)
        try:
            chunk = math.ceil(len(missing) / jobs)
            for url, svg in zip(missing, pool.map(qr_svg, missing, chunksize=chunk), strict=True):
                _QR_MEMO[url] = Markup(svg)
        except BaseException:
            stop_pool(pool, abort=True)
            raise
        stop_pool(pool)
    yield
    for url, key in keys.items():
        if url in _QR_MEMO and url not in stored:
            assert folder is not None
            write_text_entry(folder / "qr" / f"{key}.json", key, str(_QR_MEMO[url]))


# --- rendering --------------------------------------------------------------------------------


def _resolve_style(edition: Edition, style: Style | str | None) -> Style:
    if isinstance(style, Style):
        return style
    return load_style(style or edition.style, edition.root)


def _keywords(edition: Edition) -> list[str]:
    seen: dict[str, None] = {}
    for article in edition.articles:
        for tag in article.tags:
            if tag.strip():
                seen.setdefault(tag.strip(), None)
    return list(seen)


def _base_url(edition: Edition) -> str | None:
    if edition.root is None:
        return None
    return edition.root.resolve().as_uri() + "/"


def print_options(
    edition: Edition, paper: str | PaperSize | None, font_size: float | None, open_right: bool | None
) -> tuple[str | PaperSize, float | None, bool]:
    """The paper, body size and open-right choice: the caller's, else the edition's, else the defaults."""
    settings = edition.pdf
    return (
        paper if paper is not None else settings.paper or "A5",
        font_size if font_size is not None else settings.font_size,
        open_right if open_right is not None else bool(settings.open_right),
    )


def render_print_html(
    edition: Edition,
    *,
    style: Style | str | None = None,
    paper: str | PaperSize | None = None,
    font_size: float | None = None,
    open_right: bool | None = None,
    resources: ResourceLoader | None = None,
) -> str:
    """The complete print HTML for ``edition``, which the ``weasyprint`` command renders as is.

    Article images are embedded as ``data:`` URIs by ``resources`` (see :func:`~editions.html.render_html`).
    ``paper``, ``font_size`` and ``open_right`` left as ``None`` come from the edition's ``[pdf]``
    settings, else the defaults (A5, the paper's body size, no).
    """
    paper, font_size, open_right = print_options(edition, paper, font_size, open_right)
    resolved = _resolve_style(edition, style)
    geometry = page_geometry(paper, font_size)
    css = "\n".join(
        [
            geometry_css(geometry),
            style_css(resolved, "print"),
            options_css(geometry, font_size=font_size, open_right=open_right),
        ]
    )
    printed = edition
    if not edition.description and edition.subtitle:
        printed = edition.replace(description=edition.subtitle)
    extra: dict[str, Any] = {
        "css": Markup(css),
        "qr": qr_svg,
        "keywords": _keywords(edition),
        "base_url": _base_url(edition),
        "paper": geometry.paper,
        "geometry": geometry,
        "open_right": open_right,
    }
    if edition.cover is not None:
        extra["cover_image"] = Path(edition.cover).resolve().as_uri()
    return render_html(printed, style=resolved, medium="print", extra=extra, resources=resources)


@dataclass(frozen=True)
class PdfResult:
    """What :func:`make_pdf` wrote, and how: ``parts`` is 0 for a render in one piece, else the number
    of parts (see :mod:`editions.parallel`), of which ``rendered`` were rendered and ``cached`` came
    from the cache (counting the skeletons and front matter too)."""

    path: Path
    pages: int
    html_path: Path | None = None
    parts: int = 0
    rendered: int = 0
    cached: int = 0


#: Progress is reported once a build has taken this many seconds, then at most once a second
#: for the messages that come often (pages).
PROGRESS_DELAY = 1.5
PROGRESS_INTERVAL = 1.0


class _Reporter:
    """Passes progress messages on once a build has taken longer than ``delay`` seconds."""

    def __init__(
        self, progress: Progress | None, delay: float | None = None, interval: float | None = None
    ) -> None:
        self.progress = progress
        self.start = time.monotonic()
        self.delay = PROGRESS_DELAY if delay is None else delay
        self.interval = PROGRESS_INTERVAL if interval is None else interval
        self.last = 0.0

    def __call__(self, message: str, *, throttle: bool = False) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if now - self.start < self.delay:
            return
        if throttle and now - self.last < self.interval:
            return
        self.last = now
        self.progress(message)


class _PageProgress:
    """Reports each page as WeasyPrint lays it out, with the article it has reached (by element id)."""

    def __init__(self, report: _Reporter, articles: Sequence[tuple[str, str]]) -> None:
        self.report = report
        self.articles = {id_: (number, title) for number, (id_, title) in enumerate(articles, 1)}
        self.total = len(articles)

    def __call__(self, number: int, page: Any) -> None:
        on_page = None  # the last article with a box on the page
        if self.articles:
            for box in page.descendants():
                element = getattr(box, "element", None)
                found = self.articles.get(element.get("id")) if element is not None else None
                if found is not None and (on_page is None or found[0] > on_page[0]):
                    on_page = found
        if on_page is None:
            self.report(f"laying out page {number}…", throttle=True)
        else:
            at, title = on_page
            title = title if len(title) <= 50 else title[:49].rstrip() + "…"
            self.report(f"laying out page {number}: article {at} of {self.total}, {title}", throttle=True)


class _WeasyLog(logging.Handler):
    """Collects WeasyPrint's warnings and errors during a build; turns layout steps into progress."""

    _AGAIN = re.compile(r"Step 5 - Creating layout - Repagination #(\d+)")

    def __init__(self, report: _Reporter) -> None:
        super().__init__(level=logging.INFO)
        self.report = report
        self.problems: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno >= logging.WARNING:
            self.problems.append(message)
            return
        if again := self._AGAIN.match(message):
            self.report(f"laying out again to settle page numbers (pass {int(again.group(1)) + 1})…")


@contextlib.contextmanager
def _captured_weasyprint_log(report: _Reporter) -> Iterator[_WeasyLog]:
    """Route WeasyPrint's log records to one handler for the duration of a build (then restore)."""
    logger = logging.getLogger("weasyprint")
    progress_logger = logging.getLogger("weasyprint.progress")
    handler = _WeasyLog(report)
    saved = (logger.propagate, progress_logger.level)
    logger.addHandler(handler)
    logger.propagate = False
    if report.progress is not None:
        progress_logger.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate, level = saved
        progress_logger.setLevel(level)


def _finish_pdf(document: Any, pdf: Any) -> None:
    """Open with the outline shown, pages as spreads (the cover alone) and the title in the window bar."""
    pdf.catalog["PageMode"] = "/UseOutlines"
    pdf.catalog["PageLayout"] = "/TwoPageRight"
    pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": "true"})


def _clean_links(document: Any) -> None:
    """Embed no file and leak no local path.

    Drops the files of ``<link rel=attachment>`` and the ``<a rel=attachment>`` links (WeasyPrint
    would embed what they point to), and links to ``file:`` URLs (a relative link in an article
    resolves against the edition's folder: a dead link on paper, a local path in the PDF).
    """
    document.metadata.attachments = []
    for page in document.pages:
        page.links[:] = [
            link
            for link in page.links
            if link[0] != "attachment"
            and not (link[0] == "external" and str(link[1]).lower().startswith("file:"))
        ]


def render_document(
    html: str,
    *,
    base_url: str | None,
    roots: Sequence[Path],
    files: Sequence[Path] = (),
    progress: Progress | None = None,
    fetcher: RestrictedFetcher | None = None,
    font_config: FontConfiguration | None = None,
    articles: Sequence[tuple[str, str]] = (),
) -> tuple[Any, list[str]]:
    """Lay out print HTML with the restricted fetcher: a WeasyPrint ``Document``, and what it logged.

    ``fetcher`` (a :class:`RestrictedFetcher`, made from ``roots`` and ``files`` when not given) and
    ``font_config`` (a new one when not given) may be passed to share them between renders.
    ``articles`` (element id, title) name the article reached in the progress messages.
    """
    weasyfix.install()
    report = progress if isinstance(progress, _Reporter) else _Reporter(progress)
    fetcher = fetcher if fetcher is not None else RestrictedFetcher(roots, files)
    listening = (
        weasyfix.listening(_PageProgress(report, articles)) if report.progress else contextlib.nullcontext()
    )
    with _captured_weasyprint_log(report) as handler, listening:
        font_config = font_config if font_config is not None else FontConfiguration()
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
            font_config=font_config, attachments=None, pdf_identifier=True
        )
        _clean_links(document)
    return document, handler.problems


def _write_document(document: Any, target: Path) -> None:
    with atomic_path(target) as tmp:
        document.write_pdf(tmp, finisher=_finish_pdf, attachments=None, pdf_identifier=True)


#: The most layout work one PDF may take: characters of text, a footnote counting as
#: :data:`FOOTNOTE_COST` more (measured on one core: about 45,000 characters or 70 footnotes a
#: second, so about 1,000 A5 pages in 45 s). Longer editions stop with an error before layout.
MAX_PDF_TEXT = 2_000_000
#: The same limit for editions rendered in parts (:mod:`editions.parallel`): each part is laid out
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


def _default_cache_dir() -> Path:
    from .cache import default_cache_dir

    return default_cache_dir()


#: Editions with at least this many articles are rendered in parts (see :mod:`editions.parallel`)
#: unless ``parallel`` says otherwise: below it, one render is as fast (measured: bench/RESULTS.md).
PARALLEL_MIN_ARTICLES = 12


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
    options and the edition's length are known to be fine.

    ``out`` defaults to ``dist/<slug>.pdf``; ``style`` is a style name, folder or :class:`Style`
    (default: the edition's, else ``default``); ``keep_html`` also writes the print HTML beside
    the PDF; ``progress`` is called with a message now and then once a build takes a while.
    Returns a :class:`PdfResult` (where the PDF went, its page count, and for a build in parts how
    many were rendered and how many came from the cache). Raises :class:`EditionsError` for a bad
    option (paper, font size, jobs), an unknown style, an edition too long, a missing source when
    sources are required, a rendering that fails, or an output that cannot be written.
    """
    report = _Reporter(progress)
    paper, font_size, open_right = print_options(edition, paper, font_size, open_right)
    resolved = _resolve_style(edition, style)
    target = Path(out) if out else default_output(edition, ".pdf")
    if target.exists() and target.is_dir():
        raise EditionsError("is a folder; give a file name for the PDF", target)
    if jobs is not None and jobs < 1:
        raise EditionsError(f"--jobs must be 1 or more, not {jobs}")
    html_target = target.with_name(f"{target.stem}.print.html") if keep_html else None
    check_edition_outputs(edition, [target, html_target], resolved)
    in_parts = parallel if parallel is not None else len(edition.articles) >= PARALLEL_MIN_ARTICLES
    check_length(edition, MAX_PDF_TEXT_IN_PARTS if in_parts else MAX_PDF_TEXT)
    check_attribution(edition, require_sources=require_sources)
    report(f"rendering {len(edition.articles)} article(s)…")
    loader = ResourceLoader(edition.root, ResourcePolicy(allow_remote_images=allow_remote_images))
    folder = (Path(cache_dir) if cache_dir else _default_cache_dir()) if cache and in_parts else None
    if folder is not None and not _usable_cache(folder):
        folder = None
    workers = 1
    if in_parts:
        from .parallel import environment_jobs

        workers = environment_jobs(jobs)
    with _qr_codes(folder, [a.source.url for a in edition.articles if a.source.url], workers):
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
        from . import parallel as parts
        from .cache import PartCache

        store = PartCache(folder) if folder is not None else None
        if store is not None:
            store.remove_stale_temporaries()
        built = parts.build(
            html,
            target,
            base_url=_base_url(edition),
            roots=[Path(r).resolve() for r in roots],
            files=[Path(f).resolve() for f in files],
            geometry=page_geometry(paper, font_size),
            open_right=open_right,
            jobs=parts.environment_jobs(jobs),
            cache=store,
            report=report,
        )
        if built is not None:
            if store is not None and store.writes:
                store.prune()
            report(f"done: {built.rendered} parts rendered, {built.cached} from the cache")
            return PdfResult(target, built.pages, html_path, built.parts, built.rendered, built.cached)
        check_length(edition)  # in one piece after all: the limit of one render
    document, problems = render_document(
        html,
        base_url=_base_url(edition),
        roots=roots,
        files=files,
        progress=report,
        articles=[(a.slug, a.title) for a in edition.articles],
    )
    for problem in problems:
        log.warning("%s", problem)
    pages = len(document.pages)
    report(f"writing {pages} pages to {target}…")
    _write_document(document, target)
    return PdfResult(path=target, pages=pages, html_path=html_path)
