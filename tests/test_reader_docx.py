"""Word files: body structure through mammoth, metadata from styles, front matter and document properties.

The documents are made by the tests with python-docx (footnotes and hyperlinks added as raw
WordprocessingML, which python-docx has no API for) and, when it is installed, with pandoc.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

docx = pytest.importorskip("docx")
from docx.opc.constants import RELATIONSHIP_TYPE as RT  # noqa: E402
from docx.opc.packuri import PackURI  # noqa: E402
from docx.opc.part import Part  # noqa: E402
from docx.oxml import parse_xml  # noqa: E402
from docx.oxml.ns import nsdecls, qn  # noqa: E402

from editions import EditionsError, load_edition, read_article  # noqa: E402

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


class Doc:
    """A python-docx document with helpers for what python-docx cannot write itself."""

    def __init__(self) -> None:
        self.document = docx.Document()
        self.notes: list[str] = []

    def para(self, text: str = "", style: str | None = None):  # type: ignore[no-untyped-def]
        return self.document.add_paragraph(text, style=style)

    def footnote(self, paragraph, text: str) -> None:  # type: ignore[no-untyped-def]
        """Add a footnote reference at the end of ``paragraph`` with ``text`` as the note."""
        self.notes.append(text)
        number = len(self.notes)
        run = paragraph.add_run()
        run._r.append(parse_xml(f'<w:footnoteReference {nsdecls("w")} w:id="{number}"/>'))

    def link(self, paragraph, text: str, url: str) -> None:  # type: ignore[no-untyped-def]
        rid = self.document.part.relate_to(url, RT.HYPERLINK, is_external=True)
        paragraph._p.append(
            parse_xml(
                f'<w:hyperlink {nsdecls("w", "r")} r:id="{rid}"><w:r><w:rPr><w:rStyle w:val="Hyperlink"/>'
                f"</w:rPr><w:t>{text}</w:t></w:r></w:hyperlink>"
            )
        )

    def save(self, path: Path) -> Path:
        if self.notes:
            notes = "".join(
                f'<w:footnote w:id="{i}"><w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'
                "</w:footnote>"
                for i, text in enumerate(self.notes, start=1)
            )
            xml = (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W}">'
                '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
                '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
                f"</w:r></w:p></w:footnote>{notes}</w:footnotes>"
            )
            part = Part(
                PackURI("/word/footnotes.xml"), FOOTNOTES_TYPE, xml.encode(), self.document.part.package
            )
            self.document.part.relate_to(part, RT.FOOTNOTES)
        self.document.save(str(path))
        return path


def full_document(path: Path) -> Path:
    doc = Doc()
    props = doc.document.core_properties
    props.author = "Ana Ruiz; John Smith"
    props.title = "Properties title (not used: the Title paragraph wins)"
    props.created = dt.datetime(2023, 4, 5, 10, 0)
    doc.para("The Eight-Hour Day", "Title")
    doc.para("How it was won", "Subtitle")
    doc.document.add_heading("Beginnings", level=1)
    intro = doc.para("The campaign began in ")
    intro.add_run("1886").bold = True
    intro.add_run(" with a ")
    intro.add_run("general strike").italic = True
    intro.add_run(".")
    doc.footnote(intro, "See the history of the union, chapter two.")
    doc.para("Eight hours for work", "List Bullet")
    doc.para("Eight hours for rest", "List Bullet")
    doc.para("First, organise", "List Number")
    doc.para("Then, strike", "List Number")
    doc.document.add_heading("Later", level=2)
    quote = doc.para("An injury to one is an injury to all.", "Quote")
    assert quote is not None
    more = doc.para("Read the ")
    doc.link(more, "full text", "https://example.org/full")
    more.add_run(" online.")
    doc.footnote(more, "Accessed in May.")
    table = doc.document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Year", "Hours"
    table.cell(1, 0).text, table.cell(1, 1).text = "1886", "8"
    doc.para("Closing paragraph.")
    return doc.save(path)


def test_full_document(tmp_path: Path) -> None:
    article = read_article(full_document(tmp_path / "eight-hours.docx"))
    assert article.title == "The Eight-Hour Day"
    assert article.subtitle == "How it was won"
    assert article.authors == ("Ana Ruiz", "John Smith")
    assert article.date == dt.date(2023, 4, 5)
    body = article.body_html
    assert "The Eight-Hour Day" not in body and "How it was won" not in body
    assert "<h2>Beginnings</h2>" in body and "<h3>Later</h3>" in body and "<h1" not in body
    assert "<strong>1886</strong>" in body and "<em>general strike</em>" in body
    assert "<ul><li>Eight hours for work</li><li>Eight hours for rest</li></ul>" in body
    assert "<ol><li>First, organise</li><li>Then, strike</li></ol>" in body
    assert "<blockquote><p>An injury to one is an injury to all.</p></blockquote>" in body
    assert '<a href="https://example.org/full">full text</a>' in body
    assert "<table>" in body and "<td>1886</td>" in body
    assert '<sup class="fn" data-fn="1">1</sup>' in body and '<sup class="fn" data-fn="2">2</sup>' in body
    assert article.footnotes == (
        "<p>See the history of the union, chapter two.</p>",
        "<p>Accessed in May.</p>",
    )
    assert "↑" not in "".join(article.footnotes)
    assert body.rstrip().endswith("<p>Closing paragraph.</p>")


def test_title_and_author_from_properties(tmp_path: Path) -> None:
    doc = Doc()
    doc.document.core_properties.title = "From the Properties"
    doc.document.core_properties.author = "Rosa Martín"
    doc.para("Just a paragraph of text in a document without a Title paragraph.")
    article = read_article(doc.save(tmp_path / "a.docx"))
    assert article.title == "From the Properties"
    assert article.authors == ("Rosa Martín",)


@pytest.mark.parametrize("author", ["python-docx", "Microsoft Office User", "Administrator"])
def test_placeholder_properties_are_ignored(tmp_path: Path, author: str) -> None:
    doc = Doc()
    doc.document.core_properties.author = author
    doc.document.core_properties.title = "Document1"
    doc.para("Some text.")
    article = read_article(doc.save(tmp_path / "my-file.docx"))
    assert article.authors == ()
    assert article.title == "my file"  # the file name, as for every format


def test_sole_heading_1_is_the_title(tmp_path: Path) -> None:
    doc = Doc()
    doc.document.add_heading("Only Heading", level=1)
    doc.para("Text under it.")
    doc.document.add_heading("A section", level=2)
    article = read_article(doc.save(tmp_path / "a.docx"))
    assert article.title == "Only Heading"
    assert "Only Heading" not in article.body_html
    assert "<h2>A section</h2>" in article.body_html


def test_front_matter_typed_in_the_document_wins(tmp_path: Path) -> None:
    doc = Doc()
    doc.document.core_properties.title = "Properties title"
    doc.document.core_properties.author = "Properties Author"
    for line in ("---", "title: Front Matter Title", "author: [Ana Ruiz, John Smith]", "date: 2020-02-20",
                 "publication: The Spark", "---"):  # fmt: skip
        doc.para(line)
    doc.para("The body text.")
    article = read_article(doc.save(tmp_path / "a.docx"))
    assert article.title == "Front Matter Title"
    assert article.authors == ("Ana Ruiz", "John Smith")
    assert article.date == dt.date(2020, 2, 20)
    assert article.source.publication == "The Spark"
    assert article.body_html == "<p>The body text.</p>"


def test_links_are_sanitised(tmp_path: Path) -> None:
    doc = Doc()
    para = doc.para("Click ")
    doc.link(para, "here", "javascript:alert(1)")
    article = read_article(doc.save(tmp_path / "a.docx"))
    assert "javascript" not in article.body_html and "here" in article.body_html


def test_byline_and_dateline_paragraphs_print_once(tmp_path: Path) -> None:
    """Title, "By Name", a date, then the body: the byline and the date become fields (the byline
    wins over the document's author, who may be whoever typed it) and leave the body."""
    doc = Doc()
    doc.document.core_properties.author = "Lee Typist"
    doc.para("Strike Wins a Raise", "Title")
    doc.para("By Ana Ruiz and John Smith")
    doc.para("January 9, 2023")
    doc.para("After nine days on the picket line, the warehouse workers won.")
    article = read_article(doc.save(tmp_path / "a.docx"))
    assert article.authors == ("Ana Ruiz", "John Smith")
    assert article.date == dt.date(2023, 1, 9)
    assert article.body_html == "<p>After nine days on the picket line, the warehouse workers won.</p>"
    assert article.guessed == ()


def test_author_paragraph_written_as_a_byline(tmp_path: Path) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    doc = Doc()
    doc.document.styles.add_style("Author", WD_STYLE_TYPE.PARAGRAPH)
    doc.para("Strike Wins a Raise", "Title")
    doc.para("By Ana Ruiz", "Author")
    doc.para("Text.")
    assert read_article(doc.save(tmp_path / "a.docx")).authors == ("Ana Ruiz",)


def test_a_sentence_starting_with_by_stays_in_the_body(tmp_path: Path) -> None:
    doc = Doc()
    doc.para("Strike Wins a Raise", "Title")
    doc.para("By the end of the week, every depot had joined the strike.")
    article = read_article(doc.save(tmp_path / "a.docx"))
    assert article.authors == ()
    assert article.body_html == "<p>By the end of the week, every depot had joined the strike.</p>"


def _picture() -> io.BytesIO:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "PNG")
    buffer.seek(0)
    return buffer


