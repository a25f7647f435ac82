"""Footnotes land on the page of their call (weasyfix and the print style), read back with poppler.

Every call in these articles follows a word of its own (``qzab``, ``qzac``, …) and every note
starts with the same word in capitals, so poppler's text of each page says where each call and
each note was printed. Without the fix, WeasyPrint 70 printed none of the notes of this edition
on A4 on the page of its call (some up to 14 pages later, some not at all).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from itertools import product
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from test_pdf import EPOCH, SENTENCES, outline, write_long_edition

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

TOKENS = ["qz" + a + b for a, b in product("abcdefgh", "bcdfghjk")]


def write_noted_edition(folder: Path, articles: int = 3, notes: int = 14) -> dict[str, list[str]]:
    """Articles whose every paragraph ends with a numbered call after a word of its own."""
    folder.mkdir(parents=True, exist_ok=True)
    tokens = iter(TOKENS)
    calls: dict[str, list[str]] = {}
    names = []
    for a in range(articles):
        title = f"Noted Article {a + 1}"
        lines = ["---", f'title: "{title}"', "author: Ann Author", "---", ""]
        mine = []
        for n in range(notes):
            token = next(tokens)
            mine.append(token)
            text = " ".join(SENTENCES[(a * 7 + n * 3 + k) % len(SENTENCES)] for k in range(3 + n % 4))
            lines += [f"{text} Then {token}[^{n + 1}] and the paragraph ends.", ""]
        for n, token in enumerate(mine):
            note = " ".join(SENTENCES[(n + k) % len(SENTENCES)] for k in range(1 + n % 2))
            lines.append(f"[^{n + 1}]: {token.upper()} {note}\n")
        names.append(f"{a + 1:02d}.md")
        (folder / names[-1]).write_text("\n".join(lines), encoding="utf-8")
        calls[title] = mine
    (folder / "edition.toml").write_text(
        'title = "Notes"\narticles = [' + ", ".join(f'"{n}"' for n in names) + "]\n", encoding="utf-8"
    )
    return calls


def page_texts(path: Path) -> list[str]:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return out.split("\f")[:-1]


@pytest.fixture(scope="module")
def noted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str]]]:
    folder = tmp_path_factory.mktemp("noted")
    return folder, write_noted_edition(folder)


@pytest.mark.parametrize("paper", ["A4", "A5", "A6", "letter"])
def test_notes_print_on_the_page_of_their_call(
    noted: tuple[Path, dict[str, list[str]]], tmp_path: Path, paper: str
) -> None:
    from editions.edition import load_edition
    from editions.pdf import make_pdf

    folder, calls = noted
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        result = make_pdf(load_edition([folder]), tmp_path / "notes.pdf", paper=paper, cache=False)
    texts = page_texts(result.path)
    starts = {title: page for level, title, page in outline(PdfReader(result.path)) if level == 1}
    order = sorted(starts.values())
    same = 0
    for title, tokens in calls.items():
        first = starts[title]
        last = next((p for p in order if p > first), len(texts) + 1) - 1  # the article's last page
        for token in tokens:
            call_pages = [n for n, text in enumerate(texts, 1) if re.search(rf"\b{token} ?\d", text)]
            note_pages = [n for n, text in enumerate(texts, 1) if re.search(rf"\b{token.upper()}\b", text)]
            assert len(call_pages) == 1 and len(note_pages) == 1, (token, call_pages, note_pages)
            call, note = call_pages[0], note_pages[0]
            assert call <= note <= min(call + 1, last), (paper, token, call, note, last)
            same += note == call
    total = sum(len(tokens) for tokens in calls.values())
    # A note that does not fit under its call takes the call's line to the next page (the style's
    # footnote-policy: line); WeasyPrint still moves one now and then to keep widows and orphans.
    assert same >= 0.9 * total, f"{same} of {total} notes on the page of their call ({paper})"


def test_install_is_idempotent() -> None:
    from weasyprint.layout import LayoutContext
    from weasyprint.layout import page as page_layout

    from editions.pdf import weasyfix

    weasyfix.install()
    patched = LayoutContext._update_footnote_area, page_layout.remake_page
    weasyfix.install()
    assert (LayoutContext._update_footnote_area, page_layout.remake_page) == patched
    assert all(getattr(function, "_editions_fix", False) for function in patched)


def test_a_listener_sees_every_page_once_and_only_its_own_renders() -> None:
    import weasyprint

    from editions.pdf import weasyfix

    html = "<style>p { break-after: page }</style>" + "".join(f"<p id=p{n}>Page {n}</p>" for n in range(1, 6))
    seen: list[tuple[int, list[str]]] = []

    def listener(number: int, page: object) -> None:
        ids = [
            box.element.get("id") for box in page.descendants() if getattr(box, "element", None) is not None
        ]
        seen.append((number, sorted({i for i in ids if i})))

    with weasyfix.listening(listener):
        document = weasyprint.HTML(string=html).render()
    assert len(document.pages) == 5
    assert seen == [(n, [f"p{n}"]) for n in range(1, 6)]
    weasyprint.HTML(string=html).render()  # outside the context: not reported
    assert len(seen) == 5


def test_an_articles_last_note_stays_on_its_pages(tmp_path: Path) -> None:
    """A note called at the very end of an article is never printed under the next article.

    The articles' lengths vary so that their last line falls everywhere on the page; with the
    footnote policy WeasyPrint uses by default (auto), 6 of these 14 notes went to the next
    article's first page.
    """
    from editions.edition import load_edition
    from editions.pdf import make_pdf

    misplaced = []
    for k in range(0, 40, 3):
        paragraphs = [
            " ".join(SENTENCES[(k * 3 + i + j) % len(SENTENCES)] for j in range(4 + (k + i) % 5))
            for i in range(8 + k % 7)
        ]
        tail = " ".join(SENTENCES[i % len(SENTENCES)] for i in range(k % 9))
        note = " ".join(SENTENCES[(k + i) % len(SENTENCES)] for i in range(6))
        folder = tmp_path / f"e{k}"
        folder.mkdir()
        body = "\n\n".join(paragraphs) + f" {tail} The end qzend[^1].\n\n[^1]: QZEND {note}\n"
        (folder / "a.md").write_text("---\ntitle: First\n---\n\n" + body, encoding="utf-8")
        (folder / "b.md").write_text("---\ntitle: Second\n---\n\nThe second article.\n", encoding="utf-8")
        (folder / "edition.toml").write_text('title = "T"\narticles = ["a.md", "b.md"]\n', encoding="utf-8")
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
            result = make_pdf(load_edition([folder]), folder / "t.pdf", paper="A6")
        texts = page_texts(result.path)
        [call] = [n for n, text in enumerate(texts, 1) if re.search(r"\bqzend ?\d", text)]
        [printed] = [n for n, text in enumerate(texts, 1) if "QZEND" in text]
        if printed != call:
            misplaced.append((k, call, printed))
    assert misplaced == []


def test_a_note_longer_than_a_page_is_printed_whole(tmp_path: Path) -> None:
    """WeasyPrint cuts a footnote taller than the page: such an article prints endnotes instead."""
    from editions.edition import load_edition
    from editions.pdf import make_pdf

    sentence = "We met on a cold day in May. "  # short words: never hyphenated
    body = " ".join(SENTENCES[i % len(SENTENCES)] for i in range(40))
    (tmp_path / "a.md").write_text(
        f"---\ntitle: Long Note\n---\n\n{body} Here qzlong[^1].\n\n{body}\n\n[^1]: QZLONG {sentence * 150}\n",
        encoding="utf-8",
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        result = make_pdf(load_edition([tmp_path / "a.md"]), tmp_path / "a.pdf", paper="A6")
    text = "".join(page_texts(result.path))
    assert text.count("cold") == 150 and "QZLONG" in text
    assert "↩" not in text  # the endnotes' back links are for screens


# --- each assumption of editions.pdf.weasyfix about WeasyPrint, pinned (see the module docstring) ---

FONT = Path(__file__).resolve().parents[1] / "styles" / "default" / "fonts" / "GentiumBookPlus-Regular.ttf"
FONT_HTML = (
    f'<style>@font-face {{ font-family: T; src: url("{FONT.as_uri()}") }} body {{ font-family: T }}</style>'
    "<p>Solidarity is not an abstraction: ﬁve Ωmega words, 1934.</p>"
)


def test_the_footnote_area_is_what_the_fix_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Assumption 1: ``_update_footnote_area`` runs for a page with a note, on a context whose
    ``current_footnote_area`` has a ``style["height"]`` and, when not limited, an infinite ``max_height``."""
    import math

    import weasyprint
    from weasyprint.layout import LayoutContext

    from editions.pdf import weasyfix

    weasyfix.install()
    fixed = LayoutContext._update_footnote_area
    seen: list[tuple[object, float]] = []

    def spy(self: LayoutContext) -> bool:
        area = self.current_footnote_area
        seen.append((area.style["height"], area.max_height))
        return bool(fixed(self))

    monkeypatch.setattr(LayoutContext, "_update_footnote_area", spy)
    html = "<style>.n { float: footnote }</style><p>A call<span class=n>A note</span> and more.</p>"
    weasyprint.HTML(string=html).render()
    assert seen and seen[0][0] == "auto" and math.isinf(seen[0][1])


