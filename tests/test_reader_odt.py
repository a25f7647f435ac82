"""OpenDocument text (``.odt``): structure, metadata, figures, tables, notes and images, then PDF and EPUB.

The documents are written by the tests as LibreOffice Writer writes them (``content.xml``,
``styles.xml`` with its standard styles, ``meta.xml``, ``Pictures/``), so no office suite is needed;
when pandoc is installed one test also reads pandoc's own ``.odt``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from editions import EditionsError, load_edition, read_article
from editions.importer import import_articles

NS = " ".join(
    f'xmlns:{prefix}="{uri}"'
    for prefix, uri in {
        "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
        "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
        "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
        "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
        "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
        "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
        "xlink": "http://www.w3.org/1999/xlink",
        "dc": "http://purl.org/dc/elements/1.1/",
        "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
        "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
        "loext": "urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0",
    }.items()
)

# LibreOffice Writer's standard styles (the ones these tests use), as it writes them in styles.xml.
STYLES = """
<style:style style:name="Standard" style:family="paragraph" style:class="text"/>
<style:style style:name="Heading" style:family="paragraph" style:parent-style-name="Standard"
  style:next-style-name="Text_20_body" style:class="text"><style:text-properties
  fo:font-size="14pt"/></style:style>
<style:style style:name="Text_20_body" style:display-name="Text body" style:family="paragraph"
  style:parent-style-name="Standard" style:class="text"/>
<style:style style:name="Title" style:family="paragraph" style:parent-style-name="Heading"
  style:class="chapter">
  <style:text-properties fo:font-size="28pt" fo:font-weight="bold"/></style:style>
<style:style style:name="Subtitle" style:family="paragraph" style:parent-style-name="Heading"
  style:class="chapter"/>
<style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph"
  style:parent-style-name="Heading" style:default-outline-level="1" style:class="text">
  <style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph"
  style:parent-style-name="Heading" style:default-outline-level="2" style:class="text"/>
<style:style style:name="Caption" style:family="paragraph" style:parent-style-name="Standard"
  style:class="extra">
  <style:text-properties fo:font-style="italic"/></style:style>
<style:style style:name="Figure" style:family="paragraph" style:parent-style-name="Caption"
  style:class="extra"/>
<style:style style:name="Quotations" style:family="paragraph" style:parent-style-name="Standard"
  style:class="html"/>
<style:style style:name="Preformatted_20_Text" style:display-name="Preformatted Text"
  style:family="paragraph"
  style:parent-style-name="Standard" style:class="html"/>
<style:style style:name="Table_20_Contents" style:display-name="Table Contents" style:family="paragraph"
  style:parent-style-name="Standard" style:class="extra"/>
<style:style style:name="Table_20_Heading" style:display-name="Table Heading" style:family="paragraph"
  style:parent-style-name="Table_20_Contents" style:class="extra"><style:text-properties
  fo:font-weight="bold"/>
</style:style>
<style:style style:name="Footnote" style:family="paragraph" style:parent-style-name="Standard"
  style:class="extra"/>
<style:style style:name="Strong_20_Emphasis" style:display-name="Strong Emphasis" style:family="text">
  <style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="Emphasis" style:family="text"><style:text-properties
  fo:font-style="italic"/></style:style>
<text:list-style style:name="List_20_1" style:display-name="List 1">
  <text:list-level-style-bullet text:level="1" text:bullet-char="•"/>
  <text:list-level-style-bullet text:level="2" text:bullet-char="◦"/></text:list-style>
<text:list-style style:name="Numbering_20_123" style:display-name="Numbering 123">
  <text:list-level-style-number text:level="1" style:num-suffix="." style:num-format="1"/></text:list-style>
"""

# Direct formatting, as LibreOffice writes it in content.xml's automatic styles.
AUTOMATIC = """
<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Table_20_Contents">
  <style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="P2" style:family="paragraph" style:parent-style-name="Text_20_body">
  <style:text-properties fo:font-style="italic"/></style:style>
<style:style style:name="T1" style:family="text"><style:text-properties
  fo:font-weight="bold"/></style:style>
<style:style style:name="T2" style:family="text"><style:text-properties style:text-position="super 58%"/>
</style:style>
<style:style style:name="T3" style:family="text"><style:text-properties
  style:text-line-through-style="solid"/>
