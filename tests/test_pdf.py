"""The PDF stage: build real PDFs and read them back with pypdf and poppler.

Each PDF is built once per module (fixtures below) and examined by several tests. The sample
edition is ``tests/data/pdf`` (English with footnotes, a table, lists, quotes, an image and
code; a Russian and a Greek article; a cover image). A 20-article edition is written on the fly
by :func:`write_long_edition`; to look at it by hand::

    python tests/test_pdf.py /tmp/long && make-pdf /tmp/long -o /tmp/long.pdf
"""

from __future__ import annotations

import io
import logging
import random
import re
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

DATA = Path(__file__).parent / "data" / "pdf"
EPOCH = "1700000000"
MM = 72 / 25.4
#: How WeasyPrint names the bundled fonts in the PDF (after their ``@font-face`` family), and the
#: family and version in the name table of each embedded font program.
BUNDLED_FONTS = ("Gentium-Book-Plus", "Editions-Mono")
BUNDLED_PROGRAMS = {("Gentium Book Plus", "Version 6.101"), ("Noto Sans Mono", "Version 2.006")}

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


# --- a long edition, written on the fly ------------------------------------------------------

SENTENCES = (
    "The committee met every Tuesday in the back room of the library, and the minutes went up on the board.",
    "Nobody expected the rota to change, but it changed three times in a single month without a warning.",
    "Wages had not kept up with rents for a decade, and everyone on the line could tell you by how much.",
    "The management consultants called it flexibility; the people doing the work called it something else.",
    "A strike is not a riot, whatever the newspapers say: it is the collective withdrawal of labour.",
    "In the first week the leaflets were read by a handful of people; by the third they were photocopied.",
    "Solidarity is not an abstraction when the canteen fund pays your electricity bill during a stoppage.",
    "The employer's lawyers found a procedural mistake in the ballot, and the vote had to be held again.",
    "Agency workers were paid less for the same work, on the same machines, under the same supervisors.",
    "Every victory, however small, changed what people thought was possible the next time they met.",
    "The local paper ran the company's statement in full and quoted the union in one line at the bottom.",
    "By the spring the branch had doubled its membership, mostly among people who had never joined anything.",
    "Health and safety was the issue that brought the night shift together, long before pay was mentioned.",
    "Historians of the labour movement have long argued that organisation precedes mobilisation.",
    "The dispute lasted eleven weeks and ended with an agreement that nobody liked and everybody signed.",
    "Interdepartmental communication remained notoriously unsatisfactory, notwithstanding reorganisation.",
)
TITLES = (
    "The Night Shift",
    "Wages, Rents and the Cost of Living: What the Official Figures Leave Out",
    "Why We Voted to Strike",
    "A Short History of the Canteen Fund",
    "Agency Work and the Two-Tier Workforce in Logistics, Retail and the Care Sector",
    "Notes from a Picket Line",
    "The Ballot",
    "Organising the Unorganised: Lessons from a Decade of Campaigns in Small Workplaces",
    "What the Newspapers Did Not Say",
    "Safety First",
)
AUTHORS = ("Maria Okafor", "Dan Whitlow", "Aisha Rahman", "Tomasz Nowak", "Lucía Fernández", "Grace Mbeki")


def _article_markdown(index: int, rng: random.Random) -> str:
    title = TITLES[index % len(TITLES)] + ("" if index < len(TITLES) else f" ({index // len(TITLES) + 1})")
    authors = rng.sample(AUTHORS, k=1 if index % 3 else 2)
    lines = [
        "---",
        f'title: "{title}"',
        f"author: [{', '.join(authors)}]",
        f"date: 2023-{index % 12 + 1:02d}-{index % 27 + 1:02d}",
        "publication: The Organiser",
        f"url: https://example.org/articles/{2000 + index}/story-{index}",
        f"tags: [labour, topic-{index % 4}]",
        "---",
        "",
    ]
    notes: list[str] = []
    for section in range(1 + index % 4):
        if section:
            heading = rng.choice(("What happened", "Why it matters", "What next"))
            lines += [f"## Part {section + 1}: {heading}", ""]
        for _ in range(2 + (index * 7 + section) % 5):
            text = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 6)))
            if rng.random() < 0.25:
                notes.append(" ".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 2))))
                text += f"[^{len(notes)}]"
            lines += [text, ""]
        if (index + section) % 3 == 0:
            lines += ["> " + " ".join(rng.choice(SENTENCES) for _ in range(2)), ""]
        if (index + section) % 4 == 1:
            lines += [f"- {rng.choice(SENTENCES)}" for _ in range(3)] + [""]
    lines += [f"[^{number}]: {note}\n" for number, note in enumerate(notes, start=1)]
    return "\n".join(lines)


