"""Imposition: reading PDFs made with WeasyPrint in, imposed sheets checked by reading them back.

Every reading page shows a big unique marker (``PAGE-007``) near its top; the tests find out which
reading page landed in each cell of each sheet side with ``pdftotext -x -y -W -H`` and compare
with the order a folded, stapled stack must have. Whether a page is upside down is told by where
its marker sits: in the top half of its cell when upright, in the bottom half when turned 180°.
"""

from __future__ import annotations

import math
import random
import re
import subprocess
from pathlib import Path

import pytest
import weasyprint
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject, RectangleObject

from editions.errors import EditionsError
from editions.impose import LAYOUTS, SLUG_MM, ImposeResult, impose, write_note
from test_pdf import word_boxes

MM = 72 / 25.4
A4 = (297 * MM, 210 * MM)  # landscape
A5 = (148 * MM, 210 * MM)
MARKER = re.compile(r"PAGE-(\d{3})")

WORDS = ("print", "press", "paper", "fold", "staple", "spine", "sheet", "margin", "signature", "creep")
WORDS += ("zine", "pamphlet", "reader", "edition", "typeface", "ink", "quire", "folio", "recto", "verso")
WORDS += ("gutter", "trim", "bleed", "slug", "proof", "column", "measure", "leading", "kerning", "press")
PAGE_SIZES = {"A5": "A5", "A6": "A6", "A7": "A7", "half-letter": "5.5in 8.5in", "custom": "120mm 180mm"}


# --------------------------------------------------------------------------- fixtures


