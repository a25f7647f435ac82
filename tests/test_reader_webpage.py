"""Saved web pages: the article without the site around it, and the page's metadata in order of trust."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import zipfile
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from editions import EditionsError, load_edition, read_article
from editions.readers import read_draft
from editions.sanitize import html_to_text

WEB = Path(__file__).parent / "data" / "web"

PARAGRAPHS = [
    "The union branch met on Thursday evening in the back room of the community centre, where the "
    "heating had been broken since the autumn and everyone kept their coats on.",
    "Members heard a report on the negotiations, which have dragged on for seven months without any "
    "improvement in the employer's offer, and voted to hold a ballot for industrial action.",
    "The ballot will open next month. Stewards will visit every workplace in the district before it "
    "closes, and the branch will publish the result as soon as it is known.",
]


def page(head: str = "", body: str = "", *, lang: str = "", paragraphs: list[str] | None = None) -> str:
    """A small but realistic page: ``head`` markup, an ``<h1>``, optional ``body`` markup and paragraphs."""
    text = "".join(f"<p>{p}</p>" for p in (PARAGRAPHS if paragraphs is None else paragraphs))
    lang_attr = f' lang="{lang}"' if lang else ""
    return (
        f'<!DOCTYPE html><html{lang_attr}><head><meta charset="utf-8">'
        f"<title>Branch votes for a ballot</title>{head}</head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><main><article>"
        f"<h1>Branch votes for a ballot</h1>{body}{text}</article></main>"
        "<footer>Site footer</footer></body></html>"
    )


def write(tmp_path: Path, html: str, name: str = "page.html", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(html.encode(encoding))
    return path


def text_of(article_html: str) -> str:
    return html_to_text(article_html)


# --- the four shapes of page -------------------------------------------------------------------

CHROME_WORDPRESS = [
    "Skip to content", "Donate to the strike fund", "News from the shop floor", "ADVERTISEMENT",
    "Cheap loans",
    "Share this", "Share on Twitter", "Bus drivers win back", "Cleaners at the university", "Related",
    "Solidarity from the day shift", "WhatsApp", "Leave a Reply", "Post Comment", "Recent Posts",
    "Housing co-op", "Get the Dispatch in your inbox", "Proudly powered by WordPress", "Privacy policy",
    "cookies", "Previous post", "Rent strike enters", "Tagged", "logistics", "Posted in",
]  # fmt: skip


def test_wordpress_page_metadata_from_json_ld() -> None:
    article = read_article(WEB / "wordpress.html")
    assert article.title == "Why the night shift walked out"  # JSON-LD headline, not og:title
    assert article.authors == ("Maria Okafor", "Tom Reyes")  # JSON-LD Persons, not <meta name=author>
    assert article.date == dt.date(2024, 3, 2)  # datePublished, not article:published_time
    assert article.source.publication == "The Workers’ Dispatch"  # typeset like every printed field
    assert article.source.url == "https://dispatch.example.org/2024/03/why-the-night-shift-walked-out/"
    assert article.lang == "en-GB"


def test_wordpress_page_keeps_the_article_structure() -> None:
    body = read_article(WEB / "wordpress.html").body_html
    assert "<h2>How it was organised</h2>" in body
    assert "<h3>The first hour</h3>" in body
    assert "<h1" not in body and "Why the night shift walked out</h" not in body  # the title is separate
    assert "<strong>forty-three drivers and loaders</strong>" in body
    assert "<em>small conversations</em>" in body
    assert '<a href="https://union.example.org/claims/northgate">written claim</a>' in body
    assert body.count("<li>") == 6 and "<ul>" in body and "<ol>" in body
    assert "<blockquote>" in body and "because we were ready" in body
    assert "<thead><tr><th>Demand</th><th>Outcome</th></tr></thead>" in body
    assert "<td>Heated break room</td>" in body
    assert "<figure>" in body and "<figcaption>The main gate at 3" in body
    assert 'src="https://dispatch.example.org/wp-content/uploads/2024/03/gate.jpg"' in body
    assert "management knows it too" in body  # the last paragraph


@pytest.mark.parametrize("chrome", CHROME_WORDPRESS)
def test_wordpress_chrome_is_gone(chrome: str) -> None:
    assert chrome.lower() not in text_of(read_article(WEB / "wordpress.html").body_html).lower()


def test_open_graph_only_page_without_article_markup() -> None:
    article = read_article(WEB / "og-only.html")
    assert article.title == "Tenants organise against the rent rise"
    assert article.authors == ("Priya Natarajan",)
    assert article.date == dt.date(2023, 9, 14)
    assert article.source.publication == "Housing Notes"
    assert article.source.url == "https://housingnotes.example.net/tenants-organise"
    assert article.lang == "en"  # detected: the page does not say
    body = article.body_html
    assert "<h2>A list of broken promises</h2>" in body and "<h2>The freeze</h2>" in body  # h3 → h2
    text = text_of(body)
    assert text.startswith("When the letters arrived")
    assert "membership keeps growing" in text
    for chrome in ("Archive", "Newsletter signup", "Tweet this", "Email this", "Popular this week",
                   "Deposit protection", "volunteer project", "editors@"):  # fmt: skip
        assert chrome not in text


def test_visible_byline_and_dateline_only() -> None:
    article = read_article(WEB / "byline-only.html")
    assert article.title == "The cleaners who beat outsourcing"
    assert article.authors == ("Ana Lucía Torres",)
    assert article.date == dt.date(2022, 6, 5)
    assert article.source.publication == "Campus Voice"  # from "<title>Title - Campus Voice"
    assert article.source.url is None
    text = text_of(article.body_html)
    assert text.startswith("For eleven years")  # byline and dateline are not body text
    assert "June 5, 2022" not in text and "By Ana" not in text
    for chrome in (
        "Student and staff news",
        "Opinion",
        "Events",
        "Most read",
        "Library opening",
        "Copyright",
    ):
        assert chrome not in text


def test_french_page() -> None:
    article = read_article(WEB / "french.html")
    assert article.lang == "fr"
    assert article.title == "La grève des sages-femmes"
    assert article.authors == ("Camille Dubois",)
    assert article.date == dt.date(2023, 11, 20)
    assert article.source.publication == "Le Journal des Luttes"
    assert article.source.url == "https://luttes.example.fr/2023/11/greve-sages-femmes"
    assert "<h2>Un soutien qui s’élargit</h2>" in article.body_html
    text = text_of(article.body_html)
    assert "conditions" in text and "département" in text
    for chrome in (
        "Accueil",
        "Abonnez-vous",
        "Partager",
        "À lire aussi",
        "infirmières de nuit",
        "Mentions légales",
    ):
        assert chrome not in text


# --- the article's header and sections ---------------------------------------------------------


def headings(body_html: str) -> list[tuple[int, str]]:
    """(level, text) of every heading in an article body, in order."""
    root = lxml.html.fragment_fromstring(body_html, create_parent="div")
    return [(int(h.tag[1]), " ".join(h.text_content().split())) for h in root.iter(*HEADING_TAGS)]


def first_paragraph(body_html: str) -> str:
    """The text of the body's first block that is not a figure."""
    root = lxml.html.fragment_fromstring(body_html, create_parent="div")
    block = next(b for b in root if b.tag != "figure")
    return " ".join(block.text_content().split())


HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def test_news_page_header_kept_in_the_body_is_taken_out() -> None:
    """Kicker, title, standfirst, byline and dateline set one after the other above the text."""
    article = read_article(WEB / "news-flat.html")
    assert article.title == "Nurses vote to strike over staffing"
    assert article.subtitle == "Ballot result follows a year of failed talks on safe staffing levels."
    assert article.authors == ("Helen Marsh",)
    assert article.date == dt.date(2024, 2, 3)
    assert first_paragraph(article.body_html).startswith("Nurses at the city’s two largest hospitals")
    # h3 sections and an h4 subsection under an h1 title: the article's own top level is h2.
    assert headings(article.body_html) == [(2, "Why now"), (3, "The numbers"), (2, "What the hospital says")]
    text = text_of(article.body_html)
    for furniture in ("Industrial action", "By Helen Marsh", "February 3, 2024", "Ballot result",
                      "Read more", "Safe staffing, explained", "Junior doctors", "Paramedics"):  # fmt: skip
        assert furniture not in text
    assert text.rstrip().endswith("keep patients safe during any action.")


def test_news_page_with_an_article_header_element() -> None:
    """A header the extraction leaves out still gives the standfirst."""
    article = read_article(WEB / "news-header.html")
    assert article.title == "Dockers refuse to load arms shipment"
    assert article.subtitle == (
        "Port workers in three cities said they would not handle cargo bound for the war zone."
    )
    assert article.authors == ("Rosa Lind", "Sam Okoye")
    assert first_paragraph(article.body_html).startswith("Dock workers in three port cities")
    assert headings(article.body_html) == [
        (2, "A tradition revived"),
        (2, "The employers respond"),
        (3, "What happens next"),
    ]
    text = text_of(article.body_html)
    for furniture in ("Labour", "Port workers in three cities", "Rosa Lind", "14 May 2024", "Read more",
                      "Port strike ends", "Most read", "Arms trade"):  # fmt: skip
        assert furniture not in text


