"""Building an edition folder's outputs in one go, with progress as a fraction.

In: an edition folder, the outputs wanted (``pdf``, ``imposed``, ``epub``, ``html``), and a
progress callback. Out: the files written into ``<folder>/dist/`` (each atomically: a failed build
leaves the previous files as they were), the printing note of the imposed PDF, and thumbnails of
the PDF's pages and of the imposed sheets (PNG, drawn by pypdfium2).

The PDF's settings come from the edition's ``[pdf]`` table (as ``make-pdf`` without options);
the PDF is rendered in parts so that the part cache (:mod:`editions.cache`) makes a rebuild after
one article changed render only that article (one article per part: ``small_parts``), and a
:class:`Thumbnails` store draws again only the pages that changed. The progress callback gets
``(fraction, message)``: the steps' share of the whole, and within the PDF the library's own
reports ("laying out page 12: article 3 of 10 …").
"""

from __future__ import annotations

import collections
import contextlib
import io
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .edition import load_edition
from .errors import EditionsError

#: What can be built, in the order they are built.
OUTPUTS = ("pdf", "imposed", "epub", "html")
#: Where the outputs go, inside the edition folder.
DIST = "dist"

Progress = Callable[[float, str], None]

_PAGE = re.compile(r"article (\d+) of (\d+)")
_PDFIUM = threading.Lock()  # pdfium is not thread-safe


@dataclass
class BuildResult:
    """What a build wrote."""

    files: list[Path] = field(default_factory=list)
    note: str | None = None
    pages: list[bytes] = field(default_factory=list)
    """PNG thumbnails of the PDF's pages."""
    sheets: list[bytes] = field(default_factory=list)
    """PNG thumbnails of the imposed PDF's sheet sides."""
    seconds: float = 0.0
    pdf: Path | None = None
    """The PDF for reading, when built."""
    imposed: Path | None = None
    """The imposed PDF, when built."""
    pdf_pages: int = 0
    imposed_pages: int = 0
    rendered: int = 0
    """Parts of the PDF rendered by this build (the others came from the part cache)."""
    cached: int = 0
    page_keys: tuple[str, ...] = ()
    """A key per page of the PDF, the same for a page that looks the same (see :class:`Thumbnails`)."""


def build_folder(
    folder: Path,
    outputs: Sequence[str],
    *,
    progress: Progress | None = None,
    thumbnails: bool = True,
    thumb_width: int = 160,
    cache_dir: Path | None = None,
) -> BuildResult:
    """Build ``outputs`` of the edition in ``folder`` into ``folder/dist`` (see the module docstring).

    Only one build of a folder runs at a time (a lock file in ``dist/``). Raises
    :class:`EditionsError` for an unknown output, a build of the folder already running, or
    whatever the build stages raise (a missing source when sources are required, a bad setting, an
    article that cannot be read).
    """
    unknown = [o for o in outputs if o not in OUTPUTS]
    if unknown or not outputs:
        raise EditionsError(f"nothing to build, or unknown output(s): {', '.join(unknown) or 'none'}")
    start = time.monotonic()
    say = progress or (lambda fraction, message: None)
    wanted = [o for o in OUTPUTS if o in outputs]
    if "imposed" in wanted and "pdf" not in wanted:
        wanted.insert(0, "pdf")
    weights = {"pdf": 6.0, "imposed": 1.0, "epub": 1.5, "html": 0.5, "thumbs": 1.0 if thumbnails else 0.0}
    total = sum(weights[o] for o in wanted) + weights["thumbs"] + 0.3
    dist = folder / DIST
    with _build_lock(dist):
        return _build(folder, dist, wanted, weights, total, say, start, thumbnails, thumb_width, cache_dir)


@contextlib.contextmanager
def _build_lock(dist: Path) -> Iterator[None]:
    """Hold ``dist/.build.lock`` for the build: a second build of the same folder, in this process or
    another (two servers, a server and a script), stops with an error instead of writing the same
    files at the same time."""
    try:
        import fcntl
    except ImportError:  # not on POSIX: builds in one process are still one at a time (the web app's lock)
        yield
        return
    try:
        dist.mkdir(parents=True, exist_ok=True)
        handle = open(dist / ".build.lock", "a+b")  # noqa: SIM115 (held open for the whole build)
    except OSError as exc:
        raise EditionsError(f"cannot write here: {exc.strerror or exc}", dist) from None
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise EditionsError(
                "another build of this edition is running; wait for it to finish", dist
            ) from None
        yield
    finally:
        handle.close()


