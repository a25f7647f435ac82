"""The conventions of pandoc and calibre users: ``-`` reads one article from standard input, ``-o -``
writes the output to standard output (and nothing else goes there), ``python -m editions`` works."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from editions import EditionsError
from editions.cli import import_main, make_epub_main, make_html_main, make_pdf_main
from editions.stdio import detect_format, stdin_article

SRC = Path(__file__).resolve().parents[1] / "src"
ARTICLE = b"""---
title: Strike Wins a Raise
publication: The Organizer
author: Ana Ruiz
date: 2024-02-12
---
After nine days on the picket line, the warehouse workers won a raise of two euros an hour.

The union's bulletin called it the best contract in a decade.
"""
PLAIN = b"""The Organizer

Depot drivers stop work

By Ana Ruiz

The drivers at the northern depot stopped work on Monday morning after the company cut their breaks.
They returned on Wednesday with the breaks restored and a promise of talks about the rota.
"""


def run(*args: str, stdin: bytes, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """The real command (``python -m editions``), as a shell pipeline runs it."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run(
        [sys.executable, "-m", "editions", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=180,
        check=False,
    )


def test_pipe_markdown_through_make_html(tmp_path: Path) -> None:
    done = run("html", "-", "-o", "-", stdin=ARTICLE, cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.startswith(b"<!DOCTYPE html>")
    assert b"Strike Wins a Raise" in done.stdout
    assert b"The Organizer" in done.stdout
    assert list(tmp_path.iterdir()) == [], "nothing is written beside: no file named '-', no dist/"


def test_pipe_text_through_make_pdf(tmp_path: Path) -> None:
    done = run("pdf", "-", "--from", "txt", "-o", "-", stdin=PLAIN, cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.startswith(b"%PDF-")
    assert done.stdout.rstrip().endswith(b"%%EOF")
    assert list(tmp_path.iterdir()) == []
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(done.stdout)).pages)
    assert "Depot drivers stop work" in text


def test_pipe_through_make_epub(tmp_path: Path) -> None:
    done = run("epub", "-", "-o", "-", "-q", stdin=ARTICLE, cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    archive = zipfile.ZipFile(io.BytesIO(done.stdout))
    assert archive.read("mimetype") == b"application/epub+zip"
    assert any(b"Strike Wins a Raise" in archive.read(name) for name in archive.namelist())
    assert list(tmp_path.iterdir()) == []


def test_import_from_standard_input_names_the_file_after_the_title(tmp_path: Path) -> None:
    done = run("import", "-", "-o", "reviewed", stdin=PLAIN, cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    written = tmp_path / "reviewed" / "depot-drivers-stop-work.md"
    assert done.stdout.decode().strip() == str(Path("reviewed") / "depot-drivers-stop-work.md")
    assert "title: Depot drivers stop work" in written.read_text(encoding="utf-8")


def test_python_m_editions(tmp_path: Path) -> None:
    done = run("--version", stdin=b"", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.decode().startswith("editions ")
    done = run("nope", stdin=b"", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.decode().startswith("editions: error: unknown command 'nope'")


def test_a_bad_pipe_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = run("pdf", "-", "-o", "-", stdin=b"PK\x03\x04 not really a zip", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == b""
    err = done.stderr.decode()
    assert err.count("\n") == 1 and err.startswith("make-pdf: error: <stdin>: "), err


@pytest.fixture
def stdin(monkeypatch: pytest.MonkeyPatch):
    def give(data: bytes) -> None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))

    return give


@pytest.mark.parametrize(
    ("argv", "data", "expected"),
    [
        (["-"], b"", "<stdin>: standard input is empty"),
        (["-"], b"  \n\n", "<stdin>: standard input is empty"),
        (["-", "-"], ARTICLE, "standard input (-) can be read only once"),
        (["--from", "md"], ARTICLE, "--from FORMAT is the format of standard input"),
        (["-", "--from", "rtf"], ARTICLE, "argument --from: invalid choice: 'rtf'"),
        (["-", "--from", "docx"], ARTICLE, "<stdin>: not a Word .docx file"),
        (["-"], b"PK\x03\x04" + b"\0" * 40, "<stdin>: a damaged zip archive"),
    ],
)
def test_bad_standard_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], stdin, argv: list[str], data: bytes, expected: str
) -> None:
    stdin(data)
    try:
        status = make_html_main([*argv, "-o", str(tmp_path / "o.html")])
    except SystemExit as exc:  # argparse's own errors
        status = exc.code
    assert status == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("make-html: error: ")
    assert expected in err
    assert not (tmp_path / "o.html").exists()


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--impose", "booklet"], "--impose cannot be used with -o -"),
        (["--keep-html"], "--keep-html cannot be used with -o -"),
    ],
)
def test_two_outputs_cannot_share_standard_output(
    capsys: pytest.CaptureFixture[str], options: list[str], expected: str
) -> None:
    with pytest.raises(SystemExit) as info:
        make_pdf_main(["-", "-o", "-", *options])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err


def test_manifest_booklet_is_not_written_with_standard_output(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    (tmp_path / "a.md").write_bytes(ARTICLE)
    (tmp_path / "edition.toml").write_text('title = "T"\n[pdf]\nimpose = "booklet"\n', encoding="utf-8")
    assert make_pdf_main([str(tmp_path), "-o", "-", "-q", "--no-cache"]) == 0
    captured = capsysbinary.readouterr()
    assert captured.out.startswith(b"%PDF-")
    assert b"the imposed PDF edition.toml asks for is not written with -o -" in captured.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "edition.toml"]


def test_standard_input_beside_files_is_one_more_article(
    tmp_path: Path, stdin, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "first.md").write_text(
        "---\ntitle: First\npublication: P\n---\nText one.\n", encoding="utf-8"
    )
    stdin(ARTICLE)
    out = tmp_path / "o.html"
    assert make_html_main([str(tmp_path / "first.md"), "-", "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert html.index("First") < html.index("Strike Wins a Raise")
    assert capsys.readouterr().out.strip() == str(out)


def test_epub_stdout_is_the_whole_file(
    tmp_path: Path, stdin, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    stdin(ARTICLE)
    assert make_epub_main(["-", "-o", "-"]) == 0
    out = capsysbinary.readouterr().out
    assert zipfile.ZipFile(io.BytesIO(out)).testzip() is None


def test_import_refuses_from_without_stdin(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        import_main(["a.txt", "--from", "txt"])
    assert info.value.code == 2


def _docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("A Word Title", level=1)
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _odt(text: str) -> bytes:
    from odfdo import Document, Header, Paragraph

    document = Document("text")
    document.body.append(Header(1, "An OpenDocument Title"))
    document.body.append(Paragraph(text))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
        (b"\xef\xbb\xbf  \n<html>", "html"),
        (b"---\ntitle: x\n---\nbody", "md"),
        (b"--- a dash line\nbody", "txt"),
        (b"Just text\n\nand more", "txt"),
        ("Ελληνικά".encode("utf-16"), "txt"),
    ],
)
def test_detect_format(data: bytes, expected: str) -> None:
    assert detect_format(data) == expected


def test_word_and_opendocument_are_detected_and_read() -> None:
    body = "The assembly voted to continue the strike until the contract is signed."
    assert detect_format(_docx(body)) == "docx"
    assert detect_format(_odt(body)) == "odt"
    assert stdin_article(_docx(body)).title == "A Word Title"
    assert stdin_article(_odt(body)).title == "An OpenDocument Title"


def test_a_zip_that_is_no_document_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(EditionsError, match="neither a Word"):
        detect_format(buffer.getvalue())