def test_wordpress_page_with_a_category_kicker_and_read_more_links() -> None:
    article = read_article(WEB / "wordpress-kicker.html")
    assert article.title == "Rent strike enters its third month"
    assert article.subtitle is None
    assert article.authors == ("Jo O’Neill",)
    assert first_paragraph(article.body_html).startswith("Tenants at Riverside Court have now withheld")
    assert headings(article.body_html) == [
        (2, "How the strike started"),
        (3, "The first meeting"),
        (2, "What comes next"),
    ]
    text = text_of(article.body_html)
    for furniture in ("Campaigns", "January 22, 2024", "Read more", "Riverside tenants demand lift repairs",
                      "What is a rent strike?", "Know your rights"):  # fmt: skip
        assert furniture not in text
    assert "Letters to the landlord went unanswered." in text  # the paragraph after the related link


def test_blog_page_whose_headings_are_h3() -> None:
    """A blog template repeating the title as an h3 in the post, with h3 sections and h4 below them."""
    article = read_article(WEB / "h3-headings.html")
    assert article.title == "The long road to a contract"
    assert article.authors == ("Deepa Rao",)
    assert article.date == dt.date(2024, 3, 12)
    assert first_paragraph(article.body_html).startswith("Delivery riders in the city have been organising")
    assert headings(article.body_html) == [
        (2, "From chat group to branch"),
        (3, "The first action"),
        (2, "Winning recognition"),
    ]
    assert "Archives" not in text_of(article.body_html)


HEADER = "<h1>Branch votes for a ballot</h1>"


