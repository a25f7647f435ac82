"""``import_articles``: any input written as Markdown with front matter, read back to the same article."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import shutil
from pathlib import Path

import lxml.html
import pytest
import yaml

from editions import Article, EditionsError, read_article
from editions.importer import import_articles
from editions.readers import markdown as markdown_reader
from editions.sanitize import clean_html
from editions.tomarkdown import html_to_markdown

DATA = Path(__file__).parent / "data"
WEB = DATA / "web"

RICH_MARKDOWN = """\
---
title: "Rich: a test"
subtitle: All the pieces
author: [Ana Ruiz, John Smith]
date: 2022-05-01
publication: The Spark
url: https://example.org/rich
lang: en
rights: CC BY-SA 4.0
tags: [labour, history]
note: Abridged.
---

Intro with *emphasis*, **strength**, `code`, a [link](https://example.org/a "Title") and a note.[^1]

## A section

- one
- two
  - nested *item*

3. three
4. four

> Quoted text
> over two lines.
>
> > Nested quote.

### Sub-section

| Left | Right |
| --- | --- |
| a | *b* |

Literal characters: 5 * 3, snake_case, [brackets], <not a tag>, 1. not a list, # not a heading, a\\
hard break, and ~~struck~~ text.

* * *

```
code block with ``` inside
```

Second note.[^2]

[^1]: The first note, with *emphasis*.
[^2]: The second note.

    Its second paragraph.
"""


def fields(article: Article) -> tuple[object, ...]:
    return (
        article.title, article.subtitle, article.authors, article.date, article.source.publication,
        article.source.url, article.source.rights, article.source.note, article.lang, article.tags,
    )  # fmt: skip


def front_of(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n")[1])


def test_markdown_round_trips(tmp_path: Path) -> None:
    source = tmp_path / "src" / "rich.md"
    source.parent.mkdir()
    source.write_text(RICH_MARKDOWN, encoding="utf-8")
    [written] = import_articles([source], tmp_path / "out")
    assert written == tmp_path / "out" / "rich.md"
    original, imported = read_article(source), read_article(written)
    assert fields(imported) == fields(original)
    assert _normalise(imported.body_html) == _normalise(original.body_html)
    assert [_normalise(n) for n in imported.footnotes] == [_normalise(n) for n in original.footnotes]


@pytest.mark.parametrize("name", ["wordpress.html", "og-only.html", "byline-only.html", "french.html"])
def test_web_pages_round_trip(tmp_path: Path, name: str) -> None:
    [written] = import_articles([WEB / name], tmp_path)
    original, imported = read_article(WEB / name), read_article(written)
    assert fields(imported) == fields(original)
    assert _normalise(imported.body_html) == _normalise(original.body_html)


def test_front_matter_shows_what_was_detected(tmp_path: Path) -> None:
    [written] = import_articles([WEB / "wordpress.html"], tmp_path)
    assert front_of(written) == {
        "title": "Why the night shift walked out",
        "author": ["Maria Okafor", "Tom Reyes"],
        "date": dt.date(2024, 3, 2),
        "publication": "The Workers' Dispatch",
        "url": "https://dispatch.example.org/2024/03/why-the-night-shift-walked-out/",
        "lang": "en-GB",
    }
    text = written.read_text(encoding="utf-8")
    assert "\u00a0" not in text and "’" not in text  # written before typography: easy to edit


TEXT_ARTICLE = """\
The Spark
Home | News | About

Tenants win a rent freeze

By Ana Ruiz
January 9, 2023

After months of organising, the tenants of Carlton House have won a rent freeze for the coming year,
and the landlord has agreed to carry out the repairs they asked for.

The association will meet again next month to plan its next steps.

Join our Telegram channel
"""


def test_text_import_shows_the_detection(tmp_path: Path) -> None:
    source = tmp_path / "01-freeze.txt"
    source.write_text(TEXT_ARTICLE, encoding="utf-8")
    [written] = import_articles([source], tmp_path / "edition")
    assert written.name == "01-freeze.md"
    front = front_of(written)
    original = read_article(source)
    assert front["title"] == original.title
    assert front.get("author") == (original.authors[0] if original.authors else None)
    assert front.get("date") == original.date
    assert front.get("publication") == original.source.publication
    assert front["lang"] == "en"
    assert front.get("promos") == (list(original.promos) or None)
    imported = read_article(written)
    assert fields(imported) == fields(original)
    assert _normalise(imported.body_html) == _normalise(original.body_html)


def test_docx_import(tmp_path: Path) -> None:
    docx_tests = pytest.importorskip("test_reader_docx")
    source = docx_tests.full_document(tmp_path / "eight-hours.docx")
    [written] = import_articles([source], tmp_path / "out")
    original, imported = read_article(source), read_article(written)
    assert fields(imported) == fields(original)
    assert _normalise(imported.body_html) == _normalise(original.body_html)
    assert [_normalise(n) for n in imported.footnotes] == [_normalise(n) for n in original.footnotes]
    assert "[^1]: See the history" in written.read_text(encoding="utf-8")


def test_existing_files_are_not_overwritten(tmp_path: Path) -> None:
    source = tmp_path / "a.md"
    source.write_text("# First\n\nText.\n", encoding="utf-8")
    out = tmp_path / "out"
    [written] = import_articles([source], out)
    written.write_text("edited by hand", encoding="utf-8")
    with pytest.raises(EditionsError, match="already exists") as info:
        import_articles([source], out)
    assert str(written) in str(info.value)
    assert written.read_text(encoding="utf-8") == "edited by hand"
    import_articles([source], out, overwrite=True)
    assert "title: First" in written.read_text(encoding="utf-8")


def test_names_are_unique_and_nothing_is_written_when_a_source_fails(tmp_path: Path) -> None:
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "same.md").write_text(f"# From {folder}\n\nText.\n", encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(EditionsError, match="no such file"):
        import_articles([tmp_path / "x" / "same.md", tmp_path / "missing.txt"], out)
    assert not out.exists() or not any(out.iterdir())
    written = import_articles([tmp_path / "x" / "same.md", tmp_path / "y" / "same.md"], out)
    assert [p.name for p in written] == ["same.md", "same-2.md"]


def test_folders_are_expanded_in_name_order(tmp_path: Path) -> None:
    shutil.copy(WEB / "og-only.html", tmp_path / "02-b.html")
    (tmp_path / "01-a.md").write_text("# A\n\nText.\n", encoding="utf-8")
    (tmp_path / "notes.csv").write_text("ignored", encoding="utf-8")
    written = import_articles([tmp_path], tmp_path / "out")
    assert [p.name for p in written] == ["01-a.md", "02-b.md"]


def test_urls_offline_are_refused(tmp_path: Path) -> None:
    with pytest.raises(EditionsError, match="offline") as info:
        import_articles(["https://example.org/a"], tmp_path, offline=True)
    assert "https://example.org/a" in str(info.value)


def test_url_import_is_named_after_the_title(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from editions.readers import url as url_reader
    from editions.readers.webpage import read_page

    def fake_fetch_draft(url: str, *, offline: bool = False, timeout: float | None = None):  # type: ignore[no-untyped-def]
        return read_page((WEB / "og-only.html").read_bytes(), source=url, page_url=url)

    monkeypatch.setattr(url_reader, "fetch_draft", fake_fetch_draft)
    [written] = import_articles(["https://housingnotes.example.net/x"], tmp_path)
    assert written.name == "tenants-organise-against-the-rent-rise.md"
    assert front_of(written)["url"] == "https://housingnotes.example.net/tenants-organise"


def _png(colour: str = "red") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "PNG")
    return out.getvalue()


def test_images_beside_a_saved_page_are_copied_into_the_edition(tmp_path: Path) -> None:
    from editions import load_edition, make_html

    site = tmp_path / "Downloads"
    (site / "page_files").mkdir(parents=True)
    (site / "page_files" / "Strike Photo.png").write_bytes(_png())
    (site / "page.html").write_text(
        "<html><head><title>Pickets at dawn</title></head><body><article><h1>Pickets at dawn</h1>"
        + "<p>The picket started at five in the morning and the night shift joined it. " * 8
        + '</p><figure><img src="page_files/Strike%20Photo.png" alt="The picket line"></figure>'
        + "<p>By noon the depot was closed and the managers had gone home. " * 8
        + "</p></article></body></html>",
        encoding="utf-8",
    )
    edition = tmp_path / "edition"
    [written] = import_articles([site / "page.html"], edition)
    [name] = re.findall(r'src="(images/[^"]+)" alt="The picket line"', written.read_text(encoding="utf-8"))
    assert re.fullmatch(r"images/strike-photo-[0-9a-f]{10}\.png", name)
    assert (edition / name).read_bytes() == _png()
    html = make_html(load_edition([edition]), tmp_path / "out.html").read_text(encoding="utf-8")
    assert 'alt="The picket line"' in html and "data:image/png;base64," in html


def test_data_images_become_files_and_the_same_image_is_written_once(tmp_path: Path) -> None:
    uri = "data:image/png;base64," + base64.b64encode(_png("blue")).decode()
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_text(f"# {name}\n\nText.\n\n![Blue]({uri})\n", encoding="utf-8")
    written = import_articles([tmp_path / "a.md", tmp_path / "b.md"], tmp_path / "edition")
    links = {re.search(r"\]\((images/[^)]+)\)", p.read_text(encoding="utf-8")).group(1) for p in written}
    assert len(links) == 1 and list((tmp_path / "edition" / "images").iterdir()) == [
        tmp_path / "edition" / links.pop()
    ]


def test_images_that_break_the_rules_are_not_copied(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "secret.png").write_bytes(_png())
    site = tmp_path / "site"
    site.mkdir()
    (site / "notes.png").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    source = site / "page.md"
    source.write_text(
        "# Pics\n\n![Outside](../secret.png) ![Not an image](notes.png) ![Missing](img/a.png)\n",
        encoding="utf-8",
    )
    [written] = import_articles([source], tmp_path / "edition")
    text = written.read_text(encoding="utf-8")
    assert "![Missing](../site/img/a.png)" in text  # a build names it too
    assert "![Outside](../secret.png)" in text and "![Not an image](../site/notes.png)" in text
    assert not (tmp_path / "edition" / "images").exists()
    warned = " ".join(r.getMessage() for r in caplog.records)
    assert "outside the edition's folder" in warned and "not a PNG, JPEG, GIF or WebP" in warned
    assert "not found" in warned


def test_manifest_is_not_a_source(tmp_path: Path) -> None:
    (tmp_path / "edition.toml").write_text('title = "x"\n', encoding="utf-8")
    with pytest.raises(EditionsError, match="not a manifest"):
        import_articles([tmp_path / "edition.toml"], tmp_path / "out")


# --- HTML to Markdown --------------------------------------------------------------------------

ROUND_TRIPS = [
    '<p>Hi <em>w</em>, <strong>b</strong>, <a href="https://e.org/a(b)" title="T &quot;q&quot;">x</a>.</p>',
    "<p>1. Not a list</p><p># not heading</p><p>- not bullet</p><p>&gt; not quote</p><p>+ plus</p>",
    "<p>&lt;b&gt;not a tag&lt;/b&gt; &amp;amp; a &lt; b, c*d, e_f_, _g, [h](i), `j`, ~~k~~, \\ l</p>",
    "<p>x<em>“quoted”</em>y and <strong>bold.</strong>then <em>a</em><strong>b</strong> <em> sp </em>.</p>",
    '<ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul><ol start="3"><li>three</li><li>four</li></ol>',
    "<ul><li><p>para one</p><p>para two</p></li><li><p>second</p></li></ul>",
    "<blockquote><p>q1</p><ul><li>a</li></ul><blockquote><p>nested</p></blockquote></blockquote>",
    "<pre><code>code ``` here\n  indented\n</code></pre><p>a<br>b</p>",
    "<table><thead><tr><th>A</th><th>B|C</th></tr></thead><tbody><tr><td>1</td><td><em>2</em></td></tr></tbody></table>",
    '<table><tbody><tr><td colspan="2">merged</td></tr><tr><td>1</td><td>2</td></tr></tbody></table>',
    '<figure><img src="a.jpg" alt="An [image]"><figcaption>Cap <em>tion</em></figcaption></figure>',
    '<p><sup>sup</sup> <sub>sub</sub> <abbr title="North">N</abbr> <q>q</q> <code>a`b</code></p>',
    '<p><img src="x.png" alt="x"> <img src="a b.png" alt="[y]" title="T"></p>',
    "<h2>Head *star*</h2><h3>Sub</h3><hr><p>after</p>",
    "<p>====</p><p>---</p><p>2024. A year</p>",
]


