"""The skeletons of a build in parts (:mod:`editions.pdf.book`): what they keep of the style and of the
sections' headers, and that what they leave out changes nothing WeasyPrint draws.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from editions.pdf import book as book_module
from editions.pdf.book import Part, skeleton_html, split_book
from editions.pdf.stylescan import furniture_selectors, pruned_css
from test_pdf import EPOCH, write_long_edition

ELEMENTS = {
    ("html", frozenset(), ""),
    ("body", frozenset({"edition"}), ""),
    ("article", frozenset({"article"}), "first"),
    ("h1", frozenset({"article-title"}), ""),
}


def test_rules_no_element_may_match_are_left_out_and_the_others_kept_as_they_were() -> None:
    css = (
        "/* a { brace } in a comment */\n"
        "@font-face { font-family: X; src: url(x.ttf); }\n"
        "@page :left { @top-center { content: string(title); } }\n"
        "@media print { .nowhere { color: red; } }\n"
        ":root { --x: 1; }\n"
        ".article-body p + p { text-indent: 1em; }\n"
        "h1.article-title::after { content: '}'; }\n"
        ".edition .article > h1:not(.other) { margin: 0; }\n"
        "#first, .nowhere { color: blue; }\n"
        "#second { color: green; }\n"
        ":is(h2, h3) { color: red; }\n"
        "p[title='{'] { color: red; }\n"
        "table td { color: red; }\n"
    )
    pruned = pruned_css(css, ELEMENTS)
    kept = [line for line in css.splitlines(keepends=True) if line in pruned]
    assert pruned == "".join(kept)
    assert [line.split("{")[0].strip() for line in kept] == [
        "/* a",
        "@font-face",
        "@page :left",
        "@media print",
        ":root",
        "h1.article-title::after",
        ".edition .article > h1:not(.other)",
        "#first, .nowhere",
        ":is(h2, h3)",  # any element may be one of those (not read): kept
    ]
    # What this reading does not follow is kept whole.
    for odd in (".a { color: red; ", ".a\\{ { color: red; }", ".a { color: red; }}"):
        assert pruned_css(odd, ELEMENTS) == odd


def test_the_rules_that_may_set_the_furniture() -> None:
    css = (
        ".article-title { string-set: chapter content(text); font-size: 2em; }\n"
        ".standfirst { font-style: italic; break-after: avoid; }\n"
        ".byline span { counter-increment: author; }\n"
        "section.back { page: back; }\n"
        ".note { float: footnote; }\n"
        ".aside { float: left; }\n"
        ".imprint { position: running(imprint); }\n"
    )
    subjects = furniture_selectors(css)
    assert subjects == [
        (("", frozenset({"article-title"}), frozenset()), True),
        (("span", frozenset(), frozenset()), False),
        (("section", frozenset({"back"}), frozenset()), False),
        (("", frozenset({"note"}), frozenset()), False),
        (("", frozenset({"imprint"}), frozenset()), True),
    ]
    # Strings that may depend on what comes before them, or rules this reading does not follow.
    for css in (
        "h1 { string-set: t counter(chapter) content(); }",
        "h1 { string-set: t content(before); }",
        "h1 { string-set: var(--t); }",
        "@media print { h1 { string-set: t content(); } }",
        "@import url(more.css);",
        "h1 { string-set: t content(); ",
        "header > p:last-child { string-set: t content(); }",
    ):
        assert furniture_selectors(css) is None, css


HTML = """<!DOCTYPE html><html lang="en"><head><style>
@page {{ size: 100mm 140mm; margin: 15mm; }}
@page :left {{ @top-center {{ content: string(chapter); }} @bottom-left {{ content: counter(page); }} }}
@page :right {{ @top-center {{ content: string(chapter); }} @bottom-right {{ content: counter(page); }} }}
.article {{ break-before: page; }}
.article-title {{ string-set: chapter content(text); }}
{extra}
.article-body p {{ text-indent: 1em; }}
</style></head><body><main>{articles}</main></body></html>"""
ARTICLE = (
    '<article class="article" id="a{n}"><header><h1 class="article-title">Title {n}</h1>'
    '<p class="standfirst">A standfirst that runs over two lines at least, {n}.</p>'
    '<p class="byline">By <span class="author">Ann Author</span></p></header>'
    '<div class="article-body"><p>Text.</p></div></article>'
)


def _skeleton(extra: str = "", **changes: object) -> str:
    html = HTML.format(extra=extra, articles="".join(ARTICLE.format(n=n) for n in range(1, 4)))
    book, reason = split_book(html, open_right=False)
    assert book is not None, reason
    book = dataclasses.replace(book, **changes)
    part = Part(book.articles, meta={"pages": [{}] * 6}, counts=[2, 1, 3], chunk_start=3, start=3)
    return skeleton_html(book, [part])


def test_a_skeleton_keeps_of_each_header_what_may_set_the_furniture() -> None:
    skeleton = _skeleton()
    assert skeleton.count('class="article-title"') == 3
    assert "standfirst" not in skeleton and "byline" not in skeleton
    assert ".article-body p" not in skeleton  # no element of a skeleton is in an article's body
    assert skeleton.count('<div class="editions-filler"></div>') == 1 + 0 + 2
    # A later child that sets a string keeps those before it; a header whose text is a string, all.
    skeleton = _skeleton(".byline { string-set: author content(text); }")
    assert skeleton.count('class="standfirst"') == 3 and skeleton.count('class="byline"') == 3
    skeleton = _skeleton("header { string-set: chapter content(text); }")
    assert skeleton.count('class="standfirst"') == 3
    # A style this reading does not follow: whole headers, as before.
    skeleton = _skeleton("h1 { string-set: chapter counter(page) content(); }")
    assert skeleton.count('class="standfirst"') == 3


def test_what_a_skeleton_leaves_out_changes_nothing_drawn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The skeletons of a real edition, as built and with the whole style and whole headers: the
    same PDF, byte for byte (WeasyPrint lays out and draws the same)."""
    import weasyprint

    from editions.edition import load_edition
    from editions.pdf import make_pdf, parts, weasyfix

    seen: list[str] = []
    original = parts.split_book

    def recording(html: str, **options: bool) -> object:
        seen.append(html)
        return original(html, **options)

    monkeypatch.setattr(parts, "split_book", recording)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    edition = write_long_edition(tmp_path / "e", 8, seed=5)
    make_pdf(load_edition([edition]), tmp_path / "book.pdf", cache=False)
    book, reason = split_book(seen[0], open_right=False)
    assert book is not None, reason
    assert book.skeleton_base is not None and book.furniture
    sections = book.articles[:3] + book.back
    part = Part(sections, meta={"pages": [{}] * 9}, counts=[2, 3, 1] + [1] * len(book.back), chunk_start=4)
    ours = skeleton_html(book, [part])
    whole = skeleton_html(dataclasses.replace(book, skeleton_base=None, furniture=None), [part])
    carriers = book_module._carriers(book.front, None)
    whole = whole.replace(book_module._carriers(book.front, book.furniture), carriers)
    assert len(ours) < 0.8 * len(whole)
    weasyfix.install()
    base = edition.resolve().as_uri() + "/"
    pdfs = [weasyprint.HTML(string=html, base_url=base).write_pdf() for html in (ours, whole)]
    assert pdfs[0] == pdfs[1]