@pytest.mark.parametrize(
    ("header", "subtitle"),
    [
        ("<p class='kicker'>Union news</p>" + HEADER + "<p>By Ana Ruiz</p><p>June 5, 2022</p>", None),
        ("<h2>Union news</h2>" + HEADER + "<p>Ana Ruiz</p><p>June 5, 2022</p>", None),
        (HEADER + "<h2>Members at the depot backed action by a large majority.</h2><p>By Ana Ruiz</p>",
         "Members at the depot backed action by a large majority."),
        (HEADER + "<p>Members at the depot backed action by a large majority</p>"
         "<p>By Ana Ruiz | June 5, 2022</p>", "Members at the depot backed action by a large majority"),
        ("<header><hgroup>" + HEADER + "<p>Members back action</p></hgroup></header><p>By Ana Ruiz</p>",
         "Members back action"),
        ("<header>" + HEADER + "<p>By Ana Ruiz</p><div class='intro'><p>Members back action at the depot.</p>"
         "</div></header>", "Members back action at the depot."),
    ],
)  # fmt: skip
def test_header_shapes(tmp_path: Path, header: str, subtitle: str | None) -> None:
    """Whatever the header holds and however it is marked, the body starts with the text."""
    article = read_article(write(tmp_path, page(body=header).replace(HEADER, "", 1)))
    assert article.title == "Branch votes for a ballot"
    assert article.subtitle == subtitle
    assert article.authors == ("Ana Ruiz",)
    assert first_paragraph(article.body_html) == PARAGRAPHS[0].replace("employer's", "employer’s")
    assert headings(article.body_html) == []


def test_a_subheading_in_the_text_is_not_the_standfirst(tmp_path: Path) -> None:
    """Some sites name their section headings "subhead": in the text, that is what they are."""
    body = "<p>By Ana Ruiz</p><p>Members met.</p><p class='subhead'>What comes next</p>"
    article = read_article(write(tmp_path, page(body=body)))
    assert article.subtitle is None
    assert first_paragraph(article.body_html) == "Members met."
    assert "What comes next" in text_of(article.body_html)


def test_a_heading_worded_as_the_title_is_not_a_section(tmp_path: Path) -> None:
    body = f"<p>{PARAGRAPHS[0]}</p><h3>Branch votes for a ballot</h3><p>{PARAGRAPHS[1]}</p><h3>Next</h3>"
    article = read_article(write(tmp_path, page(body=body, paragraphs=PARAGRAPHS[2:])))
    assert headings(article.body_html) == [(2, "Next")]


def test_a_short_first_paragraph_stays(tmp_path: Path) -> None:
    """Only a block between the title and a byline is taken for a standfirst by its position."""
    article = read_article(write(tmp_path, page(body="<p>It is on.</p>")))
    assert article.subtitle is None
    assert first_paragraph(article.body_html) == "It is on."


def test_links_to_other_sites_are_not_related_links(tmp_path: Path) -> None:
    body = '<p><strong>Source:</strong> <a href="https://stats.example.gov/report">the report</a></p>'
    html = page('<link rel="canonical" href="https://branch.example.org/ballot">', body=body)
    assert "the report" in text_of(read_article(write(tmp_path, html)).body_html)


def test_url_article_is_tidied_the_same_way(monkeypatch: pytest.MonkeyPatch) -> None:
    from editions import fetch
    from editions.readers.url import read_url

    def fake_fetch(url: str, **_: object) -> fetch.Response:
        body = (WEB / "news-flat.html").read_bytes().replace(b'<link rel="canonical"', b"<link rel=x")
        return fetch.Response(url, url, "text/html", "utf-8", body)

    monkeypatch.setattr(fetch, "fetch", fake_fetch)
    article = read_url("https://healthworkers.example.net/news/nurses-vote-to-strike")
    assert article.subtitle == "Ballot result follows a year of failed talks on safe staffing levels."
    assert first_paragraph(article.body_html).startswith("Nurses at the city’s two largest hospitals")
    assert "Read more" not in text_of(article.body_html)
    assert [text for _, text in headings(article.body_html)] == [
        "Why now",
        "The numbers",
        "What the hospital says",
    ]