def test_element_ids_name_the_elements_on_each_page() -> None:
    """Assumptions 2 and 3: ``remake_page`` gives each page box; its ``descendants()`` have ``element``."""
    import weasyprint

    from editions.pdf import weasyfix

    html = "<style>section { break-after: page }</style>" + "".join(
        f"<section id=s{n}><p id=p{n}>Page {n}</p></section>" for n in range(1, 4)
    )
    pages: dict[int, set[str]] = {}
    with weasyfix.listening(lambda number, page: pages.setdefault(number, set(weasyfix.element_ids(page)))):
        weasyprint.HTML(string=html).render()
    assert pages == {n: {f"s{n}", f"p{n}"} for n in range(1, 4)}


def test_weasyprint_says_when_it_lays_the_pages_out_again() -> None:
    """Assumption 4: page numbers that settle only on a second layout are announced at ``INFO``."""
    import logging

    import weasyprint

    from editions.pdf.weasyfix import REPAGINATION

    messages: list[tuple[int, str]] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append((record.levelno, record.getMessage()))

    logger = logging.getLogger("weasyprint.progress")
    handler, level = Collect(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        links = "".join(f'<a href="#p{n}">{n}</a><br>' for n in range(120))
        targets = "".join(f"<p id=p{n}>P</p>" for n in range(120))
        css = (
            "<style>a::after { content: target-counter(attr(href url), page) }"
            " p { break-before: page }</style>"
        )
        weasyprint.HTML(string=css + links + targets).render()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    passes = [
        int(m.group(1))
        for levelno, text in messages
        if levelno == logging.INFO and (m := REPAGINATION.match(text))
    ]
    assert passes and passes[0] == 1


def _embedded_fonts(data: bytes) -> list[Any]:
    import io

    reader = PdfReader(io.BytesIO(data))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    return [fonts[name].get_object() for name in fonts]


def _outline(font: Any, gid: int) -> tuple[Any, ...]:
    """A glyph's advance width and points, by glyph id (subsets may rename glyphs)."""
    name = font.getGlyphOrder()[gid]
    glyf = font["glyf"]
    coordinates, ends, _ = glyf[name].getCoordinates(glyf)
    return font["hmtx"][name][0], list(coordinates), list(ends)


def test_embedded_fonts_have_the_shape_the_merge_reads() -> None:
    """Assumption 5: every embedded font reads as Type 0 over a TrueType CID font, its subset keeping
    the original font's glyph ids (the ToUnicode map's glyph for a character is the original's)."""
    import io

    import weasyprint
    from fontTools.ttLib import TTFont

    from editions.pdf.weasyfix import read_font, unicode_map

    data = weasyprint.HTML(string=FONT_HTML).write_pdf()
    original = TTFont(str(FONT))
    cmap = original.getBestCmap()
    checked = 0
    for font in _embedded_fonts(data):
        embedded = read_font(font)
        assert embedded.base.startswith("/") and "+" in embedded.base  # a subset's tag, then its family
        widths, texts = embedded.widths(), unicode_map(font)
        assert widths and set(texts) - {0} <= set(widths)  # 0: the code space range, see below
        subset = TTFont(io.BytesIO(embedded.program()))
        for gid, text in texts.items():
            chars = bytes.fromhex(text.decode()).decode("utf-16-be")
            if len(chars) == 1 and ord(chars) in cmap:
                assert original.getGlyphID(cmap[ord(chars)]) == gid, chars
                assert _outline(subset, gid) == _outline(original, gid), chars
                checked += 1
    assert checked >= 20


def test_a_font_subset_keeps_glyph_ids_and_writes_back_as_weasyprint_does() -> None:
    """:func:`subset_font` keeps the glyph ids asked for; :func:`font_objects` writes a font that
    :func:`read_font` reads back with the same widths and text (the merge's round trip)."""
    import io

    import pydyf
    from fontTools.ttLib import TTFont

    from editions.pdf.weasyfix import font_objects, read_font, subset_font, unicode_map, valid_font

    original = TTFont(str(FONT))
    gids = sorted(original.getGlyphID(original.getBestCmap()[ord(c)]) for c in "Solidarity")
    data, _ = subset_font({"path": str(FONT), "gids": gids})
    assert valid_font(data, {})
    subset = TTFont(io.BytesIO(data))
    assert all(_outline(subset, g) == _outline(original, g) for g in gids)
    assert len(subset.getGlyphOrder()) == max(gids) + 1  # no empty slots after the last glyph

    pdf = pydyf.PDF()
    program = pydyf.Stream([data], pydyf.Dictionary({"Length1": len(data)}), compress=True)
    pdf.add_object(program)
    record = {
        "base": "/ABCDEF+Gentium",
        "descriptor": {"/FontName": "/ABCDEF+Gentium", "/Flags": 4, "/Ascent": 900, "/Descent": -300},
        "widths": {g: 500.0 + g for g in gids},
        "unicode": {g: f"{g:04x}".encode() for g in gids},
    }
    reference = font_objects(pdf, record, program.reference)
    pdf.add_page(
        pydyf.Dictionary(
            {
                "Type": "/Page",
                "MediaBox": pydyf.Array([0, 0, 100, 100]),
                "Resources": pydyf.Dictionary({"Font": pydyf.Dictionary({"F1": reference})}),
            }
        )
    )
    out = io.BytesIO()
    pdf.write(out)
    [font] = _embedded_fonts(out.getvalue())
    embedded = read_font(font)
    assert embedded.widths() == record["widths"]
    # The CMap's code space range <0000> <ffff> reads as one more pair, for glyph 0 (.notdef, never
    # drawn): the merge has always kept it, so the books it writes keep it too.
    assert unicode_map(font) == {0: b"ffff", **record["unicode"]}
    assert embedded.program() == data


def test_page_facts_read_anchors_as_boxes_and_links_as_corners() -> None:
    """Assumption 6: an anchor is its element's box, a link's rectangle two corners (in CSS px)."""
    import weasyprint

    from editions.pdf.weasyfix import page_facts

    html = (
        "<style>@page { size: 200px 300px; margin: 0 } body { margin: 0 }"
        " #t { margin: 10px 0 0 20px; width: 100px; height: 50px }"
        " a { display: block; width: 60px; height: 30px }"
        "</style><div id=t>Target</div><a href=#t>Link</a>"
    )
    [page] = weasyprint.HTML(string=html).render().pages
    facts = page_facts(page)
    assert facts["size"] == [150.0, 225.0]  # 200 × 300 px in points
    assert ["t", 15.0, 217.5, 90.0] in facts["anchors"]  # x1 20 px, top 10 px, x2 120 px
    assert facts["links"] == [["t", 0.0, 180.0, 45.0, 157.5]]  # from (0, 60) to (60, 90) px
    assert not [link for link in page.links if link[0] == "internal"]  # taken off the page


def test_justified_lines_are_laid_out_again_from_each_text_boxs_style() -> None:
    """Assumption 9: ``text_align`` calls the module's ``justify_line``; a text box laid out again
    from a style with ``letter_spacing`` keeps that layout, drawn after ``reactivate(textbox.style)``
    as wide as the box; the drawing writes each glyph's spacing as ``int()`` thousandths."""
    import inspect

    import weasyprint
    from weasyprint.draw import text as draw_text
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline
    from weasyprint.text.ffi import FROM_UNITS, ffi, pango

    from editions.pdf import weasyfix

    weasyfix.install()
    assert getattr(inline.justify_line, "_editions_fix", False)
    assert "justify_line(context, line, offset)" in inspect.getsource(inline.text_align)
    assert "reactivate(textbox.style)" in inspect.getsource(draw_text.draw_text)
    assert "int(kerning)" in inspect.getsource(draw_text.draw_first_line)
    font = Path(__file__).parents[1] / "styles" / "default" / "fonts" / "GentiumBookPlus-Regular.ttf"
    html = (
        f"<style>@font-face {{ font-family: G; src: url({font.as_uri()}) }}"
        "p { width: 300px; font: 16px G; text-align: justify; hyphens: none; margin: 0 }</style>"
        "<p>one two three four five 12345678901234567890123 and a last line</p>"
        "<p dir=rtl lang=ar>واحد اثنان ثلاثة أربعة خمسة 12345678901234567890123 والسطر الأخير</p>"
    )
    page = weasyprint.HTML(string=html).render().pages[0]._page_box
    lines = [box for box in page.descendants() if isinstance(box, boxes.LineBox)]
    assert len(lines) == 4
    first, last = ([b for b in line.descendants() if isinstance(b, boxes.TextBox)] for line in lines[:2])
    assert [b.text for b in first] == ["one two three four five"]
    box = first[0]
    # The loose line's letters took part of the slack, as much as the cap allows ...
    spacing = box.style["letter_spacing"]
    assert spacing == pytest.approx((weasyfix.MAX_LETTER_SPACING + weasyfix._DRAWING_LOSS) * 16)
    assert box.position_x + box.width == pytest.approx(lines[0].position_x + 300, abs=0.01)
    # ... and the layout kept for drawing, reactivated from the box's style, is as wide as the box.
    box.pango_layout.reactivate(box.style)
    assert box.pango_layout.text == box.text
    line, _ = box.pango_layout.get_first_line()
    extents = ffi.new("PangoRectangle *")
    pango.pango_layout_line_get_extents(line, ffi.NULL, extents)
    assert extents.width * FROM_UNITS == pytest.approx(box.width, abs=0.5)
    box.pango_layout.deactivate()
    # The last line of a paragraph and the Arabic lines are not letter-spaced.
    assert all(b.style["letter_spacing"] == "normal" for b in last)
    arabic = [b for line in lines[2:] for b in line.descendants() if isinstance(b, boxes.TextBox)]
    assert arabic and all(b.style["letter_spacing"] == "normal" for b in arabic)


def _pydyf_document(objects: int) -> Any:
    import pydyf

    pdf = pydyf.PDF()
    page_tree = pdf.pages
    for index in range(objects):
        pdf.add_object(pydyf.Dictionary({"Type": "/Example", "Index": index}))
    pdf.catalog["Example"] = pydyf.Array([page_tree.reference])
    pdf.info["Producer"] = pydyf.String("test")
    return pdf


def test_a_small_pdf_is_written_as_pydyf_writes_it() -> None:
    """Under OBJECTS_PER_STREAM objects, one object stream: pydyf's own bytes (the same writer)."""
    import io

    import pydyf

    from editions.pdf import weasyfix

    weasyfix.install()
    ours, theirs = io.BytesIO(), io.BytesIO()
    weasyfix.write_in_streams(_pydyf_document(20), ours, b"1.7", identifier=True)
    pydyf.PDF.write.__wrapped__(_pydyf_document(20), theirs, version=b"1.7", identifier=True, compress=True)
    assert ours.getvalue() == theirs.getvalue()


def test_a_tagged_book_opens_without_parsing_its_structure_tree(tmp_path: Path) -> None:
    """Object streams of at most OBJECTS_PER_STREAM objects, in one render and in a build in parts:
    the PDF is valid (qpdf), and pypdf reading a page for imposition parses a fraction of the file."""
    from editions import load_edition, make_pdf
    from editions.pdf import PARALLEL_MIN_ARTICLES, weasyfix

    for articles in (2, PARALLEL_MIN_ARTICLES):
        edition = write_long_edition(tmp_path / f"e{articles}", articles, seed=3)
        target = tmp_path / f"book{articles}.pdf"
        make_pdf(load_edition(edition), target, cache=False)
        data = target.read_bytes()
        sizes = [int(n) for n in re.findall(rb"/Type /ObjStm[^>]*?/N (\d+)", data)]
        sizes += [int(n) for n in re.findall(rb"/N (\d+)[^>]*?/Type /ObjStm", data)]
        assert len(sizes) > 3 and max(sizes) <= weasyfix.OBJECTS_PER_STREAM, sizes
        check = subprocess.run(["qpdf", "--check", str(target)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        reader = PdfReader(target)
        reader.pages[0].get_contents()
        total = int(reader.trailer["/Size"])
        assert len(reader.resolved_objects) < total / 3  # one stream: nearly all of them


PAGED_HTML = (
    """<html><head><style>
@page { size: 120mm 160mm; margin: 20mm; @top-right { content: "Book"; font-size: 3vw; } }
@page :first { counter-reset: page 6; @top-right { content: none; } }
@page :left { @top-center { content: string(title); } @bottom-left { content: counter(page); } }
@page :right { @top-center { content: string(chapter); } @bottom-right { content: counter(page); } }
@page :nth(4) { @bottom-center { content: "four"; } }
@page :blank { @top-center { content: none; } }
@page :nth(1 of chapter) { @top-center { content: none; } @top-left-corner { content: "*"; } }
h1 { string-set: chapter content(text); }
p.title { string-set: title content(text); }
section { page: chapter; break-before: right; }
div { break-before: page; }
</style></head><body><p class="title">The Title</p>
"""
    + "".join(
        f"<section><h1>Chapter {n}</h1>" + "<div>text</div>" * (n % 3 + 1) + "</section>" for n in range(1, 7)
    )
    + "</body></html>"
)


def test_pages_of_the_same_page_rules_share_their_styles_and_look_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Assumption 11: a page that matches the @page selectors of an earlier page gets its styles;
    the document is the same, byte for byte, as with a style computed for every page."""
    import weasyprint
    from weasyprint.layout import page as page_layout

    from editions.pdf import weasyfix

    weasyfix.install()
    shared = page_layout.set_page_type_computed_styles
    assert getattr(shared, "_editions_fix", False)
    styles: list[int] = []
    with weasyfix.listening(lambda number, page: styles.append(id(page.style))):
        ours = weasyprint.HTML(string=PAGED_HTML).write_pdf()
    monkeypatch.setattr(page_layout, "set_page_type_computed_styles", shared.__wrapped__)
    theirs = weasyprint.HTML(string=PAGED_HTML).write_pdf()
    assert ours == theirs
    # 22 pages (blank ones among them) of at most 8 kinds: the first, left and right, blank, the
    # 4th, and the chapters' first pages on each side.
    assert len(styles) == 22 and len(set(styles)) <= 8
    text = subprocess.run(["pdftotext", "-", "-"], input=ours, capture_output=True, check=True).stdout
    assert text.count(b"*") == 6 and text.count(b"four") == 1 and b"\n6\n" in text


KEPT_STYLE = (
    f'<style>@font-face {{ font-family: T; src: url("{FONT.as_uri()}") }}'
    " @page { size: A6; @bottom-center { content: 'Folio ' counter(page) } }"
    " @page :left { @top-left { content: 'Left' } } body { font-family: T }"
    " h1 { break-before: page }</style>"
)


def _kept_task(extra: str, text: str) -> dict[str, Any]:
    body = "".join(f"<h1>{text} {n}</h1><p>{SENTENCES[n % len(SENTENCES)]}</p>" for n in range(3))
    return {
        "html": f"<html><head>{KEPT_STYLE}<style>{extra}</style></head><body>{body}</body></html>",
        "base_url": FONT.parent.as_uri() + "/",
        "roots": [str(FONT.parent)],
        "files": [],
    }


def test_stylesheets_kept_between_renders_give_the_bytes_of_a_fresh_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Assumption 12: a worker that keeps the style's parsed sheet between renders writes the same
    PDF (its @page rules, margin boxes and @font-face fonts) as a process rendering it first. (Both
    in processes of their own: a font registered here would be inherited by the workers other tests
    fork from this process.)"""
    import pickle
    import sys

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    first, second = _kept_task("p { color: #333 }", "First"), _kept_task("p { color: #444 }", "Second")
    worker = (
        "import pickle, sys\nfrom editions.pdf import weasyfix\nfrom editions.pdf.render import render_part\n"
        "first, second = pickle.loads(sys.stdin.buffer.read())\nweasyfix.keep_stylesheets()\n"
        "render_part(first)\nkeys = [key[0] for key in weasyfix._SHEETS or {}]\n"
        "kept, facts = render_part(second)\nagain, _ = render_part(second)\n"
        "sys.stdout.buffer.write(pickle.dumps((keys, kept, facts, again)))"
    )
    keys, kept, facts, again = pickle.loads(
        subprocess.run(
            [sys.executable, "-c", worker],
            input=pickle.dumps((first, second)),
            capture_output=True,
            check=True,
        ).stdout
    )
    assert any(key in KEPT_STYLE for key in keys)
    code = (
        "import pickle, sys\nfrom editions.pdf.render import render_part\n"
        "sys.stdout.buffer.write(render_part(pickle.loads(sys.stdin.buffer.read()))[0])"
    )
    fresh = subprocess.run(
        [sys.executable, "-c", code], input=pickle.dumps(second), capture_output=True, check=True
    ).stdout
    assert kept == again == fresh
    assert len(facts["pages"]) == 3
    text = PdfReader(io.BytesIO(kept)).pages[1].extract_text()
    assert "Folio 2" in text and "Left" in text and "Second 1" in text


STYLED_TEXT = (
    "<html lang='en'><head><style>@page { size: A6 } p { text-align: justify; hyphens: auto }"
    " .u { text-decoration: underline } .s { text-decoration: line-through } .c { font-variant: small-caps }"
    " .n { font-variant-numeric: oldstyle-nums; font-feature-settings: 'liga' 0 } .k { font-kerning: none }"
    " .w { letter-spacing: 0.1em; word-spacing: 0.2em } .b { font-weight: bold; font-style: italic }"
    " .r { direction: rtl } .o { font-language-override: 'TRK' }</style></head><body>"
    + "".join(
        f"<p lang='{lang}'>{SENTENCES[n % len(SENTENCES)]} <span class='{cls}'>fifty office AVATAR 1234"
        f" {SENTENCES[(n + 1) % len(SENTENCES)]}</span> {SENTENCES[(n + 2) % len(SENTENCES)]}</p>"
        for n, (lang, cls) in enumerate(product(["en", "fr", "de"], "uscnkwbro"))
    )
    + "<p>\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd and <u>more</u></p></body></html>"
)


def test_layouts_of_one_font_share_their_setup_and_give_the_same_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Assumption 13: ``Layout.setup`` makes a Pango context, font description, metrics and font
    features that depend only on the style's font, language and direction; layouts sharing them
    lay out and draw the text as WeasyPrint's own (underlines, small caps, features, letter and
    word spacing, other languages, right to left), byte for byte, with far fewer contexts."""
    import weasyprint
    from weasyprint.text import line_break

    from editions.pdf import weasyfix

    weasyfix.install()
    shared = line_break.Layout.setup
    assert getattr(shared, "_editions_fix", False)
    font_config = weasyprint.text.fonts.FontConfiguration()
    layouts: list[int] = []
    monkeypatch.setattr(
        line_break.Layout, "setup", lambda self, style: (layouts.append(1), shared(self, style))
    )
    ours = weasyprint.HTML(string=STYLED_TEXT).write_pdf(font_config=font_config)
    setups = font_config.__dict__["_editions_layout_setups"]
    assert len(layouts) > 10 * len(setups) and len(setups) >= 10
    monkeypatch.setattr(line_break.Layout, "setup", shared.__wrapped__)
    fresh = weasyprint.text.fonts.FontConfiguration()
    theirs = weasyprint.HTML(string=STYLED_TEXT).write_pdf(font_config=fresh)
    assert ours == theirs
    text = subprocess.run(["pdftotext", "-", "-"], input=ours, capture_output=True, check=True).stdout
    assert b"AVATAR 1234" in text
