"""Styles: the built-in ones, an edition's own, and style.toml's settings, read back from real outputs.

The large-print style is built from the sample edition (``articles/``) and a 20-article edition
at A5 and A4 and measured in the PDFs (font sizes from pypdf, line ends and edges from poppler,
fill colours from the content streams); a style of one's own, extending the default by
``style.toml`` alone, is built into a PDF and an HTML page.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader

import editions
from editions.cli import editions_main, make_pdf_main
from editions.errors import EditionsError
from editions.styles import describe_styles, load_style
from test_pdf import EPOCH, folio, outline, pdftotext, word_boxes, write_long_edition

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "articles"
FONTS = ROOT / "styles" / "default" / "fonts"
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def _png(path: Path, size: tuple[int, int] = (300, 90)) -> Path:
    from PIL import Image

    Image.new("RGB", size, (170, 20, 30)).save(path)
    return path


def _own_style(edition: Path, toml: str, name: str = "ours") -> Path:
    folder = edition / "styles" / name
    (folder / "fonts").mkdir(parents=True, exist_ok=True)
    (folder / "style.toml").write_text(toml, encoding="utf-8")
    return folder


def _edition(folder: Path, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for article in SAMPLE.glob("*.txt"):
        shutil.copy(article, folder / article.name)
    manifest = (SAMPLE / "edition.toml").read_text(encoding="utf-8")
    (folder / "edition.toml").write_text(manifest + extra, encoding="utf-8")
    return folder


def _build(paths: list[Path], out: Path, monkeypatch: pytest.MonkeyPatch, **options: object) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return editions.make_pdf(editions.load_edition(paths), out, **options).path  # type: ignore[arg-type]


def font_sizes(reader: PdfReader, page: int) -> Counter[float]:
    """Characters set at each font size (in points, as printed) on a 1-based page."""
    sizes: Counter[float] = Counter()

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
            sizes[round(size * scale, 1)] += len(text.strip())

    reader.pages[page - 1].extract_text(visitor_text=visit)
    return sizes


def fill_colours(reader: PdfReader) -> set[tuple[float, ...]]:
    """Every RGB fill colour set in the PDF's pages (``r g b rg``)."""
    found: set[tuple[float, ...]] = set()
    for page in reader.pages:
        data = page.get_contents().get_data().decode("latin-1")  # type: ignore[union-attr]
        for match in re.finditer(r"([\d.]+) ([\d.]+) ([\d.]+) rg\b", data):
            found.add(tuple(round(float(v), 3) for v in match.groups()))
    return found


def _draws_an_image(page: object) -> bool:
    """Whether a page's content stream paints an image XObject (pages share their resources)."""
    xobjects = page["/Resources"].get("/XObject") or {}  # type: ignore[index]
    data = page.get_contents().get_data().decode("latin-1")  # type: ignore[attr-defined]
    return any(
        xobjects[name].get_object().get("/Subtype") == "/Image"
        for name in re.findall(r"(/[\w.+-]+)\s+Do\b", data)
        if name in xobjects
    )


def body_lines(path: Path, page: int) -> list[tuple[str, float]]:
    """The text lines of a page with their right edge (poppler's bounding boxes)."""
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = []
    for match in re.finditer(
        r'<line xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>(.*?)</line>', out, re.S
    ):
        words = re.findall(r">([^<]*)</word>", match.group(2))
        lines.append((" ".join(words), float(match.group(1))))
    return lines


# --- listing ---------------------------------------------------------------------------------


