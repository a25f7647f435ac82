"""Parallel, cached PDF builds (:mod:`editions.pdf.parts`): the same book as one render, reproducibly.

A 40-article edition (``write_long_edition`` from ``test_pdf``) is built once in one piece and once in
parts (module fixtures), and the two PDFs are compared page by page with poppler and pypdf. Then
the cache: what a rebuild renders again after an article, the style or an option changed, and
that it renders nothing when nothing did.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from test_pdf import EPOCH, outline, pdftotext, write_long_edition

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


@dataclass
class Build:
    path: Path
    pages: int
    parts: int
    rendered: int
    cached: int
    warnings: list[str]


def build(
    source: Path, out: Path, caplog: pytest.LogCaptureFixture | None = None, **options: object
) -> Build:
    from editions.edition import load_edition
    from editions.pdf import make_pdf

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        result = make_pdf(load_edition([source]), out, **options)  # type: ignore[arg-type]
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] if caplog else []
    return Build(result.path, result.pages, result.parts, result.rendered, result.cached, warnings)


def page_texts(path: Path) -> list[str]:
    """The text of every page, without white space (poppler's spacing around superscripts varies)."""
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return ["".join(page.split()) for page in text.split("\f")[:-1]]


def contents_numbers(path: Path, reader: PdfReader) -> list[int]:
    entries = [(title, page) for level, title, page in outline(reader) if level == 1]
    start = next(page for title, page in entries if title == "Contents")
    end = next(page for title, page in entries if title not in {"Contents"} and page > start)
    text = "\n".join(pdftotext(path, p) for p in range(start, end))
    return [int(n) for n in re.findall(r"\.\s*(\d+)\s*$", text, re.M)]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("parallel")


@pytest.fixture(scope="module")
def forty(workdir: Path) -> Path:
    return write_long_edition(workdir / "forty", 40, seed=11)


@pytest.fixture(scope="module")
def whole(workdir: Path, forty: Path) -> Build:
    return build(forty, workdir / "whole.pdf", parallel=False)


@pytest.fixture(scope="module")
def in_parts(workdir: Path, forty: Path) -> Build:
    return build(forty, workdir / "parts.pdf", parallel=True, jobs=2, cache_dir=workdir / "cache")


def test_the_parallel_build_is_made_in_parts(whole: Build, in_parts: Build) -> None:
    assert whole.parts == 0
    assert in_parts.parts > 4
    assert in_parts.rendered > in_parts.parts  # the parts, their skeletons and the front matter
    assert in_parts.cached == 0


def test_same_page_count(whole: Build, in_parts: Build) -> None:
    assert in_parts.pages == whole.pages == len(PdfReader(in_parts.path).pages)
    assert whole.pages > 80


@needs_poppler
def test_same_text_on_every_page(whole: Build, in_parts: Build) -> None:
    expected, actual = page_texts(whole.path), page_texts(in_parts.path)
    assert len(actual) == len(expected)
    for number, (a, b) in enumerate(zip(expected, actual, strict=True), start=1):
        assert a == b, f"page {number} differs"


@needs_poppler
def test_same_contents_numbers_and_they_are_the_folios(whole: Build, in_parts: Build) -> None:
    reader = PdfReader(in_parts.path)
    numbers = contents_numbers(in_parts.path, reader)
    assert len(numbers) == 40
    assert numbers == contents_numbers(whole.path, PdfReader(whole.path))
    starts = [page for level, title, page in outline(reader) if level == 1][1:41]
    assert numbers == starts
    for page in starts:
        lines = [line.strip() for line in pdftotext(in_parts.path, page).splitlines() if line.strip()]
        assert lines[-1] == str(page)


def test_same_outline_destinations_and_links(whole: Build, in_parts: Build) -> None:
    a, b = PdfReader(whole.path), PdfReader(in_parts.path)
    assert outline(b) == outline(a)
    for item_a, item_b in zip(_flat(a.outline), _flat(b.outline), strict=True):
        assert float(item_b.top) == pytest.approx(float(item_a.top), abs=0.01)
        assert float(item_b.left) == pytest.approx(float(item_a.left), abs=0.01)
    dests = {name: a.get_destination_page_number(d) for name, d in a.named_destinations.items()}
    assert {name: b.get_destination_page_number(d) for name, d in b.named_destinations.items()} == dests
    assert _links(b) == _links(a)


def test_same_metadata(whole: Build, in_parts: Build) -> None:
    a, b = PdfReader(whole.path), PdfReader(in_parts.path)
    assert b.metadata == a.metadata
    for key in ("/Lang", "/PageMode", "/PageLayout", "/ViewerPreferences"):
        assert b.trailer["/Root"][key] == a.trailer["/Root"][key]


@needs_poppler
def test_one_font_program_per_face_and_about_the_same_size(whole: Build, in_parts: Build) -> None:
    out = subprocess.run(["pdffonts", str(in_parts.path)], capture_output=True, text=True, check=True).stdout
    rows = out.strip().splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows)
    names = {row.split()[0] for row in rows}
    programs = _font_programs(PdfReader(in_parts.path))
    assert len(programs) == len(names)  # one program per font, not one per part
    assert len(rows) < 3 * len(names)  # a dictionary of its own only where a part's widths differ
    assert in_parts.path.stat().st_size <= 1.15 * whole.path.stat().st_size


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf not installed")
def test_qpdf_check_is_clean(in_parts: Build) -> None:
    result = subprocess.run(["qpdf", "--check", str(in_parts.path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_reproducible_with_and_without_cache_and_processes(
    workdir: Path, forty: Path, in_parts: Build
) -> None:
    again = build(forty, workdir / "again.pdf", parallel=True, jobs=2, cache_dir=workdir / "cache")
    assert again.rendered == 0 and again.cached > 0  # nothing changed: everything from the cache
    assert again.path.read_bytes() == in_parts.path.read_bytes()
    serial = build(forty, workdir / "serial.pdf", parallel=True, jobs=1, cache=False)
    assert serial.cached == 0
    assert serial.path.read_bytes() == in_parts.path.read_bytes()


# --- the cache --------------------------------------------------------------------------------------


@pytest.fixture
def edition(tmp_path: Path) -> Path:
    return write_long_edition(tmp_path / "edition", 16, seed=3)


def test_editing_one_article_renders_one_part_again(tmp_path: Path, edition: Path) -> None:
    cache = tmp_path / "cache"
    first = build(edition, tmp_path / "a.pdf", parallel=True, cache_dir=cache)
    article = edition / "05-article.md"
    article.write_text(article.read_text(encoding="utf-8").replace("committee", "assembly"), encoding="utf-8")
    second = build(edition, tmp_path / "b.pdf", parallel=True, cache_dir=cache)
    assert second.pages == first.pages
    # the article's part, the front matter (it may list the article) and skeletons whose pages moved
    assert 1 <= second.rendered < first.rendered / 2
    assert second.cached >= first.parts - 1
    fresh = build(edition, tmp_path / "c.pdf", parallel=True, cache=False)
    assert second.path.read_bytes() == fresh.path.read_bytes()


def test_a_change_of_style_renders_everything_again(tmp_path: Path, edition: Path) -> None:
    cache = tmp_path / "cache"
    style = tmp_path / "mine"
    (style / "css").mkdir(parents=True)
    # (A rule every document's elements match: a skeleton's style leaves out the rules none of its
    # elements may match, so a rule for the colophon alone changes only the documents that have it.)
    (style / "css" / "print.css").write_text("html { color: #111; }\n", encoding="utf-8")
    first = build(edition, tmp_path / "a.pdf", parallel=True, cache_dir=cache, style=str(style))
    (style / "css" / "print.css").write_text("html { color: #222; }\n", encoding="utf-8")
    second = build(edition, tmp_path / "b.pdf", parallel=True, cache_dir=cache, style=str(style))
    assert second.cached == 0 and second.rendered == first.rendered


@pytest.mark.parametrize("option", [{"paper": "A4"}, {"font_size": 11}, {"open_right": True}])
def test_a_change_of_option_renders_everything_again(tmp_path: Path, edition: Path, option: dict) -> None:
    cache = tmp_path / "cache"
    first = build(edition, tmp_path / "a.pdf", parallel=True, cache_dir=cache)
    second = build(edition, tmp_path / "b.pdf", parallel=True, cache_dir=cache, **option)
    assert second.cached == 0 and second.rendered >= first.parts
    third = build(edition, tmp_path / "c.pdf", parallel=True, cache_dir=cache, **option)
    assert third.rendered == 0


@needs_poppler
def test_open_right_in_parts_is_the_same_book(tmp_path: Path, edition: Path) -> None:
    whole = build(edition, tmp_path / "whole.pdf", parallel=False, open_right=True)
    parts = build(edition, tmp_path / "parts.pdf", parallel=True, open_right=True, cache=False)
    assert parts.parts > 0
    assert page_texts(parts.path) == page_texts(whole.path)
    assert outline(PdfReader(parts.path)) == outline(PdfReader(whole.path))
    starts = [page for level, title, page in outline(PdfReader(parts.path)) if level == 1][1:17]
    assert all(page % 2 == 1 for page in starts)


def test_styles_it_cannot_reproduce_are_rendered_in_one_piece(tmp_path: Path, edition: Path) -> None:
    style = tmp_path / "first"
    (style / "css").mkdir(parents=True)
    (style / "css" / "print.css").write_text("@page :first { margin-top: 30mm; }\n", encoding="utf-8")
    built = build(edition, tmp_path / "x.pdf", parallel=True, cache=False, style=str(style))
    assert built.parts == 0


def test_small_editions_are_rendered_in_one_piece_by_default(tmp_path: Path) -> None:
    from editions.pdf import PARALLEL_MIN_ARTICLES

    small = write_long_edition(tmp_path / "small", PARALLEL_MIN_ARTICLES - 1, seed=5)
    assert build(small, tmp_path / "s.pdf", cache=False).parts == 0


def test_the_two_skeletons_of_a_small_book_have_about_equal_pages() -> None:
    from editions.pdf.parts import SKELETON_MIN_PAGES, balanced_groups

    # The ten-article anthology's parts: cut before the 24-page part (32 | 52), not after it (56 | 28).
    assert balanced_groups([8, 8, 8, 8, 24, 8, 16, 4]) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert balanced_groups([10, 10, 10, 10]) == [[0, 1], [2, 3]]
    assert balanced_groups([10, 20, 10]) == [[0], [1, 2]]  # a tie: the first cut
    assert balanced_groups([40]) == [[0]]  # one part: one skeleton
    assert balanced_groups([SKELETON_MIN_PAGES - 1, 1]) == [[0, 1]]  # too short for two
    for sizes in ([3, 9, 1, 12, 30, 2, 2, 8], [1] * 40, [50, 1, 1, 1]):
        groups = balanced_groups(sizes)
        assert [i for group in groups for i in group] == list(range(len(sizes)))  # in order, each once
        pages = [sum(sizes[i] for i in group) for group in groups]
        cut = len(groups[0])  # no other cut between parts is nearer the half
        assert all(
            abs(sum(sizes[:cut]) - sum(sizes) / 2) <= abs(sum(sizes[:other]) - sum(sizes) / 2)
            for other in range(1, len(sizes))
        )
        assert len(groups) == 2 and min(pages) > 0


def test_this_process_works_while_it_waits_for_the_workers() -> None:
    from editions.pdf.pool import Runner

    font = (
        Path(__file__).resolve().parents[1] / "styles" / "default" / "fonts" / "GentiumBookPlus-Regular.ttf"
    )
    runner = Runner(2, None, "test", lambda message: None)
    pieces, done = list(range(5)), []

    def idle() -> bool:  # what the build in parts does: parse the PDFs that came in, a few objects at a time
        if not pieces:
            return False
        done.append(pieces.pop(0))
        return True

    runner.idle = idle
    try:
        results = runner.run([("font", {"path": str(font), "gids": gids}) for gids in ([36, 37], [38])])
    finally:
        runner.close()
    assert done == [0, 1, 2, 3, 4]  # while the workers subset, not after
    assert [data[:4] for data, _ in results] == [b"\x00\x01\x00\x00"] * 2  # TrueType programs


@needs_poppler
def test_a_ten_article_edition_is_built_in_parts_and_is_the_same_book(tmp_path: Path) -> None:
    from editions.pdf import PARALLEL_MIN_ARTICLES

    assert PARALLEL_MIN_ARTICLES <= 10
    ten = write_long_edition(tmp_path / "ten", 10, seed=13)
    whole = build(ten, tmp_path / "whole.pdf", parallel=False)
    parts = build(ten, tmp_path / "parts.pdf", jobs=2, cache_dir=tmp_path / "cache")  # by default
    assert whole.parts == 0 and parts.parts > 1
    assert parts.pages == whole.pages == len(PdfReader(parts.path).pages)
    assert page_texts(parts.path) == page_texts(whole.path)
    a, b = PdfReader(whole.path), PdfReader(parts.path)
    numbers = contents_numbers(parts.path, b)
    assert len(numbers) == 10 and numbers == contents_numbers(whole.path, a)
    assert numbers == [page for level, title, page in outline(b) if level == 1][1:11]
    for page in numbers:  # the folio at the foot of each article's first page
        lines = [line.strip() for line in pdftotext(parts.path, page).splitlines() if line.strip()]
        assert lines[-1] == str(page)
    assert outline(b) == outline(a)
    dests = {name: a.get_destination_page_number(d) for name, d in a.named_destinations.items()}
    assert {name: b.get_destination_page_number(d) for name, d in b.named_destinations.items()} == dests
    assert _links(b) == _links(a)
    assert b.metadata == a.metadata


def test_the_cache_is_pruned_to_its_limit(tmp_path: Path) -> None:
    from editions.cache import PartCache, digest

    cache = PartCache(tmp_path / "c")
    for number in range(5):
        cache.put(digest(str(number)), b"x" * 1000, {"pages": []})
    assert cache.get(digest("4")) is not None and cache.hits == 1
    assert cache.prune(max_bytes=2500) >= 3
    assert cache.get(digest("0")) is None


# --- helpers ------------------------------------------------------------------------------------------


def _flat(items: list) -> list:
    found = []
    for item in items:
        found.extend(_flat(item) if isinstance(item, list) else [item])
    return found


def _links(reader: PdfReader) -> list[tuple[int, str, tuple[float, ...]]]:
    found = []
    for number, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            target = str(annot.get("/Dest") or annot.get("/A", {}).get("/URI"))
            found.append((number, target, tuple(round(float(v), 1) for v in annot["/Rect"])))
    return sorted(found)


def _font_programs(reader: PdfReader) -> list:
    programs = []
    seen = set()

    def visit(resources: object) -> None:
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts") or [font]:
                program = descendant.get_object()["/FontDescriptor"].get_object().raw_get("/FontFile2")
                if program.idnum not in seen:
                    seen.add(program.idnum)
                    programs.append(program.get_object())
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                visit(xobject.get("/Resources"))

    for page in reader.pages:
        visit(page.get("/Resources"))
    return programs


@needs_poppler
def test_small_parts_make_the_same_book_and_an_edit_renders_its_article_alone(
    tmp_path: Path, edition: Path
) -> None:
    """One article per part (the web app's builds): the book of one render; after an edit that keeps
    the page count, the article's part is all that is rendered again."""
    whole = build(edition, tmp_path / "whole.pdf", parallel=False, open_right=True)
    cache = tmp_path / "cache"
    small = build(
        edition, tmp_path / "a.pdf", parallel=True, small_parts=True, open_right=True, cache_dir=cache
    )
    assert small.parts == 17  # 16 articles and the back matter
    # each part and its skeleton, and the front matter once: its first render (the probe of its
    # length) carries the real page numbers, and its length was guessed right
    assert small.rendered == 2 * small.parts + 1
    assert page_texts(small.path) == page_texts(whole.path)
    assert outline(PdfReader(small.path)) == outline(PdfReader(whole.path))
    article = edition / "05-article.md"
    text = article.read_text(encoding="utf-8")
    assert "committee" in text
    article.write_text(text.replace("committee", "committal", 1), encoding="utf-8")
    again = build(
        edition, tmp_path / "b.pdf", parallel=True, small_parts=True, open_right=True, cache_dir=cache
    )
    assert again.pages == small.pages and again.rendered == 1
    fresh = build(edition, tmp_path / "c.pdf", parallel=True, small_parts=True, open_right=True, cache=False)
    assert again.path.read_bytes() == fresh.path.read_bytes()
