"""Attribution is never lost in silence: missing and guessed sources at every build.

An article with neither publication nor URL is warned about by name at every build, keeps a
source line, and is listed on the Sources page of the HTML, the PDF and the EPUB as "source not
recorded"; ``--require-sources`` (or ``require_sources = true`` in ``edition.toml``) stops the build
instead. Title and source fields a reader only guessed get one warning line per article.
The commands run in-process, as in ``test_cli.py``.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import lxml.etree as etree
import lxml.html
import pytest

import editions
from editions import Article, Edition, EditionsError, Evidence, Source, build_edition
from editions.attribution import attribution_warnings, check_attribution, guessed_warning
from editions.cli import make_epub_main, make_html_main, make_pdf_main

SMALL = Path(__file__).parent / "data" / "small"
XHTML = {"x": "http://www.w3.org/1999/xhtml"}
COMMANDS: dict[str, tuple[Callable[[Sequence[str] | None], int], str]] = {
    "make-html": (make_html_main, ".html"),
    "make-pdf": (make_pdf_main, ".pdf"),
    "make-epub": (make_epub_main, ".epub"),
}
UNSOURCED = """---
title: The Night the Lights Went Out at the Depot
author: Ana Ruiz
date: 2023-01-09
---
The drivers had warned for months that the lighting in the yard was a danger.

Nobody listened until the night it failed and a van backed into a loading bay.
"""
SOURCED = """---
title: A Raise After Nine Days
author: Bo Chen
date: 2023-02-01
publication: The Organiser
url: https://example.org/raise
---
After nine days on the picket line, the warehouse workers won their raise.
"""


def _edition_folder(root: Path, manifest: str | None = None) -> Path:
    """Two articles: ``unsourced.md`` (author and date, no publication or URL) and ``sourced.md``."""
    folder = root / "articles"
    folder.mkdir()
    (folder / "unsourced.md").write_text(UNSOURCED, encoding="utf-8")
    (folder / "sourced.md").write_text(SOURCED, encoding="utf-8")
    if manifest is not None:
        (folder / "edition.toml").write_text(manifest, encoding="utf-8")
    return folder


def _warnings(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("warning: ")]


def _sources_text(out: Path) -> str:
    """The Sources page's text, whitespace normalised, as a reader of each output sees it."""
    if out.suffix == ".html":
        root = lxml.html.parse(str(out)).getroot()
        (section,) = root.xpath("//section[@class='sources']")
        text = section.text_content()
    elif out.suffix == ".pdf":
        pages = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, text=True, check=True
        ).stdout.split("\f")
        (text,) = [page for page in pages if page.lstrip().upper().startswith("SOURCES")]
    else:
        with zipfile.ZipFile(out) as book:
            root = etree.fromstring(book.read("EPUB/text/sources.xhtml"))
        text = "".join(root.find("x:body", XHTML).itertext())
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------------
# An article without a source, at every build


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_unsourced_article_is_warned_about_and_listed_on_the_sources_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    if command == "make-pdf" and shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    main, suffix = COMMANDS[command]
    folder = _edition_folder(tmp_path)
    out = tmp_path / f"edition{suffix}"
    assert main([str(folder), "-o", str(out)]) == 0
    assert _warnings(capsys.readouterr().err) == [
        f"warning: {folder / 'unsourced.md'}: no source recorded (no publication or URL); "
        'listed as "source not recorded"'
    ]
    text = _sources_text(out)
    # Title, author and date as far as known, and the words; the sourced article as before.
    assert (
        "The Night the Lights Went Out at the Depot Ana Ruiz. January 9, 2023. Source not recorded." in text
    )
    assert "Bo Chen. The Organiser, February 1, 2023." in text
    assert text.count("not recorded") == 1


def test_unsourced_article_keeps_a_source_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _edition_folder(tmp_path)
    out = tmp_path / "edition.html"
    assert make_html_main([str(folder), "-o", str(out), "-q"]) == 0
    assert len(_warnings(capsys.readouterr().err)) == 1  # -q hides the files written, not warnings
    root = lxml.html.parse(str(out)).getroot()
    article = "//article[@id='the-night-the-lights-went-out-at-the-depot']"
    footer = root.xpath(f"{article}//footer[@class='source']")
    assert [" ".join(f.text_content().split()) for f in footer] == [
        "Published January 9, 2023. Source not recorded."
    ]


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "Source not recorded."), ("fr", "Source non indiquée."), ("de", "Quelle nicht angegeben.")],
)
def test_source_not_recorded_is_translated(lang: str, words: str) -> None:
    bare = Article(title="Bare", body_html="<p>Nothing is known about where this came from.</p>", lang=lang)
    html = editions.render_html(build_edition([bare], {"title": "Bare", "lang": lang}))
    root = lxml.html.fromstring(html)
    assert [" ".join(e.text_content().split()) for e in root.xpath("//li[@class='source-entry']")] == [
        f"Bare {words}"
    ]


def test_an_attributed_edition_prints_no_such_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert make_html_main([str(SMALL), "-o", str(tmp_path / "o.html")]) == 0
    assert _warnings(capsys.readouterr().err) == []


