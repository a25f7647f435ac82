"""The build in parts: the print HTML in, the same pamphlet out, rendered in parts, in parallel, cached.

In: the complete print HTML of an edition (:func:`editions.pdf.printhtml.render_print_html`), the folders
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
   style's CSS (less the rules none of its elements may match) whose sections keep only their
   header (the first child, which sets the running strings, less what cannot matter), are padded
   with forced page breaks to the measured page counts, hidden, and whose page counter starts at
   the part's real first page (a leading page, dropped, when that is a left-hand
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
in book order (the back matter first), and the skeletons start as soon as the parts before them
are done; the last parts' (fewer than a skeleton's pages: all of a small book's, under ``2 *
SKELETON_PAGES`` pages, whose longest parts go first so that the workers finish together) are cut
in two where their pages are about equal (:func:`balanced_groups`) and laid out side by side. A
few more tasks than workers are in flight so that those start soon. The PDFs that come in are parsed,
all their objects (:func:`~editions.pdf.objects.read_objects`), while this process waits for the
workers (once the tasks they make possible are under way): the merge, after the last render,
finds them parsed.

Every part (body, skeleton, front) is cached by a key over its complete HTML, the style's files and
the versions of the code; a rebuild after editing one article re-renders one batch, the front matter
and the skeletons whose page numbers moved. The output is byte-identical for the same input, with
or without the cache, whatever the number of processes. With ``small_parts`` (the web app's
builds, which follow edits) every article is a part of its own and every part has a skeleton of its
own: a rebuild after correcting one article renders that article and its skeleton (and the front
matter when the contents change), a few pages instead of a batch's; a cold build renders more,
smaller documents. The pages are the same; the bytes are those of any other build with the option.
Their front matter's probe waits for the parts and carries their real page numbers (placed after
a front matter of the guessed length), so that when the guess is right the probe is the front
matter, rendered once.
The parts already checked or merged by this process are not parsed again
(:func:`editions.pdf.objects.read_pdf`).

Not reproduced (the build falls back to one render): ``@page :first`` rules, ``counter(pages)``,
page breaks to a side other than ``--open-right``'s, ``position: fixed``, ``target-counter()`` or
``target-text()`` other than the contents', right-to-left documents, left and right pages of
different measures. Running strings are taken from the first element of
each article and back-matter section (the header) and from the front matter's elements.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pydyf

from ..cache import PartCache, digest
from ..version import __version__
from .book import (
    Book,
    Part,
    anchor_pages,
    body_html,
    estimated_counts,
    front_html,
    front_targets,
    page_shifts,
    place,
    plan_batches,
    section_counts,
    skeleton_html,
    skeleton_pages,
    split_book,
    trailing_pages,
)
from .fontplan import FontPlan
from .merge import merge
from .objects import read_objects, read_pdf
from .pool import Runner

log = logging.getLogger("editions")

Progress = Callable[[str], None]

#: Bump when what a part's facts hold, or how parts are rendered, changes (invalidates the cache).
PART_FORMAT = "editions-part-3"
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(file:[^'")]*)\1\s*\)""")


def _code_fingerprint() -> str:
    """A digest of the code that renders and merges parts (this package and the cache)."""
    package = Path(__file__).parent
    sources = []
    for path in [*sorted(package.glob("*.py")), package.parent / "cache.py"]:
        try:
            sources.append(path.read_bytes())
        except OSError:
            sources.append(path.name.encode())
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


@dataclass
class ParallelResult:
    pages: int
    parts: int
    rendered: int
    cached: int
    page_keys: list[str]


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
    archive: bool = False,
    small_parts: bool = False,
) -> ParallelResult | None:
    """Build the PDF in parts (see the module docstring); ``None`` if the document is not suited.

    ``small_parts``: one article per part and one skeleton per part (see :data:`SKELETON_PAGES`),
    so that a rebuild after editing one article renders the least (a cold build renders more
    documents); the book's pages are the same, its bytes those of any other build with the option.
    """
    book, reason = split_book(html, open_right=open_right)
    if book is None:
        log.debug("rendering in one piece: %s", reason)
        return None
    css_files = style_files(book.css)
    hashes = cache.hashes if cache is not None else None
    fingerprint = [f"{p}={(hashes(p) if hashes else _sha256_file(p))}" for p in css_files]
    salt = digest(_versions(), _code_fingerprint(), *fingerprint)
    common = {
        "base_url": base_url,
        "roots": [str(r) for r in roots],
        "files": [str(f) for f in files],
        "archive": archive,
    }
    runner = Runner(jobs, cache, salt, report)
    try:
        built = _build(book, target, runner, common, geometry, open_right, css_files, report, small_parts)
    except BaseException:  # an error, Ctrl-C or SIGTERM: no worker outlives the build
        runner.close(abort=True)
        raise
    runner.close()
    return built


def _sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


#: How many objects of a part's PDF are parsed at a time while waiting for the workers (a few ms).
READ_STEP = 200