def test_styles_lists_built_in_and_own_styles_with_what_each_is_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edition = _edition(tmp_path / "ed")
    _own_style(edition, 'description = "The union local\'s look."\nextends = "default"\n', "union")
    assert editions_main(["styles", str(edition)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["default", "large-print", "newsletter", "union"]
    rows = {line.split()[0]: line for line in lines}
    assert "built-in" in rows["default"] and "classic serif pamphlet" in rows["default"]
    assert "built-in" in rows["large-print"] and "low vision" in rows["large-print"]
    assert "edition" in rows["union"] and rows["union"].endswith("The union local's look.")
    assert [r[0] for r in describe_styles(None)] == ["default", "large-print", "newsletter"]


@pytest.mark.parametrize(
    ("toml", "line", "says"),
    [
        ('extends = "default"\ncolour = "red"\n', 2, "unknown setting 'colour'"),
        (
            'extends = "default"\n\n[colors]\ntext = "red; } body { display: none"\n',
            4,
            "[colors] text: must be a colour",
        ),
        ('[headings]\nweight = "heavy"\n', 2, "[headings] weight"),
        (
            '[colors]\naccent = "redish"\n',
            2,
            '[colors] accent: must be a colour such as "#1a1a1a" or "navy", not \'redish\'',
        ),
        ('[page]\npaper = "B9"\n', 2, "[page] paper: unknown paper size"),
        ("[page]\nfont_size = 40\n", 2, "[page] font_size: font size 40 pt out of range"),
        ('[page]\nmargins = "2cm; x"\n', 2, "[page] margins"),
        ('[fonts]\nbody = "fonts/missing.ttf"\n', 2, "font 'fonts/missing.ttf' not found"),
        ('[fonts]\nbody = "../../edition.toml"\n', 2, "outside the style's folder"),
        ('logo = "logo.txt"\n', 1, "logo image 'logo.txt' cannot be used"),
        ("[text]\nline_height = 9\n", 2, "[text] line_height"),
        ('[text]\nnotes = "sidenotes"\n', 2, "[text] notes: must be footnotes or endnotes"),
        ('[page]\nrun_on = "yes"\n', 2, "[page] run_on: must be true or false"),
        ('name = "x"\n[colors\n', 2, "broken style.toml"),
    ],
)
def test_a_broken_style_toml_is_one_line_with_file_and_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], toml: str, line: int, says: str
) -> None:
    edition = _edition(tmp_path / "ed", 'style = "ours"\n')
    folder = _own_style(edition, toml)
    (folder / "logo.txt").write_text("not an image", encoding="utf-8")
    with pytest.raises(EditionsError) as caught:
        load_style("ours", edition)
    assert says in str(caught.value)
    status = make_pdf_main([str(edition), "-o", str(tmp_path / "out.pdf"), "-q"])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"{folder / 'style.toml'}:{line}:" in err and says in err


# --- a look of one's own ------------------------------------------------------------------


OWN = """\
name = "ours"
description = "Our look: A4, red titles in capitals, a sans-serif title face, our logo."
extends = "default"
logo = "logo.png"

[page]
paper = "A4"
margins = "25mm 20mm 30mm 30mm"

[colors]
accent = "#b3121b"

[fonts]
heading = "fonts/Title.ttf"

[headings]
color = "accent"
transform = "uppercase"
weight = "normal"
"""


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("own-style")
    edition = _edition(root / "ed", 'style = "ours"\n')
    folder = _own_style(edition, OWN)
    shutil.copy(FONTS / "NotoSansMono-Regular.ttf", folder / "fonts" / "Title.ttf")
    _png(folder / "logo.png")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        loaded = editions.load_edition([edition])
        pdf = editions.make_pdf(loaded, root / "own.pdf").path
        a5 = editions.make_pdf(loaded, root / "own-a5.pdf", paper="A5").path
        html = editions.make_html(loaded, root / "own.html")
    return {"pdf": pdf, "a5": a5, "html": html, "edition": edition}


def test_own_style_sets_paper_and_margins(own: dict[str, Path]) -> None:
    reader = PdfReader(own["pdf"])
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4, from style.toml
    assert round(float(PdfReader(own["a5"]).pages[0].mediabox.width)) == 420  # --paper wins
    # the text of a right-hand page starts at the inner margin (30 mm), a left-hand one at the outer
    # (20 mm): the print style's body has no margin of its own
    first = {t: p for _, t, p in outline(reader)}["U.S. Weapons Threaten a Wider War"]
    for page, margin in ((first, 30), (first + 1, 20)):
        words = word_boxes(own["pdf"], page)
        left = min(x for _, x, y, _, _ in words if y < 700)  # the text, not the folio
        assert abs(left - margin * 72 / 25.4) < 1, (page, left)