# ---------------------------------------------------------------------------------------------
# Requiring sources


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_require_sources_exits_2_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    main, suffix = COMMANDS[command]
    folder = _edition_folder(tmp_path)
    out = tmp_path / f"edition{suffix}"
    assert main([str(folder), "-o", str(out), "--require-sources"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(
        f"{command}: error: {folder / 'unsourced.md'}: no source recorded (no publication or URL), "
        "and --require-sources asks for one"
    )
    assert not out.exists()


def test_require_sources_in_the_manifest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _edition_folder(tmp_path, 'title = "Depot"\nrequire_sources = true\n')
    out = tmp_path / "edition.html"
    assert make_html_main([str(folder), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"make-html: error: {folder / 'unsourced.md'}: no source recorded" in err
    assert "require_sources = true in edition.toml" in err
    assert not out.exists()
    # An option given on the command line wins, as for every setting of the manifest.
    assert make_html_main([str(folder), "-o", str(out), "--no-require-sources"]) == 0
    assert len(_warnings(capsys.readouterr().err)) == 1


def test_require_sources_with_a_wrong_type_is_an_error_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _edition_folder(tmp_path, 'title = "Depot"\nrequire_sources = "yes"\n')
    assert make_html_main([str(folder), "-o", str(tmp_path / "o.html")]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"make-html: error: {folder / 'edition.toml'}:2: 'require_sources' must be true or false, not 'yes'\n"
    )


def test_require_sources_names_the_other_unsourced_articles() -> None:
    bare = [Article(title=f"Bare {n}", body_html="<p>Text.</p>", path=Path(f"a/{n}.md")) for n in range(6)]
    with pytest.raises(EditionsError) as info:
        check_attribution(build_edition(bare), require_sources=True)
    assert str(info.value) == (
        "a/0.md: no source recorded (no publication or URL), and --require-sources asks for one: set "
        "'publication' or 'url' in its front matter (see \"editions import\") (also without a source: "
        "a/1.md, a/2.md, a/3.md, 2 more)"
    )


def test_require_sources_passes_when_every_source_is_recorded(caplog: pytest.LogCaptureFixture) -> None:
    articles = [
        Article(title="By name", body_html="<p>x</p>", source=Source(publication="The Spark")),
        Article(title="By link", body_html="<p>x</p>", source=Source(url="https://example.org/a")),
    ]
    check_attribution(build_edition(articles), require_sources=True)
    assert caplog.records == []


# ---------------------------------------------------------------------------------------------
# Guessed title and source


def _guessed(path: str = "articles/x.txt", *evidence: Evidence) -> Article:
    return Article(
        title="A Kicker Taken for a Title",
        body_html="<p>Text.</p>",
        source=Source(publication="The Spark", date=dt.date(2023, 1, 9)),
        path=Path(path),
        evidence=evidence,
    )


def test_guessed_warning_names_file_fields_and_lines() -> None:
    article = _guessed(
        "articles/x.txt",
        Evidence("publication", 1, False, "the first line of the masthead"),
        Evidence("date", 5, True, "a dateline under the title"),
        Evidence("title", 3, False, "the block above the byline"),
        Evidence("subtitle", 4, False, "one sentence under the title"),
    )
    assert guessed_warning(article) == (
        "articles/x.txt: guessed title (line 3), publication (line 1); check them or set them in front "
        'matter (see "editions import")'
    )


def test_guessed_warning_for_one_field_without_a_line() -> None:
    article = _guessed("x.txt", Evidence("title", None, False, "the file name"))
    assert guessed_warning(article) == (
        'x.txt: guessed title; check it or set it in front matter (see "editions import")'
    )


def test_sure_fields_are_not_warned_about() -> None:
    article = _guessed(
        "x.txt", Evidence("title", 2, True, "a heading"), Evidence("lang", None, False, "text")
    )
    assert guessed_warning(article) is None
    assert attribution_warnings(Edition(title="E", articles=(article,))) == []


def test_one_line_per_article_in_order() -> None:
    first = _guessed("a.txt", Evidence("authors", 4, False, "a name under the title"))
    second = Article(title="Bare", body_html="<p>x</p>", path=Path("b.md"))
    third = _guessed("c.txt", Evidence("url", 30, False, "a pasted URL"), Evidence("date", 2, False, "x"))
    warnings = attribution_warnings(Edition(title="E", articles=(first, second, third)))
    assert [w.split(":")[0] for w in warnings] == ["a.txt", "b.md", "c.txt"]
    assert warnings[2].startswith("c.txt: guessed url (line 30), date (line 2);")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_build_warns_once_per_guessed_article(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """A reader's low-confidence fields (here added to a Markdown article) reach every command."""
    from editions import edition as loading

    read = loading.read_article

    def guessing_reader(path: Path, **options: object) -> Article:
        article = read(path, **options)  # type: ignore[arg-type]
        return article.replace(
            evidence=(
                Evidence("title", 3, False, "the block above the byline"),
                Evidence("publication", 1, False, "the first line of the masthead"),
            )
        )

    monkeypatch.setattr(loading, "read_article", guessing_reader)
    main, suffix = COMMANDS[command]
    article = tmp_path / "sourced.md"
    article.write_text(SOURCED, encoding="utf-8")
    assert main([str(article), "-o", str(tmp_path / f"out{suffix}"), "-q"]) == 0
    assert _warnings(capsys.readouterr().err) == [
        f"warning: {article}: guessed title (line 3), publication (line 1); check them or set them in "
        'front matter (see "editions import")'
    ]