def write_long_edition(folder: Path, n: int = 20, *, seed: int = 7) -> Path:
    """Write ``n`` Markdown articles of varied length and an ``edition.toml`` (deterministic)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    names = []
    for index in range(n):
        names.append(f"{index + 1:02d}-article.md")
        (folder / names[-1]).write_text(_article_markdown(index, rng), encoding="utf-8")
    manifest = [
        'title = "Twenty Articles on Work"',
        'subtitle = "A long edition for testing the pamphlet layout"',
        'editor = "The Test Collective"',
        'publisher = "Tenter Hooks Press"',
        "date = 2024-05-01",
        'rights = "For non-commercial education."',
        "articles = [" + ", ".join(f'"{name}"' for name in names) + "]",
    ]
    (folder / "edition.toml").write_text("\n".join(manifest) + "\n", encoding="utf-8")
    return folder


def write_tiny_edition(folder: Path, body: str = "A short text.\n\nAnd a second paragraph.\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tiny.md").write_text(
        "---\ntitle: A Tiny Article\nauthor: Ann Author\nurl: https://example.org/tiny\n---\n\n" + body,
        encoding="utf-8",
    )
    return folder / "tiny.md"


# --- building, once per module -----------------------------------------------------------------


@dataclass
class Built:
    path: Path
    pages: int
    html_path: Path | None
    warnings: list[str]
    progress: list[str]

    @property
    def reader(self) -> PdfReader:
        return PdfReader(self.path)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build(source: Path, out: Path, **options: object) -> Built:
    """Build a PDF with SOURCE_DATE_EPOCH set, collecting warnings and progress messages."""
    from editions.edition import load_edition
    from editions.pdf import make_pdf

    collect = _Collect()
    logger = logging.getLogger("editions")
    logger.addHandler(collect)
    progress: list[str] = []
    try:
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
            result = make_pdf(load_edition([source]), out, progress=progress.append, **options)  # type: ignore[arg-type]
    finally:
        logger.removeHandler(collect)
    return Built(result.path, result.pages, result.html_path, collect.messages, progress)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pdf")


@pytest.fixture(scope="module")
def sample(workdir: Path) -> Built:
    return build(DATA, workdir / "sample.pdf", keep_html=True)


@pytest.fixture(scope="module")
def long_a5(workdir: Path) -> Built:
    return build(write_long_edition(workdir / "long"), workdir / "long.pdf")


def pdftotext(path: Path, page: int | None = None, *, layout: bool = True) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        args.append("-layout")
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def word_boxes(path: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """(word, xMin, yMin, xMax, yMax) for each word of a page (poppler's bounding boxes, in pt)."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [(w, float(a), float(b), float(c), float(d)) for a, b, c, d, w in re.findall(pattern, out)]


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(level, title, 1-based page) for every bookmark, in order."""
    found: list[tuple[int, str, int]] = []

    def walk(items: list, level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 1)
    return found


def folio(path: Path, page: int) -> str:
    """The page number printed at the foot of a page (the last line of its text)."""
    lines = [line.strip() for line in pdftotext(path, page).splitlines() if line.strip()]
    return lines[-1] if lines else ""


def links(reader: PdfReader, page: int) -> list[str]:
    uris = []
    for annot in reader.pages[page - 1].get("/Annots") or []:
        action = annot.get_object().get("/A")
        if action is not None and "/URI" in action:
            uris.append(str(action["/URI"]))
    return uris


# --- paper sizes and options -------------------------------------------------------------------


@pytest.fixture(scope="module")
def paper_builds(workdir: Path) -> dict[str, Built]:
    tiny = write_tiny_edition(workdir / "tiny")
    sizes = ["A4", "A6", "letter", "half-letter", "140x216mm", "5.5x8.5in"]
    return {paper: build(tiny, workdir / f"tiny-{paper}.pdf", paper=paper) for paper in sizes}


@pytest.mark.parametrize(
    ("paper", "size_mm"),
    [
        ("A4", (210, 297)),
        ("A6", (105, 148)),
        ("letter", (215.9, 279.4)),
        ("half-letter", (139.7, 215.9)),
        ("140x216mm", (140, 216)),
        ("5.5x8.5in", (139.7, 215.9)),
    ],
)
def test_page_size(paper_builds: dict[str, Built], paper: str, size_mm: tuple[float, float]) -> None:
    reader = paper_builds[paper].reader
    for page in reader.pages:
        box = page.mediabox
        assert (float(box.width), float(box.height)) == pytest.approx(
            (size_mm[0] * MM, size_mm[1] * MM), abs=0.1
        )


def test_default_paper_is_a5(sample: Built) -> None:
    box = sample.reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((148 * MM, 210 * MM), abs=0.1)


# --- the sample edition ------------------------------------------------------------------------


def test_page_count_and_result(sample: Built) -> None:
    reader = sample.reader
    assert sample.pages == len(reader.pages)
    # cover, contents, three articles of one to three pages each, sources, colophon
    assert 8 <= sample.pages <= 16


def test_a_normal_build_logs_no_warning(sample: Built, long_a5: Built) -> None:
    assert sample.warnings == []
    assert long_a5.warnings == []


def test_outline_has_every_article_and_back_matter_page(sample: Built) -> None:
    entries = outline(sample.reader)
    top = [title for level, title, _ in entries if level == 1]
    assert top == [
        "Contents",
        "How We Organised the Night Shift",
        "Почему мы бастовали",
        "Η απεργία των διανομέων",
        "Sources",
        "Colophon",
    ]
    sections = [title for level, title, _ in entries if level == 2]
    assert "Mapping the workplace" in sections and "Итоги" in sections


def test_metadata(sample: Built) -> None:
    reader = sample.reader
    info = reader.metadata
    assert info is not None
    assert info.title == "Voices from the Shop Floor"
    assert info.author == "The Test Collective"
    assert info.subject == "Three articles on organising at work, in English, Russian and Greek."
    keywords = [k.strip() for k in str(info["/Keywords"]).split(",")]
    assert {"labour", "organising", "забастовка", "απεργία"} <= set(keywords)
    assert str(info["/Creator"]).startswith("editions ")
    assert str(info["/CreationDate"]).startswith("D:20240501")  # the edition's date
    # SOURCE_DATE_EPOCH (2023-11-14) is before the edition's date: modified is not before created
    assert str(info["/ModDate"]).startswith("D:20240501")
    assert reader.trailer["/Root"]["/Lang"] == "en"


@needs_poppler
def test_hyphenation_follows_each_article_language(sample: Built) -> None:
    assert sample.html_path is not None
    html = sample.html_path.read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    assert 'lang="ru"' in html and 'lang="el"' in html
    entries = {t: p for _, t, p in outline(sample.reader)}
    for title, letters in (("Почему мы бастовали", "а-яё"), ("Η απεργία των διανομέων", "α-ωά-ώ")):
        text = "\n".join(pdftotext(sample.path, p) for p in range(entries[title], entries[title] + 2))
        assert re.search(f"[{letters}][-\u2010]\\s*$", text, re.M), title  # a word hyphenated at a line end


@needs_poppler
def test_cover_has_title_imprint_image_and_no_running_head_or_folio(sample: Built) -> None:
    text = "".join(pdftotext(sample.path, 1, layout=False).split())  # spaced capitals: no spaces
    expected = "Voices from the Shop Floor Three articles on work, wages and solidarity " + (
        "Edited by The Test Collective TENTER HOOKS PRESS May 1, 2024"
    )
    assert text == expected.replace(" ", "")
    images = subprocess.run(
        ["pdfimages", "-list", "-f", "1", "-l", "1", str(sample.path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert len(images.strip().splitlines()) == 3  # two header lines and the cover image


@needs_poppler
def test_contents_numbers_are_the_printed_folios(long_a5: Built) -> None:
    entries = [(title, page) for level, title, page in outline(long_a5.reader) if level == 1]
    articles = [(title, page) for title, page in entries if title not in {"Contents", "Sources", "Colophon"}]
    assert len(articles) == 20
    contents_pages = [page for title, page in entries if title == "Contents"]
    first_article_page = articles[0][1]
    contents_text = "\n".join(
        pdftotext(long_a5.path, p) for p in range(contents_pages[0], first_article_page)
    )
    listed = [int(n) for n in re.findall(r"\.\s*(\d+)\s*$", contents_text, re.M)]
    assert len(listed) == 20
    for (title, page), number in zip(articles, listed, strict=True):
        assert number == page, title
        assert folio(long_a5.path, page) == str(number), title
    # pages after an opening page carry their folio too
    assert folio(long_a5.path, articles[0][1] + 1) == str(articles[0][1] + 1)


@needs_poppler
def test_running_heads(sample: Built) -> None:
    entries = {title: page for level, title, page in outline(sample.reader) if level == 1}
    first = entries["How We Organised the Night Shift"]
    opening = pdftotext(sample.path, first).splitlines()
    assert opening[0].strip().startswith("How We Organised the Night Shift")  # the title, no running head
    left = first + 1  # an even (left-hand) page: the edition's title
    assert pdftotext(sample.path, left).strip().splitlines()[0].strip() == "Voices from the Shop Floor"
    right = first + 2  # an odd (right-hand) page: the article's title
    assert pdftotext(sample.path, right).strip().splitlines()[0].strip() == "How We Organised the Night Shift"


def _words_with_boxes(path: Path, page: int) -> list[tuple[str, float]]:
    """(word, yMax) of every word on a page."""
    return [(word, bottom) for word, _, _, _, bottom in word_boxes(path, page)]


@needs_poppler
def test_footnotes_at_the_foot_of_the_page_numbered_per_article(sample: Built) -> None:
    first = {t: p for _, t, p in outline(sample.reader)}["How We Organised the Night Shift"]
    height = float(sample.reader.pages[first - 1].mediabox.height)
    words = _words_with_boxes(sample.path, first)
    note = [y for word, y in words if word == "thermostat"]
    body = [y for word, y in words if word == "kebab"]
    assert note and body
    assert note[0] > body[0]
    assert note[0] > 0.7 * height
    russian = {t: p for _, t, p in outline(sample.reader)}["Почему мы бастовали"]
    text = " ".join(pdftotext(sample.path, p) for p in range(russian, russian + 2))
    assert re.search(r"1\.\s+План второго цеха", text)  # numbering starts again at 1


@needs_poppler
def test_attribution_line_and_links(sample: Built) -> None:
    url = "https://example.org/news/2023/night-shift-organising?id=42"
    entries = {t: p for _, t, p in outline(sample.reader)}
    end = entries["Почему мы бастовали"] - 1  # the English article's last page
    text = " ".join(pdftotext(sample.path, end, layout=False).split())
    assert "Originally published in The Organiser, March 14, 2023." in text
    assert url in "".join(text.split())  # the URL may wrap, without a hyphen
    assert url in links(sample.reader, end)
    assert url in links(sample.reader, entries["Sources"])
    internal = sample.reader.pages[entries["Contents"] - 1].get("/Annots") or []
    assert any("/Dest" in a.get_object() for a in internal)


@pytest.mark.skipif(shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None, reason="zbar-tools")
def test_qr_codes_decode_to_the_exact_urls(sample: Built, tmp_path: Path) -> None:
    page = {t: p for _, t, p in outline(sample.reader)}["Sources"]
    pages = ["-f", str(page), "-l", str(page)]
    subprocess.run(
        ["pdftoppm", "-r", "300", *pages, "-png", str(sample.path), str(tmp_path / "s")], check=True
    )
    image = next(tmp_path.glob("s-*.png"))
    out = subprocess.run(["zbarimg", "-q", "--raw", str(image)], capture_output=True, text=True).stdout
    assert sorted(out.split()) == sorted(
        [
            "https://example.org/news/2023/night-shift-organising?id=42",
            "https://example.org/ru/2022/zabastovka",
            "https://example.org/el/2023/apergia-dianomeon",
        ]
    )


@needs_poppler
def test_qr_codes_are_vector(sample: Built) -> None:
    page = {t: p for _, t, p in outline(sample.reader)}["Sources"]
    out = subprocess.run(
        ["pdfimages", "-list", "-f", str(page), "-l", str(page), str(sample.path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert len(out.strip().splitlines()) == 2  # the header only: no raster image on the Sources page


@needs_poppler
def test_colophon(sample: Built) -> None:
    page = {t: p for _, t, p in outline(sample.reader)}["Colophon"]
    text = " ".join(pdftotext(sample.path, page, layout=False).split())
    for expected in (
        "Edited by The Test Collective.",
        "Published by Tenter Hooks Press, May 1, 2024.",
        "Texts remain the property of their authors",
        "editors@example.org",
    ):
        assert expected in text


@needs_poppler
def test_fonts_are_embedded_and_only_the_bundled_ones(sample: Built) -> None:
    out = subprocess.run(["pdffonts", str(sample.path)], capture_output=True, text=True, check=True).stdout
    rows = out.strip().splitlines()[2:]
    assert rows
    names = set()
    for row in rows:
        name, *_ = row.split()
        emb = row.split()[-5]
        assert emb == "yes", row
        names.add(name.split("+", 1)[-1])
    assert all(name.startswith(BUNDLED_FONTS) for name in names), names
    assert any("Italic" in n for n in names) and any("Bold" in n for n in names)
    assert any("Mono" in n for n in names)  # the code in the English article


def test_embedded_font_programs_are_the_bundled_files(sample: Built) -> None:
    from fontTools.ttLib import TTFont

    programs = set()
    for page in sample.reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts") or [font]:
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                data = descriptor["/FontFile2"].get_object().get_data()
                names = TTFont(io.BytesIO(data))["name"]
                version = names.getDebugName(5).split(";")[0]
                programs.add((names.getDebugName(1).removesuffix(" Bold").removesuffix(" Italic"), version))
    assert programs <= BUNDLED_PROGRAMS, programs
    assert ("Gentium Book Plus", "Version 6.101") in programs


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf not installed")
def test_qpdf_check_is_clean(sample: Built, long_a5: Built) -> None:
    for built in (sample, long_a5):
        result = subprocess.run(["qpdf", "--check", str(built.path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "No syntax or stream encoding errors" in result.stdout


def test_rebuild_is_byte_identical(sample: Built, workdir: Path) -> None:
    again = build(DATA, workdir / "again.pdf")
    assert again.path.read_bytes() == sample.path.read_bytes()


def test_kept_html_renders_with_the_weasyprint_command(sample: Built, tmp_path: Path) -> None:
    assert sample.html_path == sample.path.with_name("sample.print.html")
    weasyprint = Path(sys.executable).with_name("weasyprint")
    command = [str(weasyprint)] if weasyprint.exists() else [sys.executable, "-m", "weasyprint"]
    out = tmp_path / "from-html.pdf"
    subprocess.run([*command, str(sample.html_path), str(out)], check=True, cwd=tmp_path, capture_output=True)
    assert len(PdfReader(out).pages) == sample.pages


def test_long_edition_headings_never_end_a_page(long_a5: Built) -> None:
    reader = long_a5.reader
    bottom_margin = 0.095 * 210 * MM
    found = 0
    for item in reader.outline:
        if not isinstance(item, list):
            continue
        for section in item:
            if isinstance(section, list):
                continue
            found += 1
            top = float(section.top)  # distance of the heading's top from the page's bottom edge
            assert top > bottom_margin + 4 * 12, section.title  # room for the heading and two lines
    assert found > 10


def _word_boxes(path: Path) -> Iterator[tuple[int, float, float, str]]:
    """(page, xMin, xMax, word) for every word of a PDF (poppler's ``pdftotext -bbox``)."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    page = 0
    for line in out.splitlines():
        if "<page " in line:
            page += 1
        elif match := re.search(
            r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<', line
        ):
            yield page, float(match.group(1)), float(match.group(2)), match.group(3)


@needs_poppler
@pytest.mark.parametrize("which", ["sample", "long_a5"])
def test_no_line_runs_into_the_margins(which: str, request: pytest.FixtureRequest) -> None:
    from editions.paper import page_geometry

    built: Built = request.getfixturevalue(which)
    geometry = page_geometry("A5")
    width = 148 * MM
    for page, x_min, x_max, word in _word_boxes(built.path):
        left = (geometry.inner if page % 2 else geometry.outer) * MM
        right = width - (geometry.outer if page % 2 else geometry.inner) * MM
        assert left - 1 <= x_min and x_max <= right + 1, (page, word, x_min, x_max, left, right)


def _rules(reader: PdfReader, page: int, rgb: tuple[float, float, float]) -> list[tuple[float, float]]:
    """The horizontal extent, in pt, of every path a page fills in the colour ``rgb`` (the rules)."""
    from pypdf.generic import ContentStream

    ctm, stack, points, colour, found = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], [], [], None, []
    content = ContentStream(reader.pages[page - 1].get_contents(), reader)
    for operands, operator in content.operations:
        values = [float(v) for v in operands if isinstance(v, (int, float))]
        if operator == b"q":
            stack.append(list(ctm))
        elif operator == b"Q":
            ctm = stack.pop()
        elif operator == b"cm":
            a, b, c, d, e, f = values
            ctm = [
                a * ctm[0] + b * ctm[2],
                a * ctm[1] + b * ctm[3],
                c * ctm[0] + d * ctm[2],
                c * ctm[1] + d * ctm[3],
                e * ctm[0] + f * ctm[2] + ctm[4],
                e * ctm[1] + f * ctm[3] + ctm[5],
            ]
        elif operator == b"rg":
            colour = tuple(round(v, 3) for v in values)
        elif operator in (b"m", b"l"):
            points.append(values[0] * ctm[0] + values[1] * ctm[2] + ctm[4])
        elif operator == b"re":
            x, _, w, _ = values
            points += [x * ctm[0] + ctm[4], (x + w) * ctm[0] + ctm[4]]
        elif operator in (b"f", b"f*", b"S", b"B", b"n"):
            if points and colour == tuple(round(v, 3) for v in rgb):
                found.append((min(points), max(points)))
            points = []
    return found


@needs_poppler
def test_notes_their_rule_and_the_folios_line_up_with_the_text_block(sample: Built) -> None:
    """Within 0.5 pt of the text's edges: the note rule, the notes, the folios (issue 14, item 5)."""
    from editions.paper import page_geometry

    geometry = page_geometry("A5")
    first = {t: p for _, t, p in outline(sample.reader)}["How We Organised the Night Shift"]
    pages = [first, first + 1]  # the article's first pages: a right-hand page with a note, then a left
    words = [w for w in _word_boxes(sample.path) if w[0] in pages]
    for page in pages:
        left = (geometry.inner if page % 2 else geometry.outer) * MM
        right = 148 * MM - (geometry.outer if page % 2 else geometry.inner) * MM
        on_page = [w for w in words if w[0] == page]
        assert min(x_min for _, x_min, _, _ in on_page) == pytest.approx(left, abs=0.5)  # the text block
        assert max(x_max for _, _, x_max, _ in on_page) == pytest.approx(right, abs=0.5)
        number = [w for w in on_page if w[3] == str(page)][-1]  # the folio: the page's last word
        assert (number[1] if page % 2 == 0 else number[2]) == pytest.approx(
            left if page % 2 == 0 else right, abs=0.5
        )
        rules = _rules(sample.reader, page, (0x8C / 255, 0x85 / 255, 0x7A / 255))  # the style's --rule
        for start, end in rules:
            assert start == pytest.approx(left, abs=0.5) and end == pytest.approx(right, abs=0.5), (
                page,
                rules,
            )
        if page == first:
            assert rules  # the note's rule
            note = [x_min for _, x_min, _, word in on_page if word == "thermostat"]
            lines = subprocess.run(
                ["pdftotext", "-f", str(page), "-l", str(page), "-bbox-layout", str(sample.path), "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            starts = [float(x) for x in re.findall(r'<line xMin="([\d.]+)"', lines)]
            assert note and all(x >= left - 0.5 for x in starts)
            assert sum(abs(x - left) <= 0.5 for x in starts) >= 3  # the note's lines start at the edge too


@needs_poppler
def test_a_table_wider_than_the_page_keeps_every_column(tmp_path: Path) -> None:
    columns = 9
    rows = [
        "| " + " | ".join(f"Heading {c}" for c in range(columns)) + " |",
        "|" + "---|" * columns,
        *("| " + " | ".join(f"k{c} Internationalisation" for c in range(columns)) + " |" for _ in range(3)),
    ]
    article = write_tiny_edition(tmp_path / "e", "Before.\n\n" + "\n".join(rows) + "\n\nAfter.\n")
    built = build(article, tmp_path / "t.pdf", paper="A6")
    text = "\n".join(pdftotext(built.path, page) for page in range(1, built.pages + 1))
    assert [text.count(f"k{c}") for c in range(columns)] == [3] * columns  # nothing cut at the edge
    width = 105 * MM
    assert all(x_max <= width for _, _, x_max, _ in _word_boxes(built.path))


@needs_poppler
def test_table_columns_keep_their_markdown_alignment(tmp_path: Path) -> None:
    rows = [
        "| Lefthead | Centrehead | Righthead |",
        "|:---|:---:|---:|",
        "| La | Ca | 7 |",
        "| Lbbbbbbbbbbbb | Cbbbbbbbbbbbb | 1234567 |",
        "| Lc | Ccccccc | 42 |",
    ]
    article = write_tiny_edition(tmp_path / "e", "Before.\n\n" + "\n".join(rows) + "\n\nAfter.\n")
    built = build(article, tmp_path / "t.pdf")
    boxes = {word: (x_min, x_max) for _, x_min, x_max, word in _word_boxes(built.path)}
    lefts = [boxes[w][0] for w in ("Lefthead", "La", "Lbbbbbbbbbbbb", "Lc")]
    centres = [sum(boxes[w]) / 2 for w in ("Centrehead", "Ca", "Cbbbbbbbbbbbb", "Ccccccc")]
    rights = [boxes[w][1] for w in ("Righthead", "7", "1234567", "42")]
    assert max(lefts) - min(lefts) < 0.5, lefts  # left: one left edge
    assert max(centres) - min(centres) < 0.5, centres  # centre: one centre
    assert max(rights) - min(rights) < 0.5, rights  # right: one right edge
    assert boxes["7"][0] > boxes["1234567"][0] + 10  # not left-aligned after all


@needs_poppler
def test_back_matter_headings_start_at_the_height_of_the_contents(sample: Built) -> None:
    tops: dict[str, float] = {}
    out = subprocess.run(
        ["pdftotext", "-bbox", str(sample.path), "-"], capture_output=True, text=True, check=True
    ).stdout
    heading = re.compile(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">(CONTENTS|SOURCES|COLOPHON)<')
    for match in heading.finditer(out):
        tops.setdefault(match.group(2), float(match.group(1)))
    assert set(tops) == {"CONTENTS", "SOURCES", "COLOPHON"}
    assert max(tops.values()) - min(tops.values()) < 0.5, tops


@pytest.mark.parametrize(("delay", "reported"), [(3600.0, False), (0.0, True)])
def test_progress_is_reported_once_a_build_takes_longer_than_the_delay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, delay: float, reported: bool
) -> None:
    from editions.pdf import render

    monkeypatch.setattr(render, "PROGRESS_DELAY", delay)
    built = build(write_tiny_edition(tmp_path / "e"), tmp_path / "t.pdf")
    assert any(m.startswith("writing") for m in built.progress) is reported
    assert bool(built.progress) is reported


@pytest.fixture
def prompt_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    """Report progress from the start and every message (builds here take seconds, not minutes)."""
    from editions.pdf import render

    monkeypatch.setattr(render, "PROGRESS_DELAY", 0.0)
    monkeypatch.setattr(render, "PROGRESS_INTERVAL", 0.0)


def test_progress_names_the_article_on_each_page_laid_out(tmp_path: Path, prompt_progress: None) -> None:
    built = build(write_long_edition(tmp_path / "six", 6, seed=2), tmp_path / "six.pdf", parallel=False)
    entries = [(page, title) for level, title, page in outline(built.reader) if level == 1]
    assert entries[0][1] == "Contents" and len(entries) == 9  # + Sources, Colophon
    starts, back = entries[1:7], entries[7][0]
    laid_out = [m for m in built.progress if re.match(r"laying out page \d+: article", m)]
    pages = {int(m.split()[3].rstrip(":")) for m in laid_out}
    assert pages == set(range(starts[0][0], back))  # every page of the articles, and no other
    seen = set()
    for message in laid_out:
        page, number, total, title = re.fullmatch(
            r"laying out page (\d+): article (\d+) of (\d+), (.+)", message
        ).groups()
        expected = max((n for n, (start, _) in enumerate(starts, 1) if start <= int(page)), default=None)
        assert (int(number), int(total)) == (expected, 6), message
        assert starts[int(number) - 1][1].startswith(title.rstrip("…")), message
        seen.add(int(number))
    assert seen == {1, 2, 3, 4, 5, 6}


def test_progress_counts_the_articles_typeset_in_parts(tmp_path: Path, prompt_progress: None) -> None:
    edition = write_long_edition(tmp_path / "fourteen", 14, seed=4)
    built = build(edition, tmp_path / "fourteen.pdf", parallel=True, cache=False)
    counts = [int(m.split()[1]) for m in built.progress if re.fullmatch(r"typeset \d+ of 14 articles…", m)]
    assert counts and counts == sorted(set(counts)) and counts[-1] == 14


def test_an_edition_built_in_code_with_one_article(tmp_path: Path) -> None:
    from editions.edition import build_edition
    from editions.model import Article
    from editions.pdf import make_pdf

    article = Article(title="Only One", body_html="<p>Some text.</p>", slug="only-one")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        result = make_pdf(build_edition([article]), tmp_path / "one.pdf")
    reader = PdfReader(result.path)
    entries = outline(reader)
    assert [title for _, title, _ in entries] == ["Only One", "Sources", "Colophon"]  # no contents
    assert result.pages == len(reader.pages) == 5
    # nothing to print on the outside back cover (no publisher, contact or URL): a blank page
    assert pdftotext(result.path, 5, layout=False).strip() == ""
    assert entries[-1][2] == 4  # the colophon before it, on the inside back cover
    # Without a publication or URL the article is still listed, as such.
    sources = " ".join(reader.pages[entries[1][2] - 1].extract_text().split())
    assert "Only One Source not recorded." in sources
    assert reader.metadata is not None and reader.metadata.title == "Only One"


def test_style_urls_become_absolute_and_resolve_through_the_style_chain(tmp_path: Path) -> None:
    from editions.pdf import render_print_html, style_css
    from editions.styles import load_style

    folder = tmp_path / "mine"
    (folder / "css").mkdir(parents=True)
    (folder / "style.toml").write_text('name = "mine"\n', encoding="utf-8")
    (folder / "css" / "print.css").write_text(
        '@font-face { font-family: X; src: url("../fonts/GentiumBookPlus-Italic.ttf"); }\n'
        "@page :right { margin-right: 31mm; }\n",
        encoding="utf-8",
    )
    style = load_style(str(folder))
    css = style_css(style)
    default_fonts = (style.folders[-1] / "fonts").resolve().as_uri()
    assert f'url("{default_fonts}/GentiumBookPlus-Regular.ttf")' in css
    assert f'url("{default_fonts}/GentiumBookPlus-Italic.ttf")' in css
    assert 'url("../' not in css
    from editions.edition import load_edition

    html = render_print_html(load_edition([DATA]), style=style, paper="A4", font_size=11)
    geometry, _, rest = html.partition("/* default/css/common.css */")
    assert "size: 210mm 297mm" in geometry  # the paper's geometry comes first …
    assert rest.index("margin-right: 31mm") < rest.index("html { font-size: 11pt; }")  # … the options last


# --- options -----------------------------------------------------------------------------------


def test_font_size_changes_the_layout(sample: Built, workdir: Path) -> None:
    bigger = build(DATA, workdir / "big.pdf", font_size=13)
    assert bigger.pages > sample.pages
    html = sample.html_path.read_text(encoding="utf-8") if sample.html_path else ""
    assert "--body-size: 10.25pt" in html


def test_open_right_starts_articles_on_odd_pages(sample: Built, workdir: Path) -> None:
    built = build(DATA, workdir / "right.pdf", open_right=True)
    starts = [page for level, title, page in outline(built.reader) if level == 1 and title != "Contents"]
    assert all(page % 2 == 1 for page in starts[:3]), starts
    assert built.pages > sample.pages
    blank = [p for p in range(3, built.pages + 1) if not pdftotext(built.path, p, layout=False).strip()]
    assert blank  # the pages left empty before a right-hand start carry no running head or folio


# --- resources: only the edition's and the style's files -------------------------------------------


@pytest.fixture
def listener() -> Iterator[tuple[socket.socket, int]]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    try:
        yield server, server.getsockname()[1]
    finally:
        server.close()


def _no_connection(server: socket.socket) -> bool:
    try:
        connection, _ = server.accept()
    except BlockingIOError:
        return True
    connection.close()
    return False


def _png(path: Path) -> Path:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 20), (200, 30, 30)).save(path)
    return path


def test_fetcher_allows_only_the_edition_and_style_folders(tmp_path: Path) -> None:
    from editions.pdf import RestrictedFetcher

    root = tmp_path / "edition"
    inside = _png(root / "images" / "ok.png")
    outside = _png(tmp_path / "secret" / "private.png")
    (root / "link.png").symlink_to(outside)
    _png(root / ".hidden" / "x.png")
    fetcher = RestrictedFetcher([root])
    assert fetcher.allowed_path(inside.as_uri()) == inside.resolve()
    assert fetcher.allowed_path(outside.as_uri()) is None
    assert fetcher.allowed_path((root / "images" / ".." / ".." / "secret" / "private.png").as_uri()) is None
    assert fetcher.allowed_path(root.as_uri() + "/images/../../secret/private.png") is None
    assert fetcher.allowed_path((root / "link.png").as_uri()) is None
    assert fetcher.allowed_path((root / ".hidden" / "x.png").as_uri()) is None
    assert fetcher.allowed_path("file:///etc/passwd") is None
    assert fetcher.allowed_path("file://otherhost" + inside.as_posix()) is None
    assert fetcher.fetch(inside.as_uri()).read() == inside.read_bytes()
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    for url in ("file:///etc/passwd", "http://127.0.0.1:9/x.png", "https://example.org/x.png", "ftp://x/y"):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)