def test_caption_becomes_a_figure_caption(tmp_path: Path) -> None:
    doc = Doc()
    doc.para("Before.")
    doc.document.add_picture(_picture())
    doc.para("Figure 1: The picket line at dawn", "Caption")
    doc.para("A caption with no picture stays a paragraph.", "Caption")
    article = read_article(doc.save(tmp_path / "a.docx"))
    body = re.sub(r'src="data:image/png;base64,[^"]+"', "src", article.body_html)
    assert body == (
        "<p>Before.</p><figure><img src><figcaption>Figure 1: The picket line at dawn</figcaption></figure>"
        "<p>A caption with no picture stays a paragraph.</p>"
    )


@pytest.mark.parametrize(
    ("mark", "head"),
    [("repeat", True), ("bold", True), ("none", False), ("all bold", False)],
)
def test_table_header_rows(tmp_path: Path, mark: str, head: bool) -> None:
    """A row marked "Repeat as header row" is the header; so is a wholly bold first row when the
    rows under it are not bold."""
    doc = Doc()
    table = doc.document.add_table(rows=3, cols=2)
    for r, values in enumerate((("Name", "Role"), ("Ana", "Writer"), ("John", "Editor"))):
        for c, value in enumerate(values):
            run = table.cell(r, c).paragraphs[0].add_run(value)
            run.bold = (mark == "bold" and r == 0) or mark == "all bold"
    if mark == "repeat":
        table.rows[0]._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
    body = read_article(doc.save(tmp_path / "a.docx")).body_html
    if head:
        assert body.startswith(
            "<table><thead><tr><th>Name</th><th>Role</th></tr></thead><tbody><tr><td>Ana</td>"
        )
    else:
        assert "<thead>" not in body and "<th>" not in body


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_pandoc_document(tmp_path: Path) -> None:
    source = tmp_path / "in.md"
    source.write_text(
        "---\ntitle: Reform or Revolution\nauthor: [Rosa Luxemburg]\ndate: 1899-04-01\nlang: de\n---\n\n"
        "# Einleitung\n\nText mit *Betonung* und einer Fußnote.[^1]\n\n- eins\n- zwei\n\n"
        "[^1]: Die Anmerkung.\n",
        encoding="utf-8",
    )
    target = tmp_path / "out.docx"
    subprocess.run(["pandoc", str(source), "-o", str(target)], check=True, timeout=60)
    article = read_article(target)
    assert article.title == "Reform or Revolution"
    assert article.authors == ("Rosa Luxemburg",)
    assert article.date == dt.date(1899, 4, 1)
    assert article.lang == "de"
    assert "<h2>Einleitung</h2>" in article.body_html
    assert '<sup class="fn" data-fn="1">1</sup>' in article.body_html
    assert article.footnotes == ("<p>Die Anmerkung.</p>",)
    assert "<ul><li>eins</li><li>zwei</li></ul>" in article.body_html


