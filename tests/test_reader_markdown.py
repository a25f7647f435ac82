"""The Markdown reader: front matter, CommonMark body, footnotes, headings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from editions import EditionsError, read_article


def write(tmp_path: Path, text: str, name: str = "a.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_front_matter_fields(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "---\ntitle: The Title\nsubtitle: A subtitle\nauthor: [Ana Ruiz, John Smith]\ndate: 2023-01-09\n"
        "lang: en\npublication: The Spark\nurl: https://example.org/x\nrights: CC BY\nnote: Abridged.\n"
        "tags: [war, peace]\n---\nBody text.\n",
    )
    article = read_article(path)
    assert article.title == "The Title"
    assert article.subtitle == "A subtitle"
    assert article.authors == ("Ana Ruiz", "John Smith")
    assert article.date == dt.date(2023, 1, 9)
    assert article.source.publication == "The Spark"
    assert article.source.url == "https://example.org/x"
    assert article.source.rights == "CC BY"
    assert article.source.note == "Abridged."
    assert article.tags == ("war", "peace")
    assert article.lang == "en"
    assert "<p>Body text.</p>" in article.body_html


def test_author_as_string_and_quoted_date(tmp_path: Path) -> None:
    article = read_article(
        write(tmp_path, "---\ntitle: T\nauthor: Ana Ruiz\ndate: '2023-01-09'\n---\nText.\n")
    )
    assert article.authors == ("Ana Ruiz",)
    assert article.date == dt.date(2023, 1, 9)


def test_leading_h1_becomes_title_and_sections_are_h2(tmp_path: Path) -> None:
    article = read_article(write(tmp_path, "# The Title\n\nIntro.\n\n## Section\n\nText.\n"))
    assert article.title == "The Title"
    assert "<h1" not in article.body_html
    assert "<h2>Section</h2>" in article.body_html


def test_h1_sections_are_shifted_below_the_title(tmp_path: Path) -> None:
    article = read_article(write(tmp_path, "---\ntitle: T\n---\n# One\n\ntext\n\n## Sub\n\nmore\n"))
    assert "<h2>One</h2>" in article.body_html
    assert "<h3>Sub</h3>" in article.body_html


def test_footnotes_tables_lists_quotes_images(tmp_path: Path) -> None:
    text = (
        "---\ntitle: T\n---\nA claim[^a] and another[^b] and again[^a].\n\n"
        "| x | y |\n|---|---|\n| 1 | 2 |\n\n- one\n- two\n\n1. first\n2. second\n\n> quoted\n\n"
        "![A picture](picture.png)\n\n[^a]: First *note*.\n[^b]: Second note.\n"
    )
    article = read_article(write(tmp_path, text))
    body = article.body_html
    assert body.count('<sup class="fn" data-fn="1">1</sup>') == 2
    assert '<sup class="fn" data-fn="2">2</sup>' in body
    assert len(article.footnotes) == 2
    assert "<em>note</em>" in article.footnotes[0]
    assert "<table>" in body and "<td>1</td>" in body
    assert "<ul>" in body and "<ol>" in body
    assert "<blockquote>" in body
    assert '<img src="picture.png" alt="A picture">' in body


def test_raw_html_is_sanitised(tmp_path: Path) -> None:
    text = (
        "---\ntitle: T\n---\n"
        'Hi <script>alert(1)</script><img src=x onerror="alert(2)"> <a href="javascript:x">l</a>\n'
    )
    body = read_article(write(tmp_path, text)).body_html
    assert "script" not in body and "onerror" not in body and "javascript" not in body


def test_template_syntax_is_kept_as_text(tmp_path: Path) -> None:
    article = read_article(write(tmp_path, "---\ntitle: '{{ 7 * 7 }}'\n---\n{% raw %} {{ 7 * 7 }}\n"))
    assert article.title == "{{ 7 * 7 }}"
    assert "{{ 7 * 7 }}" in article.body_html


def test_language_is_detected_without_lang(tmp_path: Path) -> None:
    text = (
        "---\ntitle: Grève\n---\n"
        "Les travailleurs de l'usine ont décidé de poursuivre la grève jusqu'à la victoire.\n"
    )
    assert read_article(write(tmp_path, text)).lang == "fr"


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("---\ntitle: [unclosed\n---\nx\n", "broken front matter", 2),
        ("---\n- a list\n---\nx\n", "front matter must be a mapping", 2),
        ("---\ntitle: T\ndate: 2023-02-30\n---\nx\n", "impossible date", None),
        ("---\ntitle: T\ndate: next tuesday\n---\nx\n", "YYYY-MM-DD", None),
        ("---\ntitle: {a: 1}\n---\nx\n", "must be text", None),
        ("---\ntitle: T\nlang: 'english please'\n---\nx\n", "language tag", None),
    ],
)
def test_bad_front_matter(tmp_path: Path, text: str, message: str, line: int | None) -> None:
    path = write(tmp_path, text)
    with pytest.raises(EditionsError) as info:
        read_article(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)
    assert info.value.line == line


def test_missing_empty_and_unknown_files(tmp_path: Path) -> None:
    with pytest.raises(EditionsError, match="no such file"):
        read_article(tmp_path / "missing.md")
    with pytest.raises(EditionsError, match="empty"):
        read_article(write(tmp_path, "  \n", "empty.md"))
    with pytest.raises(EditionsError, match="unknown article format"):
        read_article(write(tmp_path, "x", "a.pages"))