def _build(
    folder: Path,
    dist: Path,
    wanted: list[str],
    weights: dict[str, float],
    total: float,
    say: Progress,
    start: float,
    thumbnails: bool,
    thumb_width: int,
    cache_dir: Path | None,
) -> BuildResult:
    from .epub import make_epub
    from .html import make_html
    from .impose import impose, write_note
    from .pdf import make_pdf

    done = 0.3
    say(0.0, "reading the articles…")
    edition = load_edition([folder])
    result = BuildResult()

    def step(name: str, message: str) -> Callable[..., None]:
        base = done

        def at(inner: float, detail: str | None = None) -> None:
            say(min(1.0, (base + weights[name] * max(0.0, min(1.0, inner))) / total), detail or message)

        return at

    pdf_path: Path | None = None
    imposed_path: Path | None = None
    for name in wanted:
        if name == "pdf":
            at = step("pdf", "making the PDF…")
            at(0.0)

            def report(message: str, at: Callable[..., None] = at) -> None:
                match = _PAGE.search(message)
                fraction = int(match.group(1)) / max(1, int(match.group(2))) if match else 0.0
                at(fraction * 0.95, message)

            pdf = make_pdf(
                edition, dist / f"{edition.slug}.pdf", progress=report, parallel=True, jobs=1,
                cache=True, cache_dir=cache_dir, small_parts=True,
            )  # fmt: skip
            pdf_path = result.pdf = pdf.path
            result.pdf_pages = pdf.pages
            result.rendered, result.cached = pdf.rendered, pdf.cached
            result.page_keys = pdf.page_keys
            result.files.append(pdf.path)
        elif name == "imposed":
            step("imposed", "imposing for the printer…")(0.0)
            assert pdf_path is not None
            settings = edition.pdf
            layout = settings.impose or "booklet"
            imposed = impose(
                pdf_path,
                dist / f"{edition.slug}-{layout}.pdf",
                layout=layout,
                signature=settings.signature,
                duplex=settings.duplex or "short",
                creep_mm=settings.creep or 0.0,
                marks=bool(settings.marks),
                job_name=edition.title,
            )
            imposed_path = result.imposed = imposed.path
            result.imposed_pages = page_count(imposed.path)
            result.files += [imposed.path, write_note(imposed)]
            result.note = imposed.note
        elif name == "epub":
            step("epub", "making the EPUB…")(0.0)
            result.files.append(make_epub(edition, dist / f"{edition.slug}.epub"))
        elif name == "html":
            step("html", "making the HTML page…")(0.0)
            result.files.append(make_html(edition, dist / f"{edition.slug}.html"))
        done += weights[name]
    if thumbnails:
        step("thumbs", "drawing the page thumbnails…")(0.0)
        if pdf_path is not None:
            result.pages = render_thumbnails(pdf_path, thumb_width)
        if imposed_path is not None:
            result.sheets = render_thumbnails(imposed_path, thumb_width * 2)
    result.seconds = time.monotonic() - start
    say(1.0, "done")
    return result


def page_count(pdf: Path) -> int:
    """The number of pages of ``pdf``."""
    import pypdfium2

    with _PDFIUM:
        document = pypdfium2.PdfDocument(str(pdf))
        try:
            return len(document)
        finally:
            document.close()


def render_thumbnails(pdf: Path, width: int, pages: Sequence[int] | None = None) -> list[bytes]:
    """PNG images ``width`` pixels wide of the pages of ``pdf`` (0-based ``pages``; default: all)."""
    import pypdfium2

    images: list[bytes] = []
    with _PDFIUM:
        document = pypdfium2.PdfDocument(str(pdf))
        try:
            for index in range(len(document)) if pages is None else pages:
                page = document[index]
                scale = width / max(1.0, page.get_width())
                bitmap = page.render(scale=scale)
                buffer = io.BytesIO()
                bitmap.to_pil().save(buffer, format="PNG", compress_level=3)
                images.append(buffer.getvalue())
                bitmap.close()
                page.close()
        finally:
            document.close()
    return images


class Thumbnails:
    """PNG thumbnails of the last build's pages (``page``, :data:`PAGE_WIDTH` pixels wide) and imposed
    sheet sides (``sheet``, twice as wide), drawn on first request and kept: a page is drawn again
    only when its key (:attr:`BuildResult.page_keys`) changed, so that after editing one article
    only its pages are; without keys (a PDF rendered in one piece, the sheets), while the file is
    unchanged. :attr:`drawn` counts the images drawn."""

    def __init__(self, limit: int = 2000) -> None:
        self.limit = limit
        self.drawn = 0
        self._kept: collections.OrderedDict[tuple[Any, ...], bytes] = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, result: BuildResult | None, kind: str, number: int) -> bytes | None:
        """The PNG of page (or sheet side) ``number`` (1-based) of ``result``; None if there is none."""
        if result is None or kind not in ("page", "sheet"):
            return None
        pdf, count, width = (
            (result.pdf, result.pdf_pages, PAGE_WIDTH)
            if kind == "page"
            else (result.imposed, result.imposed_pages, 2 * PAGE_WIDTH)
        )
        if pdf is None or not 1 <= number <= count:
            return None
        key: tuple[Any, ...]
        if kind == "page" and len(result.page_keys) == count:
            key = (result.page_keys[number - 1], width)
        else:
            try:
                stat = pdf.stat()
            except OSError:
                return None
            key = (str(pdf), stat.st_mtime_ns, stat.st_size, number, width)
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
                return found
        found = render_thumbnails(pdf, width, [number - 1])[0]
        with self._lock:
            self.drawn += 1
            self._kept[key] = found
            while len(self._kept) > self.limit:
                self._kept.popitem(last=False)
        return found


#: The width of a page's thumbnail, in pixels (a sheet's is twice as wide).
PAGE_WIDTH = 160


__all__ = [
    "DIST",
    "OUTPUTS",
    "PAGE_WIDTH",
    "BuildResult",
    "Thumbnails",
    "build_folder",
    "page_count",
    "render_thumbnails",
]
