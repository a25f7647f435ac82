"""Rendering one document: HTML in, laid out by WeasyPrint with the restricted URL fetcher; a PDF out.

In: print HTML (a whole edition, or one part of it), its base URL and the folders and files its
resources may come from. Out: a WeasyPrint ``Document`` and the warnings WeasyPrint logged
(:func:`render_document`), written to a file (:func:`write_document`); or, in a worker, a part's
PDF bytes and the facts about its pages that the merge needs: size, anchors, links, bookmarks
(:func:`render_part`, checked again when read from the cache by :func:`valid_part`).

Resources are fetched only through :class:`RestrictedFetcher`: files under the edition's folder
and the style's folders, and ``data:`` URIs; raster images are checked for size and pixel count
first. No network, no other files, no PDF attachments. Article images never reach it as files or
URLs: :mod:`editions.resources` embeds the ones an article may use as ``data:`` URIs beforehand.
With ``SOURCE_DATE_EPOCH`` set the output is byte-identical from one build to the next. Progress
messages (:class:`Reporter`) name the page and the article layout has reached.
"""

from __future__ import annotations

import contextlib
import logging
import mimetypes
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pydyf
import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..resources import ImageRefused, check_image
from ..textio import atomic_path
from .objects import read_objects, read_pdf
from .structure import add_id_tree
from .weasyfix import REPAGINATION, element_ids, install, listening, page_facts

log = logging.getLogger("editions")

Progress = Callable[[str], None]

#: What the restricted fetcher serves from the allowed folders.
RESOURCE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp", ".tif", ".tiff"}
    | {".ttf", ".otf", ".woff", ".woff2", ".css"}
)

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

    @property
    def cache_key(self) -> tuple[tuple[Path, ...], frozenset[Path]]:
        """What this fetcher may serve: fetchers with equal keys serve the same files."""
        return self.roots, self.files

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


#: Progress is reported once a build has taken this many seconds, then at most once a second
#: for the messages that come often (pages).
PROGRESS_DELAY = 1.5
PROGRESS_INTERVAL = 1.0


class Reporter:
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

    def __init__(self, report: Reporter, articles: Sequence[tuple[str, str]]) -> None:
        self.report = report
        self.articles = {id_: (number, title) for number, (id_, title) in enumerate(articles, 1)}
        self.total = len(articles)

    def __call__(self, number: int, page: Any) -> None:
        on_page = None  # the last article with a box on the page
        if self.articles:
            for ident in element_ids(page):
                found = self.articles.get(ident)
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

    def __init__(self, report: Reporter) -> None:
        super().__init__(level=logging.INFO)
        self.report = report
        self.problems: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.levelno >= logging.WARNING:
            self.problems.append(message)
            return
        if again := REPAGINATION.match(message):
            self.report(f"laying out again to settle page numbers (pass {int(again.group(1)) + 1})…")


@contextlib.contextmanager
def _captured_weasyprint_log(report: Reporter) -> Iterator[_WeasyLog]:
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


def finish_pdf(document: Any, pdf: Any) -> None:
    """Open with the outline shown, pages as spreads (the cover alone) and the title in the window bar."""
    pdf.catalog["PageMode"] = "/UseOutlines"
    pdf.catalog["PageLayout"] = "/TwoPageRight"
    pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": "true"})
    add_id_tree(pdf)


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


def _dates_in_order(metadata: Any) -> None:
    """A modification date never before the creation date (an edition dated after the build date)."""
    created, modified = metadata.created, metadata.modified
    if created and modified and _date_key(modified) < _date_key(created):
        metadata.modified = created


def _date_key(value: str) -> str:
    """A W3C date (``2024-05-01``, ``2024-05-01T10:00Z`` …) as a string that sorts by time (to the
    second, UTC taken as written)."""
    digits = re.sub(r"\D", "", value.split("+")[0].rstrip("Z"))[:14]
    return digits.ljust(14, "0")


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
    install()
    report = progress if isinstance(progress, Reporter) else Reporter(progress)
    fetcher = fetcher if fetcher is not None else RestrictedFetcher(roots, files)
    pages = listening(_PageProgress(report, articles)) if report.progress else contextlib.nullcontext()
    with _captured_weasyprint_log(report) as handler, pages:
        font_config = font_config if font_config is not None else FontConfiguration()
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
            font_config=font_config, attachments=None, pdf_identifier=True
        )
        _clean_links(document)
        _dates_in_order(document.metadata)
    return document, handler.problems


