"""Parallel, cached PDF builds: the print HTML in, the same pamphlet out, rendered in parts.

In: the complete print HTML of an edition (:func:`editions.pdf.render_print_html`), the folders
resources may come from, the number of worker processes and a :class:`~editions.cache.PartCache`
(or none). Out: the PDF file :func:`editions.pdf.make_pdf` would have written by rendering the
HTML in one piece (same pages, folios, running heads, contents numbers, outline, links and
metadata), or ``None`` when the style uses something this path cannot reproduce (the caller then
renders the whole document at once).

How. A single WeasyPrint render is single-threaded, and its cost grows faster than the page count
(every page re-walks every element's style). Every article starts on a new page, and its page
count does not depend on the page number it starts on, nor on the side (the margins mirror: the
measure is the same on left and right pages). So:

1. **Body parts**, in worker processes: runs of consecutive articles (a *batch*, cut where a hash of
   an article's slug says so, so that editing one article changes one batch) and the back matter,
   each rendered as its own document with the style's CSS, the page furniture (running heads,
   folios: every ``@page`` margin box) switched off, starting on a right-hand page.
2. **Furniture**, once the page counts are known: for each part, a *skeleton* document with the
   same CSS whose sections keep only their first child (the header that sets the running strings)
   and are padded with forced page breaks to the measured page counts, hidden, and whose page
   counter starts at the part's real first page (a leading page, dropped, when that is a left-hand
   page). WeasyPrint lays out the running heads, folios and blank pages exactly as in the whole
   document. The **front matter** (cover, contents) is rendered in full, its links carrying the
   page numbers of their targets (``data-editions-page``) and the contents' ``target-counter(attr(href
   url), page)`` read as ``attr(data-editions-page)``: the contents prints the real numbers with the
   style's own layout. The number of front pages is guessed by an early render with numbers
   estimated from the text length, and checked (the furniture is redone in the rare case the guess
   was wrong: a number one digit longer can make a title wrap).
3. **Merge**, in this process: each page of the book is one content stream, the skeleton page's
   then the part's (moved sideways when the part lands on the other side of the spread), over the
   union of their resources (a Form XObject for the furniture if names clash), with the links,
   named destinations and outline rebuilt from the facts the workers measured, and the document
   information of the front matter. Fonts: WeasyPrint keeps original glyph ids when it subsets, so
   the parts' subsets are replaced by one subset of the original font file to the union of the
   glyphs used, and the parts share one font dictionary (but those whose measured widths differ by
   a rounding unit, which keep theirs). pydyf writes the file with object streams, as WeasyPrint.

Footnotes that do not fit on the last page of a part would, in one render, go to the top of the next
article's first page: such a part is rendered again together with the next one. Parts are rendered
longest first; skeletons start as soon as the parts before them are done; a few more tasks than
workers are in flight so that those start soon.

Every part (body, skeleton, front) is cached by a key over its complete HTML, the style's files and
the versions of the code; a rebuild after editing one article re-renders one batch, the front matter
and the skeletons whose page numbers moved. The output is byte-identical for the same input, with
or without the cache, whatever the number of processes.

Not reproduced (the build falls back to one render): ``@page :first`` rules, ``counter(pages)``,
page breaks to a side other than ``--open-right``'s, ``position: fixed``, ``target-counter()`` or
``target-text()`` other than the contents', right-to-left documents, left and right pages of
different measures. Running strings are taken from the first element of
each article and back-matter section (the header) and from the front matter's elements.
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import ctypes
import hashlib
import io
import logging
import math
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import lxml.etree
import lxml.html
import pydyf

from . import __version__
from .cache import PartCache, digest

if TYPE_CHECKING:  # pypdf is imported where it is used: importing this module stays cheap
    from pypdf.generic import DictionaryObject

log = logging.getLogger("editions")

#: Bump when what a part's facts hold, or how parts are rendered, changes (invalidates the cache).
PART_FORMAT = "editions-part-2"
#: An article ends a batch when the first 8 hex digits of the SHA-1 of its slug, as a number, are
#: divisible by this (a content-defined cut: editing an article does not move the cuts).
BATCH_CUT = 4
#: A batch never holds more articles than this, nor (when it has two or more) more text than that.
BATCH_MAX_ARTICLES = 8
BATCH_MAX_CHARS = 120_000

MARGIN_BOXES = (
    "top-left-corner",
    "top-left",
    "top-center",
    "top-right",
    "top-right-corner",
    "left-top",
    "left-middle",
    "left-bottom",
    "right-top",
    "right-middle",
    "right-bottom",
    "bottom-left-corner",
    "bottom-left",
    "bottom-center",
    "bottom-right",
    "bottom-right-corner",
)

#: Added to the body parts: no page furniture and no page or canvas background (the skeleton
#: page underneath draws those).
BODY_CSS = (
    "/* editions: a body part (the furniture is drawn by the skeleton) */\n"
    "@page { background: none !important; border: none !important; "
    + " ".join(f"@{name} {{ content: none !important; }}" for name in MARGIN_BOXES)
    + " }\nhtml, body { background: none !important; }\n"
)
#: Added to the body parts and skeletons: the body's top margin (and, but at the end of the book,
#: its bottom margin) belongs to the first (last) page of the whole document, not of every part.
NO_TOP_MARGIN_CSS = "body { margin-top: 0 !important; }\n"
NO_BOTTOM_MARGIN_CSS = "body { margin-bottom: 0 !important; }\n"


def _margins_css(part: _Part) -> str:
    return NO_TOP_MARGIN_CSS + ("" if part.has_back else NO_BOTTOM_MARGIN_CSS)


_LEAD = "editions-lead"
_OPEN_RIGHT_RULE = "article.article { break-before: right; }"
_SIDE_BREAK = re.compile(r"break-(?:before|after)\s*:\s*(?:left|right|recto|verso)", re.IGNORECASE)
_FIRST_PAGE = re.compile(r"@page[^{;]*:first\b", re.IGNORECASE)
_PAGES_COUNTER = re.compile(r"counters?\(\s*pages\b", re.IGNORECASE)
_FIXED = re.compile(r"position\s*:\s*fixed", re.IGNORECASE)
#: How the contents prints page numbers: replaced, in the front matter, by the numbers the parts measured.
_TARGET_PAGE = re.compile(r"target-counter\(\s*attr\(\s*href\s+url\s*\)\s*,\s*page\s*\)", re.IGNORECASE)
_TARGET_ANY = re.compile(r"target-(?:counters?|text)\s*\(", re.IGNORECASE)
_PAGE_ATTRIBUTE = "data-editions-page"
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(file:[^'")]*)\1\s*\)""")
_FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2")

Progress = Callable[[str], None]


# --- the book's structure ----------------------------------------------------------------------


@dataclass
class _Section:
    """A top-level element that starts on a new page: an article, or a back-matter section."""

    id: str
    html: str
    element: Any
    chars: int
    in_main: bool = True


@dataclass
class _Book:
    """The print HTML cut into the pieces parts are made of."""

    prefix: str  # <!DOCTYPE html><html …><head>…  (no </head>)
    front_prefix: str  # the same, the contents' target-counter() replaced by attr(data-editions-page)
    body_open: str  # </head><body …>
    suffix: str  # </body></html>
    css: str
    main_open: str
    main_close: str
    front: list[Any]
    front_html: str
    articles: list[_Section]
    back: list[_Section]
    carriers: str  # hidden copies of the front matter's short elements (their running strings)

    def document(self, body: str, extra_css: str = "", *, front: bool = False) -> str:
        style = f"<style>\n{extra_css}</style>\n" if extra_css else ""
        prefix = self.front_prefix if front else self.prefix
        return f"{prefix}{style}{self.body_open}{body}{self.suffix}"


def _open_tag(element: Any) -> str:
    shell = lxml.html.Element(element.tag, attrib=dict(element.attrib))
    text = lxml.html.tostring(shell, encoding="unicode")
    return text[: text.rindex("</")]


def _html(element: Any) -> str:
    return lxml.html.tostring(element, encoding="unicode", with_tail=False)


def _select(element: lxml.html.HtmlElement, path: str) -> list[lxml.html.HtmlElement]:
    """The elements an XPath ``path`` (one that selects elements only) finds under ``element``;
    lxml-stubs type any XPath result as every value XPath can give."""
    return cast(list[lxml.html.HtmlElement], element.xpath(path))


def _drop_attribute(element: lxml.html.HtmlElement, name: str) -> None:
    if name in element.attrib:
        del element.attrib[name]


def _blank(text: str | None) -> bool:
    return not (text or "").strip()