def test_sections_of_web_pages_are_the_epub_nav_and_the_pdf_outline(tmp_path: Path) -> None:
    from pypdf import PdfReader

    from editions import make_epub, make_pdf

    for name in ("news-flat.html", "h3-headings.html"):
        shutil.copy(WEB / name, tmp_path / name)
    edition = load_edition([tmp_path])
    book = make_epub(edition, tmp_path / "out.epub")
    with zipfile.ZipFile(book) as z:
        nav = etree.fromstring(z.read("EPUB/text/toc.xhtml"))
    ns = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
    (toc,) = nav.xpath("//x:nav[@epub:type='toc']", namespaces=ns)
    entries = {
        li.xpath("string(x:a)", namespaces=ns): li.xpath("x:ol/x:li/x:a/text()", namespaces=ns)
        for li in toc.xpath("x:ol/x:li", namespaces=ns)
    }
    assert entries["Nurses vote to strike over staffing"] == ["Why now", "What the hospital says"]
    assert entries["The long road to a contract"] == ["From chat group to branch", "Winning recognition"]

    reader = PdfReader(make_pdf(edition, tmp_path / "out.pdf").path)
    outline: list[tuple[int, str]] = []

    def walk(items: list[object], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                outline.append((level, item.title))  # type: ignore[attr-defined]

    walk(reader.outline, 1)
    start = outline.index((1, "The long road to a contract"))  # articles in the order of their files
    assert outline[start : start + 6] == [
        (1, "The long road to a contract"),
        (2, "From chat group to branch"),
        (2, "Winning recognition"),
        (1, "Nurses vote to strike over staffing"),
        (2, "Why now"),
        (2, "What the hospital says"),
    ]


# --- order of trust ----------------------------------------------------------------------------

JSON_LD = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "headline": "JSON-LD title",
    "author": {"@type": "Person", "name": "Jay Son"},
    "datePublished": "2021-01-01T10:00:00Z",
    "publisher": {"@type": "Organization", "name": "JSON-LD Press"},
    "url": "https://jsonld.example.org/a",
    "inLanguage": "en-US",
}
OPEN_GRAPH = (
    '<meta property="og:title" content="OG title"><meta property="og:site_name" content="OG Press">'
    '<meta property="og:url" content="https://og.example.org/a">'
    '<meta property="article:published_time" content="2022-02-02">'
    '<meta property="article:author" content="Olga Graph">'
)
META = (
    '<meta name="citation_title" content="Meta title"><meta name="author" content="Meta Author">'
    '<meta name="dc.date" content="2023-03-03"><meta name="dc.publisher" content="Meta Press">'
    '<meta name="citation_public_url" content="https://meta.example.org/a">'
    '<meta name="dc.language" content="en-CA">'
)
LINK = '<link rel="canonical" href="https://canonical.example.org/a">'


@pytest.mark.parametrize(
    ("layers", "expected"),
    [
        ("json og meta link", ("JSON-LD title", ("Jay Son",), dt.date(2021, 1, 1), "JSON-LD Press",
                               "https://jsonld.example.org/a", "en-US")),
        ("og meta link", ("OG title", ("Olga Graph",), dt.date(2022, 2, 2), "OG Press",
                          "https://og.example.org/a", "en-CA")),
        ("meta link", ("Meta title", ("Meta Author",), dt.date(2023, 3, 3), "Meta Press",
                       "https://meta.example.org/a", "en-CA")),
        ("link", ("Branch votes for a ballot", (), None, None, "https://canonical.example.org/a", "en-GB")),
    ],
)  # fmt: skip
def test_order_of_trust(tmp_path: Path, layers: str, expected: tuple[object, ...]) -> None:
    head = ""
    if "json" in layers:
        head += f'<script type="application/ld+json">{json.dumps(JSON_LD)}</script>'
    if "og" in layers:
        head += OPEN_GRAPH
    if "meta" in layers:
        head += META
    if "link" in layers:
        head += LINK
    draft = read_draft(write(tmp_path, page(head, lang="en-GB")))
    assert (draft.title, draft.authors, draft.date, draft.publication, draft.url, draft.lang) == expected


def test_broken_json_ld_is_skipped(tmp_path: Path) -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Broken",, }</script>'
        + OPEN_GRAPH
    )
    draft = read_draft(write(tmp_path, page(head)))
    assert draft.title == "OG title"
    assert draft.authors == ("Olga Graph",)


