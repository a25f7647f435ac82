"""The HTML stage: markup contract, golden output, footnotes, escaping, styles."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jinja2
import lxml.html
import pytest

from editions import EditionsError, build_edition, load_edition, make_html, render_html
from editions.model import Article, Source

DATA = Path(__file__).parent / "data" / "small"


@pytest.fixture(scope="module")
def small_html() -> str:
    return render_html(load_edition([DATA]))


def test_golden_small_edition(small_html: str, golden) -> None:
    golden("html/small-edition.html", small_html)


def test_markup_contract(small_html: str) -> None:
    doc = lxml.html.document_fromstring(small_html)
    assert doc.get("lang") == "en"
    articles = doc.findall(".//article")
    assert len(articles) == 2
    assert articles[0].get("lang") is None
    assert articles[1].get("lang") == "fr"
    for article in articles:
        assert len(article.findall(".//h1")) == 1
        assert article.find_class("byline")
        assert article.find_class("source")
    assert [h.text_content() for h in articles[0].findall(".//h2")] == ["How they won"]
    times = doc.findall(".//article//time")
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", t.get("datetime")) for t in times)
    nav = doc.find(".//nav")
    assert nav is not None and len(nav.findall(".//li")) == 2
    source = articles[0].find_class("source")[0]
    assert "Originally published in The Organizer, February 12, 2024." in " ".join(
        source.text_content().split()
    )
    assert source.find(".//a").get("href") == "https://example.org/strike-wins"
    assert "Reprinted with permission." in source.text_content()


def test_css_is_inlined_and_nothing_is_fetched(small_html: str) -> None:
    assert "<style>" in small_html
    assert "<link" not in small_html and "<script" not in small_html


def test_footnotes_link_both_ways(small_html: str) -> None:
    doc = lxml.html.document_fromstring(small_html)
    ref = doc.get_element_by_id("strike-wins-a-raise-ref1")
    note = doc.get_element_by_id("strike-wins-a-raise-fn1")
    assert ref.find("a").get("href") == "#strike-wins-a-raise-fn1"
    assert "According to the union" in note.text_content()
    assert note.find(".//a[@role='doc-backlink']").get("href") == "#strike-wins-a-raise-ref1"


def test_dates_and_labels_follow_the_article_language(small_html: str) -> None:
    doc = lxml.html.document_fromstring(small_html)
    french = doc.findall(".//article")[1]
    assert "20 février 2024" in french.text_content()
    assert "Publié à l’origine dans" in french.text_content()


def test_one_article_has_no_contents() -> None:
    html = render_html(load_edition([DATA / "first.md"]))
    assert "<nav" not in html


def test_metadata_is_escaped_and_never_evaluated() -> None:
    article = Article(
        title="{{ 7 * 7 }} <b>bold</b>",
        body_html="<p>{% if true %}x{% endif %} {{ 7 * 7 }}</p>",
        source=Source(publication="<script>alert(1)</script>", authors=("{{ config }}",)),
        slug="x",
    )
    html = render_html(build_edition([article], {"title": "{{ 6 * 7 }}"}))
    assert "{{ 7 * 7 }} &lt;b&gt;bold&lt;/b&gt;" in html
    assert "{% if true %}x{% endif %} {{ 7 * 7 }}" in html
    assert "{{ 6 * 7 }}" in html and "42" not in html and "49" not in html
    assert "<script>alert" not in html
    assert "{{ config }}" in html


def test_make_html_default_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = make_html(load_edition([DATA]))
    assert path == Path("dist/small-test-edition.html")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_user_template_override(tmp_path: Path) -> None:
    for name in ("edition.toml", "first.md", "second.md"):
        (tmp_path / name).write_text((DATA / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "_cover.html").write_text(
        '<header class="cover"><p>Our own cover for {{ edition.title }}</p></header>\n', encoding="utf-8"
    )
    html = render_html(load_edition([tmp_path]))
    assert "Our own cover for Small Test Edition" in html
    assert "<article" in html


def test_style_that_extends_the_default(tmp_path: Path) -> None:
    style = tmp_path / "styles" / "red"
    (style / "css").mkdir(parents=True)
    (style / "style.toml").write_text('name = "red"\nextends = "default"\n', encoding="utf-8")
    (style / "css" / "screen.css").write_text("h1 { color: red; }\n", encoding="utf-8")
    (tmp_path / "a.md").write_text("# Title\n\nText.\n", encoding="utf-8")
    edition = load_edition([tmp_path / "a.md"])
    html = render_html(edition, style="red")
    assert "h1 { color: red; }" in html
    assert html.index("default/css/screen.css") < html.index("red/css/screen.css")


def test_unknown_style() -> None:
    with pytest.raises(EditionsError, match="unknown style 'nope'"):
        render_html(load_edition([DATA]), style="nope")


def test_print_notes_float_once_and_repeat_calls_keep_the_number() -> None:
    from editions.html import prepare_article

    article = Article(
        title="T",
        body_html='<p>a<sup class="fn" data-fn="1">1</sup> b<sup class="fn" data-fn="2">2</sup>'
        ' c<sup class="fn" data-fn="1">1</sup> d<sup class="fn" data-fn="9">9</sup></p>',
        footnotes=("<p>First <em>note</em>.</p>", "<p>Second.</p>"),
        slug="t",
    )
    body = str(prepare_article(article, "print").body)
    assert body.count('class="footnote"') == 2
    assert '<span class="footnote">First <em>note</em>.</span>' in body
    assert '<sup class="footnote-repeat">1</sup>' in body
    assert "9" not in body


def test_an_article_with_a_note_too_long_for_a_page_foot_prints_endnotes() -> None:
    from editions.html import PRINT_FOOTNOTE_MAX_CHARS, prepare_article

    def article(length: int) -> Article:
        return Article(
            title="T",
            body_html='<p>a<sup class="fn" data-fn="1">1</sup> b<sup class="fn" data-fn="2">2</sup></p>',
            footnotes=("<p>Short.</p>", "<p>" + "x" * length + "</p>"),
            slug="t",
        )

    fits = prepare_article(article(PRINT_FOOTNOTE_MAX_CHARS), "print")
    assert str(fits.body).count('class="footnote"') == 2 and fits.notes == ()
    too_long = prepare_article(article(PRINT_FOOTNOTE_MAX_CHARS + 1), "print")
    assert 'class="footnote"' not in str(too_long.body)
    assert [note.number for note in too_long.notes] == [1, 2]  # both, as endnotes
    assert 'href="#t-fn1"' in str(too_long.body)


# --- URLs break only after / . ? & - (issue 14, item 6) ----------------------------------------

LONG_URL = "https://www.example-news.org/2024/05/01/strike-won?utm_source=mail&ref=front-page"


def _render_url(url: str, **context: object) -> str:
    from editions.html import environment
    from editions.styles import load_style

    return environment(load_style("default")).from_string("{{ u | url_breaks }}").render(u=url, **context)


def test_url_breaks_only_after_the_allowed_characters_and_never_in_the_scheme() -> None:
    out = _render_url(LONG_URL)
    assert out.startswith('<span class="url-start">https://www.</span><wbr>example-<wbr>news.<wbr>org/<wbr>')
    pieces = out.replace('<span class="url-start">', "").replace("</span>", "").split("<wbr>")
    assert all(p[-1] in "/.?-" or p.endswith("&amp;") for p in pieces[:-1])
    assert "".join(pieces).replace("&amp;", "&") == LONG_URL  # nothing added to the visible text
    assert _render_url(LONG_URL, xhtml=True).count("<wbr/>") == out.count("<wbr>")
    assert _render_url("https://example.org/a//b/") == (
        '<span class="url-start">https://example.</span><wbr>org/<wbr>a//<wbr>b/'
    )
    assert _render_url("<x>") == "&lt;x&gt;"  # escaped, no scheme
    token = "a" * 45  # a piece longer than a narrow line breaks every 20 characters, not in the margin
    assert _render_url(f"https://example.org/{token}").endswith(
        "org/<wbr>" + "<wbr>".join(["a" * 20] * 2 + ["a" * 5])
    )


def test_source_url_href_is_untouched(tmp_path: Path) -> None:
    from editions.edition import load_edition
    from editions.html import render_html

    (tmp_path / "a.md").write_text(f"---\ntitle: T\nurl: {LONG_URL}\n---\n\nText.\n", encoding="utf-8")
    out = render_html(load_edition([tmp_path / "a.md"]))
    href = LONG_URL.replace("&", "&amp;")
    assert out.count(f'<a class="url" href="{href}">') == 2  # source line and Sources page
    assert "<wbr>" in out


def _issue(**fields: object) -> str:
    import datetime as dt

    article = Article(title="Strike", body_html="<p>Text.</p>", source=Source(publication="Paper"))
    values: dict[str, object] = {
        "title": "Stop the War",
        "date": dt.date(2024, 6, 1),
        "series": "Workers Weekly",
        "volume": 8,
        "number": 22,
        "issue_date": dt.date(2024, 6, 15),
        **fields,
    }
    return render_html(build_edition([article], values))


def test_an_issue_has_a_masthead_and_says_its_issue_in_the_colophon() -> None:
    doc = lxml.html.document_fromstring(_issue())
    assert "periodical" in doc.body.get("class").split()
    cover = doc.get_element_by_id("cover")
    series, issue = cover.find_class("masthead-series")[0], cover.find_class("masthead-issue")[0]
    assert series.getparent() is cover and issue.getparent() is cover  # the cover's first lines
    assert series.text_content() == "Workers Weekly"
    assert series.getnext() is issue and issue.getnext().get("class") == "edition-title"
    assert issue.text_content().replace("\u00a0", " ") == "Vol. 8, No. 22 · June 15, 2024"
    assert issue.find(".//time").get("datetime") == "2024-06-15"
    colophon = doc.get_element_by_id("colophon").find_class("colophon-issue")[0]
    assert colophon.text_content().replace("\u00a0", " ") == "Workers Weekly, Vol. 8, No. 22 · June 15, 2024"
    assert not doc.find_class("edition-imprint")  # no publisher; the date is the masthead's


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("en", "Vol. 8, No. 22 · June 15, 2024"),
        ("fr", "Vol. 8, n° 22 · 15 juin 2024"),
        ("de", "Jg. 8, Nr. 22 · 15. Juni 2024"),
        ("es", "Vol. 8, n.º 22 · 15 de junio de 2024"),
        ("it", "Vol. 8, n. 22 · 15 giugno 2024"),
        ("pt", "Vol. 8, n.º 22 · 15 de junho de 2024"),
        ("ru", "Т. 8, № 22 · 15 июня 2024 г."),
        ("uk", "Т. 8, № 22 · 15 червня 2024 р."),
        ("el", "Τόμ. 8, Αρ. 22 · 15 Ιουνίου 2024"),
    ],
)
def test_the_issue_line_is_in_the_editions_language(lang: str, line: str) -> None:
    doc = lxml.html.document_fromstring(_issue(lang=lang))
    text = doc.find_class("masthead-issue")[0].text_content()
    assert re.sub("[\u00a0\u202f]", " ", text) == line  # Babel's no-break spaces


def test_an_issue_without_volume_or_its_own_date() -> None:
    doc = lxml.html.document_fromstring(_issue(volume=None, issue_date=None))
    issue = doc.find_class("masthead-issue")[0].text_content().replace("\u00a0", " ")
    assert issue == "No. 22 · June 1, 2024"  # the edition's date
    plain = lxml.html.document_fromstring(_issue(series=None, volume=None, number=None))
    assert not plain.find_class("masthead-series") and not plain.find_class("masthead-issue")


def test_an_issues_default_file_names_carry_its_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from editions.html import default_output

    monkeypatch.chdir(tmp_path)
    article = Article(title="Strike", body_html="<p>Text.</p>")
    issue = build_edition(
        [article], {"title": "Stop the War", "series": "Workers Weekly", "volume": 8, "number": 22}
    )
    assert default_output(issue, ".pdf") == Path("dist/workers-weekly-vol8-no22.pdf")
    assert make_html(issue) == Path("dist/workers-weekly-vol8-no22.html")
    assert default_output(issue.replace(volume=None), ".epub") == Path("dist/workers-weekly-no22.epub")
    assert default_output(issue.replace(number=None), ".epub") == Path("dist/stop-the-war.epub")


def test_compiled_templates_are_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The templates compiled by one run are kept in the installation's cache folder and reused by
    the next (only while their source is the same); a damaged or unwritable cache only costs time."""
    from editions import html

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    edition = load_edition([DATA])
    compiled: list[str | None] = []
    compile_template = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: Any, name: str | None = None, *args: Any) -> Any:
        compiled.append(name)
        return compile_template(self, source, name, *args)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)

    def render() -> str:
        html._environment.cache_clear()
        return render_html(edition, medium="print")

    first = render()  # compiles, and keeps the code
    kept = sorted((tmp_path / "xdg" / "editions" / "templates").glob("*/__jinja2_*.cache"))
    assert kept and compiled
    compiled.clear()
    assert render() == first  # from the kept code
    assert compiled == []
    for path in kept:
        path.write_bytes(path.read_bytes()[:40])  # damaged: compiled again
    assert render() == first
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file"))
    (tmp_path / "file").write_text("not a folder")
    assert render() == first
    html._environment.cache_clear()