def test_refused_resources_and_attachments_in_a_document(tmp_path: Path, listener) -> None:
    from editions.pdf import render_document

    server, port = listener
    root = tmp_path / "edition"
    allowed = _png(root / "ok.png")
    html = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>T</title>
<link rel="attachment" href="file:///etc/passwd" title="passwd">
<link rel="attachment" href="ok.png" title="even an allowed file">
<style>body {{ font-family: serif }}</style></head><body>
<p>Text <img src="file:///etc/passwd"> <img src="http://127.0.0.1:{port}/x.png"> <img src="ok.png"></p>
<p><a rel="attachment" href="ok.png">attach</a> <a href="local.html">local</a></p>
</body></html>"""
    document, problems = render_document(html, base_url=root.as_uri() + "/", roots=[root])
    assert any("refused" in p and "/etc/passwd" in p for p in problems)
    assert any("refused" in p and f"127.0.0.1:{port}" in p for p in problems)
    out = tmp_path / "out.pdf"
    document.write_pdf(out)
    assert _no_connection(server)
    reader = PdfReader(out)
    catalog = reader.trailer["/Root"]
    assert "/EmbeddedFiles" not in (catalog.get("/Names") or {})
    assert not reader.attachments
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            assert annot["/Subtype"] != "/FileAttachment"
            uri = str(annot.get("/A", {}).get("/URI", ""))
            assert not uri.startswith("file:")
    raw = out.read_bytes()
    assert b"root:" not in raw
    assert allowed.is_file()


def test_make_pdf_refuses_network_and_outside_images(tmp_path: Path, listener) -> None:
    server, port = listener
    _png(tmp_path / "outside.png")
    article = write_tiny_edition(
        tmp_path / "edition",
        f"Text.\n\n![net](http://127.0.0.1:{port}/spy.png)\n\n![up](../outside.png)\n\n![ok](ok.png)\n",
    )
    _png(article.parent / "ok.png")
    built = build(article, tmp_path / "out.pdf")
    assert _no_connection(server)
    assert any("refused" in w and f"127.0.0.1:{port}" in w for w in built.warnings)
    assert any("refused" in w and "outside.png" in w for w in built.warnings)
    images = subprocess.run(["pdfimages", "-list", str(built.path)], capture_output=True, text=True).stdout
    assert len(images.strip().splitlines()) == 3  # header lines and the one allowed image


# --- the command -------------------------------------------------------------------------------


def test_cli_writes_the_pdf_and_the_html(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from editions.cli import make_pdf_main

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    article = write_tiny_edition(tmp_path / "e")
    out = tmp_path / "out" / "tiny.pdf"
    assert make_pdf_main([str(article), "-o", str(out), "--paper", "A6", "--keep-html"]) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(out), str(out.with_name("tiny.print.html"))]
    assert len(PdfReader(out).pages) >= 2
    assert make_pdf_main([str(article), "-o", str(out), "-q"]) == 0
    assert capsys.readouterr().out == ""


def test_cli_default_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from editions.cli import make_pdf_main

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    article = write_tiny_edition(tmp_path / "e")
    monkeypatch.chdir(tmp_path)
    assert make_pdf_main([str(article)]) == 0
    assert capsys.readouterr().out.strip() == str(Path("dist") / "a-tiny-article.pdf")
    assert (tmp_path / "dist" / "a-tiny-article.pdf").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--paper", "B5"], "unknown paper size 'B5'"),
        (["--paper", "10x10mm"], "out of range"),
        (["--font-size", "100"], "font size 100 pt out of range"),
        (["--style", "nonesuch"], "unknown style 'nonesuch'"),
    ],
)
def test_cli_bad_options_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args, message: str
) -> None:
    from editions.cli import make_pdf_main

    article = write_tiny_edition(tmp_path / "e")
    assert make_pdf_main([str(article), "-o", str(tmp_path / "x.pdf"), *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("make-pdf: error: ") and message in err
    assert not (tmp_path / "x.pdf").exists()


def test_cli_uses_the_editions_pdf_settings_and_options_win(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from editions.cli import make_pdf_main

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    folder = tmp_path / "e"
    write_tiny_edition(folder)
    (folder / "edition.toml").write_text(
        'title = "Tiny"\n[pdf]\npaper = "A6"\nimpose = "booklet"\nmarks = true\n', encoding="utf-8"
    )
    out = tmp_path / "t.pdf"

    def size(path: Path) -> tuple[int, int]:
        box = PdfReader(path).pages[0].mediabox
        return round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)

    assert make_pdf_main([str(folder), "-o", str(out), "-q"]) == 0
    booklet = tmp_path / "t-booklet.pdf"
    assert size(out) == (105, 148)  # A6 from edition.toml
    width, height = size(booklet)  # two A6 pages side by side, and room for the marks around them
    assert width > 210 and height > 148 and "Tiny · sheet 1 of 2" in pdftotext(booklet, 1)
    booklet.unlink()
    assert make_pdf_main([str(folder), "-o", str(out), "-q", "--paper", "A5", "--impose", "none"]) == 0
    assert size(out) == (148, 210) and not booklet.exists()
    assert make_pdf_main([str(folder), "-o", str(out), "-q", "--no-marks"]) == 0
    assert size(booklet) == (210, 148) and "sheet 1 of 2" not in pdftotext(booklet, 1)


def test_cli_missing_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from editions.cli import make_pdf_main

    assert make_pdf_main([str(tmp_path / "nope.md"), "-o", str(tmp_path / "x.pdf")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


if __name__ == "__main__":
    print(write_long_edition(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 20))


def test_urls_break_only_after_slash_dot_query_amp_hyphen_at_a6(tmp_path: Path) -> None:
    url = "https://www.example-newspaper.org/news/2024/05/01/workers-won-their-strike?utm_source=mail&ref=front-page"
    source = tmp_path / "a.md"
    source.write_text(
        f"---\ntitle: A Long Link\npublication: The Paper\nurl: {url}\n---\n\nText.\n", encoding="utf-8"
    )
    built = build(source, tmp_path / "a.pdf", paper="A6")
    text = pdftotext(built.path).replace("\u200b", "")  # -layout keeps a line-final hyphen
    for where in ("Originally published", "Scan to open"):  # the source line, the Sources page
        lines = [line.strip() for line in text[text.index(where) :].splitlines()]
        start = next(i for i, line in enumerate(lines) if "https://" in line)
        assert not lines[start].endswith("https://")
        got, i = lines[start][lines[start].index("https://") :], start
        while len(got) < len(url):
            assert got[-1] in "/.?&-", (where, got)  # each line ends after one of / . ? & -
            i += 1
            got += lines[i]
        assert got.startswith(url), (where, got)
        assert i > start  # it did break (A6 is narrower than the URL)


# --- an issue of a periodical ------------------------------------------------------------------


@needs_poppler
def test_an_issue_has_a_masthead_running_heads_and_a_numbered_file_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PIL import Image

    from editions.cli import make_pdf_main

    sample = Path(__file__).resolve().parents[1] / "articles"
    folder = tmp_path / "issue"
    shutil.copytree(sample, folder)
    Image.new("RGB", (300, 100), (170, 20, 30)).save(folder / "logo.png")
    manifest = folder / "edition.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8")
        + 'series = "Workers Weekly"\nvolume = 8\nnumber = 22\nissue_date = 2024-06-15\nlogo = "logo.png"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert make_pdf_main([str(folder), "-q"]) == 0
    pdf = tmp_path / "dist" / "workers-weekly-vol8-no22.pdf"
    assert pdf.is_file()
    cover = [line.strip() for line in pdftotext(pdf, 1).replace("\u00a0", " ").splitlines() if line.strip()]
    assert cover[:3] == ["Workers Weekly", "Vol. 8, No. 22 · June 15, 2024", "No to the Wider War"]
    reader = PdfReader(pdf)
    entries = {title: page for _, title, page in outline(reader)}
    first = entries["U.S. Weapons Threaten a Wider War"]
    left = first + 1  # a left-hand page: the series and the issue, not the edition's title
    head = pdftotext(pdf, left).strip().splitlines()[0].strip().replace("\u00a0", " ")
    assert head == "Workers Weekly · Vol. 8, No. 22"
    colophon = pdftotext(pdf, entries["Colophon"]).replace("\u00a0", " ")
    assert "Workers Weekly, Vol. 8, No. 22 · June 15, 2024" in colophon
    for page in (1, entries["Colophon"]):  # the logo, drawn on the cover and in the colophon
        content = reader.pages[page - 1].get_contents().get_data()  # type: ignore[union-attr]
        assert re.search(rb"/\S+ Do\b", content)
    # built in parts (as editions of 12 articles or more are), the running heads are the same
    from editions import load_edition, make_pdf

    parts = make_pdf(load_edition([folder]), tmp_path / "parts.pdf", parallel=True, jobs=1).path
    assert pdftotext(parts, left).strip().splitlines()[0].strip().replace("\u00a0", " ") == head
    assert pdftotext(parts, 1) == pdftotext(pdf, 1)
    # the outside back cover: the title and the issue, the publisher and contact, in parts too
    count = len(reader.pages)
    back = " ".join(pdftotext(pdf, count, layout=False).replace("\u00a0", " ").split())
    assert back.startswith("No to the Wider War Workers Weekly · Vol. 8, No. 22 · June 15, 2024")
    assert entries["Colophon"] == count - 1
    assert len(PdfReader(parts).pages) == count and pdftotext(parts, count) == pdftotext(pdf, count)


# --- the covers ----------------------------------------------------------------------------------


def _word_boxes_of(path: Path, page: int) -> list[tuple[str, float, float]]:
    """(word, top, height) of every word on a page, in points."""
    return [(word, top, bottom - top) for word, _, top, _, bottom in word_boxes(path, page)]


def _accent_rows(path: Path, page: int, dpi: int = 60) -> list[float]:
    """The heights (points from the top) of pixel rows that hold the style's accent colour."""
    data = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), str(path)],
        check=True,
        capture_output=True,
    ).stdout
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    assert header
    width, height, pixels = int(header[1]), int(header[2]), data[header.end() :]
    rows = []
    for y in range(height):
        row = pixels[y * width * 3 : (y + 1) * width * 3]
        reds = sum(1 for x in range(0, len(row), 3) if row[x] > 120 and row[x + 1] < 90 and row[x + 2] < 90)
        if reds > 5:
            rows.append(y * 72 / dpi)
    return rows