#: A skeleton document covers consecutive parts until it holds at least this many pages (with
#: ``small_parts``: one part each); the parts left over once all are rendered (all of a small book,
#: under twice as many pages estimated from the text) have :data:`SKELETON_SHARES` skeletons of
#: about equal pages (:func:`balanced_groups`), none of fewer than :data:`SKELETON_MIN_PAGES`,
#: laid out side by side. (From the text and the page counts, not from the number of processes or
#: the order renders finish in: the same book whatever they are.)
SKELETON_PAGES = 160
SKELETON_SHARES = 2
SKELETON_MIN_PAGES = 16


def balanced_groups(sizes: Sequence[int]) -> list[list[int]]:
    """The last skeletons, once every part is rendered: the parts left (their pages in the
    skeleton, ``sizes``) cut into :data:`SKELETON_SHARES` runs of about equal pages (each cut at the
    boundary between parts nearest its share of the pages, the first on a tie), fewer when a run
    would hold under :data:`SKELETON_MIN_PAGES`; the indexes of the parts of each run. Skeletons
    laid out side by side take as long as the longest: equal ones finish together. (From the page
    counts only: the same groups whatever the number of processes.)"""
    total = sum(sizes)
    shares = max(1, min(SKELETON_SHARES, total // SKELETON_MIN_PAGES, len(sizes)))
    before = [sum(sizes[:i]) for i in range(len(sizes) + 1)]  # pages before part i
    cuts = [0]
    for share in range(1, shares):
        wanted = total * share / shares
        candidates = range(cuts[-1] + 1, len(sizes) - (shares - share) + 1)
        cuts.append(min(candidates, key=lambda i: (abs(before[i] - wanted), i)))
    cuts.append(len(sizes))
    return [list(range(a, b)) for a, b in itertools.pairwise(cuts)]


def _build(
    book: Book,
    target: Path,
    runner: Runner,
    common: dict[str, Any],
    geometry: Any,
    open_right: bool,
    css_files: Sequence[Path],
    report: Progress,
    small_parts: bool = False,
) -> ParallelResult | None:
    batches = [[i] for i in range(len(book.articles))] if small_parts else plan_batches(book.articles)
    parts = [Part([book.articles[i] for i in batch]) for batch in batches]
    if book.back:
        parts.append(Part(list(book.back)))
    targets = front_targets(book)
    report(f"rendering {len(book.articles)} articles in {len(parts)} parts on {runner.jobs} processes…")

    # A first render of the front matter, with page numbers estimated from the text, says how many
    # pages it takes (its length hardly depends on the numbers' values, only on their widths).
    # With small parts, rendered one after another (the web app's builds), the probe waits for
    # the parts and carries their real numbers, placed after a front matter of the guessed length:
    # when the guess is right, the probe is the front matter (one render of it, not two).
    guess = 1 + math.ceil(len(book.articles) / 12)
    counts = estimated_counts(book, geometry)
    estimate = [Part([a], meta={"pages": [{}] * n}) for a, n in zip(book.articles, counts, strict=True)]
    small = sum(counts) < 2 * SKELETON_PAGES
    group_pages = 1 if small_parts else math.inf if small else SKELETON_PAGES
    place(estimate, guess, open_right=open_right)
    estimated = {p.sections[0].id: p.start for p in estimate}
    probe: dict[str, int] | None = None if small_parts else {name: estimated.get(name, 2) for name in targets}
    probe_result: tuple[bytes, dict[str, Any]] | None = None

    def front_numbers(front_pages: int) -> dict[str, int]:
        """The page numbers of the front matter's targets, the parts placed after ``front_pages``."""
        place(parts, front_pages, open_right=open_right)
        anchors = anchor_pages(parts)
        return {name: anchors[name] for name in targets if name in anchors}

    done: set[int] = set()  # id() of the parts rendered and final
    unread: list[bytes] = []  # PDFs to parse (read_pdf) once the tasks they make possible are under way

    reading: list[Iterator[None]] = []

    def read_some() -> bool:
        """Parse a few objects of the PDFs that came in, for the merge (while the workers render)."""
        while reading or unread:
            if not reading:
                reading.append(read_objects(read_pdf(unread.pop(0)), step=READ_STEP))
            if next(reading[0], StopIteration) is not StopIteration:
                return True
            reading.clear()
        return False

    runner.idle = read_some
    by_id = {id(part): part for part in parts}

    def prefix() -> int:
        """How many parts from the first on are rendered (and final)."""
        count = 0
        while count < len(parts) and id(parts[count]) in done:
            count += 1
        return count

    def submit(part: Part, *, urgent: bool = False) -> None:
        by_id[id(part)] = part
        runner.add(("body", id(part)), "part", dict(common, html=body_html(book, part)), urgent=urgent)

    waiting: set[int] = set()  # id() of the parts rendered but not yet settled

    def settle() -> bool:
        """Settle the rendered parts in book order (False if a part cannot be placed).

        A part whose footnotes run past its end is combined with the next one and rendered again
        (in one render they go to the top of the next article's pages). Deciding in book order, not
        in the order renders finish, makes the parts the same on every build, so the cache holds.
        """
        while (index := prefix()) < len(parts) and id(part := parts[index]) in waiting:
            waiting.discard(id(part))
            trailing = trailing_pages(part)
            if trailing and index + 1 < len(parts):
                following = parts[index + 1]
                combined = Part(part.sections + following.sections)
                parts[index : index + 2] = [combined]
                waiting.discard(id(following))
                gone = ("body", id(following))
                runner.forget(gone.__eq__)
                submit(combined, urgent=True)
                return True
            counts = section_counts(part)
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
    groups: list[list[Part]] = []
    skeletons: dict[int, tuple[bytes, dict[str, Any]]] = {}
    if probe is not None:
        runner.add("probe", "part", dict(common, html=front_html(book, probe), finisher=True), urgent=True)

    # The back matter (its QR codes take long) first; then in book order, so that the skeletons of
    # the first parts are laid out while the next parts are; in a small book (two skeletons at
    # most), the longest parts first, so that the workers finish together. (The parts are settled
    # in book order whatever order they finish in.)
    def order(part: Part) -> tuple[bool, int]:
        return part.in_main, -sum(s.chars for s in part.sections) if small else 0

    for part in sorted(parts, key=order):
        submit(part)

    def plan_skeletons() -> None:
        """Start the skeletons of the parts whose place in the book is known: one for each run of
        :data:`SKELETON_PAGES` pages as soon as its parts are rendered (none in a small book), then,
        once every part is, the last parts' in :func:`balanced_groups` (laid out side by side)."""
        if front_pages is None:
            return
        ready = prefix()
        covered = sum(len(g) for g in groups)
        place(parts[:ready], front_pages, open_right=open_right)
        while covered < ready:
            group: list[Part] = []
            pages = 0
            for part in parts[covered:ready]:
                group.append(part)
                pages += part.pages
                if pages >= group_pages:
                    break
            if pages < group_pages:
                if ready == len(parts):
                    rest = parts[covered:]
                    for indexes in balanced_groups([part.pages + part.blank_before for part in rest]):
                        start_skeleton([rest[i] for i in indexes])
                return
            covered += len(group)
            start_skeleton(group)

    def start_skeleton(group: list[Part]) -> None:
        groups.append(group)
        runner.add(
            ("skeleton", len(groups) - 1),
            "part",
            dict(common, html=skeleton_html(book, group), tags=False),
            urgent=True,
        )

    attempts = 0
    for label, (data, meta) in runner.results():
        if label == "probe":
            front_pages = len(meta["pages"])
            probe_result = (data, meta)
        elif label[0] == "body":
            part = by_id[label[1]]
            if not any(p is part for p in parts):
                continue  # merged into the part before it meanwhile
            part.data, part.meta = data, meta
            unread.append(data)  # parsed as it comes in, not once settled (at the end of a small book)
            waiting.add(id(part))
            if not settle():
                log.debug("rendering in one piece: a section of a part is not on consecutive pages")
                return None
        elif label[0] == "skeleton":
            skeletons[label[1]] = (data, meta)
            unread.append(data)
        elif label == "front":
            actual = len(meta["pages"])
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
                unread.append(data)
        if probe is None and prefix() == len(parts):
            probe = front_numbers(guess)
            runner.add(
                "probe", "part", dict(common, html=front_html(book, probe), finisher=True), urgent=True
            )
        if (
            prefix() == len(parts)
            and front_pages is not None
            and not runner.has("front")
            and front_result is None
        ):
            numbers = front_numbers(front_pages)
            if numbers == probe and probe_result is not None and len(probe_result[1]["pages"]) == front_pages:
                front_result = probe_result  # the same document: no need to render it again
            else:
                runner.add(
                    "front", "part", dict(common, html=front_html(book, numbers), finisher=True), urgent=True
                )
        plan_skeletons()  # after the front matter: the longest of the last tasks starts first
    runner.idle = None
    while read_some():  # what is left (all of it when the parts come from the cache): read here, by
        pass  # the object-stream reader, not by pypdf as the merge asks for it (2.7 times slower)
    if front_result is None or front_pages is None or len(skeletons) != len(groups):
        return None
    total = place(parts, front_pages, open_right=open_right)
    front_data, front_meta = front_result

    # Check that the skeletons hold the parts' pages, and how far each page moves sideways.
    placements: list[tuple[bytes, list[dict[str, Any]], list[float], int]] = []
    for number, group in enumerate(groups):
        data, meta = skeletons[number]
        per_part = skeleton_pages(group, meta)
        if per_part is None:
            log.debug("rendering in one piece: a skeleton does not have the parts' pages")
            return None
        for part, pages in zip(group, per_part, strict=True):
            shifts = page_shifts(part, pages[1:] if part.blank_before else pages)
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
    fonts = FontPlan(css_files)
    keys = merge(
        book,
        parts,
        groups,
        skeletons,
        placements,
        front_data,
        front_meta,
        front_pages,
        target,
        fonts,
        runner.run,
    )
    return ParallelResult(total, len(parts), runner.rendered, runner.cached, keys)