@pytest.mark.parametrize(
    "author",
    [
        "Ana Ruiz and John Smith",
        ["Ana Ruiz", {"@type": "Person", "name": "John Smith"}],
        [{"@type": "Person", "name": "Ana Ruiz"}, {"@type": "Person", "name": "John Smith"}],
    ],
)
def test_json_ld_author_shapes(tmp_path: Path, author: object) -> None:
    data = {"@type": "BlogPosting", "headline": "H", "author": author}
    draft = read_draft(
        write(tmp_path, page(f'<script type="application/ld+json">{json.dumps(data)}</script>'))
    )
    assert draft.authors == ("Ana Ruiz", "John Smith")


def test_json_ld_graph_with_id_references(tmp_path: Path) -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "Organization", "@id": "#org", "name": "The Referenced Press"},
            {"@type": "Person", "@id": "#ana", "name": "Ana Ruiz"},
            {"@type": ["Article", "NewsArticle"], "headline": "Graph title", "author": {"@id": "#ana"},
             "publisher": {"@id": "#org"}, "datePublished": "2020-05-17",
             "mainEntityOfPage": {"@type": "WebPage", "@id": "https://graph.example.org/a"}},
        ],
    }  # fmt: skip
    draft = read_draft(
        write(tmp_path, page(f'<script type="application/ld+json">{json.dumps(graph)}</script>'))
    )
    assert draft.title == "Graph title"
    assert draft.authors == ("Ana Ruiz",)
    assert draft.publication == "The Referenced Press"
    assert draft.date == dt.date(2020, 5, 17)
    assert draft.url == "https://graph.example.org/a"


def test_citation_meta_tags(tmp_path: Path) -> None:
    head = (
        '<meta name="citation_title" content="On the Question of Hours">'
        '<meta name="citation_author" content="Ruiz, Ana"><meta name="citation_author" content="Smith, John">'
        '<meta name="citation_publication_date" content="2019/11/05">'
        '<meta name="citation_journal_title" content="Labour History Review">'
    )
    draft = read_draft(write(tmp_path, page(head)))
    assert draft.title == "On the Question of Hours"
    assert draft.authors == ("Ruiz, Ana", "Smith, John")
    assert draft.date == dt.date(2019, 11, 5)
    assert draft.publication == "Labour History Review"


def test_profile_url_is_not_an_author(tmp_path: Path) -> None:
    head = '<meta property="article:author" content="https://www.facebook.com/someone">'
    draft = read_draft(write(tmp_path, page(head, '<p class="byline">By Jo Bloggs</p>')))
    assert draft.authors == ("Jo Bloggs",)


# --- the body ----------------------------------------------------------------------------------


def test_links_without_a_known_page_url_are_unwrapped(tmp_path: Path) -> None:
    body = '<p>See <a href="/about">our about page</a>, <a href="#top">the top</a> and <a href="https://x.org/">x</a>.</p>'
    article = read_article(write(tmp_path, page(body=body)))
    assert "our about page" in article.body_html and 'href="/about"' not in article.body_html
    assert 'href="#top"' not in article.body_html
    assert '<a href="https://x.org/">x</a>' in article.body_html


def test_relative_links_resolve_against_the_canonical_url(tmp_path: Path) -> None:
    body = '<p>See <a href="/about">our about page</a>.</p><p><img src="pics/a.png" alt="A"></p>'
    article = read_article(write(tmp_path, page(LINK, body)))
    assert '<a href="https://canonical.example.org/about">our about page</a>' in article.body_html
    assert 'src="pics/a.png"' in article.body_html  # an image saved beside the page stays local