@needs_poppler
def test_cover_has_the_epub_covers_hierarchy_and_rules(sample: Built) -> None:
    words = _word_boxes_of(sample.path, 1)

    def box(word: str) -> tuple[float, float]:
        return next((top, size) for w, top, size in words if w == word)

    height = float(sample.reader.pages[0].mediabox.height)
    title, subtitle, editor, date = box("Voices"), box("Three"), box("Edited"), box("2024")
    assert title[1] > 1.5 * subtitle[1] > 1.5 * editor[1] * 0.9  # bold title, then subtitle, then editor
    assert title[0] < subtitle[0] < editor[0] < date[0]
    rows = _accent_rows(sample.path, 1)
    head = [y for y in rows if y < 0.2 * height]
    foot = [y for y in rows if y > 0.85 * height]
    middle = [y for y in rows if subtitle[0] + subtitle[1] < y < subtitle[0] + subtitle[1] + 25]
    assert head and foot and middle  # rules at the head and foot, a short one under the subtitle
    assert max(head) < title[0] and min(foot) > date[0]  # the frame holds the title and the imprint


@needs_poppler
def test_a_long_title_is_set_smaller_and_stays_on_the_cover(tmp_path: Path) -> None:
    write_tiny_edition(tmp_path / "e")
    title = "Wages, Rents and the Cost of Living: What the Official Figures Leave Out, and Why It Matters"
    (tmp_path / "e" / "edition.toml").write_text(f'title = "{title}"\npublisher = "P"\n', encoding="utf-8")
    built = build(tmp_path / "e", tmp_path / "long.pdf")
    assert "".join(pdftotext(built.path, 1, layout=False).split()) == "".join(f"{title} P".split())
    (tmp_path / "e" / "edition.toml").write_text('title = "Wages"\npublisher = "P"\n', encoding="utf-8")
    short = build(tmp_path / "e", tmp_path / "short.pdf")
    sizes = [size for word, _, size in _word_boxes_of(built.path, 1) if word == "Wages,"]
    normal = [size for word, _, size in _word_boxes_of(short.path, 1) if word == "Wages"]
    assert sizes and normal and sizes[0] == pytest.approx(normal[0] * 1.75 / 2.3, rel=0.05)