</style:style>
"""


def png(color: str = "red", size: tuple[int, int] = (40, 30), kind: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, kind)
    return buffer.getvalue()


def odt(
    body: str,
    *,
    meta: str = "",
    pictures: dict[str, bytes] | None = None,
    mimetype: str = "application/vnd.oasis.opendocument.text",
) -> bytes:
    """An ``.odt`` package holding ``body`` (the children of ``office:text``), as LibreOffice lays it out."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {NS} office:version="1.3">'
        f"<office:automatic-styles>{AUTOMATIC}</office:automatic-styles>"
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    styles = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles {NS} office:version="1.3">'
        f"<office:styles>{STYLES}</office:styles></office:document-styles>"
    )
    meta_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta {NS} office:version="1.3">'
        f"<office:meta><meta:generator>LibreOffice/7.5.9.2$Linux_X86_64</meta:generator>{meta}</office:meta>"
        "</office:document-meta>"
    )
    pictures = pictures or {}
    entries = "".join(
        f'<manifest:file-entry manifest:full-path="{name}" manifest:media-type="image/png"/>'
        for name in pictures
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.3" '
        f'manifest:media-type="{mimetype}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
        f'<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>{entries}'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
        archive.writestr("styles.xml", styles)
        archive.writestr("meta.xml", meta_xml)
        archive.writestr("META-INF/manifest.xml", manifest)
        for name, data in pictures.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def p(text: str, style: str = "Text_20_body") -> str:
    return f'<text:p text:style-name="{style}">{text}</text:p>'


def h(text: str, level: int = 1) -> str:
    return f'<text:h text:style-name="Heading_20_{level}" text:outline-level="{level}">{text}</text:h>'


def image(href: str, title: str = "", name: str = "Image1") -> str:
    alt = f"<svg:title>{title}</svg:title>" if title else ""
    return (
        f'<draw:frame draw:style-name="fr1" draw:name="{name}" text:anchor-type="as-char" svg:width="4cm" '
        f'svg:height="3cm" draw:z-index="0"><draw:image xlink:href="{href}" xlink:type="simple" '
        f'xlink:show="embed" xlink:actuate="onLoad" draw:mime-type="image/png"/>{alt}</draw:frame>'
    )


def caption_frame(href: str, caption: str, title: str = "") -> str:
    """An image with a caption, as LibreOffice's Insert › Caption writes it: a frame holding a
    "Figure" paragraph with the image, a line break, and the numbered caption."""
    return p(
        '<draw:frame draw:style-name="fr2" draw:name="Frame1" text:anchor-type="as-char" svg:width="4cm" '
        'draw:z-index="1"><draw:text-box fo:min-height="3cm">'
        + p(
            f"{image(href, title)}<text:line-break/>Figure "
            '<text:sequence text:ref-name="refFigure0" text:name="Figure" text:formula="ooow:Figure+1" '
            f'style:num-format="1">1</text:sequence>: {caption}',
            "Figure",
        )
        + "</draw:text-box></draw:frame>",
        "Standard",
    )


def note(number: int, text: str, kind: str = "footnote") -> str:
    return (
        f'<text:note text:id="ftn{number}" text:note-class="{kind}"><text:note-citation>{number}'
        f'</text:note-citation><text:note-body><text:p text:style-name="Footnote">{text}</text:p>'
        "</text:note-body></text:note>"
    )


def table(rows: list[list[str]], *, header_rows: int = 0, styles: tuple[str, ...] = ()) -> str:
    """A table; the first ``header_rows`` rows are LibreOffice's repeated heading rows, and
    ``styles[i]`` is the paragraph style of row ``i``'s cells (default "Table Contents")."""

    def row(index: int, cells: list[str]) -> str:
        style = styles[index] if index < len(styles) else "Table_20_Contents"
        return (
            "<table:table-row>"
            + "".join(
                '<table:table-cell office:value-type="string">'
                f'<text:p text:style-name="{style}">{cell}</text:p></table:table-cell>'
                for cell in cells
            )
            + "</table:table-row>"
        )

    head = "".join(row(i, cells) for i, cells in enumerate(rows[:header_rows]))
    rest = "".join(row(i, cells) for i, cells in enumerate(rows) if i >= header_rows)
    columns = f'<table:table-column table:number-columns-repeated="{len(rows[0])}"/>'
    head = f"<table:table-header-rows>{head}</table:table-header-rows>" if head else ""
    return f'<table:table table:name="Table1">{columns}{head}{rest}</table:table>'


META = (
    "<meta:initial-creator>Lee Typist</meta:initial-creator><dc:creator>Sam Editor</dc:creator>"
    "<meta:creation-date>2023-04-05T10:00:00.123456789</meta:creation-date><dc:language>en-GB</dc:language>"
)


def full_document() -> bytes:
    body = (
        '<text:sequence-decls><text:sequence-decl text:display-outline-level="0" text:name="Figure"/>'
        "</text:sequence-decls>"
        + p("The Eight-Hour Day", "Title")
        + p("How it was won", "Subtitle")
        + p("By Ana Ruiz and John Smith")
        + p("9 January 2023")
        + h("Beginnings")
        + p(
            'The campaign began in <text:span text:style-name="T1">1886</text:span> with a '
            '<text:span text:style-name="Emphasis">general\n   strike</text:span>.'
            + note(1, "See the history of the union, chapter two.")
            + ' Water is H<text:span text:style-name="T2">2</text:span>O, '
            '<text:span text:style-name="T3">not wine</text:span>.'
        )
        + '<text:list text:style-name="List_20_1"><text:list-item>'
        + p("Eight hours for work")
        + "</text:list-item><text:list-item>"
        + p("Eight hours for rest")
        + "<text:list><text:list-item>"
        + p("and sleep")
        + "</text:list-item></text:list></text:list-item></text:list>"
        + '<text:list text:style-name="Numbering_20_123"><text:list-item text:start-value="3">'
        + p("First, organise")
        + "</text:list-item><text:list-item>"
        + p("Then, strike")
        + "</text:list-item></text:list>"
        + h("Later", 2)
        + p("An injury to one is an injury to all.", "Quotations")
        + p(
            'Read the <text:a xlink:type="simple" xlink:href="https://example.org/full">full text</text:a>'
            " online."
            + note(2, "Accessed in May.", "endnote")
            + "<office:annotation><dc:creator>Reviewer</dc:creator><text:p>Check this.</text:p>"
            + "</office:annotation>"
        )
        + caption_frame("Pictures/100000010000002800000020.png", "The union's banner", "A red banner")
        + table(
            [["Year", "Hours"], ["1886", "10"], ["1890", "8"]], header_rows=1, styles=("Table_20_Heading",)
        )
        + p("<text:soft-page-break/>Closing paragraph.")
    )
    return odt(body, meta=META, pictures={"Pictures/100000010000002800000020.png": png()})


def write(tmp_path: Path, data: bytes, name: str = "article.odt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_libreoffice_document(tmp_path: Path) -> None:
    article = read_article(write(tmp_path, full_document(), "eight-hours.odt"))
    assert article.title == "The Eight-Hour Day"
    assert article.subtitle == "How it was won"
    assert article.authors == ("Ana Ruiz", "John Smith")
    assert article.date == dt.date(2023, 1, 9)
    assert article.lang == "en-GB"
    body = re.sub(r'src="data:image/png;base64,[^"]+"', 'src="data:…"', article.body_html)
    assert "Eight-Hour Day" not in body and "How it was won" not in body
    assert "Ana Ruiz" not in body and "9 January" not in body  # the byline and the dateline print once
    assert "<h2>Beginnings</h2>" in body and "<h3>Later</h3>" in body and "<h1" not in body
    assert "<strong>1886</strong>" in body and "<em>general strike</em>" in body
    assert "H<sup>2</sup>O" in body and "<s>not wine</s>" in body
    assert (
        "<ul><li>Eight hours for work</li><li>Eight hours for rest<ul><li>and sleep</li></ul></li></ul>"
        in body
    )
    assert '<ol start="3"><li>First, organise</li><li>Then, strike</li></ol>' in body
    assert "<blockquote><p>An injury to one is an injury to all.</p></blockquote>" in body
    assert '<a href="https://example.org/full">full text</a>' in body
    assert "Check this" not in body  # comments are left out
    assert (
        '<figure><img src="data:…" alt="A red banner">'
        "<figcaption>Figure 1: The union’s banner</figcaption></figure>" in body
    )
    assert (
        "<table><thead><tr><th>Year</th><th>Hours</th></tr></thead>"
        "<tbody><tr><td>1886</td><td>10</td></tr><tr><td>1890</td><td>8</td></tr></tbody></table>" in body
    )
    assert '<sup class="fn" data-fn="1">1</sup>' in body and '<sup class="fn" data-fn="2">2</sup>' in body
    assert article.footnotes == (
        "<p>See the history of the union, chapter two.</p>",
        "<p>Accessed in May.</p>",
    )
    assert body.endswith("<p>Closing paragraph.</p>")
    sure = {e.field: e.sure for e in article.evidence}
    assert sure == {"title": True, "authors": True, "date": True}


def test_byline_is_the_strongest_evidence_and_prints_once(tmp_path: Path) -> None:
    """A "By …" paragraph names the authors even when the file's properties name someone else
    (whoever typed it), and it leaves the body."""
    body = (
        p("Strike Wins a Raise", "Title")
        + p("By Ana Ruiz")
        + p("After nine days on the picket line, they won.")
    )
    article = read_article(write(tmp_path, odt(body, meta=META)))
    assert article.authors == ("Ana Ruiz",)
    assert article.body_html == "<p>After nine days on the picket line, they won.</p>"
    assert article.date == dt.date(2023, 4, 5)  # no dateline: the creation date, marked as a guess
    assert article.guessed == ("date",)


def test_a_sentence_starting_with_by_stays_in_the_body(tmp_path: Path) -> None:
    body = p("Strike Wins a Raise", "Title") + p("By the end of the week, every depot had joined the strike.")
    article = read_article(write(tmp_path, odt(body)))
    assert article.authors == ()
    assert "By the end of the week" in article.body_html


def test_properties_when_the_document_says_nothing(tmp_path: Path) -> None:
    meta = (
        "<dc:title>From the Properties</dc:title><meta:initial-creator>Rosa Martín</meta:initial-creator>"
        "<meta:creation-date>2021-03-04T08:00:00</meta:creation-date>"
    )
    article = read_article(write(tmp_path, odt(p("Just a paragraph of text."), meta=meta)))
    assert article.title == "From the Properties"
    assert article.authors == ("Rosa Martín",)
    assert article.date == dt.date(2021, 3, 4)
    assert set(article.guessed) == {"title", "authors", "date"}


def test_last_editor_is_used_only_without_a_creator(tmp_path: Path) -> None:
    meta = "<dc:creator>Sam Editor</dc:creator>"
    assert read_article(write(tmp_path, odt(p("Text."), meta=meta))).authors == ("Sam Editor",)


@pytest.mark.parametrize("creator", ["LibreOffice", "Administrator", "user"])
def test_placeholder_properties_are_ignored(tmp_path: Path, creator: str) -> None:
    meta = f"<meta:initial-creator>{creator}</meta:initial-creator><dc:title>Untitled 1</dc:title>"
    article = read_article(write(tmp_path, odt(p("Some text."), meta=meta), "my-file.odt"))
    assert article.authors == ()
    assert article.title == "my file"


def test_sole_first_heading_is_the_title(tmp_path: Path) -> None:
    body = h("Only Heading") + p("Text under it.") + h("A section", 2) + p("More.")
    article = read_article(write(tmp_path, odt(body)))
    assert article.title == "Only Heading"
    assert article.body_html == "<p>Text under it.</p><h2>A section</h2><p>More.</p>"


def test_front_matter_typed_in_the_document_wins(tmp_path: Path) -> None:
    lines = ["---", "title: Front Matter Title", "author: [Ana Ruiz, John Smith]", "date: 2020-02-20", "---"]
    body = "".join(p(line) for line in lines) + p("By Someone Else") + p("The body text.")
    article = read_article(write(tmp_path, odt(body, meta=META)))
    assert article.title == "Front Matter Title"
    assert article.authors == ("Ana Ruiz", "John Smith")
    assert article.date == dt.date(2020, 2, 20)
    assert article.body_html == "<p>The body text.</p>"


def test_caption_paragraph_under_an_image(tmp_path: Path) -> None:
    body = (
        p("Before.")
        + p(image("Pictures/a.png"), "Standard")
        + p("Photo: the picket line at dawn", "Caption")
        + p("A caption with no image stays a paragraph.", "Caption")
    )
    article = read_article(write(tmp_path, odt(body, pictures={"Pictures/a.png": png()})))
    html = re.sub(r'src="[^"]+"', "src", article.body_html)
    assert html == (
        '<p>Before.</p><figure><img src alt="">'
        "<figcaption>Photo: the picket line at dawn</figcaption></figure>"
        "<p>A caption with no image stays a paragraph.</p>"
    )


@pytest.mark.parametrize(
    ("rows", "header_rows", "styles", "head"),
    [
        ([["Name", "Role"], ["Ana", "Writer"]], 1, (), True),  # LibreOffice's "Repeat heading" rows
        ([["Name", "Role"], ["Ana", "Writer"]], 0, ("Table_20_Heading",), True),  # the "Table Heading" style
        ([["Name", "Role"], ["Ana", "Writer"]], 0, ("P1",), True),  # a first row in bold
        ([["Name", "Role"], ["Ana", "Writer"]], 0, (), False),  # nothing says it is a header
        ([["Name", "Role"], ["Ana", "Writer"]], 0, ("P1", "P1"), False),  # every row bold: no header
        ([["Name", "Role"]], 0, ("P1",), False),  # a single row
    ],
)
def test_table_header_rows(
    tmp_path: Path, rows, header_rows: int, styles: tuple[str, ...], head: bool
) -> None:
    article = read_article(write(tmp_path, odt(table(rows, header_rows=header_rows, styles=styles))))
    if head:
        assert article.body_html.startswith(
            "<table><thead><tr><th>Name</th><th>Role</th></tr></thead><tbody>"
        )
        assert "<strong>" not in article.body_html
    else:
        assert "<thead>" not in article.body_html and "<th>" not in article.body_html


def test_merged_and_repeated_cells(tmp_path: Path) -> None:
    body = (
        '<table:table table:name="T"><table:table-column table:number-columns-repeated="3"/><table:table-row>'
        '<table:table-cell table:number-columns-spanned="2"><text:p>Wide</text:p></table:table-cell>'
        "<table:covered-table-cell/><table:table-cell><text:p>c</text:p></table:table-cell>"
        '<table:table-cell table:number-columns-repeated="1000"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="500"><table:table-cell/></table:table-row>'
        "</table:table>"
    )
    html = read_article(write(tmp_path, odt(body))).body_html
    assert (
        html == '<table><tbody><tr><td colspan="2">Wide</td><td>c</td></tr><tr><td></td></tr></tbody></table>'
    )


def test_images_follow_the_image_rules(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    body = (
        p(image("Pictures/chart.svg", "A chart"))
        + p(image("Pictures/scan.bmp", "A scan"))
        + p(image("../outside.png", "Linked"))
        + p(image("https://example.org/photo.jpg", "Remote"))
    )
    pictures = {"Pictures/chart.svg": svg, "Pictures/scan.bmp": png(kind="BMP")}
    path = write(tmp_path, odt(body, pictures=pictures))
    (tmp_path / "outside.png").write_bytes(png())
    with caplog.at_level("WARNING", logger="editions"):
        article = read_article(path)
    html = article.body_html
    assert "<p>[A chart]</p>" in html and "<p>[Linked]</p>" in html
    assert '<img src="data:image/png;base64,' in html and 'alt="A scan"' in html  # BMP converted to PNG
    assert '<img src="https://example.org/photo.jpg" alt="Remote">' in html  # a build's policy decides
    messages = [r.getMessage() for r in caplog.records]
    assert any(str(path) in m and "chart.svg" in m and "SVG" in m for m in messages)
    assert any(str(path) in m and "outside.png" in m and "linked images are not read" in m for m in messages)


def test_text_frames_preformatted_text_and_fields(tmp_path: Path) -> None:
    frame = (
        '<draw:frame draw:name="Frame2" text:anchor-type="paragraph"><draw:text-box>'
        + p("A boxed aside.")
        + "</draw:text-box></draw:frame>"
    )
    body = (
        p(f"Main text.{frame}")
        + p("line one", "Preformatted_20_Text")
        + p("    line two", "Preformatted_20_Text")
        + p('Page <text:page-number text:select-page="current">3</text:page-number> of the report.')
        + '<text:table-of-content text:name="Contents"><text:index-body>'
        + p("Generated entry")
        + "</text:index-body></text:table-of-content>"
        + '<text:tracked-changes><text:changed-region text:id="c1"><text:deletion>'
        + p("Deleted words")
        + "</text:deletion></text:changed-region></text:tracked-changes>"
    )
    html = read_article(write(tmp_path, odt(body))).body_html
    assert html.startswith("<p>Main text.</p><p>A boxed aside.</p><pre>line one\nline two</pre>")
    assert "<p>Page 3 of the report.</p>" in html
    assert "Generated entry" not in html and "Deleted words" not in html


def test_headings_numbered_through_a_list_are_headings(tmp_path: Path) -> None:
    body = (
        p("Intro.")
        + '<text:list text:style-name="Numbering_20_123"><text:list-item>'
        + h("First part")
        + "<text:list><text:list-item>"
        + h("A detail", 2)
        + "</text:list-item></text:list></text:list-item></text:list>"
        + p("Text.")
    )
    html = read_article(write(tmp_path, odt(body))).body_html
    assert html == "<p>Intro.</p><h2>First part</h2><h3>A detail</h3><p>Text.</p>"


BLOCKS = st.sampled_from(
    ["Text_20_body", "Title", "Subtitle", "Caption", "Figure", "Quotations", "Preformatted_20_Text",
     "P1", "P2", "Heading", "list", "table", "note", "image", "frame"]
)  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(blocks=st.lists(st.tuples(BLOCKS, st.text(max_size=60)), max_size=12))
def test_any_mix_of_blocks_reads(tmp_path: Path, blocks: list[tuple[str, str]]) -> None:
    """Whatever the mix of styles, lists, tables, notes and frames, the reader gives an article or
    a one-line error, never a crash."""
    parts = []
    for kind, raw in blocks:
        text = xml_escape(re.sub(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd]", "", raw))
        if kind == "list":
            parts.append(f"<text:list><text:list-item>{p(text)}</text:list-item></text:list>")
        elif kind == "table":
            parts.append(table([[text, "b"], ["c", text]], styles=("P1",)))
        elif kind == "note":
            parts.append(p(f"{text}{note(1, text)}"))
        elif kind == "image":
            parts.append(p(image("Pictures/a.png", text)))
        elif kind == "frame":
            parts.append(caption_frame("Pictures/a.png", text))
        elif kind == "Heading":
            parts.append(h(text, 1 + len(text) % 3))
        else:
            parts.append(p(text, kind))
    path = write(tmp_path, odt("".join(parts), pictures={"Pictures/a.png": png()}), "fuzz.odt")
    try:
        article = read_article(path)
    except EditionsError as exc:
        assert "\n" not in str(exc)
        return
    assert article.title and "<script" not in article.body_html


def test_odt_in_an_edition_folder(tmp_path: Path) -> None:
    write(tmp_path, full_document(), "01.odt")
    (tmp_path / "02.md").write_text("# Second\n\nText.\n", encoding="utf-8")
    assert [a.title for a in load_edition([tmp_path]).articles] == ["The Eight-Hour Day", "Second"]


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_pandoc_document(tmp_path: Path) -> None:
    (tmp_path / "blue.png").write_bytes(png("blue"))
    source = tmp_path / "in.md"
    source.write_text(
        "---\ntitle: Reform or Revolution\nsubtitle: A pamphlet\nauthor: [Rosa Luxemburg]\n"
        "date: 1899-04-01\nlang: de\n---\n\n"
        "# Einleitung\n\nText mit *Betonung* und einer Fußnote.[^1]\n\n- eins\n- zwei\n\n"
        "![Ein blaues Quadrat](blue.png)\n\n| Jahr | Stunden |\n|---|---|\n| 1886 | 8 |\n\n"
        "[^1]: Die Anmerkung.\n",
        encoding="utf-8",
    )
    target = tmp_path / "out.odt"
    subprocess.run(["pandoc", str(source), "-o", str(target)], check=True, timeout=60, cwd=tmp_path)
    article = read_article(target)
    assert (article.title, article.subtitle, article.authors) == (
        "Reform or Revolution",
        "A pamphlet",
        ("Rosa Luxemburg",),
    )
    assert article.date == dt.date(1899, 4, 1) and article.lang == "de"
    body = article.body_html
    assert "<h2>Einleitung</h2>" in body and "<em>Betonung</em>" in body
    assert "<ul><li>eins</li><li>zwei</li></ul>" in body
    assert re.search(r"<figure><img [^>]+><figcaption>Ein blaues Quadrat</figcaption></figure>", body)
    assert "<thead><tr><th>Jahr</th><th>Stunden</th></tr></thead>" in body
    assert article.footnotes == ("<p>Die Anmerkung.</p>",)


# --- importing ----------------------------------------------------------------------------------


def test_import_writes_the_fields_and_copies_the_images(tmp_path: Path) -> None:
    source = write(tmp_path, full_document(), "eight-hours.odt")
    out = tmp_path / "edition"
    [written] = import_articles([source], out)
    text = written.read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---")[1])
    assert front["title"] == "The Eight-Hour Day"
    assert front["author"] == ["Ana Ruiz", "John Smith"]
    assert front["date"] == dt.date(2023, 1, 9)
    assert "By Ana Ruiz" not in text
    [picture] = list((out / "images").iterdir())
    assert picture.suffix == ".png" and f"images/{picture.name}" in text
    again = read_article(written)
    assert again.authors == ("Ana Ruiz", "John Smith")
    body = re.sub(r">\s+<", "><", again.body_html)
    assert "<figcaption>Figure 1: The union’s banner</figcaption>" in body
    assert "<thead><tr><th>Year</th><th>Hours</th></tr></thead>" in body
    assert len(again.footnotes) == 2


# --- PDF and EPUB -------------------------------------------------------------------------------


def test_odt_article_in_pdf_and_epub(tmp_path: Path) -> None:
    from editions import make_epub, make_pdf
    from test_epub import _problems, _run_epubcheck
    from test_pdf import pdftotext

    folder = tmp_path / "edition"
    folder.mkdir()
    write(folder, full_document(), "eight-hours.odt")
    (folder / "edition.toml").write_text('title = "Shorter Hours"\nlang = "en"\n', encoding="utf-8")
    edition = load_edition([folder])
    epub = make_epub(edition, tmp_path / "book.epub")
    with zipfile.ZipFile(epub) as book:
        chapter = next(
            book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml") and b"1886" in book.read(n)
        )
    assert re.search(r"<figure>\s*<img [^>]*alt=\"A red banner\"", chapter)
    assert "<figcaption>Figure 1: The union’s banner</figcaption>" in chapter
    assert "<th>Year</th>" in chapter and chapter.count("Ana Ruiz") == 1
    report = _run_epubcheck([epub])[epub]
    assert _problems(report) == []

    pdf = make_pdf(edition, tmp_path / "book.pdf").path
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    text = " ".join(pdftotext(pdf, layout=False).split())
    assert "The Eight-Hour Day" in text and "Figure 1: The union’s banner" in text
    assert "Year Hours" in text and "See the history of the union, chapter two." in text
    article_text = text[text.index("Beginnings") :]
    assert "By Ana Ruiz" not in article_text


# --- malformed files ----------------------------------------------------------------------------


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some text, not a zip", "not an OpenDocument text"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old .doc file"),
        (_zip({"mimetype": b"application/epub+zip", "content.opf": b"<package/>"}), "without content.xml"),
        (
            odt(p("x"), mimetype="application/vnd.oasis.opendocument.spreadsheet"),
            "an OpenDocument spreadsheet",
        ),
        (
            _zip(
                {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office:doc<broken"}
            ),
            "cannot read",
        ),
        (b"PK\x03\x04" + b"\x00" * 40, "damaged"),
    ],
)
def test_malformed_files_are_clean_errors(tmp_path: Path, content: bytes, message: str) -> None:
    path = write(tmp_path, content, "bad.odt")
    with pytest.raises(EditionsError, match=message) as info:
        read_article(path)
    assert str(info.value).startswith(f"{path}: ")
    assert "\n" not in str(info.value)


def test_truncated_odt_is_a_clean_error(tmp_path: Path) -> None:
    good = full_document()
    path = write(tmp_path, good[: len(good) // 2], "truncated.odt")
    with pytest.raises(EditionsError) as info:
        read_article(path)
    assert str(info.value).startswith(f"{path}: ")


def test_zip_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from editions.readers import odt as reader

    monkeypatch.setattr(reader, "MAX_UNCOMPRESSED", 1000)
    with pytest.raises(EditionsError, match="too large once unpacked"):
        read_article(write(tmp_path, full_document()))


@pytest.mark.parametrize("depth", [100, 1000])
def test_deep_nesting_is_bounded(tmp_path: Path, depth: int) -> None:
    """Lists nested deeper than :data:`MAX_DEPTH` are read as text; XML deeper than the parser takes
    (256 elements) is a clean error."""
    body = "<text:list><text:list-item>" * depth + p("deep") + "</text:list-item></text:list>" * depth
    path = write(tmp_path, odt(body))
    if depth > 128:
        with pytest.raises(EditionsError, match="cannot read"):
            read_article(path)
    else:
        html = read_article(path).body_html
        assert "deep" in html and html.count("<ul>") < 30