def test_own_style_sets_title_font_colour_case_and_logo(own: dict[str, Path]) -> None:
    reader = PdfReader(own["pdf"])
    fonts = {
        str(f["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for f in (page["/Resources"].get("/Font") or {}).values()  # type: ignore[union-attr]
        for f in [f.get_object()]
    }
    assert "editions-heading" in fonts  # the style's own font file, embedded
    assert "NO TO THE WIDER WAR" in pdftotext(own["pdf"], 1)  # text-transform: uppercase
    assert (0.702, 0.071, 0.106) in fill_colours(reader)  # #b3121b
    pages_with_images = [n for n, page in enumerate(reader.pages, start=1) if _draws_an_image(page)]
    colophon = {t: p for _, t, p in outline(reader)}["Colophon"]
    assert pages_with_images == [1, colophon, colophon + 1]  # cover, colophon and back cover
    html = own["html"].read_text(encoding="utf-8")
    assert html.count('<img class="logo" src="data:image/png;base64,') == 2  # cover and colophon
    assert "@media not all and (prefers-color-scheme: dark) { :root {" in html
    assert "--accent: #b3121b;" in html and "--heading-transform: uppercase;" in html


def test_an_editions_logo_wins_over_the_styles(own: dict[str, Path], tmp_path: Path) -> None:
    edition = tmp_path / "ed"
    shutil.copytree(own["edition"], edition)
    _png(edition / "press.png", (40, 40))
    manifest = edition / "edition.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + 'logo = "press.png"\n', encoding="utf-8")
    loaded = editions.load_edition([edition])
    html = editions.render_html(loaded)
    from editions.resources import check_image

    expected = check_image((edition / "press.png").read_bytes()).data_uri
    assert html.count(f'src="{expected}"') == 2


def test_the_default_style_has_no_settings_block() -> None:
    style = load_style()
    assert style.settings_css("print") == "" and "editions: the settings" not in style.css("screen")


# --- large print -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("large-print")
    long = write_long_edition(root / "long")
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        sample = editions.load_edition([SAMPLE])
        for paper in ("A5", "A4"):
            out[paper] = editions.make_pdf(
                sample, root / f"{paper}.pdf", style="large-print", paper=paper
            ).path
        out["long"] = editions.make_pdf(
            editions.load_edition([long]), root / "long.pdf", style="large-print"
        ).path
        out["default"] = editions.make_pdf(sample, root / "default.pdf").path
    return out


@pytest.mark.parametrize("paper", ["A5", "A4"])
def test_large_print_body_is_16pt_or_larger_and_notes_at_least_14(large: dict[str, Path], paper: str) -> None:
    reader = PdfReader(large[paper])
    first = {t: p for _, t, p in outline(reader)}["U.S. Weapons Threaten a Wider War"]
    for page in (first, first + 1):
        sizes = font_sizes(reader, page)
        body = sizes.most_common(1)[0][0]
        assert body >= 16
        assert min(sizes) >= 14, sizes  # running head, folio, dateline, source line
    assert font_sizes(PdfReader(large["default"]), first).most_common(1)[0][0] < 11  # the default's


@needs_poppler
@pytest.mark.parametrize("paper", ["A5", "A4"])
def test_large_print_is_ragged_right_without_hyphenation(large: dict[str, Path], paper: str) -> None:
    reader = PdfReader(large[paper])
    entries = {t: p for _, t, p in outline(reader)}
    pages = range(entries["U.S. Weapons Threaten a Wider War"], entries["Sources"])
    lines = [line for page in pages for line in body_lines(large[paper], page)]
    assert len(lines) > 60
    assert not [
        text for text, _ in lines if re.search(r"\w[\u2010\u00ad]$", text)
    ]  # no word hyphenated (a hyphen of the text may end a line)
    edges = [round(x) for text, x in lines if len(text) > 25]
    # ragged: the right edges of full lines spread over more than two ems; justified text ends at one
    assert max(edges) - min(edges) > 30
    assert Counter(edges).most_common(1)[0][1] < len(edges) / 4
    default_text = pdftotext(large["default"])
    assert re.search(r"\w\u2010$", default_text, re.M)  # the default style does hyphenate


def test_large_print_is_black_on_white(large: dict[str, Path]) -> None:
    assert fill_colours(PdfReader(large["A5"])) <= {(0.0, 0.0, 0.0), (1.0, 1.0, 1.0)}
    assert fill_colours(PdfReader(large["default"])) - {(0.0, 0.0, 0.0), (1.0, 1.0, 1.0)}  # grey there


@needs_poppler
def test_large_print_contents_numbers_are_the_folios(large: dict[str, Path]) -> None:
    reader = PdfReader(large["long"])
    entries = [(title, page) for level, title, page in outline(reader) if level == 1]
    articles = [(t, p) for t, p in entries if t not in {"Contents", "Sources", "Colophon"}]
    assert len(articles) == 20
    contents = next(p for t, p in entries if t == "Contents")
    text = "\n".join(pdftotext(large["long"], p) for p in range(contents, articles[0][1]))
    listed = [int(n) for n in re.findall(r"[.\s](\d+)\s*$", text, re.M)]  # after the leader's dots
    assert listed == [page for _, page in articles]
    for _, page in articles[:5]:
        assert folio(large["long"], page) == str(page)
    fonts = subprocess_fonts(large["long"])
    assert fonts and all(emb == "yes" for emb in fonts)


def subprocess_fonts(path: Path) -> list[str]:
    """The 'emb' column of pdffonts for each font of a PDF."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split()[-5] for line in out.splitlines()[2:] if line.strip()]


def test_large_print_extends_default_by_settings() -> None:
    style = load_style("large-print")
    assert [f.name for f in style.folders] == ["large-print", "default"]
    assert style.settings.font_size == 16 and style.settings.properties["--hyphens"] == "manual"
    assert not (style.folders[0] / "templates").exists()  # the default's templates, unchanged


def test_font_size_option_still_wins_over_the_style(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = _build([SAMPLE], tmp_path / "lp.pdf", monkeypatch, style="large-print", font_size=18)
    reader = PdfReader(pdf)
    first = {t: p for _, t, p in outline(reader)}["U.S. Weapons Threaten a Wider War"]
    assert font_sizes(reader, first).most_common(1)[0][0] == 18


# --- newsletter ----------------------------------------------------------------------------

PULL = "Nobody on the line believed the figures until they read them in print"


def text_lines(path: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """(text, xMin, yMin, xMax, yMax) for each line of a page (poppler's layout analysis)."""
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pattern = r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>'
    return [
        (" ".join(re.findall(r">([^<]*)</word>", body)), float(a), float(b), float(c), float(d))
        for a, b, c, d, body in re.findall(pattern, out, re.S)
    ]


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("newsletter")
    issue = _edition(root / "issue", 'series = "Workers Weekly"\nvolume = 8\nnumber = 22\n')
    long = write_long_edition(root / "long")
    first = long / "01-article.md"
    text = first.read_text(encoding="utf-8").split("\n\n", 3)
    quote = f'<blockquote class="pull-quote"><p>{PULL}.</p></blockquote>'
    first.write_text("\n\n".join([*text[:3], quote, text[3]]), encoding="utf-8")
    out: dict[str, object] = {"long_edition": editions.load_edition([long])}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        out["issue"] = editions.make_pdf(
            editions.load_edition([issue]), root / "issue.pdf", style="newsletter"
        ).path
        result = editions.make_pdf(out["long_edition"], root / "long.pdf", style="newsletter")  # type: ignore[arg-type]
        out["long"], out["long_parts"] = result.path, result.parts
    return out


def _columns(path: Path, page: int) -> list[list[float]]:
    """The left edges of a page's text lines, grouped into bands of the text block's thirds."""
    lines = [line for line in text_lines(path, page) if len(line[0]) > 12]
    left = min(line[1] for line in lines)
    right = max(line[3] for line in lines)
    third = (right - left) / 3
    bands: list[list[float]] = [[], [], []]
    for _, x0, _, x1, _ in lines:
        if x1 - x0 < third:  # a line of a column (headlines span them)
            bands[min(2, int((x0 - left + 1) / third))].append(x0)
    return bands


@needs_poppler
def test_newsletter_sets_text_in_three_columns_under_headlines_across_them(news: dict[str, object]) -> None:
    long = news["long"]
    assert isinstance(long, Path)
    reader = PdfReader(long)
    assert reader.pages[0].mediabox.width == pytest.approx(595.3, abs=1)  # A4
    for page in range(2, 5):
        bands = _columns(long, page)
        assert all(len(band) > 15 for band in bands), [len(b) for b in bands]  # no empty column
        starts = [round(min(band)) for band in bands]
        assert starts[1] - starts[0] == pytest.approx(starts[2] - starts[1], abs=2)  # equal columns
    # every article's headline spans the columns: wider than one
    issue = news["issue"]
    assert isinstance(issue, Path)
    width = max(x1 for _, _, _, x1, _ in text_lines(issue, 1)) - min(
        x0 for _, x0, _, _, _ in text_lines(issue, 1)
    )
    headline = next(line for line in text_lines(issue, 1) if line[0].startswith("U.S. Weapons Threaten"))
    assert headline[3] - headline[1] > width / 3 * 1.2


@needs_poppler
def test_newsletter_columns_are_balanced_at_an_articles_end(news: dict[str, object]) -> None:
    issue = news["issue"]
    assert isinstance(issue, Path)
    lines = text_lines(issue, 1)
    top = next(line for line in lines if line[0].startswith("U.S. Weapons Threaten"))[4]
    bottom = next(line for line in lines if line[0].startswith("Originally published"))[2]
    left = min(line[1] for line in lines)
    third = (max(line[3] for line in lines) - left) / 3
    ends = [0.0, 0.0, 0.0]
    for _text, x0, y0, x1, y1 in lines:
        if top < y0 < bottom and x1 - x0 < third:
            band = min(2, int((x0 - left + 1) / third))
            ends[band] = max(ends[band], y1)
    line_height = 9.5 * 1.3
    assert all(ends) and max(ends) - min(ends) <= 2.5 * line_height, ends


@needs_poppler
def test_newsletter_loses_and_overlaps_no_text(news: dict[str, object]) -> None:
    issue = news["issue"]
    assert isinstance(issue, Path)
    pages = len(PdfReader(issue).pages)
    # poppler's words in reading order (its plain text drops a hyphen of the text at a line's end)
    text = " ".join(w for p in range(1, pages + 1) for w, *_ in word_boxes(issue, p))
    printed = text.replace("\u2010 ", "")  # words hyphenated by the layout, joined again
    words = Counter(re.findall(r"\w+", printed))
    edition = editions.load_edition([SAMPLE])
    from editions.sanitize import html_to_text

    for article in edition.articles:
        wanted = Counter(re.findall(r"\w+", html_to_text(article.body_html)))
        missing = {w: n for w, n in wanted.items() if words[w] < n}
        assert not missing, (article.title, missing)
    for page in range(1, pages + 1):
        boxes = sorted(word_boxes(issue, page), key=lambda b: (b[2], b[1]))
        for a, b in itertools.pairwise(boxes):
            if abs(a[2] - b[2]) < 1:  # the same line: words do not overlap
                assert a[3] <= b[1] + 0.5 or b[3] <= a[1] + 0.5, (page, a, b)


@needs_poppler
def test_newsletter_page_one_has_masthead_and_contents_and_articles_run_on(news: dict[str, object]) -> None:
    issue = news["issue"]
    assert isinstance(issue, Path)
    first = pdftotext(issue, 1)
    assert "Workers Weekly" in first and "Vol. 8, No. 22" in first and "CONTENTS" in first
    entries = {t: p for _, t, p in outline(PdfReader(issue))}
    assert entries["U.S. Weapons Threaten a Wider War"] == 1
    assert entries["NATO’s escalation in Ukraine: A recipe for direct war on Russia?"] == 1  # runs on
    assert folio(issue, 1) == "1"
    long, parts = news["long"], news["long_parts"]
    assert isinstance(long, Path)
    assert parts == 0  # 20 articles, yet in one piece: parts start each article on a new page
    articles = [(t, p) for level, t, p in outline(PdfReader(long)) if level == 1]
    articles = [(t, p) for t, p in articles if t not in {"Contents", "Sources", "Colophon"}]
    assert len(articles) == 20 and len({p for _, p in articles}) < 20


@needs_poppler
def test_newsletter_leaves_no_headline_alone_at_a_pages_foot(news: dict[str, object]) -> None:
    long = news["long"]
    assert isinstance(long, Path)
    articles = [(t, p) for level, t, p in outline(PdfReader(long)) if level == 1]
    articles = [(t, p) for t, p in articles if t not in {"Contents", "Sources", "Colophon"}]
    for title, page in articles:
        lines = text_lines(long, page)
        headline = max(
            (line for line in lines if line[0].startswith(title[:15])), key=lambda line: line[4] - line[2]
        )
        width = max(line[3] for line in lines) - min(line[1] for line in lines)
        below = [line for line in lines if line[2] > headline[4] + 25 and line[3] - line[1] < width / 3]
        assert len(below) >= 2, (title, page)  # the first lines of its columns come with it


@needs_poppler
def test_newsletter_contents_numbers_are_the_folios(news: dict[str, object]) -> None:
    long = news["long"]
    assert isinstance(long, Path)
    reader = PdfReader(long)
    articles = [(t, p) for level, t, p in outline(reader) if level == 1]
    articles = [(t, p) for t, p in articles if t not in {"Contents", "Sources", "Colophon"}]
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    listed: list[int] = []
    for x in (0, width / 2):  # the box's two columns, left then right
        crop = ["-x", str(int(x)), "-y", "0", "-W", str(int(width / 2)), "-H", str(int(height))]
        out = subprocess.run(
            ["pdftotext", "-layout", "-f", "1", "-l", "1", *crop, str(long), "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        listed += [int(n) for n in re.findall(r"\.\s*\.\s*\.[.\s]*(\d+)\s*$", out, re.M)]
    assert listed == [page for _, page in articles]
    for _, page in articles:
        assert folio(long, page) == str(page)
    fonts = subprocess_fonts(long)
    assert fonts and all(emb == "yes" for emb in fonts)


@needs_poppler
def test_newsletter_notes_are_endnotes_after_each_article(news: dict[str, object]) -> None:
    # WeasyPrint 70 does not keep a footnote called in a column on its call's page (footnote-policy
    # is ignored there): the newsletter prints each article's notes after it, in its columns.
    long, edition = news["long"], news["long_edition"]
    assert isinstance(long, Path)
    text = pdftotext(long, layout=False)
    position = 0
    articles = edition.articles  # type: ignore[attr-defined]
    starts = []
    for article in articles:  # each headline after the one before (the contents come first)
        headline = r"\s+".join(map(re.escape, article.title.split())) + r"\nBy "  # not a running head
        found = re.compile(headline).search(text, position + 1)
        assert found, article.title
        position = found.start()
        starts.append(position)
    starts.append(text.index("SOURCES", starts[-1]))
    with_notes = 0
    for article, start, end in zip(articles, starts, starts[1:], strict=False):
        segment = text[start:end]
        notes = [int(n) for n in re.findall(r"^(\d+)\.\s", segment, re.M)]
        assert sorted(notes) == list(range(1, len(article.footnotes) + 1)), (article.title, notes)  # columns
        with_notes += bool(notes)
    assert with_notes > 5


@needs_poppler
def test_newsletter_sets_pull_quotes_apart(news: dict[str, object]) -> None:
    long = news["long"]
    assert isinstance(long, Path)
    for page in (1, 2):
        lines = text_lines(long, page)
        quote = [line for line in lines if line[0].startswith("Nobody on the line")]
        if quote:
            break
    assert quote, "the pull quote is printed"
    heights = Counter(round(y1 - y0, 1) for _, _, y0, _, y1 in lines)
    body = heights.most_common(1)[0][0]
    assert quote[0][4] - quote[0][2] > body * 1.2  # larger than the text


def test_only_the_pull_quote_class_survives_sanitising() -> None:
    from editions.sanitize import clean_html

    assert 'class="pull-quote"' in clean_html('<blockquote class="pull-quote"><p>Q</p></blockquote>')
    assert "class" not in clean_html('<blockquote class="pull-quote x"><p>Q</p></blockquote>')
    assert "class" not in clean_html('<p class="pull-quote">Q</p><blockquote class="big">Q</blockquote>')


def test_newsletter_extends_default_and_runs_articles_on() -> None:
    style = load_style("newsletter")
    assert [f.name for f in style.folders] == ["newsletter", "default"]
    assert style.settings.paper == "A4" and style.settings.run_on is True
    assert "article.article { break-before: auto; }" in style.settings_css("print")
    assert "break-before: auto" not in (load_style("default").settings_css("print"))


@pytest.mark.slow
@needs_poppler
def test_newsletter_builds_a_booklet_and_a_clean_epub(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_epub import _problems, _run_epubcheck

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    issue = _edition(tmp_path / "issue", 'series = "Workers Weekly"\nvolume = 8\nnumber = 22\n')
    pdf = tmp_path / "issue.pdf"
    assert make_pdf_main([str(issue), "--style", "newsletter", "-o", str(pdf), "--impose", "booklet"]) == 0
    booklet = tmp_path / "issue-booklet.pdf"
    assert len(PdfReader(booklet).pages) * 4 >= len(PdfReader(pdf).pages)  # two pages a side
    assert all(emb == "yes" for emb in subprocess_fonts(booklet))
    book = editions.make_epub(editions.load_edition([issue]), tmp_path / "issue.epub", style="newsletter")
    assert _problems(_run_epubcheck([book])[book]) == []