@needs_poppler
def test_back_cover_is_designed_after_the_colophon(sample: Built) -> None:
    entries = {t: p for _, t, p in outline(sample.reader)}
    count = len(sample.reader.pages)
    assert entries["Colophon"] == count - 1  # the colophon on the inside back cover
    back = " ".join(pdftotext(sample.path, count, layout=False).split())
    # title, publisher (spaced capitals), contact; no folio, no running head
    assert "".join(back.split()) == "VoicesfromtheShopFloorTENTERHOOKSPRESSeditors@example.org"
    assert "Back cover" not in [t for _, t, _ in outline(sample.reader)]


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbar-tools")
def test_back_cover_qr_code_decodes_to_the_editions_url_and_builds_are_identical(tmp_path: Path) -> None:
    write_tiny_edition(tmp_path / "e")
    (tmp_path / "e" / "edition.toml").write_text(
        'title = "Tiny"\ncontact = "Write to us"\nurl = "https://example.org/editions/tiny"\n',
        encoding="utf-8",
    )
    first = build(tmp_path / "e", tmp_path / "a.pdf")
    second = build(tmp_path / "e", tmp_path / "b.pdf")
    assert first.path.read_bytes() == second.path.read_bytes()
    last = first.pages
    assert " ".join(pdftotext(first.path, last, layout=False).split()) == (
        "Tiny Write to us https://example.org/editions/tiny"
    )
    assert "https://example.org/editions/tiny" in links(first.reader, last)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "300",
            "-f",
            str(last),
            "-l",
            str(last),
            "-png",
            str(first.path),
            str(tmp_path / "b"),
        ],
        check=True,
    )
    image = next(tmp_path.glob("b-*.png"))
    out = subprocess.run(["zbarimg", "-q", "--raw", str(image)], capture_output=True, text=True).stdout
    assert out.split() == ["https://example.org/editions/tiny"]