def _html(n: int, size: str, *, extra_css: str = "", prose: bool = False, band: bool = False) -> str:
    small = size in ("A6", "A7")
    rng = random.Random(n)
    pages = []
    for i in range(1, n + 1):
        text = ""
        if prose:
            paragraphs = (" ".join(rng.choice(WORDS) for _ in range(70)).capitalize() + "." for _ in range(4))
            text = "".join(f"<p>{p}</p>" for p in paragraphs)
        top = '<div class="band"></div>' if band else ""
        pages.append(f'<section>{top}<h1>PAGE-{i:03d}</h1><p class="n">page {i}</p>{text}</section>')
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test Edition</title>
<meta name="author" content="A. Writer"><style>
@page {{ size: {size}; margin: {"6mm" if small else "12mm"} }}
section {{ break-after: page }} section:last-child {{ break-after: auto }}
h1 {{ font: bold {"14pt" if small else "28pt"}/1 serif; margin: 0 }}
p {{ font: 9pt/1.3 serif; margin: 0 0 4pt }}
.band {{ height: 20pt; background: red; margin: 0 }}
{extra_css}
</style></head><body>{"".join(pages)}</body></html>"""


@pytest.fixture(scope="session")
def reading(tmp_path_factory: pytest.TempPathFactory):
    """A factory of reading PDFs, cached per (pages, size, options): ``reading(13, "A5")``."""
    folder = tmp_path_factory.mktemp("reading")
    cache: dict[tuple[object, ...], Path] = {}

    def make(n: int, size: str = "A5", **options: object) -> Path:
        key = (n, size, *sorted(options.items()))
        if key not in cache:
            path = folder / f"reading-{len(cache)}-{n}.pdf"
            weasyprint.HTML(string=_html(n, PAGE_SIZES.get(size, size), **options)).write_pdf(path)
            cache[key] = path
        return cache[key]

    return make


# --------------------------------------------------------------------------- reading sheets back


def _text(pdf: Path, page: int, box: tuple[float, float, float, float]) -> str:
    """Text in ``box`` (x, y, width, height in points, from the top left) of page ``page`` (1-based)."""
    x, y, w, h = box
    command = [
        "pdftotext",
        "-f",
        str(page),
        "-l",
        str(page),
        "-x",
        str(math.floor(x)),
        "-y",
        str(math.floor(y)),
    ]
    command += ["-W", str(math.ceil(w)), "-H", str(math.ceil(h)), str(pdf), "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def _cell(pdf: Path, page: int, box: tuple[float, float, float, float]) -> tuple[int | None, bool]:
    """(reading page found in the cell or None, whether it is upside down)."""
    found = [int(m) for m in MARKER.findall(_text(pdf, page, box))]
    assert len(found) <= 1, f"several pages in one cell: {found}"
    if not found:
        return None, False
    x, y, w, h = box
    upper = MARKER.findall(_text(pdf, page, (x, y, w, h / 2)))
    return found[0], not upper


def _sheet_size(pdf: Path) -> tuple[float, float]:
    box = PdfReader(pdf).pages[0].mediabox
    return float(box.width), float(box.height)


def _halves(pdf: Path) -> list[tuple[tuple[int | None, bool], tuple[int | None, bool]]]:
    """For every page of a 2-across imposition: what is in its left and right half."""
    width, height = _sheet_size(pdf)
    count = len(PdfReader(pdf).pages)
    left, right = (0, 0, width / 2, height), (width / 2, 0, width / 2, height)
    return [(_cell(pdf, p, left), _cell(pdf, p, right)) for p in range(1, count + 1)]


def _sides(pdf: Path, turned_backs: bool = False) -> list[tuple[int | None, int | None]]:
    """(left, right) reading pages of each sheet side as the paper lies, checking orientation."""
    sides = []
    for number, (left, right) in enumerate(_halves(pdf)):
        back = number % 2 == 1
        turned = turned_backs and back
        for page, upside_down in (left, right):
            if page is not None:
                assert upside_down == turned, f"side {number + 1}: page {page} upside down: {upside_down}"
        # A side turned 180° shows its right half on the left of the PDF page.
        sides.append((right[0], left[0]) if turned else (left[0], right[0]))
    return sides


def _fold(sides: list[tuple[int | None, int | None]], signatures: list[int]) -> list[int | None]:
    """Read a folded stack the way a reader does, signature by signature.

    In a folded signature of s sheets (0 outermost) the reader meets: front-right and back-left of
    sheets 0, 1 … s-1, then back-right and front-left of sheets s-1 … 0.
    """
    order: list[int | None] = []
    index = 0
    for pages in signatures:
        sheets = [(sides[index + 2 * k], sides[index + 2 * k + 1]) for k in range(pages // 4)]
        index += pages // 2
        for front, back in sheets:
            order += [front[1], back[0]]
        for front, back in reversed(sheets):
            order += [back[1], front[0]]
    return order


def _expected(n: int, total: int) -> list[int | None]:
    return [*range(1, n), *([None] * (total - n)), n]


def _qpdf_check(pdf: Path) -> None:
    result = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _pixels(pdf: Path, page: int, dpi: int) -> tuple[int, int, bytes]:
    """Render one page to RGB: (width, height, bytes)."""
    data = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), str(pdf)],
        check=True,
        capture_output=True,
    ).stdout
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    assert header
    return int(header[1]), int(header[2]), data[header.end() :]


def _rgb(image: tuple[int, int, bytes], x: float, y: float, dpi: int) -> tuple[int, int, int]:
    """The colour at (x, y) points from the top left."""
    width, _, data = image
    i = (int(y * dpi / 72) * width + int(x * dpi / 72)) * 3
    return data[i], data[i + 1], data[i + 2]


def _darkest(image: tuple[int, int, bytes], x: float, y: float, dpi: int) -> int:
    """The darkest channel value within a pixel or two of (x, y) points."""
    return min(
        min(_rgb(image, x + dx * 36 / dpi, y + dy * 36 / dpi, dpi))
        for dx in range(-3, 4)
        for dy in range(-3, 4)
    )


# --------------------------------------------------------------------------- booklet order


# (left, right) of front 1, back 1, front 2, back 2 …, as the sheets are printed (short-edge duplex).
HAND_CHECKED = {
    8: [(8, 1), (2, 7), (6, 3), (4, 5)],  # no blank
    7: [(7, 1), (2, None), (6, 3), (4, 5)],  # 1 blank, before the back cover (7)
    6: [(6, 1), (2, None), (None, 3), (4, 5)],  # 2 blanks
    5: [(5, 1), (2, None), (None, 3), (4, None)],  # 3 blanks
    4: [(4, 1), (2, 3)],
}


@pytest.mark.parametrize("n", sorted(HAND_CHECKED))
def test_booklet_order_and_padding(reading, tmp_path: Path, n: int) -> None:
    out = tmp_path / "booklet.pdf"
    result = impose(reading(n), out)
    assert result == ImposeResult(
        out, "booklet", n, (4 - n % 4) % 4, -(-n // 4), result.sheet_size, result.note
    )
    assert _sides(out) == HAND_CHECKED[n]
    assert _fold(_sides(out), [len(HAND_CHECKED[n]) * 2]) == _expected(n, len(HAND_CHECKED[n]) * 2)


@pytest.mark.parametrize("n", [16, 13, 2, 1])
def test_folded_booklet_reads_in_order(reading, tmp_path: Path, n: int) -> None:
    out = tmp_path / "booklet.pdf"
    result = impose(reading(n), out)
    total = -(-n // 4) * 4
    assert (result.pages, result.blanks, result.sheets) == (n, total - n, total // 4)
    assert len(PdfReader(out).pages) == total // 2
    expected = _expected(n, total) if n > 1 else [1, None, None, None]
    assert _fold(_sides(out), [total]) == expected
    _qpdf_check(out)


def test_long_edge_duplex_turns_every_back(reading, tmp_path: Path) -> None:
    short, long = tmp_path / "short.pdf", tmp_path / "long.pdf"
    impose(reading(8), short, duplex="short")
    impose(reading(8), long, duplex="long")
    # _sides checks that fronts are upright and backs upside down, and undoes the turn.
    assert _sides(long, turned_backs=True) == _sides(short) == HAND_CHECKED[8]
    # As the PDF shows it, the back of sheet 1 has page 7 on the left and page 2 on the right.
    assert _halves(long)[1] == ((7, True), (2, True))
    assert "flip on the LONG edge" in impose(reading(8), long, duplex="long").note


def test_signatures(reading, tmp_path: Path) -> None:
    out = tmp_path / "sewn.pdf"
    result = impose(reading(24), out, signature=8)
    assert (result.sheets, result.blanks) == (6, 0)
    sides = _sides(out)
    assert sides[:4] == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert sides[4:8] == [(16, 9), (10, 15), (14, 11), (12, 13)]
    assert _fold(sides, [8, 8, 8]) == list(range(1, 25))
    assert "3 signatures (sheets 1–2, 3–4, 5–6)" in result.note
    assert "sew or glue" in result.note


def test_last_signature_is_shorter_and_blanks_stay_before_the_back_cover(reading, tmp_path: Path) -> None:
    out = tmp_path / "sewn.pdf"
    result = impose(reading(18), out, signature=8)
    assert (result.pages, result.blanks, result.sheets) == (18, 2, 5)
    assert _fold(_sides(out), [8, 8, 4]) == _expected(18, 20)
    assert "3 signatures (sheets 1–2, 3–4, 5)" in result.note


def test_a_signature_larger_than_the_book_is_one_booklet(reading, tmp_path: Path) -> None:
    out = tmp_path / "one.pdf"
    result = impose(reading(8), out, signature=32)
    assert (result.sheets, result.blanks) == (2, 0)
    assert _sides(out) == HAND_CHECKED[8]
    assert "staple twice on the fold" in result.note


def test_creep_shifts_inner_sheets_toward_the_spine(reading, tmp_path: Path) -> None:
    def marker_x(pdf: Path) -> dict[int, tuple[float, float]]:
        """Reading page -> (left edge of its marker, sheet side) in points."""
        html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True).stdout
        found = {}
        for side, page_html in enumerate(html.split("<page ")[1:]):
            for x, page in re.findall(r'<word xMin="([\d.]+)"[^>]*>PAGE-(\d{3})</word>', page_html):
                found[int(page)] = (float(x), side)
        return found

    plain, crept = tmp_path / "plain.pdf", tmp_path / "creep.pdf"
    impose(reading(16), plain)
    impose(reading(16), crept, creep_mm=1.5)
    before, after = marker_x(plain), marker_x(crept)
    assert set(before) == set(after) == set(range(1, 17))
    half = A4[0] / 2
    for page, (x, side) in after.items():
        sheet = side // 2  # 4 sheets: shifted 0, 0.5, 1 and 1.5 mm
        shift = x - before[page][0]
        on_left = x < half
        toward_spine = shift if on_left else -shift
        assert toward_spine == pytest.approx(1.5 * MM * sheet / 3, abs=0.05), (page, sheet, shift)
    # Page 1 (outermost sheet) does not move; pages 8 and 9 (centre spread) move the full 1.5 mm.
    assert after[1][0] == pytest.approx(before[1][0], abs=0.05)
    assert after[8][0] - before[8][0] == pytest.approx(1.5 * MM, abs=0.05)
    assert after[9][0] - before[9][0] == pytest.approx(-1.5 * MM, abs=0.05)
    assert _fold(_sides(crept), [16]) == list(range(1, 17))
    assert "up to 1.5 mm toward the spine" in impose(reading(16), crept, creep_mm=1.5).note


# --------------------------------------------------------------------------- zine and 2-up


def _zine_cells(pdf: Path) -> list[list[tuple[int | None, bool]]]:
    width, height = _sheet_size(pdf)
    w, h = width / 4, height / 2
    return [[_cell(pdf, 1, (c * w, r * h, w, h)) for c in range(4)] for r in range(2)]


def test_zine_panels_and_rotations(reading, tmp_path: Path) -> None:
    out = tmp_path / "zine.pdf"
    result = impose(reading(8, "A7"), out, layout="zine")
    assert (result.pages, result.blanks, result.sheets) == (8, 0, 1)
    assert len(PdfReader(out).pages) == 1
    assert result.sheet_size == "A4 landscape (297 × 210 mm)"
    top, bottom = _zine_cells(out)
    # The classic one-cut mini-zine: top row upside down 5 4 3 2, bottom row 6 7 8 (back) 1 (front).
    assert top == [(5, True), (4, True), (3, True), (2, True)]
    assert bottom == [(6, False), (7, False), (8, False), (1, False)]
    assert "Print one-sided" in result.note and "cut" in result.note
    _qpdf_check(out)


def test_short_zine_is_padded_before_the_back_cover(reading, tmp_path: Path) -> None:
    out = tmp_path / "zine.pdf"
    result = impose(reading(5, "A7"), out, layout="zine")
    assert (result.pages, result.blanks) == (5, 3)
    top, bottom = _zine_cells(out)
    assert [page for page, _ in top] == [None, 4, 3, 2]
    assert [page for page, _ in bottom] == [None, None, 5, 1]
    assert "5 pages + 3 blank" in result.note


def test_zine_with_more_than_8_pages_is_refused(reading, tmp_path: Path) -> None:
    out = tmp_path / "zine.pdf"
    with pytest.raises(EditionsError, match="this edition has 9 pages"):
        impose(reading(9, "A7"), out, layout="zine")
    assert not out.exists()


def test_two_up_keeps_reading_order(reading, tmp_path: Path) -> None:
    out = tmp_path / "2up.pdf"
    result = impose(reading(5), out, layout="2up")
    assert (result.pages, result.blanks, result.sheets) == (5, 1, 3)
    assert _sides(out) == [(1, 2), (3, 4), (5, None)]
    assert result.sheet_size == "A4 landscape (297 × 210 mm)"
    assert "Print one-sided" in result.note
    _qpdf_check(out)


# --------------------------------------------------------------------------- sheets, marks, boxes


@pytest.mark.parametrize(
    ("size", "sheet_size", "paper", "expected"),
    [
        ("A5", "A4 landscape (297 × 210 mm)", "A4, landscape (297 × 210 mm)", A4),
        ("A6", "A5 landscape (210 × 148 mm)", "A5, landscape (210 × 148 mm)", (210 * MM, 148 * MM)),
        (
            "half-letter",
            "Letter landscape (11 × 8.5 in)",
            "Letter, landscape (11 × 8.5 in)",
            (11 * 72, 8.5 * 72),
        ),
        ("custom", "240 × 180 mm", "240 × 180 mm (landscape)", (240 * MM, 180 * MM)),
    ],
)
def test_sheet_is_twice_the_page(
    reading, tmp_path: Path, size: str, sheet_size: str, paper: str, expected
) -> None:
    out = tmp_path / "booklet.pdf"
    result = impose(reading(4, size), out)
    assert result.sheet_size == sheet_size
    assert _sheet_size(out) == pytest.approx(expected, abs=0.01)
    assert f"Paper: {paper}." in result.note.splitlines()
    assert _sides(out) == HAND_CHECKED[4]


def test_marks_slug_and_boxes(reading, tmp_path: Path) -> None:
    out = tmp_path / "marked.pdf"
    result = impose(reading(8), out, marks=True, job_name="Spring Pamphlet")
    slug = SLUG_MM * MM
    width, height = _sheet_size(out)
    assert (width, height) == pytest.approx((2 * A5[0] + 2 * slug, A5[1] + 2 * slug), abs=0.01)
    page = PdfReader(out).pages[0]
    trim = [float(v) for v in page.trimbox]
    assert trim == pytest.approx([slug, slug, slug + 2 * A5[0], slug + A5[1]], abs=0.01)
    # The job name and sheet number are in the bottom slug, outside the trimmed sheet.
    bottom_slug = _text(out, 1, (0, height - slug, width, slug))
    assert "Spring Pamphlet" in bottom_slug and "sheet 1 of 2, front" in bottom_slug
    assert "sheet 2 of 2, back" in _text(out, 4, (0, height - slug, width, slug))
    assert "Spring Pamphlet" not in _text(out, 1, (slug, slug, width - 2 * slug, height - 2 * slug))
    # Pages still land in order inside the trim.
    inner = [
        (_cell(out, p, (slug, slug, A5[0], A5[1]))[0], _cell(out, p, (slug + A5[0], slug, A5[0], A5[1]))[0])
        for p in range(1, 5)
    ]
    assert inner == HAND_CHECKED[8]
    # Crop mark at the top-left corner (horizontal, in the slug left of the trim), fold mark at the
    # spine above the trim, nothing in the corner of the slug.
    image = _pixels(out, 1, 150)
    assert _darkest(image, slug - 5 * MM, slug, 150) < 128
    assert _darkest(image, width / 2, slug - 5 * MM, 150) < 128
    assert _darkest(image, slug / 2, slug / 2, 150) == 255
    assert "A3 or larger" in result.note and "crop marks" in result.note
    assert result.sheet_size.startswith("326 × 240 mm with a 15 mm slug around A4 landscape")
    _qpdf_check(out)


RED, BLUE, WHITE = (255, 0, 0), (0, 0, 255), (255, 255, 255)


def test_bleed_shows_outside_the_trim_with_marks_only(reading, tmp_path: Path) -> None:
    # Right-hand (odd) pages are red to their bleed edge, left-hand (even) pages blue.
    css = "@page { bleed: 3mm } @page :right { background: rgb(255, 0, 0) } @page :left { background: blue }"
    pdf = reading(4, extra_css=css)
    marked, plain = tmp_path / "marked.pdf", tmp_path / "plain.pdf"
    impose(pdf, marked, marks=True)
    impose(pdf, plain)
    slug = SLUG_MM * MM
    image = _pixels(marked, 1, 72)  # front of the sheet: page 4 (blue) on the left, page 1 (red) on the right
    width, height = _sheet_size(marked)
    assert _rgb(image, width - slug + 1.5 * MM, height / 2, 72) == RED  # in the bleed, fore-edge
    assert _rgb(image, slug - 1.5 * MM, height / 2, 72) == BLUE
    assert _rgb(image, width / 2 + 2 * MM, slug - 1.5 * MM, 72) == RED  # in the bleed above the trim
    assert _rgb(image, width - slug + 4.5 * MM, height / 2, 72) == WHITE  # beyond the bleed
    # No bleed across the spine: each page stops at the fold.
    for sheet in (marked, plain):
        spine, middle = _sheet_size(sheet)[0] / 2, _sheet_size(sheet)[1] / 2
        assert _rgb(_pixels(sheet, 1, 72), spine - 2 * MM, middle, 72) == BLUE
        assert _rgb(_pixels(sheet, 1, 72), spine + 2 * MM, middle, 72) == RED
    bleed = [float(v) for v in PdfReader(marked).pages[0].bleedbox]
    assert bleed == pytest.approx(
        [slug - 3 * MM, slug - 3 * MM, width - slug + 3 * MM, height - slug + 3 * MM], abs=0.01
    )
    # Without marks the sheet is the trimmed A4 and the pages sit exactly on it.
    assert _sheet_size(plain) == pytest.approx(A4, abs=0.01)


def test_rotated_and_cropped_source_pages(reading, tmp_path: Path) -> None:
    # /Rotate 180 on page 2: a viewer shows it upside down, so the sheet shows it upside down too.
    writer = PdfWriter(clone_from=reading(4))
    writer.pages[1].rotation = 180
    turned = tmp_path / "turned.pdf"
    writer.write(turned)
    out = tmp_path / "b1.pdf"
    impose(turned, out)
    assert _halves(out) == [((4, False), (1, False)), ((2, True), (3, False))]

    # Landscape pages shown portrait by /Rotate 90 impose like portrait A5 pages.
    writer = PdfWriter(clone_from=reading(4, "A5 landscape"))
    for page in writer.pages:
        page.rotation = 90
    sideways = tmp_path / "sideways.pdf"
    writer.write(sideways)
    result = impose(sideways, out)
    assert result.sheet_size == "A4 landscape (297 × 210 mm)"
    assert [(left[0], right[0]) for left, right in _halves(out)] == HAND_CHECKED[4]
    # Turned clockwise, the top-left corner of the landscape page (where the marker is) is now at
    # the top right of the portrait page.
    w, h = A4[0] / 4, A4[1] / 2
    assert [MARKER.findall(_text(out, 1, (x, 0, w, h))) for x in (w, 3 * w)] == [["004"], ["001"]]

    # A /CropBox is the visible page: the sheet is twice the cropped size and what was cropped away
    # (a red band at the top of every page) is not printed.
    pdf = reading(4, band=True, extra_css="@page { margin: 0 12mm }")
    red = _pixels(impose(pdf, out).path, 1, 20)
    assert (255, 0, 0) in {_rgb(red, x, 10, 20) for x in range(20, 800, 40)}
    writer = PdfWriter(clone_from=pdf)
    for page in writer.pages:
        page.cropbox = RectangleObject(
            [10, 10, float(page.mediabox.right) - 10, float(page.mediabox.top) - 25]
        )
    cropped = tmp_path / "cropped.pdf"
    writer.write(cropped)
    impose(cropped, out)
    assert _sheet_size(out) == pytest.approx((2 * (A5[0] - 20), A5[1] - 35), abs=0.01)
    assert _sides(out) == HAND_CHECKED[4]
    data = _pixels(out, 1, 20)[2]
    assert not any(data[i] > 200 and data[i + 1] < 80 for i in range(0, len(data), 3))


def test_pages_with_split_or_no_content(reading, tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=reading(3))
    page = writer.pages[0]
    data = page.get_contents().get_data()
    cut = data.index(b"\n", len(data) // 2)
    parts = []
    for chunk in (data[:cut], data[cut:]):
        stream = DecodedStreamObject()
        stream.set_data(chunk)
        parts.append(writer._add_object(stream))
    page[NameObject("/Contents")] = ArrayObject(parts)
    writer.insert_blank_page(index=1)  # a page with no /Contents at all
    source = tmp_path / "odd.pdf"
    writer.write(source)
    out = tmp_path / "booklet.pdf"
    impose(source, out)
    assert _sides(out) == [(3, 1), (None, 2)]  # markers: PAGE-001, (blank), PAGE-002, PAGE-003
    _qpdf_check(out)


# --------------------------------------------------------------------------- the file


def test_metadata_is_kept(reading, tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=reading(8))
    xmp = b'<?xpacket begin=""?><x:xmpmeta xmlns:x="adobe:ns:meta/"></x:xmpmeta><?xpacket end="w"?>'
    writer.xmp_metadata = xmp
    source = tmp_path / "with-xmp.pdf"
    writer.write(source)
    out = tmp_path / "booklet.pdf"
    impose(source, out)
    imposed = PdfReader(out)
    assert imposed.metadata is not None
    assert imposed.metadata.title == "Test Edition"
    assert imposed.metadata.author == "A. Writer"
    assert imposed.metadata.producer == PdfReader(source).metadata.producer
    assert imposed.trailer["/Root"]["/Metadata"].get_object().get_data() == xmp


def test_file_size_and_structure(reading, tmp_path: Path) -> None:
    source = reading(24, prose=True)
    for layout in ("booklet", "2up"):
        out = tmp_path / f"{layout}.pdf"
        impose(source, out, layout=layout)
        assert out.stat().st_size <= 1.2 * source.stat().st_size, layout
        _qpdf_check(out)
        # Each reading page is one Form XObject, drawn with `cm … Do`, shared by reference.
        forms = {
            ref.idnum
            for page in PdfReader(out).pages
            for ref in page["/Resources"]["/XObject"].values()
            if ref.get_object()["/Subtype"] == "/Form"
        }
        assert len(forms) == 24
        content = PdfReader(out).pages[0].get_contents().get_data()
        assert re.search(rb"cm /C\d Do Q", content)


def test_output_is_written_atomically_and_the_note_beside_it(reading, tmp_path: Path) -> None:
    out = tmp_path / "X-booklet.pdf"
    out.write_bytes(b"old")
    result = impose(reading(8), out, job_name="X")
    assert out.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["X-booklet.pdf"]  # no temporary file left
    note = write_note(result)
    assert note == tmp_path / "X-booklet.txt"
    assert note.read_text(encoding="utf-8") == result.note
    with pytest.raises(EditionsError):
        impose(reading(8), out, signature=6)
    assert out.read_bytes().startswith(b"%PDF")  # a failed run leaves the previous output alone


def test_printing_note_for_a_booklet(reading, tmp_path: Path) -> None:
    result = impose(reading(13), tmp_path / "X-booklet.pdf")
    assert result.note.splitlines() == [
        "Booklet (saddle stitch): 13 pages + 3 blank = 16 pages of A5 (148 × 210 mm), on 4 sheets per copy.",
        "Paper: A4, landscape (297 × 210 mm).",
        "Print double-sided, flip on the SHORT edge.",
        "Print at 100 % / actual size, no scaling (turn off 'fit to page').",
        "Binding: stack the sheets in order (sheet 1, with the cover, outside), fold the stack in half, "
        "and staple twice on the fold.",
    ]


def test_every_layout_is_known() -> None:
    assert LAYOUTS == ("booklet", "zine", "2up")


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"layout": "quarto"}, "unknown imposition layout 'quarto'"),
        ({"duplex": "sideways"}, "unknown duplex setting 'sideways'"),
        ({"signature": 6}, "positive multiple of 4 pages, not 6"),
        ({"signature": 0}, "positive multiple of 4 pages, not 0"),
        ({"signature": -8}, "positive multiple of 4 pages, not -8"),
        ({"signature": True}, "positive multiple of 4 pages, not True"),
        ({"signature": 8, "layout": "zine"}, "only apply to the booklet layout"),
        ({"creep_mm": -0.5}, "creep must be 0 mm or more, not -0.5 mm"),
        ({"creep_mm": float("nan")}, "creep must be a number"),
        ({"creep_mm": 1, "layout": "2up"}, "creep only applies to the booklet layout"),
        ({"creep_mm": 60}, "creep of 60 mm is too large"),
    ],
)
def test_bad_options(reading, tmp_path: Path, options: dict[str, object], message: str) -> None:
    out = tmp_path / "out.pdf"
    with pytest.raises(EditionsError, match=re.escape(message)):
        impose(reading(8), out, **options)  # type: ignore[arg-type]
    assert not out.exists()


def test_bad_inputs(reading, tmp_path: Path) -> None:
    out = tmp_path / "out.pdf"
    with pytest.raises(EditionsError, match="no such file") as missing:
        impose(tmp_path / "missing.pdf", out)
    assert missing.value.path == str(tmp_path / "missing.pdf")
    with pytest.raises(EditionsError, match="is a folder"):
        impose(tmp_path, out)
    garbage = tmp_path / "garbage.pdf"
    garbage.write_text("this is not a PDF")
    with pytest.raises(EditionsError, match="not a readable PDF"):
        impose(garbage, out)
    writer = PdfWriter(clone_from=reading(4))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    writer.write(locked)
    with pytest.raises(EditionsError, match="encrypted"):
        impose(locked, out)
    with pytest.raises(EditionsError, match="overwrite the reading PDF"):
        impose(reading(4), reading(4))
    assert not out.exists()


# --------------------------------------------------------------------------- right-to-left books


def _mirror(sides: list[tuple[int | None, int | None]]) -> list[tuple[int | None, int | None]]:
    return [(right, left) for left, right in sides]


def _fold_right_bound(sides: list[tuple[int | None, int | None]]) -> list[int | None]:
    """Read a stack bound on the right: the reader meets front-left and back-right of sheets
    0 … s-1, then back-left and front-right of sheets s-1 … 0."""
    return _fold(_mirror(sides), [len(sides) * 2])


@pytest.mark.parametrize("n", sorted(HAND_CHECKED))
def test_right_to_left_booklet_is_bound_on_the_right(reading, tmp_path: Path, n: int) -> None:
    source = tmp_path / "rtl.pdf"
    html = _html(n, "A5").replace('<html lang="en">', '<html lang="ar" dir="rtl">')
    weasyprint.HTML(string=html).write_pdf(source)
    out = tmp_path / "booklet.pdf"
    impose(source, out)
    # every side mirrored: the front cover on the left half of the outer side, the back cover right
    assert _sides(out) == _mirror(HAND_CHECKED[n])
    total = len(HAND_CHECKED[n]) * 2
    assert _fold_right_bound(_sides(out)) == _expected(n, total)


def test_right_to_left_creep_still_moves_toward_the_spine(reading, tmp_path: Path) -> None:
    source = tmp_path / "rtl.pdf"
    html = _html(8, "A5").replace('<html lang="en">', '<html lang="ar" dir="rtl">')
    weasyprint.HTML(string=html).write_pdf(source)
    plain, crept = tmp_path / "plain.pdf", tmp_path / "crept.pdf"
    impose(source, plain)
    impose(source, crept, creep_mm=2)

    def x_of(pdf: Path, page: int, wanted: str) -> float:
        found = [x for word, x, _, _, _ in word_boxes(pdf, page) if word == wanted]
        assert found, wanted
        return found[0]

    # sheet 2 front (the innermost sheet): page 3 on the left half, page 6 on the right
    assert x_of(crept, 3, "PAGE-003") - x_of(plain, 3, "PAGE-003") == pytest.approx(2 * MM, abs=0.2)
    assert x_of(crept, 3, "PAGE-006") - x_of(plain, 3, "PAGE-006") == pytest.approx(-2 * MM, abs=0.2)


# --------------------------------------------------------------------------- booklets of real editions

PARAGRAPH = " ".join(["Wages had not kept up with rents for a decade, and everyone on the line knew it."] * 7)


def _edition(folder: Path, paragraphs: int, *, lang: str = "en", extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    title, text = ("The Night Shift", PARAGRAPH) if lang == "en" else ("نوبة الليل", "عمال الميناء. " * 60)
    (folder / "a.md").write_text(
        f"---\ntitle: {title}\nurl: https://example.org/a\n---\n\n" + "\n\n".join([text] * paragraphs) + "\n",
        encoding="utf-8",
    )
    (folder / "edition.toml").write_text(
        f'title = "Pad Test"\nsubtitle = "Front"\npublisher = "Padding Press"\nlang = "{lang}"\n{extra}',
        encoding="utf-8",
    )
    return folder


def _made(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from editions import load_edition, make_pdf

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    return make_pdf(load_edition([folder]), folder / "reading.pdf").path


def _squeezed(text: str) -> str:
    """The text without any spaces (letter-spaced capitals read back with a space between letters)."""
    return "".join(text.split())


def _page_texts(pdf: Path) -> list[str]:
    """The text of each page (squeezed), as pdftotext reads the whole page."""
    count = len(PdfReader(pdf).pages)
    width, height = _sheet_size(pdf)
    return [_squeezed(_text(pdf, p, (0, 0, width, height))) for p in range(1, count + 1)]


def _booklet_pages(reading_pdf: Path, booklet: Path) -> list[tuple[int | None, int | None]]:
    """(left, right) of each sheet side: the reading page (1-based) whose text is in that half, or
    None for a half with no text at all."""
    texts = _page_texts(reading_pdf)
    width, height = _sheet_size(booklet)
    sides = []
    for page in range(1, len(PdfReader(booklet).pages) + 1):
        halves = []
        for box in ((0, 0, width / 2, height), (width / 2, 0, width / 2, height)):
            text = _squeezed(_text(booklet, page, box))
            assert not text or texts.count(text) == 1, text  # each page tells itself apart
            halves.append(texts.index(text) + 1 if text else None)
        sides.append((halves[0], halves[1]))
    return sides


@pytest.mark.slow
@pytest.mark.parametrize(("paragraphs", "blanks"), [(13, 0), (9, 1), (5, 2), (1, 3)])
def test_booklet_of_an_edition_keeps_the_colophon_inside_the_back_cover(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, paragraphs: int, blanks: int
) -> None:
    reading_pdf = _made(_edition(tmp_path / "e", paragraphs), monkeypatch)
    n = len(PdfReader(reading_pdf).pages)
    assert (n + blanks) % 4 == 0, f"{paragraphs} paragraphs make {n} pages"
    texts = _page_texts(reading_pdf)
    assert texts[-1] == "PadTestPADDINGPRESS"  # the outside back cover: no folio, no running head
    assert texts[-2].startswith("COLOPHON") and texts[-2].endswith(str(n - 1))  # its folio
    out = tmp_path / "booklet.pdf"
    result = impose(reading_pdf, out)
    assert result.blanks == blanks
    order = _fold(_booklet_pages(reading_pdf, out), [n + blanks])
    # the blanks (no text at all) come after Sources, before the colophon on the inside back cover
    assert order == [*range(1, n - 1), *([None] * blanks), n - 1, n]


@pytest.mark.slow
def test_booklet_of_a_right_to_left_edition_is_bound_on_the_right(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reading_pdf = _made(_edition(tmp_path / "ar", 3, lang="ar"), monkeypatch)
    n = len(PdfReader(reading_pdf).pages)
    out = tmp_path / "booklet.pdf"
    result = impose(reading_pdf, out)
    total = n + result.blanks
    assert result.blanks > 0
    sides = _booklet_pages(reading_pdf, out)
    assert sides[0] == (1, n)  # the outer side: the front cover on the left half, the back cover right
    assert sides[1][1] == 2  # inside the front cover, page 2 on the right
    order = _fold_right_bound(sides)
    assert order == [*range(1, n - 1), *([None] * (total - n)), n - 1, n]


@pytest.mark.parametrize(("lang", "direction", "mirrored"), [("en", "/R2L", True), ("ar", "/L2R", False)])
def test_the_pdfs_reading_direction_wins_over_its_language(
    tmp_path: Path, lang: str, direction: str, mirrored: bool
) -> None:
    source = tmp_path / "in.pdf"
    weasyprint.HTML(string=_html(8, "A5").replace('<html lang="en">', f'<html lang="{lang}">')).write_pdf(
        source
    )
    writer = PdfWriter(clone_from=source)
    writer.create_viewer_preferences()
    writer.root_object["/ViewerPreferences"][NameObject("/Direction")] = NameObject(direction)  # type: ignore[index]
    marked = tmp_path / "marked.pdf"
    writer.write(marked)
    out = tmp_path / "booklet.pdf"
    impose(marked, out)
    assert _sides(out) == (_mirror(HAND_CHECKED[8]) if mirrored else HAND_CHECKED[8])