def split_book(html: str, *, open_right: bool) -> tuple[_Book | None, str]:
    """Cut the print HTML into front matter, articles and back matter; or say why it cannot be."""
    root = lxml.html.document_fromstring(html)
    head, body = root.find("head"), root.find("body")
    if head is None or body is None:
        return None, "no head or body"
    if "rtl" in (root.get("dir", "") + body.get("dir", "")).lower():
        return None, "right-to-left document"
    css = "\n".join(style.text or "" for style in head.iter("style"))
    side_breaks = len(_SIDE_BREAK.findall(css)) - (css.count(_OPEN_RIGHT_RULE) if open_right else 0)
    for pattern, reason in (
        (_FIRST_PAGE, "the style has @page :first rules"),
        (_PAGES_COUNTER, "the style uses counter(pages)"),
        (_FIXED, "the style uses position: fixed"),
    ):
        if pattern.search(css):
            return None, reason
    if side_breaks:
        return None, "the style breaks pages to a side"
    if len(_TARGET_ANY.findall(css)) > len(_TARGET_PAGE.findall(css)):
        return None, "the style uses target-counter() or target-text() other than for the contents"
    children = [child for child in body if isinstance(child.tag, str)]
    mains = [child for child in children if child.tag == "main"]
    if len(mains) != 1 or not _blank(body.text) or any(not _blank(c.tail) for c in body):
        return None, "the body is not front matter, one <main> and back matter"
    main = mains[0]
    index = children.index(main)
    articles_el = [child for child in main if isinstance(child.tag, str)]
    if not articles_el or not _blank(main.text) or any(not _blank(c.tail) for c in main):
        return None, "<main> holds something other than articles"
    if any(a.tag != "article" or "article" not in (a.get("class") or "").split() for a in articles_el):
        return None, "<main> holds something other than article.article elements"
    back_el = children[index + 1 :]
    front = children[:index]
    sections: list[list[_Section]] = [[], []]
    seen: set[str] = set()
    for group, elements in ((0, articles_el), (1, back_el)):
        for number, element in enumerate(elements):
            ident = element.get("id")
            if not ident or ident in seen:
                ident = f"editions-section-{group}-{number}"
                element.set("id", ident)
            seen.add(ident)
            # An HtmlElement (parsed by lxml.html), which lxml-stubs type as a plain _Element
            length = len(cast(lxml.html.HtmlElement, element).text_content())
            sections[group].append(_Section(ident, _html(element), element, length, group == 0))
    text = lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")
    head_html = _html(head)
    prefix_end = text.index(head_html) + len(head_html) - len("</head>")
    body_open = "</head>" + _open_tag(body)
    book = _Book(
        prefix=text[:prefix_end],
        front_prefix=_TARGET_PAGE.sub(f"attr({_PAGE_ATTRIBUTE})", text[:prefix_end]),
        body_open=body_open,
        suffix="</body></html>",
        css=css,
        main_open=_open_tag(main),
        main_close="</main>",
        front=front,
        front_html="".join(_html(e) for e in front),
        articles=sections[0],
        back=sections[1],
        carriers=_carriers(front),
    )
    return book, ""


def _carriers(front: Sequence[Any]) -> str:
    """Hidden, out-of-flow copies of the front matter's short elements: they set its running strings."""
    style = "position: absolute; top: 0; left: 0; width: 100%; visibility: hidden"
    pieces = []
    for element in front:
        for child in element:
            if not isinstance(child.tag, str) or child.tag in {
                "ol",
                "ul",
                "img",
                "svg",
                "nav",
                "table",
                "figure",
            }:
                continue
            copy = lxml.html.fromstring(_html(child))
            for unwanted in _select(copy, ".//img|.//svg|.//a[@href]"):
                if unwanted.tag == "a":
                    _drop_attribute(unwanted, "href")
                else:
                    unwanted.drop_tree()
            _drop_attribute(copy, "id")
            copy.set("style", style)
            pieces.append(_html(copy))
    return "".join(pieces)


def plan_batches(articles: Sequence[_Section]) -> list[list[int]]:
    """Group article indices into batches (see :data:`BATCH_CUT`)."""
    batches: list[list[int]] = []
    current: list[int] = []
    chars = 0
    for index, article in enumerate(articles):
        if current and (len(current) >= BATCH_MAX_ARTICLES or chars + article.chars > BATCH_MAX_CHARS):
            batches.append(current)
            current, chars = [], 0
        current.append(index)
        chars += article.chars
        if int(hashlib.sha1(article.id.encode()).hexdigest()[:8], 16) % BATCH_CUT == 0:
            batches.append(current)
            current, chars = [], 0
    if current:
        batches.append(current)
    return batches


# --- work for the worker processes ------------------------------------------------------------------

_FONT_CONFIG: Any = None


def _font_config() -> Any:
    """One FontConfiguration per process: the style's fonts are loaded once, not once per part."""
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        from weasyprint.text.fonts import FontConfiguration

        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


def render_part(task: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
    """Render one part (in a worker): its PDF bytes (no internal links) and the facts about its pages."""
    from .pdf import RestrictedFetcher, render_document

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
        font_config=_font_config(),
    )
    pages = []
    for page in document.pages:
        height = page.height * 0.75

        def point(x: float, y: float, height: float = height) -> tuple[float, float]:
            return round(x * 0.75, 4), round(height - y * 0.75, 4)

        links = []
        for link in [link for link in page.links if link[0] == "internal"]:
            page.links.remove(link)
            _, target, rect, _ = link
            links.append([target, *point(rect[0], rect[1]), *point(rect[2], rect[3])])
        anchors = []
        for name, (x1, y1, x2, _) in page.anchors.items():
            anchors.append([name, *point(x1, y1), round(x2 * 0.75, 4)])
        bookmarks = [[level, label, *point(x, y), state] for level, label, (x, y), state in page.bookmarks]
        pages.append(
            {
                "size": [round(page.width * 0.75, 4), round(page.height * 0.75, 4)],
                "anchors": anchors,
                "bookmarks": bookmarks,
                "links": links,
            }
        )
    data = document.write_pdf(
        attachments=None, pdf_identifier=False, finisher=task.get("finisher") and _finisher
    )
    meta = {"pages": pages, "problems": problems, "used": sorted(used)}
    return data, meta


def _finisher(document: Any, pdf: Any) -> None:
    from .pdf import _finish_pdf

    _finish_pdf(document, pdf)