@needs_poppler
@pytest.mark.parametrize(
    ("manifest", "pages", "last"),
    [
        ('title = "Tiny"\n', 5, ""),  # nothing to print there: blank
        ('title = "Tiny"\npublisher = "P"\n[pdf]\nback_cover = "blank"\n', 5, ""),
        ('title = "Tiny"\n[pdf]\nback_cover = "designed"\n', 5, "Tiny"),
        ('title = "Tiny"\npublisher = "P"\n[pdf]\nback_cover = "none"\n', 4, "COLOPHON"),
    ],
)
def test_back_cover_settings(tmp_path: Path, manifest: str, pages: int, last: str) -> None:
    write_tiny_edition(tmp_path / "e")
    (tmp_path / "e" / "edition.toml").write_text(manifest, encoding="utf-8")
    built = build(tmp_path / "e", tmp_path / "t.pdf")
    assert built.pages == pages
    text = pdftotext(built.path, pages, layout=False).strip()
    assert text.startswith(last) if last else text == ""


@pytest.mark.parametrize(
    ("line", "number", "message"),
    [
        ('[pdf]\nback_cover = "shiny"', 3, "[pdf] back_cover: must be one of designed, blank, none"),
        ('url = "example.org"', 2, "'url' must be a web address starting with https:// or http://"),
    ],
)
def test_bad_back_cover_settings_name_the_line(tmp_path: Path, line: str, number: int, message: str) -> None:
    from editions.edition import load_edition
    from editions.errors import EditionsError

    write_tiny_edition(tmp_path / "e")
    (tmp_path / "e" / "edition.toml").write_text(f'title = "Tiny"\n{line}\n', encoding="utf-8")
    with pytest.raises(EditionsError) as error:
        load_edition([tmp_path / "e"])
    assert message in str(error.value)
    assert error.value.line == number


@needs_poppler
def test_the_cover_with_its_image_fits_one_page_in_large_print(tmp_path: Path) -> None:
    built = build(DATA, tmp_path / "large.pdf", style="large-print", paper="A5")
    assert "TENTERHOOKSPRESS" in "".join(pdftotext(built.path, 1, layout=False).split())  # the imprint
    assert "Edited by The Test Collective" in pdftotext(built.path, 1, layout=False)
    assert pdftotext(built.path, 2, layout=False).startswith("CONTENTS")