def _normalise(html: str) -> str:
    """HTML without the whitespace between tags, which no output shows."""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    text = lxml.html.tostring(root, encoding="unicode")
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", re.sub(r"\s+", " ", text))


@pytest.mark.parametrize("html", ROUND_TRIPS)
def test_html_to_markdown_round_trips(html: str) -> None:
    html = clean_html(html)
    markdown = html_to_markdown(html)
    back = clean_html(markdown_reader.read(markdown, Path("x.md")).body_html)
    assert _normalise(back.replace("<s>", "<del>").replace("</s>", "</del>")) == _normalise(html), markdown


def test_deep_nesting_is_bounded() -> None:
    html = "<blockquote>" * 300 + "<p>deep</p>" + "</blockquote>" * 300
    markdown = html_to_markdown(clean_html(html))
    assert "deep" in markdown


def test_an_unsure_language_is_left_out(tmp_path: Path) -> None:
    source = tmp_path / "short.md"
    source.write_text("# Short\n\nOk.\n", encoding="utf-8")
    [written] = import_articles([source], tmp_path / "out")
    assert "lang" not in front_of(written)
    [written] = import_articles([source], tmp_path / "out2", lang="fr")
    assert front_of(written)["lang"] == "fr"


def test_import_marks_guessed_fields_and_lists_what_it_left_out(tmp_path: Path) -> None:
    source = tmp_path / "appeal.txt"
    source.write_text(
        "Keep The Depot Gazette independent: give The Depot Gazette a gift today!\n\n"
        "Depot drivers stop work\n\n"
        "Drivers at the northern depot stopped work at dawn on Monday, saying the new rosters leave them "
        "with less than nine hours between shifts.\n\n"
        "The company has not replied to the letter The Depot Gazette published last week.\n\n"
        "Share this:\nFacebook | Twitter | Email\n",
        encoding="utf-8",
    )
    [written] = import_articles([source], tmp_path / "out")
    text = written.read_text(encoding="utf-8")
    front = text.split("---")[1]
    assert re.search(r"^title: Depot drivers stop work  # guessed \(line 3: .+\); check it$", front, re.M)
    assert re.search(r"^publication: The Depot Gazette  # guessed \(line 1: .+\); check it$", front, re.M)
    assert "#   lines 9-10: Share this: / Facebook | Twitter | Email" in front
    # the comments are YAML comments: reading the file back gives the same fields
    article = read_article(written)
    assert article.title == "Depot drivers stop work" and article.source.publication == "The Depot Gazette"