def subset_font(task: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
    """Subset an original font file to glyph ids, keeping them (as WeasyPrint does when it embeds)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options(
        retain_gids=True,
        passthrough_tables=True,
        ignore_missing_glyphs=True,
        hinting=False,
        desubroutinize=True,
        notdef_outline=False,
    )
    options.drop_tables += [
        *("GSUB", "GPOS", "GDEF", "SVG ", "BASE", "JSTF", "DSIG", "LTSH", "PCLT", "EBDT", "EBLC"),
        *("Silf", "Silt", "Sill", "Glat", "Gloc", "Feat"),  # Graphite: not used in PDF
    ]
    font = TTFont(io.BytesIO(Path(task["path"]).read_bytes()), fontNumber=task.get("index", 0))
    font.flavor = None
    original = font.getGlyphOrder()
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=task["gids"])
    subsetter.subset(font)
    # Like HarfBuzz, keep no empty slots after the last glyph retained.
    retained = [original.index(name) for name in subsetter.glyphs_retained if name in original]
    last = max([*retained, *task["gids"], 0])
    order = font.getGlyphOrder()
    if "glyf" in font and last + 1 < len(order):
        glyf, hmtx = font["glyf"], font["hmtx"]
        for name in order[last + 1 :]:
            glyf.glyphs.pop(name, None)
            hmtx.metrics.pop(name, None)
        kept = order[: last + 1]
        glyf.glyphOrder = kept
        font.setGlyphOrder(kept)
        font["maxp"].numGlyphs = len(kept)
    out = io.BytesIO()
    font.save(out, reorderTables=True)
    return out.getvalue(), {}


def _run(kind: str, task: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
    return subset_font(task) if kind == "font" else render_part(task)


# --- scheduling ----------------------------------------------------------------------------------------


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


def _valid_part(data: bytes, meta: dict[str, Any]) -> bool:
    """A cached part is good when its facts have their shape and its PDF opens with as many pages."""
    from pypdf import PdfReader

    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:] or not _valid_facts(meta):
        return False
    return len(PdfReader(io.BytesIO(data), strict=False).pages) == len(meta["pages"])


def _valid_font(data: bytes, meta: dict[str, Any]) -> bool:
    """A cached font subset is good when fontTools reads it as a font with glyphs."""
    from fontTools.ttLib import TTFont

    if data[:4] not in (b"\x00\x01\x00\x00", b"OTTO", b"true"):
        return False
    font = TTFont(io.BytesIO(data), lazy=True)
    return font["maxp"].numGlyphs > 0


def _code_fingerprint() -> str:
    sources = []
    for name in ("parallel.py", "pdf.py", "cache.py"):
        try:
            sources.append((Path(__file__).parent / name).read_bytes())
        except OSError:
            sources.append(name.encode())
    return digest(*sources)


def _versions() -> str:
    import fontTools
    import pypdf
    import weasyprint

    return " ".join(
        [
            PART_FORMAT,
            f"editions {__version__}",
            f"weasyprint {weasyprint.__version__}",
            f"pydyf {pydyf.__version__}",
            f"fonttools {fontTools.version}",
            f"pypdf {pypdf.__version__}",
        ]
    )


def _pool_context() -> Any:
    """``fork`` where it is safe and cheap (Linux, no other thread running), else ``spawn``."""
    methods = multiprocessing.get_all_start_methods()
    if sys.platform.startswith("linux") and "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


#: How often a worker checks that the process that started it still runs (seconds).
WATCHDOG_INTERVAL = 0.5
_PR_SET_PDEATHSIG = 1


def _worker_init(owner: int) -> None:
    """Make a worker end with the build that started it, however the build ends.

    On Linux the kernel kills the worker when its parent dies (``prctl(PR_SET_PDEATHSIG)``); on every
    system a watchdog thread ends it within :data:`WATCHDOG_INTERVAL` once its parent (or ``owner``,
    the build's process, when a fork server stands between) is gone. ``SIGTERM`` ends it (the
    handler inherited from the command would be caught as a task's error), and ``SIGINT`` is left to
    the build, which stops its workers itself (a Ctrl-C reaches the whole process group).
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    parent = os.getppid()
    if not _alive(owner) or parent == 1:
        os._exit(1)  # the build died before the line above could take effect

    def watch() -> None:
        while True:
            time.sleep(WATCHDOG_INTERVAL)
            if os.getppid() != parent or not _alive(owner):
                os._exit(1)

    threading.Thread(target=watch, name="editions-watchdog", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def worker_pool(jobs: int) -> concurrent.futures.ProcessPoolExecutor:
    """A pool of ``jobs`` worker processes that end with this process (see :func:`_worker_init`);
    stop it with :func:`stop_pool`."""
    return concurrent.futures.ProcessPoolExecutor(
        max_workers=jobs, mp_context=_pool_context(), initializer=_worker_init, initargs=(os.getpid(),)
    )


def stop_pool(pool: concurrent.futures.ProcessPoolExecutor, *, abort: bool = False) -> None:
    """Shut ``pool`` down: after its running tasks, or with ``abort`` at once (its workers killed)."""
    if not abort:
        pool.shutdown(wait=True, cancel_futures=True)
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(Exception):
            process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + 5
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(max(0.0, deadline - time.monotonic()))
    # The pool's manager thread closes its wake-up pipe as it ends; were it still ending when the
    # interpreter exits, concurrent.futures' exit hook could write to that pipe as it closes (EBADF,
    # printed as a traceback after "terminated"). Wait for it, within the same deadline.
    manager = getattr(pool, "_executor_manager_thread", None)
    if isinstance(manager, threading.Thread) and manager is not threading.current_thread():
        manager.join(max(0.0, deadline - time.monotonic()))


class _Runner:
    """Runs render and subset tasks: from the cache, else in a pool of worker processes (made on demand).

    Tasks are added with a label; :meth:`results` yields ``(label, (pdf, facts))`` as they finish
    and may be given more tasks meanwhile (urgent ones go first). A few more tasks than workers are
    in flight at a time, so that urgent tasks added later start soon.
    """

    def __init__(self, jobs: int, cache: PartCache | None, salt: str, report: Progress) -> None:
        self.jobs = max(1, jobs)
        self.cache = cache
        self.salt = salt
        self.report = report
        self.pool: concurrent.futures.ProcessPoolExecutor | None = None
        self.rendered = 0
        self.cached = 0
        self.urgent: collections.deque[tuple[Any, str, dict[str, Any], str]] = collections.deque()
        self.normal: collections.deque[tuple[Any, str, dict[str, Any], str]] = collections.deque()
        self.ready: collections.deque[tuple[Any, tuple[bytes, dict[str, Any]]]] = collections.deque()
        self.running: dict[concurrent.futures.Future[Any], tuple[Any, str, str]] = {}
        self.stale: set[concurrent.futures.Future[Any]] = set()

    def key(self, kind: str, task: dict[str, Any]) -> str:
        payload = {k: v for k, v in task.items() if k not in ("roots", "files")}
        return digest(self.salt, kind, repr(sorted(payload.items())))

    def add(self, label: Any, kind: str, task: dict[str, Any], *, urgent: bool = False) -> None:
        key = self.key(kind, task)
        verify = _valid_font if kind == "font" else _valid_part
        found = self.cache.get(key, verify) if self.cache is not None else None
        if found is not None:
            self.cached += kind == "part"
            self.ready.append((label, found))
        else:
            (self.urgent if urgent else self.normal).append((label, kind, task, key))

    def has(self, label: Any) -> bool:
        return any(item[0] == label for item in (*self.urgent, *self.normal, *self.ready)) or any(
            item[0] == label for future, item in self.running.items() if future not in self.stale
        )

    def forget(self, unwanted: Callable[[Any], bool]) -> None:
        """Drop the tasks whose label is ``unwanted`` (their results are no longer wanted)."""

        def keep(label: Any) -> bool:
            return not unwanted(label)

        self.urgent = collections.deque(i for i in self.urgent if keep(i[0]))
        self.normal = collections.deque(i for i in self.normal if keep(i[0]))
        self.ready = collections.deque(i for i in self.ready if keep(i[0]))
        self.stale |= {future for future, (label, _, _) in self.running.items() if not keep(label)}

    def _next(self) -> tuple[Any, str, dict[str, Any], str] | None:
        if self.urgent:
            return self.urgent.popleft()
        if self.normal:
            return self.normal.popleft()
        return None

    def _finished(self, label: Any, key: str, result: tuple[bytes, dict[str, Any]], kind: str) -> None:
        data, meta = result
        self.rendered += kind == "part"
        if self.cache is not None:
            deps = [[path, self.cache.hashes(path)] for path in meta.get("used", [])]
            self.cache.put(key, data, dict(meta, deps=[d for d in deps if d[1]]))
        self.ready.append((label, result))

    def results(self) -> Iterator[tuple[Any, tuple[bytes, dict[str, Any]]]]:
        while True:
            if self.ready:
                yield self.ready.popleft()
                continue
            if self.jobs == 1 or (not self.running and len(self.urgent) + len(self.normal) == 1):
                task = self._next()
                if task is None and not self.running:
                    return
                if task is not None:
                    label, kind, payload, key = task
                    self._finished(label, key, _run(kind, payload), kind)
                    continue
            while len(self.running) < self.jobs + 1 and (task := self._next()) is not None:
                if self.pool is None:
                    self.pool = worker_pool(self.jobs)
                label, kind, payload, key = task
                self.running[self.pool.submit(_run, kind, payload)] = (label, key, kind)
            if not self.running:
                return
            done, _ = concurrent.futures.wait(self.running, return_when=concurrent.futures.FIRST_COMPLETED)
            for future in done:
                label, key, kind = self.running.pop(future)
                result = future.result()
                if future in self.stale:
                    self.stale.discard(future)
                    continue
                self._finished(label, key, result, kind)

    def run(self, jobs: Sequence[tuple[str, dict[str, Any]]]) -> list[tuple[bytes, dict[str, Any]]]:
        """Run tasks to completion; their results in order."""
        for number, (kind, task) in enumerate(jobs):
            self.add(("batch", number), kind, task)
        found = dict(self.results())
        return [found[("batch", number)] for number in range(len(jobs))]

    def close(self, *, abort: bool = False) -> None:
        """Stop the pool: once its tasks are done, or with ``abort`` at once (a failed or stopped build)."""
        if self.pool is not None:
            pool, self.pool = self.pool, None
            stop_pool(pool, abort=abort)


# --- layout: where every page goes ---------------------------------------------------------------------


@dataclass
class _Part:
    """A body part (a batch of articles, or the back matter, or both) and where it lands in the book."""

    sections: list[_Section]
    data: bytes = b""
    meta: dict[str, Any] = field(default_factory=dict)
    counts: list[int] = field(default_factory=list)  # pages per section, without blank pages
    chunk_start: int = 0  # the skeleton's first page (a blank page before the part, if any)
    start: int = 0  # the part's first page in the book
    blank_before: bool = False

    @property
    def in_main(self) -> bool:
        """Whether the part starts with an article (not back matter)."""
        return self.sections[0].in_main

    @property
    def has_back(self) -> bool:
        return not self.sections[-1].in_main

    @property
    def pages(self) -> int:
        return len(self.meta["pages"])


def _trailing_pages(part: _Part) -> int:
    """Pages after the last one a section's box reaches: footnotes that did not fit on their page."""
    ids = {s.id for s in part.sections}
    trailing = 0
    for page in reversed(part.meta["pages"]):
        if any(name in ids for name, *_ in page["anchors"]):
            break
        trailing += 1
    return trailing


def _section_counts(part: _Part) -> list[int] | None:
    """Pages on which each section's box lies (blank pages belong to none); None if not contiguous."""
    pages_of: dict[str, list[int]] = {s.id: [] for s in part.sections}
    for number, page in enumerate(part.meta["pages"]):
        for name, *_ in page["anchors"]:
            if name in pages_of and (not pages_of[name] or pages_of[name][-1] != number):
                pages_of[name].append(number)
    counts = []
    for section in part.sections:
        found = pages_of[section.id]
        if not found or found != list(range(found[0], found[-1] + 1)):
            return None
        counts.append(len(found))
    return counts


def _is_right(page: int) -> bool:
    return page % 2 == 1


def _place(parts: Sequence[_Part], front_pages: int, *, open_right: bool) -> int:
    """Give every part its pages in the book; return the book's page count."""
    position = front_pages + 1
    for part in parts:
        part.chunk_start = position
        part.blank_before = open_right and part.in_main and not _is_right(position)
        if part.blank_before:
            position += 1
        part.start = position
        position += part.pages
    return position - 1


def _anchor_pages(parts: Sequence[_Part]) -> dict[str, int]:
    """The book page of every anchor of the body parts (the first occurrence wins)."""
    found: dict[str, int] = {}
    for part in parts:
        for number, page in enumerate(part.meta["pages"]):
            for name, *_ in page["anchors"]:
                found.setdefault(name, part.start + number)
    return found


def _estimated_counts(book: _Book, geometry: Any) -> list[int]:
    """Rough page counts from the text length (only their number of digits matters, for a first guess)."""
    pt_mm = geometry.font_size_pt * 25.4 / 72
    per_page = max(200.0, (geometry.text_width / (0.48 * pt_mm)) * (geometry.text_height / (1.45 * pt_mm)))
    return [max(1, math.ceil(a.chars / per_page)) for a in book.articles]


# --- the documents the workers render ------------------------------------------------------------------


def _body_html(book: _Book, part: _Part) -> str:
    main = "".join(s.html for s in part.sections if s.in_main)
    back = "".join(s.html for s in part.sections if not s.in_main)
    inner = (f"{book.main_open}{main}{book.main_close}" if main else "") + back
    return book.document(inner, BODY_CSS + _margins_css(part))


def _skeleton_section(section: _Section, pages: int, carriers: str) -> str:
    element = section.element
    shell = lxml.html.Element(element.tag, attrib=dict(element.attrib))
    style = (shell.get("style") or "").rstrip("; ")
    shell.set("style", (style + "; " if style else "") + "visibility: hidden")
    first = next((child for child in element if isinstance(child.tag, str)), None)
    inner = ""
    if first is not None:
        copy = lxml.html.fromstring(_html(first))
        for unwanted in _select(copy, ".//img|.//svg"):
            unwanted.drop_tree()
        for anchor in _select(copy, ".//*[@href]"):
            _drop_attribute(anchor, "href")
        inner += _html(copy)
        if carriers:
            # At the end of the first child, so as not to come between the margins that collapse.
            inner = inner[: inner.rindex("</")] + carriers + inner[inner.rindex("</") :]
    elif carriers:
        inner += carriers
    inner += '<div class="editions-filler" style="break-before: page"></div>' * (pages - 1)
    opening = _open_tag(shell)
    return f"{opening}{inner}</{element.tag}>"


def _skeleton_html(book: _Book, group: Sequence[_Part]) -> str:
    """The furniture of consecutive parts: hidden sections of the right page counts, numbered from
    the first part's first page (after a leading page, dropped, when that is a left-hand page)."""
    first_page = group[0].chunk_start
    lead = ""
    counter = first_page
    if not _is_right(first_page):
        lead = f'<div class="{_LEAD}" style="page: {_LEAD}; break-after: page"></div>'
        counter = first_page - 1
    main: list[str] = []
    back: list[str] = []
    for part in group:
        for section, pages in zip(part.sections, part.counts, strict=True):
            carriers = book.carriers if not main and not back else ""
            (main if section.in_main else back).append(_skeleton_section(section, pages, carriers))
    inner = (f"{book.main_open}{''.join(main)}{book.main_close}" if main else "") + "".join(back)
    css = f"/* editions: a skeleton */\n@page :first {{ counter-reset: page {counter}; }}\n"
    css += NO_TOP_MARGIN_CSS + ("" if back else NO_BOTTOM_MARGIN_CSS)
    return book.document(lead + inner, css)


def _skeleton_pages(group: Sequence[_Part], meta: dict[str, Any]) -> list[list[dict[str, Any]]] | None:
    """The skeleton's pages of each part of the group (a blank page before a part included)."""
    pages = meta["pages"][0 if _is_right(group[0].chunk_start) else 1 :]
    if len(pages) != sum(p.pages + p.blank_before for p in group):
        return None
    out, position = [], 0
    for part in group:
        size = part.pages + part.blank_before
        out.append(pages[position : position + size])
        position += size
    return out


def _front_html(book: _Book, targets: dict[str, int]) -> str:
    """The front matter, its links to the targets carrying their page numbers (see :data:`_TARGET_PAGE`)."""
    pieces = []
    for element in book.front:
        copy = lxml.html.fromstring(_html(element))
        for link in copy.iter("a"):
            href = link.get("href") or ""
            if href.startswith("#") and unquote(href[1:]) in targets:
                link.set(_PAGE_ATTRIBUTE, str(targets[unquote(href[1:])]))
        pieces.append(_html(copy))
    return book.document("".join(pieces), "/* editions: the front matter */\n", front=True)


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _front_targets(book: _Book) -> list[str]:
    """Ids the front matter links to that are not in the front matter."""
    inside = {
        e.get("id")
        for element in book.front
        for e in element.iter()
        if isinstance(e.tag, str) and e.get("id")
    }
    targets: dict[str, None] = {}
    for element in book.front:
        for link in element.iter("a"):
            href = link.get("href") or ""
            if href.startswith("#") and len(href) > 1:
                name = unquote(href[1:])
                if name not in inside:
                    targets.setdefault(name, None)
    return list(targets)


def _front_pages(meta: dict[str, Any]) -> int:
    """Pages of the front matter."""
    return len(meta["pages"])


# --- the build -------------------------------------------------------------------------------------


@dataclass
class ParallelResult:
    pages: int
    parts: int
    rendered: int
    cached: int


def style_files(css: str) -> list[Path]:
    """The local files the CSS points at (fonts, images), as absolute paths."""
    found: dict[Path, None] = {}
    for match in _CSS_URL.finditer(css):
        parts = urlsplit(match.group(2))
        if parts.netloc in ("", "localhost"):
            found.setdefault(Path(url2pathname(parts.path)), None)
    return [p for p in found if p.is_file()]


def build(
    html: str,
    target: Path,
    *,
    base_url: str | None,
    roots: Sequence[Path],
    files: Sequence[Path],
    geometry: Any,
    open_right: bool,
    jobs: int,
    cache: PartCache | None,
    report: Progress,
) -> ParallelResult | None:
    """Build the PDF in parts (see the module docstring); ``None`` if the document is not suited."""
    book, reason = split_book(html, open_right=open_right)
    if book is None:
        log.debug("rendering in one piece: %s", reason)
        return None
    css_files = style_files(book.css)
    hashes = cache.hashes if cache is not None else None
    fingerprint = [f"{p}={(hashes(p) if hashes else _sha256_file(p))}" for p in css_files]
    salt = digest(_versions(), _code_fingerprint(), *fingerprint)
    common = {"base_url": base_url, "roots": [str(r) for r in roots], "files": [str(f) for f in files]}
    runner = _Runner(jobs, cache, salt, report)
    try:
        built = _build(book, target, runner, common, geometry, open_right, css_files, report)
    except BaseException:  # an error, Ctrl-C or SIGTERM: no worker outlives the build
        runner.close(abort=True)
        raise
    runner.close()
    return built


def _sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


#: A skeleton document covers consecutive parts until it holds at least this many pages.
SKELETON_PAGES = 160


def _build(
    book: _Book,
    target: Path,
    runner: _Runner,
    common: dict[str, Any],
    geometry: Any,
    open_right: bool,
    css_files: Sequence[Path],
    report: Progress,
) -> ParallelResult | None:
    parts = [_Part([book.articles[i] for i in batch]) for batch in plan_batches(book.articles)]
    if book.back:
        parts.append(_Part(list(book.back)))
    targets = _front_targets(book)
    report(f"rendering {len(book.articles)} articles in {len(parts)} parts on {runner.jobs} processes…")

    # A first render of the front matter, with page numbers estimated from the text, says how many
    # pages it takes (its length hardly depends on the numbers' values, only on their widths).
    estimate = [
        _Part([a], meta={"pages": [{}] * n})
        for a, n in zip(book.articles, _estimated_counts(book, geometry), strict=True)
    ]
    _place(estimate, 1 + math.ceil(len(book.articles) / 12), open_right=open_right)
    estimated = {p.sections[0].id: p.start for p in estimate}
    probe = {name: estimated.get(name, 2) for name in targets}

    done: set[int] = set()  # id() of the parts rendered and final
    by_id = {id(part): part for part in parts}

    def prefix() -> int:
        """How many parts from the first on are rendered (and final)."""
        count = 0
        while count < len(parts) and id(parts[count]) in done:
            count += 1
        return count

    def submit(part: _Part, *, urgent: bool = False) -> None:
        by_id[id(part)] = part
        runner.add(("body", id(part)), "part", dict(common, html=_body_html(book, part)), urgent=urgent)

    waiting: set[int] = set()  # id() of the parts rendered but not yet settled

    def settle() -> bool:
        """Settle the rendered parts in book order (False if a part cannot be placed).

        A part whose footnotes run past its end is combined with the next one and rendered again
        (in one render they go to the top of the next article's pages). Deciding in book order, not
        in the order renders finish, makes the parts the same on every build, so the cache holds.
        """
        while (index := prefix()) < len(parts) and id(part := parts[index]) in waiting:
            waiting.discard(id(part))
            trailing = _trailing_pages(part)
            if trailing and index + 1 < len(parts):
                following = parts[index + 1]
                combined = _Part(part.sections + following.sections)
                parts[index : index + 2] = [combined]
                waiting.discard(id(following))
                gone = ("body", id(following))
                runner.forget(gone.__eq__)
                submit(combined, urgent=True)
                return True
            counts = _section_counts(part)
            if counts is None:
                return False
            counts[-1] += trailing  # the book's last pages: footnotes after the end (as in one render)
            part.counts = counts
            done.add(id(part))
            if part.in_main:
                typeset = sum(s.in_main for p in parts[: index + 1] for s in p.sections)
                report(f"typeset {typeset} of {len(book.articles)} articles…")
        return True

    front_pages: int | None = None
    front_result: tuple[bytes, dict[str, Any]] | None = None
    groups: list[list[_Part]] = []
    skeletons: dict[int, tuple[bytes, dict[str, Any]]] = {}
    runner.add("probe", "part", dict(common, html=_front_html(book, probe), finisher=True), urgent=True)
    for part in sorted(parts, key=lambda p: p.in_main):  # the back matter (its QR codes take long) first
        submit(part)

    def plan_skeletons() -> None:
        """Start the skeletons of the parts whose place in the book is known."""
        if front_pages is None:
            return
        ready = prefix()
        covered = sum(len(g) for g in groups)
        _place(parts[:ready], front_pages, open_right=open_right)
        while covered < ready:
            group: list[_Part] = []
            pages = 0
            for part in parts[covered:ready]:
                group.append(part)
                pages += part.pages
                if pages >= SKELETON_PAGES:
                    break
            if pages < SKELETON_PAGES and ready < len(parts):
                return
            groups.append(group)
            covered += len(group)
            runner.add(
                ("skeleton", len(groups) - 1),
                "part",
                dict(common, html=_skeleton_html(book, group)),
                urgent=True,
            )

    attempts = 0
    for label, (data, meta) in runner.results():
        if label == "probe":
            front_pages = _front_pages(meta)
        elif label[0] == "body":
            part = by_id[label[1]]
            if not any(p is part for p in parts):
                continue  # merged into the part before it meanwhile
            part.data, part.meta = data, meta
            waiting.add(id(part))
            if not settle():
                log.debug("rendering in one piece: a section of a part is not on consecutive pages")
                return None
        elif label[0] == "skeleton":
            skeletons[label[1]] = (data, meta)
        elif label == "front":
            actual = _front_pages(meta)
            if actual != front_pages:
                attempts += 1
                if attempts > 2:
                    log.debug("rendering in one piece: the front matter's length does not settle")
                    return None
                front_pages, front_result = actual, None
                groups.clear()
                skeletons.clear()
                runner.forget(lambda label: isinstance(label, tuple) and label[0] == "skeleton")
            else:
                front_result = (data, meta)
        plan_skeletons()
        if (
            prefix() == len(parts)
            and front_pages is not None
            and not runner.has("front")
            and front_result is None
        ):
            total = _place(parts, front_pages, open_right=open_right)
            anchors = _anchor_pages(parts)
            numbers = {name: anchors[name] for name in targets if name in anchors}
            runner.add(
                "front", "part", dict(common, html=_front_html(book, numbers), finisher=True), urgent=True
            )
    if front_result is None or front_pages is None or len(skeletons) != len(groups):
        return None
    total = _place(parts, front_pages, open_right=open_right)
    front_data, front_meta = front_result

    # Check that the skeletons hold the parts' pages, and how far each page moves sideways.
    placements: list[tuple[bytes, list[dict[str, Any]], list[float], int]] = []
    for number, group in enumerate(groups):
        data, meta = skeletons[number]
        per_part = _skeleton_pages(group, meta)
        if per_part is None:
            log.debug("rendering in one piece: a skeleton does not have the parts' pages")
            return None
        for part, pages in zip(group, per_part, strict=True):
            shifts = _shifts(part, pages[1:] if part.blank_before else pages)
            if shifts is None:
                log.debug("rendering in one piece: left and right pages differ in measure")
                return None
            placements.append((data, pages, shifts, number))

    problems = list(front_meta.get("problems", [])) + [
        p for part in parts for p in part.meta.get("problems", [])
    ]
    for problem in problems:
        log.warning("%s", problem)

    report(f"writing {total} pages to {target}…")
    fonts = _FontPlan(css_files)
    _merge(
        book, parts, groups, skeletons, placements, front_data, front_meta, front_pages, target, fonts, runner
    )
    return ParallelResult(total, len(parts), runner.rendered, runner.cached)


def _shifts(part: _Part, skeleton_pages: Sequence[dict[str, Any]]) -> list[float] | None:
    """For each page of the part, how far its content moves sideways to land where the skeleton's is.

    The sections' boxes must have the same width on both (the same measure), and on a section's
    opening page the same top (the same top margin; further down, a box's top depends on what
    opens the page, which the skeleton does not have).
    """
    ids = {s.id for s in part.sections}
    opened: set[str] = set()
    shifts: list[float | None] = []
    for body, skeleton in zip(part.meta["pages"], skeleton_pages, strict=True):
        mine = {a[0]: a for a in body["anchors"] if a[0] in ids}
        theirs = {a[0]: a for a in skeleton["anchors"] if a[0] in ids}
        common = sorted(set(mine) & set(theirs))
        if not common:
            if mine or theirs:
                return None
            shifts.append(None)  # a blank page, or footnotes alone: moved as the pages on its side
            continue
        name = common[0]
        _, x1, y1, x2 = mine[name]
        _, sx1, sy1, sx2 = theirs[name]
        opening = name not in opened
        opened.add(name)
        if abs((x2 - x1) - (sx2 - sx1)) > 0.01 or (opening and abs(y1 - sy1) > 0.01):
            log.debug("page %d: part %s, skeleton %s", len(shifts), mine[name], theirs[name])
            return None
        shifts.append(round(sx1 - x1, 4))
    by_side = {n % 2: shift for n, shift in enumerate(shifts) if shift is not None}
    return [shift if shift is not None else by_side.get(n % 2, 0.0) for n, shift in enumerate(shifts)]


# --- fonts: one program per face for the whole book ----------------------------------------------------

_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")


class _FontPlan:
    """Gathers the fonts of every part, then makes one program per font file and, per font, one dictionary.

    WeasyPrint positions glyphs relative to the widths it writes (the first it measured for a glyph),
    which may differ by a unit between documents at different text sizes: a document whose widths
    disagree with the shared ones keeps a dictionary of its own (with the shared program).
    """

    def __init__(self, candidates: Sequence[Path]) -> None:
        self.candidates = [p for p in candidates if p.suffix.lower() in _FONT_SUFFIXES]
        self.fonts: dict[str, dict[str, Any]] = {}
        self._names: dict[Path, tuple[str, ...] | None] = {}
        self.unified: dict[tuple[int, str], Any] = {}  # (source, name) -> font reference
        self.source = 0

    def gather(self, reader: Any, source: int) -> None:
        """Record the widths, Unicode maps and programs of a reader's fonts (WeasyPrint's Type 0 fonts)."""
        from pypdf.generic import DictionaryObject

        seen: set[int] = set()
        for page in reader.pages:
            resources = page.get("/Resources")
            if resources is None:
                continue
            fonts = resources.get_object().get("/Font")
            if fonts is None:
                continue
            fonts = fonts.get_object()
            if id(fonts) in seen:
                continue
            seen.add(id(fonts))
            for name, ref in fonts.items():
                font = ref.get_object()
                if not isinstance(font, DictionaryObject):
                    continue
                self._gather_font(str(name)[1:], font, source)

    def _gather_font(self, name: str, font: Any, source: int) -> None:
        record = self.fonts.setdefault(
            name, {"ok": True, "widths": {}, "unicode": {}, "instances": 0, "variants": {}}
        )
        record["instances"] += 1
        try:
            if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H":
                raise ValueError("not an Identity-H Type 0 font")
            cid = font["/DescendantFonts"][0].get_object()
            if cid.get("/Subtype") != "/CIDFontType2" or cid.get("/CIDToGIDMap") != "/Identity":
                raise ValueError("not a TrueType CID font with identity map")
            descriptor = cid["/FontDescriptor"].get_object()
            program = descriptor["/FontFile2"].get_object()
            base = str(font["/BaseFont"])
            if record.get("base", base) != base:
                raise ValueError("two fonts under one name")
            record["base"] = base
            if "descriptor" not in record:
                record["descriptor"] = {
                    key: descriptor[key]
                    for key in (
                        "/FontName",
                        "/FontFamily",
                        "/Flags",
                        "/ItalicAngle",
                        "/Ascent",
                        "/Descent",
                        "/StemV",
                        "/StemH",
                    )
                    if key in descriptor
                }
                record["program"] = program.get_data()
            widths = _parse_widths(cid.get("/W", []))
            shared = record["widths"]
            if all(shared.get(glyph, width) == width for glyph, width in widths.items()):
                shared.update(widths)
            else:
                record["variants"][source] = widths
            to_unicode = font.get("/ToUnicode")
            if to_unicode is not None:
                for glyph, text in _BFCHAR.findall(to_unicode.get_object().get_data()):
                    record["unicode"][int(glyph, 16)] = text
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
            record["ok"] = False
            record["why"] = str(exc)

    def _fingerprint(self, data: bytes) -> tuple[str, ...] | None:
        from fontTools.ttLib import TTFont

        try:
            font = TTFont(io.BytesIO(data), lazy=True)
            names = font["name"]
            found = [str(names.getDebugName(i) or "") for i in (1, 2, 5, 6)]
            return (*found, str(font["head"].unitsPerEm))
        except Exception:  # a font we cannot read is a font we leave alone
            return None

    def _original(self, program: bytes) -> Path | None:
        wanted = self._fingerprint(program)
        if wanted is None:
            return None
        matches = []
        for path in self.candidates:
            if path not in self._names:
                try:
                    self._names[path] = self._fingerprint(path.read_bytes())
                except OSError:
                    self._names[path] = None
            if self._names[path] == wanted:
                matches.append(path)
        return matches[0] if len(matches) == 1 else None

    def subsets(self) -> list[tuple[Path, list[int]]]:
        """The original files to subset, with the union of glyph ids used from each."""
        by_file: dict[Path, set[int]] = {}
        for record in self.fonts.values():
            if not record["ok"]:
                continue
            original = self._original(record["program"])
            if original is None:
                record["ok"] = False
                continue
            record["file"] = original
            by_file.setdefault(original, set()).update(record["widths"])
            for widths in record["variants"].values():
                by_file[original].update(widths)
        return [(path, sorted(gids)) for path, gids in sorted(by_file.items())]

    def build(self, pdf: pydyf.PDF, programs: dict[Path, bytes]) -> None:
        """Add one Type 0 font per unified font name, and one program per original file, to ``pdf``."""
        streams: dict[Path, Any] = {}
        for name in sorted(self.fonts):
            record = self.fonts[name]
            if not record["ok"] or record.get("file") not in programs:
                continue
            path = record["file"]
            if path not in streams:
                data = programs[path]
                stream = pydyf.Stream([data], pydyf.Dictionary({"Length1": len(data)}), compress=True)
                pdf.add_object(stream)
                streams[path] = stream
            shared = _font_objects(pdf, record, streams[path].reference)
            self.unified[(-1, name)] = shared
            for source, widths in sorted(record["variants"].items()):
                self.unified[(source, name)] = _font_objects(
                    pdf, dict(record, widths=widths), streams[path].reference
                )

    def font(self, source: int, name: str) -> Any:
        """The book's font for a font name of a source document (None: copy the document's own)."""
        return self.unified.get((source, name), self.unified.get((-1, name)))


def _parse_widths(array: Any) -> dict[int, float]:
    widths: dict[int, float] = {}
    items = list(array)
    i = 0
    while i < len(items):
        first = int(items[i])
        following = items[i + 1].get_object() if hasattr(items[i + 1], "get_object") else items[i + 1]
        if isinstance(following, list):
            for offset, width in enumerate(following):
                widths[first + offset] = float(width)
            i += 2
        else:
            last, width = int(following), float(items[i + 2])
            for glyph in range(first, last + 1):
                widths[glyph] = width
            i += 3
    return widths


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def _font_objects(pdf: pydyf.PDF, record: dict[str, Any], program: bytes) -> bytes:
    """A WeasyPrint-shaped Type 0 font for ``record`` (union widths and Unicode map); its reference."""
    widths = record["widths"]
    unicode_items = sorted(record["unicode"].items())
    cmap = [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo",
        b"<< /Registry (Adobe)",
        b"/Ordering (UCS)",
        b"/Supplement 0",
        b">> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        b"<0000> <ffff>",
        b"endcodespacerange",
    ]
    for start in range(0, len(unicode_items), 100):
        batch = unicode_items[start : start + 100]
        cmap.append(f"{len(batch)} beginbfchar".encode())
        cmap.extend(f"<{glyph:04x}> <{text.decode().lower()}>".encode() for glyph, text in batch)
        cmap.append(b"endbfchar")
    cmap += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    to_unicode = pydyf.Stream(cmap, compress=True)
    pdf.add_object(to_unicode)
    d = record["descriptor"]
    ascent, descent = _number(d.get("/Ascent", 0)), _number(d.get("/Descent", 0))
    max_x = max(widths.values()) if widths else 0
    flags = int(d.get("/Flags", 4)) & ~1
    if len(widths) > 1 and len(set(widths.values())) == 1:
        flags |= 1
    descriptor = pydyf.Dictionary(
        {
            "Type": "/FontDescriptor",
            "FontName": _name(str(d.get("/FontName", record["base"]))),
            "FontFamily": pydyf.String(str(d.get("/FontFamily", ""))),
            "Flags": flags,
            "FontBBox": pydyf.Array([0, descent, _number(max_x), ascent]),
            "ItalicAngle": _number(d.get("/ItalicAngle", 0)),
            "Ascent": ascent,
            "Descent": descent,
            "CapHeight": ascent,
            "StemV": _number(d.get("/StemV", 80)),
            "StemH": _number(d.get("/StemH", 80)),
            "FontFile2": program,
        }
    )
    pdf.add_object(descriptor)
    w = pydyf.Array()
    current = None
    for glyph in sorted(widths):
        if glyph - 1 not in widths:
            w.append(glyph)
            current = pydyf.Array()
            w.append(current)
        assert current is not None
        current.append(_number(widths[glyph]))
    cid = pydyf.Dictionary(
        {
            "Type": "/Font",
            "Subtype": "/CIDFontType2",
            "BaseFont": _name(record["base"]),
            "CIDSystemInfo": pydyf.Dictionary(
                {"Registry": pydyf.String("Adobe"), "Ordering": pydyf.String("Identity"), "Supplement": 0}
            ),
            "CIDToGIDMap": "/Identity",
            "W": w,
            "FontDescriptor": descriptor.reference,
        }
    )
    pdf.add_object(cid)
    font = pydyf.Dictionary(
        {
            "Type": "/Font",
            "Subtype": "/Type0",
            "BaseFont": _name(record["base"]),
            "ToUnicode": to_unicode.reference,
            "Encoding": "/Identity-H",
            "DescendantFonts": pydyf.Array([cid.reference]),
        }
    )
    pdf.add_object(font)
    return font.reference


def _name(value: str) -> str:
    return pydyf.name(value[1:] if value.startswith("/") else value).decode("ascii")


# --- merging: pypdf reads the parts, pydyf writes the book ------------------------------------------------


class _Hex(pydyf.Object):
    def __init__(self, data: bytes) -> None:
        super().__init__()
        self.bytes = data

    @property
    def data(self) -> bytes:
        return b"<" + self.bytes.hex().encode() + b">"


class _Converter:
    """Copies pypdf objects into a pydyf document (each indirect object once per source file)."""

    def __init__(self, pdf: pydyf.PDF, fonts: _FontPlan) -> None:
        self.pdf = pdf
        self.fonts = fonts
        self.memo: dict[tuple[int, int], Any] = {}
        self.source = 0
        self.objects: dict[bytes, Any] = {}
        self.merged: dict[tuple[int, int], pydyf.Dictionary | None] = {}

    def start(self, source: int) -> None:
        self.source = source

    def value(self, obj: Any) -> Any:
        from pypdf import generic as g

        if isinstance(obj, g.IndirectObject):
            key = (self.source, obj.idnum)
            if key not in self.memo:
                self.memo[key] = self._indirect(obj.get_object())
            return self.memo[key].reference
        if isinstance(obj, g.BooleanObject):
            return "true" if obj else "false"
        if isinstance(obj, g.NullObject) or obj is None:
            return "null"
        if isinstance(obj, g.NameObject):
            return _name(str(obj))
        if isinstance(obj, g.FloatObject):
            return _number(float(obj))
        if isinstance(obj, g.NumberObject):
            return int(obj)
        if isinstance(obj, g.ByteStringObject):
            return _Hex(bytes(obj))
        if isinstance(obj, g.TextStringObject):
            return pydyf.String(str(obj))
        if isinstance(obj, g.StreamObject):
            return self._indirect(obj).reference
        if isinstance(obj, g.DictionaryObject):
            return pydyf.Dictionary({str(k)[1:]: self.value(v) for k, v in obj.items()})
        if isinstance(obj, g.ArrayObject):
            return pydyf.Array([self.value(v) for v in obj])
        raise TypeError(f"cannot copy {type(obj).__name__}")

    def _indirect(self, obj: Any) -> Any:
        from pypdf import generic as g

        if isinstance(obj, g.StreamObject):
            extra = pydyf.Dictionary({str(k)[1:]: self.value(v) for k, v in obj.items() if k != "/Length"})
            made = pydyf.Stream([obj._data], extra)
        elif isinstance(obj, g.DictionaryObject):
            made = pydyf.Dictionary({str(k)[1:]: self.value(v) for k, v in obj.items()})
        else:
            made = _Direct(self.value(obj))
        self.pdf.add_object(made)
        self.objects[made.reference] = made
        return made

    def resources(self, page: Any) -> pydyf.Dictionary:
        """The page's resources (added to the document), its fonts replaced by the book's unified ones.

        Every entry but ``XObject`` becomes a reference, so that :func:`_overlay_resources` can add
        the furniture form to a copy cheaply.
        """
        raw = page.get("/Resources")
        key = (self.source, raw.idnum) if hasattr(raw, "idnum") else None
        if key is not None and key in self.memo:
            return self.memo[key]
        resources = raw.get_object() if raw is not None else {}
        made = pydyf.Dictionary()
        for k, v in resources.items():
            if k == "/Font":
                value: Any = pydyf.Dictionary()
                for name, ref in v.get_object().items():
                    unified = self.fonts.font(self.source, str(name)[1:])
                    value[str(name)[1:]] = unified if unified is not None else self.value(ref)
            else:
                value = self.value(v)
            if isinstance(value, pydyf.Dictionary) and k != "/XObject":
                self.pdf.add_object(value)
                self.objects[value.reference] = value
                value = value.reference
            made[str(k)[1:]] = value
        self.pdf.add_object(made)
        if key is not None:
            self.memo[key] = made
        return made

    def contents(self, page: Any) -> list[bytes]:
        raw = page.get("/Contents")
        if raw is None:
            return []
        resolved = raw.get_object()
        from pypdf import generic as g

        if isinstance(resolved, g.ArrayObject):
            return [self.value(item) for item in resolved]
        return [self.value(raw)]

    def union(self, first: pydyf.Dictionary, second: pydyf.Dictionary) -> pydyf.Dictionary | None:
        """Both pages' resources in one dictionary; None if a name means two different things."""
        key = (id(first), id(second))
        if key in self.merged:
            return self.merged[key]
        out = pydyf.Dictionary()
        clash = False
        for category in sorted(set(first) | set(second)):
            a, b = first.get(category), second.get(category)
            if b is None or a == b:
                out[category] = a
                continue
            if a is None:
                out[category] = b
                continue
            da, db = self._resolve(a), self._resolve(b)
            if not isinstance(da, dict) or not isinstance(db, dict):
                clash = True
                break
            combined = pydyf.Dictionary(da)
            for name, value in db.items():
                if name in combined and pydyf._to_bytes(combined[name]) != pydyf._to_bytes(value):
                    combined = None
                    break
                combined[name] = value
            if combined is None:
                clash = True
                break
            self.pdf.add_object(combined)
            out[category] = combined.reference
        if clash:
            self.merged[key] = None
            return None
        self.pdf.add_object(out)
        self.merged[key] = out
        return out

    def _resolve(self, value: Any) -> Any:
        return self.objects.get(value) if isinstance(value, bytes) else value

    @staticmethod
    def data(page: Any) -> bytes:
        """The page's content, decoded (its content streams joined)."""
        from pypdf import generic as g

        raw = page.get("/Contents")
        resolved = raw.get_object() if raw is not None else None
        if isinstance(resolved, g.ArrayObject):
            return b"\n".join(item.get_object().get_data() for item in resolved)
        return resolved.get_data() if resolved is not None else b""


class _Direct(pydyf.Object):
    def __init__(self, value: Any) -> None:
        super().__init__()
        self.value = value

    @property
    def data(self) -> bytes:
        return pydyf._to_bytes(self.value)


def _merge(
    book: _Book,
    parts: Sequence[_Part],
    groups: Sequence[Sequence[_Part]],
    skeletons: dict[int, tuple[bytes, dict[str, Any]]],
    placements: Sequence[tuple[bytes, list[dict[str, Any]], list[float], int]],
    front_data: bytes,
    front_meta: dict[str, Any],
    front_pages: int,
    target: Path,
    fonts: _FontPlan,
    runner: _Runner,
) -> None:
    from pypdf import PdfReader

    from .textio import atomic_path

    front = PdfReader(io.BytesIO(front_data))
    skeleton_readers = [PdfReader(io.BytesIO(skeletons[number][0])) for number in range(len(groups))]
    bodies = [PdfReader(io.BytesIO(part.data)) for part in parts]
    fonts.gather(front, 0)
    for number, reader in enumerate(skeleton_readers):
        fonts.gather(reader, 1 + number)
    for index, body in enumerate(bodies):
        fonts.gather(body, 1 + len(groups) + index)
    wanted = fonts.subsets()
    programs: dict[Path, bytes] = {}
    if wanted:
        results = runner.run([("font", {"path": str(path), "gids": gids}) for path, gids in wanted])
        programs = {path: data for (path, _), (data, _) in zip(wanted, results, strict=True)}

    pdf = pydyf.PDF()
    fonts.build(pdf, programs)
    convert = _Converter(pdf, fonts)
    refs: list[bytes] = []
    made_pages: list[pydyf.Dictionary] = []
    page_facts: list[tuple[dict[str, Any], float]] = []  # (facts, shift) per book page, for links and outline
    shared: dict[str, Any] = {}

    def shared_stream(text: str) -> bytes:
        if text not in shared:
            stream = pydyf.Stream([text.encode()])
            pdf.add_object(stream)
            shared[text] = stream
        return shared[text].reference

    def add_page(source: Any, contents: list[bytes], resources: Any, annots: list[Any]) -> None:
        page = pydyf.Dictionary({"Type": "/Page"})
        for box in ("/MediaBox", "/TrimBox", "/BleedBox"):
            if box in source:
                page[box[1:]] = convert.value(source[box])
        page["Contents"] = contents[0] if len(contents) == 1 else pydyf.Array(contents)
        page["Resources"] = resources
        if annots:
            page["Annots"] = pydyf.Array(annots)
        pdf.add_page(page)
        refs.append(page.reference)
        made_pages.append(page)

    def annotations(source: Any, shift: float) -> list[Any]:
        made = []
        for annot in source.get("/Annots") or []:
            convert_annot = convert.value(annot.get_object())
            if shift and "Rect" in convert_annot:
                rect = convert_annot["Rect"]
                convert_annot["Rect"] = pydyf.Array(
                    [_number(round(float(v) + (shift if i % 2 == 0 else 0), 6)) for i, v in enumerate(rect)]
                )
            pdf.add_object(convert_annot)
            made.append(convert_annot.reference)
        return made

    # Front matter.
    convert.start(0)
    for number in range(front_pages):
        page = front.pages[number]
        add_page(page, convert.contents(page), convert.resources(page).reference, annotations(page, 0))
        page_facts.append((front_meta["pages"][number], 0.0))
    # Parts over their skeletons.
    position = {
        id(group[0]): (number, 0 if _is_right(group[0].chunk_start) else 1)
        for number, group in enumerate(groups)
    }
    cursor = 0
    group_number = -1
    for index, (part, body, (_, _, shifts, number)) in enumerate(zip(parts, bodies, placements, strict=True)):
        if number != group_number:
            group_number, cursor = position[id(groups[number][0])]
        skeleton_source = 1 + number
        body_source = 1 + len(groups) + index
        convert.start(skeleton_source)
        skeleton_pages = list(
            skeleton_readers[number].pages[cursor : cursor + part.pages + part.blank_before]
        )
        cursor += part.pages + part.blank_before
        if part.blank_before:
            page = skeleton_pages.pop(0)
            add_page(page, convert.contents(page), convert.resources(page).reference, [])
            page_facts.append(({"anchors": [], "bookmarks": [], "links": []}, 0.0))
        skeleton_resources = [convert.resources(page) for page in skeleton_pages]
        convert.start(body_source)
        for number_in_part, page in enumerate(body.pages):
            shift = shifts[number_in_part]
            furniture, body_resources = skeleton_pages[number_in_part], convert.resources(page)
            move = f"1 0 0 1 {_number(shift)} 0 cm\n" if shift else ""
            union = convert.union(body_resources, skeleton_resources[number_in_part])
            if union is not None:
                # One content stream, as WeasyPrint writes: the furniture, then the body.
                data = b"q\n%s\nQ\nq\n%s%s\nQ\n" % (
                    convert.data(furniture),
                    move.encode(),
                    convert.data(page),
                )
                stream = pydyf.Stream([zlib.compress(data)], pydyf.Dictionary({"Filter": "/FlateDecode"}))
                pdf.add_object(stream)
                add_page(page, [stream.reference], union.reference, annotations(page, shift))
            else:
                # Resource names that clash: the furniture as a Form XObject.
                convert.start(skeleton_source)
                form = _form(pdf, furniture, skeleton_resources[number_in_part].reference, convert)
                convert.start(body_source)
                page_resources = _overlay_resources(pdf, body_resources, form)
                contents = [
                    shared_stream(f"q /EditionsFurniture Do Q q {move}"),
                    *convert.contents(page),
                    shared_stream("Q"),
                ]
                add_page(page, contents, page_resources, annotations(page, shift))
            page_facts.append((part.meta["pages"][number_in_part], shift))

    _links_and_destinations(pdf, made_pages, page_facts)
    _outline(pdf, refs, page_facts)
    info = cast("DictionaryObject", front.trailer["/Info"].get_object()) if "/Info" in front.trailer else {}
    convert.start(0)
    for key, value in info.items():
        pdf.info[str(key)[1:]] = convert.value(value)
    catalog = cast("DictionaryObject", front.trailer["/Root"].get_object())
    for key in ("/Lang", "/PageMode", "/PageLayout", "/ViewerPreferences"):
        if key in catalog:
            pdf.catalog[key[1:]] = convert.value(catalog[key])
    with atomic_path(target) as tmp, open(tmp, "wb") as output:
        pdf.write(output, version=b"1.7", identifier=True, compress=True)


def _form(pdf: pydyf.PDF, page: Any, resources: Any, convert: _Converter) -> bytes:
    """A Form XObject drawing a skeleton page (its content streams joined)."""
    from pypdf import generic as g

    raw = page.get("/Contents")
    resolved = raw.get_object() if raw is not None else None
    if isinstance(resolved, g.StreamObject):
        data, extra = (
            resolved._data,
            {str(k)[1:]: convert.value(v) for k, v in resolved.items() if k != "/Length"},
        )
    else:
        joined = b"\n".join(item.get_object().get_data() for item in (resolved or []))
        data, extra = zlib.compress(joined), {"Filter": "/FlateDecode"}
    box = page.get("/MediaBox")
    extra.update({"Type": "/XObject", "Subtype": "/Form", "BBox": convert.value(box), "Resources": resources})
    form = pydyf.Stream([data], pydyf.Dictionary(extra))
    pdf.add_object(form)
    return form.reference


def _overlay_resources(pdf: pydyf.PDF, resources: pydyf.Dictionary, form: bytes) -> bytes:
    """Page resources: the part's entries (references) and its images plus the furniture form."""
    made = pydyf.Dictionary(resources)
    xobjects = pydyf.Dictionary(resources.get("XObject") or {})
    xobjects["EditionsFurniture"] = form
    made["XObject"] = xobjects
    pdf.add_object(made)
    return made.reference


def _links_and_destinations(
    pdf: pydyf.PDF, pages: Sequence[pydyf.Dictionary], facts: Sequence[tuple[dict[str, Any], float]]
) -> None:
    """Named destinations for every anchor (the first of a name wins) and the internal links to them."""
    refs = [page.reference for page in pages]
    names: dict[str, Any] = {}
    for number, (page, shift) in enumerate(facts):
        for name, x, y, *_ in page.get("anchors", []):
            if name.startswith("editions-") or name in names:
                continue
            names[name] = pydyf.Array([refs[number], "/XYZ", _number(round(x + shift, 6)), _number(y), 0])
    for number, (page, shift) in enumerate(facts):
        for target, x1, y1, x2, y2 in page.get("links", []):
            if target not in names:
                log.warning("No anchor #%s for internal URI reference", target)
                continue
            annot = pydyf.Dictionary(
                {
                    "Type": "/Annot",
                    "Subtype": "/Link",
                    "Rect": pydyf.Array([_number(round(v, 6)) for v in (x1 + shift, y1, x2 + shift, y2)]),
                    "BS": pydyf.Dictionary({"W": 0}),
                    "Dest": pydyf.String(target),
                }
            )
            pdf.add_object(annot)
            pages[number].setdefault("Annots", pydyf.Array()).append(annot.reference)
    if names:
        array = pydyf.Array()
        for name in sorted(names):
            array.append(pydyf.String(name))
            array.append(names[name])
        pdf.catalog["Names"] = pydyf.Dictionary({"Dests": pydyf.Dictionary({"Names": array})})


def _outline(pdf: pydyf.PDF, refs: Sequence[bytes], facts: Sequence[tuple[dict[str, Any], float]]) -> None:
    """The bookmarks of every page as one tree (as WeasyPrint nests them) in the document outline."""
    root: list[Any] = []
    skipped: list[int] = []
    last_by_depth = [root]
    previous = 0
    for number, (page, shift) in enumerate(facts):
        for level, label, x, y, state in page.get("bookmarks", []):
            if level > previous:
                skipped.append(level - previous - 1)
            else:
                temp = level
                while temp < previous:
                    temp += 1 + skipped.pop()
                if temp > previous:
                    skipped.append(temp - previous - 1)
            previous = level
            depth = level - sum(skipped)
            children: list[Any] = []
            last_by_depth[depth - 1].append((label, (number, x + shift, y), children, state))
            del last_by_depth[depth:]
            last_by_depth.append(children)
    if root:
        _add_outlines(pdf, refs, root)


def _add_outlines(
    pdf: pydyf.PDF, refs: Sequence[bytes], bookmarks: list[Any], parent: Any = None
) -> tuple[list[Any], int]:
    count = len(bookmarks)
    outlines: list[Any] = []
    for title, (page, x, y), children, state in bookmarks:
        destination = pydyf.Array((refs[page], "/XYZ", _number(round(x, 6)), _number(round(y, 6)), 0))
        outline = pydyf.Dictionary({"Title": pydyf.String(title), "Dest": destination})
        pdf.add_object(outline)
        children_outlines, children_count = _add_outlines(pdf, refs, children, parent=outline)
        outline["Count"] = children_count
        if state == "closed":
            outline["Count"] *= -1
        else:
            count += children_count
        if outlines:
            outline["Prev"] = outlines[-1].reference
            outlines[-1]["Next"] = outline.reference
        if children_outlines:
            outline["First"] = children_outlines[0].reference
            outline["Last"] = children_outlines[-1].reference
        if parent is not None:
            outline["Parent"] = parent.reference
        outlines.append(outline)
    if parent is None and outlines:
        dictionary = pydyf.Dictionary(
            {"Count": count, "First": outlines[0].reference, "Last": outlines[-1].reference}
        )
        pdf.add_object(dictionary)
        for outline in outlines:
            outline["Parent"] = dictionary.reference
        pdf.catalog["Outlines"] = dictionary.reference
    return outlines, count


def environment_jobs(value: int | None) -> int:
    """The number of worker processes: ``value``, else the CPUs this process may use."""
    if value is not None and value > 0:
        return value
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)