#: The PDF/A variant of ``archive`` PDFs (see :func:`pdf_options`).
ARCHIVE_VARIANT = "pdf/a-2b"


def pdf_options(archive: bool = False, *, tags: bool = True) -> dict[str, Any]:
    """WeasyPrint's options for editions' PDFs: tagged (structure tree, language, reading order), PDF
    1.7, and with ``archive`` PDF/A-2b (an sRGB output intent and XMP metadata); ``tags=False`` for
    the page furniture of a build in parts, which the merge marks as artifacts."""
    options: dict[str, Any] = {"pdf_tags": tags, "pdf_version": "1.7"}
    if archive:
        options["pdf_variant"] = ARCHIVE_VARIANT
    return options


def write_document(document: Any, target: Path, *, archive: bool = False) -> None:
    with atomic_path(target) as tmp:
        document.write_pdf(
            tmp, finisher=finish_pdf, attachments=None, pdf_identifier=True, **pdf_options(archive)
        )


# --- work for the worker processes ------------------------------------------------------------------

_FONT_CONFIG: Any = None


def shared_font_config() -> Any:
    """One FontConfiguration per process: the style's fonts are loaded once, not once per part."""
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


def render_part(task: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
    """Render one part (in a worker): its PDF bytes (internal links as links to
    :data:`~editions.pdf.weasyfix.INTERNAL_LINK` + the target) and the facts about its pages."""

    class Recording(RestrictedFetcher):
        def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
            response = super().fetch(url, headers)
            if url.lower().startswith("file:"):
                path = self.allowed_path(url)
                if path is not None:
                    used.add(str(path))
            return response

    used: set[str] = set()
    fetcher = Recording([Path(r) for r in task["roots"]], [Path(f) for f in task["files"]])
    document, problems = render_document(
        task["html"],
        base_url=task["base_url"],
        roots=(),
        fetcher=fetcher,
        font_config=shared_font_config(),
    )
    pages = [page_facts(page) for page in document.pages]
    data = document.write_pdf(
        attachments=None,
        pdf_identifier=False,
        finisher=task.get("finisher") and finish_pdf,
        **pdf_options(task.get("archive", False), tags=task.get("tags", True)),
    )
    meta = {"pages": pages, "problems": problems, "used": sorted(used)}
    return data, meta


def _numbers(value: Any, count: int) -> bool:
    return (
        isinstance(value, list)
        and len(value) >= count
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value[:count])
    )


def _valid_facts(meta: dict[str, Any]) -> bool:
    """Whether a part's facts have the shape :func:`render_part` gives them (so merging cannot trip)."""
    pages = meta.get("pages")
    if not isinstance(pages, list) or not all(isinstance(page, dict) for page in pages):
        return False
    for page in pages:
        lists = [page.get(name) for name in ("anchors", "bookmarks", "links")]
        if not _numbers(page.get("size"), 2) or not all(isinstance(items, list) for items in lists):
            return False
        anchors, bookmarks, links = lists
        if not all(
            isinstance(a, list) and len(a) == 4 and isinstance(a[0], str) and _numbers(a[1:], 3)
            for a in anchors
        ):
            return False
        if not all(
            isinstance(b, list) and len(b) == 5 and isinstance(b[1], str) and _numbers(b[2:4], 2)
            for b in bookmarks
        ):
            return False
        if not all(
            isinstance(link, list) and len(link) == 5 and isinstance(link[0], str) and _numbers(link[1:], 4)
            for link in links
        ):
            return False
    problems, used = meta.get("problems", []), meta.get("used", [])
    return all(
        isinstance(items, list) and all(isinstance(i, str) for i in items) for items in (problems, used)
    )


def valid_part(data: bytes, meta: dict[str, Any]) -> bool:
    """A cached part is good when its facts have their shape and its PDF opens with as many pages."""
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:] or not _valid_facts(meta):
        return False
    reader = read_pdf(data)
    for _ in read_objects(reader):  # by the object-stream reader (the merge needs them all)
        pass
    return len(reader.pages) == len(meta["pages"])
