"""No output ever replaces an input (:mod:`editions.inputs`): the same path, a symbolic link to it, a
hard link of it; an article, the manifest, the cover, a style's file, the edition's templates, an
imported source. Each is refused with one line naming the file and exit 2, the input untouched and
no temporary file left."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from editions.cli import editions_main, make_epub_main, make_html_main, make_pdf_main

COMMANDS: dict[str, Callable[[list[str] | None], int]] = {
    "make-html": make_html_main,
    "make-pdf": make_pdf_main,
    "make-epub": make_epub_main,
}
ARTICLE = "---\npublication: The Bulletin\n---\n# A strike\n\nThe drivers stopped work.\n"
TEXT = "---\npublication: The Bulletin\ntitle: {}\n---\n\nText.\n"


def _png(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (40, 60), (10, 120, 10)).save(path)
    return path


@pytest.fixture
def edition(tmp_path: Path) -> Path:
    """A folder with an article, a manifest with a cover, its own templates and a style."""
    folder = tmp_path / "edition"
    folder.mkdir()
    (folder / "a.md").write_text(ARTICLE, encoding="utf-8")
    (folder / "b.txt").write_text(TEXT.format("Another strike"), encoding="utf-8")
    _png(folder / "cover.png")
    (folder / "edition.toml").write_text(
        'title = "Strikes"\ncover = "cover.png"\nstyle = "mine"\narticles = ["a.md", "b.txt"]\n', "utf-8"
    )
    (folder / "styles" / "mine" / "css").mkdir(parents=True)
    (folder / "styles" / "mine" / "css" / "print.css").write_text("h1 { color: #222; }\n", "utf-8")
    (folder / "templates").mkdir()
    (folder / "templates" / "notes.html").write_text("<p>ours</p>\n", "utf-8")
    return folder


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _refused(
    command: str, args: list[str], folder: Path, capsys: pytest.CaptureFixture[str], named: str
) -> str:
    before = _snapshot(folder)
    status = COMMANDS[command](args)
    err = capsys.readouterr().err
    assert status == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{command}: error: "), err
    assert named in lines[0] and "an input of this build" in lines[0]
    assert "Traceback" not in err
    assert _snapshot(folder) == before  # every input untouched, and no temporary file
    return lines[0]


def _link(kind: str, source: Path, link: Path) -> Path:
    if kind == "symlink":
        link.symlink_to(source)
    elif kind == "hardlink":
        os.link(source, link)
    else:
        return source
    return link


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("kind", ["same path", "symlink", "hardlink"])
def test_an_article_is_never_the_output(
    tmp_path: Path, edition: Path, command: str, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _link(kind, edition / "a.md", tmp_path / "out.html")
    line = _refused(command, [str(edition / "a.md"), "-o", str(out)], edition, capsys, str(out))
    assert "the article" in line
    assert out.read_bytes() == ARTICLE.encode()


def test_the_same_file_spelled_differently(
    edition: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(edition)
    _refused("make-html", ["a.md", "-o", "./styles/../a.md"], edition, capsys, "a.md")


def test_an_article_read_through_a_symlink(
    tmp_path: Path, edition: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = tmp_path / "link.md"
    link.symlink_to(edition / "a.md")
    _refused("make-epub", [str(link), "-o", str(edition / "a.md")], edition, capsys, "a.md")


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("edition.toml", "the manifest"),
        ("cover.png", "the cover image"),
        ("b.txt", "the article"),
        ("styles/mine/css/print.css", "a file of the style 'mine'"),
        ("templates/notes.html", "a template of the edition"),
    ],
)
def test_no_input_of_an_edition_is_the_output(
    edition: Path, command: str, name: str, what: str, capsys: pytest.CaptureFixture[str]
) -> None:
    line = _refused(command, [str(edition), "-o", str(edition / name)], edition, capsys, name)
    assert what in line


def test_a_file_of_a_built_in_style(
    tmp_path: Path, edition: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from editions.styles import builtin_styles_dir

    css = builtin_styles_dir() / "default" / "css" / "common.css"
    out = _link("symlink", css, tmp_path / "out.html")
    before = css.read_bytes()
    line = _refused("make-html", [str(edition / "a.md"), "-o", str(out)], edition, capsys, "out.html")
    assert "a file of the style 'default'" in line and str(css) in line
    assert css.read_bytes() == before


def test_make_pdf_keep_html_and_imposed_outputs(
    tmp_path: Path, edition: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the print HTML kept beside the PDF would be b.txt's hard link
    _link("hardlink", edition / "b.txt", tmp_path / "book.print.html")
    line = _refused(
        "make-pdf",
        [str(edition), "-o", str(tmp_path / "book.pdf"), "--keep-html"],
        edition,
        capsys,
        "book.print",
    )
    assert "the article" in line
    # the booklet's printing note would be an article
    (edition / "book-booklet.txt").write_text(TEXT.format("A third"), encoding="utf-8")
    manifest = edition / "edition.toml"
    manifest.write_text(manifest.read_text().replace('"b.txt"]', '"b.txt", "book-booklet.txt"]'), "utf-8")
    _refused(
        "make-pdf",
        [str(edition), "-o", str(edition / "book.pdf"), "--impose", "booklet"],
        edition,
        capsys,
        "book-booklet.txt",
    )
    assert not (edition / "book.pdf").exists()


def test_impose_never_replaces_the_reading_pdf(tmp_path: Path) -> None:
    from editions import impose
    from editions.errors import EditionsError

    reading = tmp_path / "r.pdf"
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(420, 595)
    writer.write(reading)
    before = reading.read_bytes()
    os.link(reading, tmp_path / "hard.pdf")
    with pytest.raises(EditionsError, match="would overwrite the reading PDF"):
        impose(reading, tmp_path / "hard.pdf")
    assert reading.read_bytes() == before


def test_import_never_replaces_its_sources(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.md").write_text(ARTICLE, encoding="utf-8")
    before = _snapshot(folder)
    status = editions_main(["import", str(folder / "a.md"), "-o", str(folder), "--overwrite"])
    err = capsys.readouterr().err
    assert status == 2, err
    assert err.strip() == (
        f"editions import: error: {folder / 'a.md'}: the output would replace the source, an input of this "
        "build: choose another output file"
    )
    assert _snapshot(folder) == before


def test_other_outputs_are_written(tmp_path: Path, edition: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.html"
    out.write_text("the previous output", encoding="utf-8")
    assert make_html_main([str(edition), "-o", str(out), "-q"]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