def test_article_html_is_sanitised(tmp_path: Path) -> None:
    body = (
        '<p onclick="steal()">Click <a href="javascript:alert(1)">here</a><script>alert(2)</script>'
        '<iframe src="https://evil.example/"></iframe> and <img src="file:///etc/passwd" alt="x"> text.</p>'
    )
    html = read_article(write(tmp_path, page(body=body))).body_html
    for bad in ("onclick", "javascript:", "<script", "alert(2)", "<iframe", "file:"):
        assert bad not in html


def test_heading_levels_start_at_h2(tmp_path: Path) -> None:
    body = (
        "<h1>Part one</h1><p>"
        + PARAGRAPHS[0]
        + "</p><h2>Detail</h2><p>"
        + PARAGRAPHS[1]
        + "</p><h1>Part two</h1>"
    )
    html = read_article(write(tmp_path, page(body=body))).body_html
    assert "<h2>Part one</h2>" in html and "<h3>Detail</h3>" in html and "<h1" not in html


def test_legacy_charset_from_meta(tmp_path: Path) -> None:
    html = page(
        paragraphs=["Профсоюз объявил забастовку на заводе после трёх месяцев переговоров без результата."]
    )
    html = html.replace('<meta charset="utf-8">', '<meta charset="windows-1251">').replace(
        "<html>", '<html lang="ru">'
    )
    article = read_article(write(tmp_path, html, encoding="cp1251"))
    assert "Профсоюз объявил забастовку" in article.body_html
    assert article.lang == "ru"


# --- malformed input ---------------------------------------------------------------------------


def test_binary_garbage_is_a_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "garbage.html"
    path.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(EditionsError, match="binary data") as info:
        read_article(path)
    assert str(path) in str(info.value)


def test_page_without_text_is_a_clean_error(tmp_path: Path) -> None:
    path = write(tmp_path, "<html><head><title>Nothing</title></head><body><nav>Home</nav></body></html>")
    with pytest.raises(EditionsError, match="no article text") as info:
        read_article(path)
    assert str(path) in str(info.value)


def test_empty_page_is_a_clean_error(tmp_path: Path) -> None:
    path = write(tmp_path, "   \n")
    with pytest.raises(EditionsError, match="empty"):
        read_article(path)


def test_html_files_in_an_edition_folder(tmp_path: Path) -> None:
    shutil.copy(WEB / "og-only.html", tmp_path / "01-tenants.html")
    shutil.copy(WEB / "byline-only.html", tmp_path / "02-cleaners.htm")
    (tmp_path / "03-note.md").write_text("# A note\n\nShort text.\n", encoding="utf-8")
    edition = load_edition([tmp_path])
    assert [a.title for a in edition.articles] == [
        "Tenants organise against the rent rise",
        "The cleaners who beat outsourcing",
        "A note",
    ]


def test_the_page_heading_is_dropped_even_when_worded_unlike_the_metadata(tmp_path: Path) -> None:
    data = {"@type": "NewsArticle", "headline": "Branch ballot: members vote for action (SEO version)"}
    html = page(f'<script type="application/ld+json">{json.dumps(data)}</script>')
    article = read_article(write(tmp_path, html))
    assert article.title == "Branch ballot: members vote for action (SEO version)"
    assert "Branch votes for a ballot" not in article.body_html


def test_an_edition_made_by_editions_is_not_an_article(tmp_path: Path) -> None:
    html = page('<meta name="generator" content="editions 0.1.0">')
    with pytest.raises(EditionsError, match="edition made by editions"):
        read_article(write(tmp_path, html))


def test_pathological_pages_stay_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from editions.readers import webpage

    deep = "<div>" * 400 + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</div>" * 400
    deep += "<p>" + "<em>" * 2000 + "deep" + "</em>" * 2000 + "</p>"
    assert "ballot" in read_article(write(tmp_path, page(body=deep))).body_html
    monkeypatch.setattr(webpage, "MAX_ELEMENTS", 50)
    with pytest.raises(EditionsError, match="too complex"):
        read_article(write(tmp_path, page(body="<p>x</p>" * 100)))