def test_docx_in_an_edition_folder(tmp_path: Path) -> None:
    full_document(tmp_path / "01.docx")
    (tmp_path / "02.md").write_text("# Second\n\nText.\n", encoding="utf-8")
    assert [a.title for a in load_edition([tmp_path]).articles] == ["The Eight-Hour Day", "Second"]


# --- malformed files ---------------------------------------------------------------------------


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some text, not a zip", "not a Word .docx file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old .doc file"),
        (
            _zip({"mimetype": b"application/epub+zip", "content.opf": b"<package/>"}),
            "without word/document.xml",
        ),
        (
            _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document><broken"}),
            "cannot read",
        ),
        (b"PK\x03\x04" + b"\x00" * 40, "damaged"),
    ],
)
def test_malformed_files_are_clean_errors(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.docx"
    path.write_bytes(content)
    with pytest.raises(EditionsError, match=message) as info:
        read_article(path)
    assert str(info.value).startswith(f"{path}: ")


def test_truncated_docx_is_a_clean_error(tmp_path: Path) -> None:
    good = full_document(tmp_path / "good.docx").read_bytes()
    path = tmp_path / "truncated.docx"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(EditionsError) as info:
        read_article(path)
    assert str(info.value).startswith(f"{path}: ")


def test_empty_docx_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    path.write_bytes(b"")
    with pytest.raises(EditionsError, match="empty"):
        read_article(path)


def test_zip_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from editions.readers import docx as reader

    monkeypatch.setattr(reader, "MAX_UNCOMPRESSED", 1000)
    path = full_document(tmp_path / "big.docx")
    with pytest.raises(EditionsError, match="too large once unpacked"):
        read_article(path)


def test_element_names_in_footnote_xml_are_word_s(tmp_path: Path) -> None:
    """The helper above writes what Word writes (a guard against testing a format nobody produces)."""
    with zipfile.ZipFile(full_document(tmp_path / "a.docx")) as archive:
        xml = archive.read("word/document.xml").decode()
        assert qn("w:footnoteReference").split("}")[1] in xml
        assert "word/footnotes.xml" in archive.namelist()
