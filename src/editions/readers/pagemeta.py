"""A web page's metadata: title, authors, date, publication, URL and language.

In: an lxml tree of a whole page (and the address it was fetched from, if any). Out: a
:class:`PageMeta`, each field from the most trusted source that gives it, and where it was found.

Metadata comes from the page, each field from the most trusted source that gives it:

1. JSON-LD (``Article``, ``NewsArticle``, ``BlogPosting`` … also inside ``@graph``, with ``@id``
   references resolved): ``headline``, ``author`` (text, ``Person`` objects or lists of them),
   ``datePublished``, ``publisher.name``, ``url``/``mainEntityOfPage``, ``inLanguage``;
2. Open Graph: ``og:title``, ``og:site_name``, ``og:url``, ``article:published_time``,
   ``article:author`` (names; profile URLs are ignored);
3. ``<meta>`` and microdata: ``author``, ``date``, ``citation_*``, ``dc.*``/``dcterms.*``,
   ``twitter:title``, ``itemprop`` ``headline``/``author``/``datePublished``;
4. ``<link rel="canonical">`` for the URL, ``<html lang>`` for the language;
5. the visible byline and dateline near the title (``By Ana Ruiz``, ``June 5, 2022``), the page's
   single ``<h1>``, and the ``<title>`` (whose "| Site name" part becomes the publication).

Broken JSON-LD is skipped, never fatal. :func:`parse_meta_date`, :func:`split_authors` and
:func:`language_tag` are shared with the Word and OpenDocument readers.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html

from ..errors import EditionsError
from .pagebody import in_chrome, same_text

log = logging.getLogger("editions")

ARTICLE_TYPES = {
    "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
    "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "askpublicnewsarticle",
    "scholarlyarticle", "report", "techarticle", "socialmediaposting", "liveblogposting", "posting",
}  # fmt: skip
GENERIC_AUTHORS = {
    "admin",
    "administrator",
    "editor",
    "editors",
    "staff",
    "webmaster",
    "site admin",
    "wordpress",
}

META_TITLE = (
    "citation_title",
    "dc.title",
    "dcterms.title",
    "twitter:title",
    "parsely-title",
    "sailthru.title",
)
META_AUTHOR = (
    "citation_author",
    "author",
    "dc.creator",
    "dcterms.creator",
    "parsely-author",
    "sailthru.author",
)
META_DATE = (
    "citation_publication_date", "citation_date", "citation_online_date", "dc.date.issued", "dcterms.issued",
    "dc.date", "dcterms.date", "dcterms.created", "dc.date.created", "date", "pubdate", "publish-date",
    "publish_date", "article.published", "parsely-pub-date", "sailthru.date", "og:published_time",
)  # fmt: skip
META_PUBLICATION = ("citation_journal_title", "citation_publisher", "dc.publisher", "dcterms.publisher")
META_URL = ("citation_public_url", "citation_abstract_html_url", "citation_fulltext_html_url")
META_LANG = ("dc.language", "dcterms.language", "citation_language", "content-language", "language")

_TITLE_SEPARATORS = re.compile(r"\s+[|–—·•:]\s+|\s+-\s+|\s*::\s*|\s*»\s*")
_ISO_DATE = re.compile(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:\b|T)")


@dataclass
class PageMeta:
    """Metadata found in a page; every field ``None`` (or empty) when the page does not give it."""

    title: str | None = None
    authors: tuple[str, ...] = ()
    date: dt.date | None = None
    publication: str | None = None
    url: str | None = None
    lang: str | None = None
    subtitle: str | None = None
    found_in: dict[str, str] = field(default_factory=dict)


def page_metadata(tree: lxml.html.HtmlElement, *, page_url: str | None = None) -> PageMeta:
    """Every metadata field from the most trusted source that gives it (see the module docstring)."""
    layers = [
        ("JSON-LD", _jsonld_layer(tree)),
        ("Open Graph", _opengraph_layer(tree)),
        ("meta", _meta_layer(tree)),
        ("link/html", _link_layer(tree, page_url)),
        ("visible", _visible_layer(tree)),
    ]
    meta = PageMeta()
    for name in ("title", "authors", "date", "publication", "url", "lang"):
        for layer, values in layers:
            value = values.get(name)
            if value:
                setattr(meta, name, value)
                meta.found_in[name] = layer
                break
    if meta.url:
        meta.url = urljoin(page_url or "", meta.url) if not is_http(meta.url) else meta.url
        if not is_http(meta.url):
            meta.url = None
    if not meta.publication:
        meta.publication = _site_from_title(tree, meta.title)
    return meta


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        text = " ".join(value.split())
        return text or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def is_http(url: str | None) -> bool:
    if not url:
        return False
    parts = urlsplit(url)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def parse_meta_date(value: str | None) -> dt.date | None:
    """A date from an ISO-like metadata value (``2024-03-02T09:30:00+00:00``) or a dateline."""
    if not value:
        return None
    match = _ISO_DATE.match(value)
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            return None
    from ..dates import parse_dateline

    return parse_dateline(value[:200])


def split_authors(value: str) -> list[str]:
    """One or several author names from a metadata string (``Ana Ruiz and John Smith``)."""
    from ..dates import parse_byline

    value = " ".join(value.split())
    if not value or is_http(value) or value.lower() in GENERIC_AUTHORS or len(value) > 200:
        return []
    if ";" in value:
        return [name for part in value.split(";") for name in split_authors(part)]
    names = parse_byline(value, bare=True)
    if names and len(names) > 1:
        return list(names)
    return [value]


def _unique(names: list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.casefold(), name)
    return tuple(seen.values())


def _jsonld_objects(tree: lxml.html.HtmlElement) -> Iterator[Any]:
    for script in tree.iter("script"):
        kind = (script.get("type") or "").split(";")[0].strip().lower()
        if kind != "application/ld+json" or not script.text:
            continue
        raw = script.text.strip()
        raw = re.sub(r"\A(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\Z", "", raw).strip()
        try:
            yield json.loads(raw, strict=False)
        except (ValueError, RecursionError):
            log.debug("broken JSON-LD ignored")


def _walk_nodes(data: Any, limit: int = 5000) -> list[dict[str, Any]]:
    """Every JSON object in ``data`` (iteratively, bounded)."""
    nodes: list[dict[str, Any]] = []
    stack = [data]
    while stack and len(nodes) < limit:
        item = stack.pop()
        if isinstance(item, dict):
            nodes.append(item)
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return nodes


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1].lower() for k in kinds if isinstance(k, str)}


def _jsonld_layer(tree: lxml.html.HtmlElement) -> dict[str, Any]:
    nodes: list[dict[str, Any]] = []
    for data in _jsonld_objects(tree):
        nodes.extend(_walk_nodes(data))
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str) and len(n) > 1}

    def resolve(value: Any) -> Any:
        if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id") in by_id:
            return by_id[value["@id"]]
        return value

    article = next((n for n in nodes if _types(n) & ARTICLE_TYPES), None)
    if article is None:
        return {}
    out: dict[str, Any] = {}
    out["title"] = _text(article.get("headline")) or _text(article.get("name"))
    authors: list[str] = []
    raw_authors = article.get("author") or article.get("creator")
    for item in raw_authors if isinstance(raw_authors, list) else [raw_authors]:
        item = resolve(item)
        if isinstance(item, dict):
            name = _text(item.get("name"))
            if name:
                authors.extend(split_authors(name))
        elif isinstance(item, str):
            authors.extend(split_authors(item))
    out["authors"] = _unique(authors)
    for key in ("datePublished", "dateCreated"):
        date = parse_meta_date(_text(article.get(key)))
        if date:
            out["date"] = date
            break
    publisher = resolve(article.get("publisher"))
    if isinstance(publisher, list) and publisher:
        publisher = resolve(publisher[0])
    if isinstance(publisher, dict):
        out["publication"] = _text(publisher.get("name"))
    elif isinstance(publisher, str):
        out["publication"] = _text(publisher)
    if not out.get("publication"):
        site = next((n for n in nodes if "website" in _types(n)), None)
        out["publication"] = _text(site.get("name")) if site else None
    for candidate in (article.get("url"), article.get("mainEntityOfPage")):
        candidate = resolve(candidate)
        if isinstance(candidate, dict):
            candidate = candidate.get("url") or candidate.get("@id")
        if isinstance(candidate, str) and is_http(candidate.strip()):
            out["url"] = candidate.strip()
            break
    language = article.get("inLanguage")
    if isinstance(language, dict):
        language = language.get("alternateName") or language.get("name")
    out["lang"] = language_tag(_text(language))
    return out


def _head_meta(tree: lxml.html.HtmlElement) -> Iterator[tuple[str, str]]:
    """``(key, content)`` for every ``<meta>`` with a name, property, http-equiv or itemprop."""
    for element in tree.iter("meta"):
        content = _text(element.get("content"))
        if not content:
            continue
        for attribute in ("property", "name", "http-equiv", "itemprop"):
            key = element.get(attribute)
            if key:
                yield key.strip().lower(), content


def _opengraph_layer(tree: lxml.html.HtmlElement) -> dict[str, Any]:
    out: dict[str, Any] = {}
    authors: list[str] = []
    for key, content in _head_meta(tree):
        if key == "og:title":
            out.setdefault("title", content)
        elif key == "og:site_name":
            out.setdefault("publication", content)
        elif key == "og:url" and is_http(content):
            out.setdefault("url", content)
        elif key in {"article:published_time", "og:article:published_time"}:
            out.setdefault("date", parse_meta_date(content))
        elif key in {"article:author", "og:article:author"}:
            authors.extend(split_authors(content))
    out["authors"] = _unique(authors)
    return out


def _meta_layer(tree: lxml.html.HtmlElement) -> dict[str, Any]:
    values: dict[str, list[str]] = {}
    for key, content in _head_meta(tree):
        values.setdefault(key, []).append(content)
    # Microdata outside <meta> (itemprop="author"/"datePublished"/"headline").
    for element in tree.xpath("//*[@itemprop][not(self::meta)]")[:200]:
        prop = (element.get("itemprop") or "").strip().lower()
        if prop == "author":
            names = element.xpath(".//*[@itemprop='name']")
            text = _text((names[0] if names else element).text_content())
        elif prop in {"datepublished", "headline"}:
            text = _text(element.get("content") or element.get("datetime") or element.text_content())
        else:
            continue
        if text:
            values.setdefault(prop, []).append(text)

    def first(keys: tuple[str, ...]) -> str | None:
        return next((values[k][0] for k in keys if k in values), None)

    out: dict[str, Any] = {"title": first((*META_TITLE, "headline"))}
    for key in (*META_AUTHOR, "author"):
        if key in values:
            out["authors"] = _unique([name for value in values[key] for name in split_authors(value)])
            if out["authors"]:
                break
    for key in (*META_DATE, "datepublished"):
        date = parse_meta_date(first((key,)))
        if date:
            out["date"] = date
            break
    out["publication"] = first(META_PUBLICATION)
    out["url"] = next((u for k in META_URL for u in values.get(k, []) if is_http(u)), None)
    if not out["url"]:
        out["url"] = next(
            (u for k in ("dc.identifier", "dcterms.identifier") for u in values.get(k, []) if is_http(u)),
            None,
        )
    out["lang"] = next(
        (lang for k in META_LANG for v in values.get(k, []) if (lang := language_tag(v))), None
    )
    return out


def _link_layer(tree: lxml.html.HtmlElement, page_url: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        if "canonical" in rels and href:
            url = urljoin(page_url, href) if page_url else href
            if is_http(url):
                out["url"] = url
                break
    out["lang"] = language_tag(tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang"))
    return out


def language_tag(value: str | None) -> str | None:
    """A normalised BCP 47 tag from a page's language value, or ``None`` when it is not one."""
    from .frontmatter import normalise_lang

    if not value:
        return None
    value = value.split(",")[0].strip()
    try:
        lang = normalise_lang(value)
    except EditionsError:
        return None
    return None if lang.lower() in {"und", "mul", "zxx"} else lang


def _visible_layer(tree: lxml.html.HtmlElement) -> dict[str, Any]:
    """The byline, dateline and heading a reader sees near the top of the article."""
    from ..dates import dateline_authors, parse_byline, parse_dateline

    out: dict[str, Any] = {}
    h1s = [h for h in tree.iter("h1") if not in_chrome(h) and _text(h.text_content())]
    if len(h1s) == 1:
        out["title"] = _text(h1s[0].text_content())
    candidates: list[lxml.html.HtmlElement] = []
    marked = tree.xpath(
        "//body//*[contains(@class, 'byline')"
        " or contains(@class, 'author') or contains(@class, 'dateline') or contains(@class, 'posted-on')"
        " or contains(@class, 'published') or contains(@class, 'entry-date') or @rel='author']"
    )
    candidates.extend(e for e in marked[:50] if not in_chrome(e))
    if h1s:
        candidates.extend(_blocks_after(h1s[0], 6))
    authors: tuple[str, ...] = ()
    date: dt.date | None = None
    for element in candidates:
        text = _text(element.text_content()) or ""
        if not text or len(text) > 200:
            continue
        if date is None:
            time = element if element.tag == "time" else next(iter(element.iter("time")), None)
            date = parse_meta_date(time.get("datetime")) if time is not None else None
            date = date or parse_dateline(text)
            if date is not None and not authors:
                authors = dateline_authors(text)
        if not authors:
            authors = parse_byline(text) or ()
            classes = (element.get("class") or "").lower()
            if not authors and ("author" in classes or element.get("rel") == "author"):
                authors = parse_byline(text, bare=True) or ()
        if date and authors:
            break
    out["authors"] = tuple(a for a in authors if a.lower() not in GENERIC_AUTHORS)
    out["date"] = date
    if "title" not in out:
        title = tree.find(".//head/title")
        out["title"] = _text(title.text_content()) if title is not None else None
        if out["title"]:
            parts = _TITLE_SEPARATORS.split(out["title"])
            out["title"] = max(parts, key=len) if len(parts) > 1 else out["title"]
    return out


def _blocks_after(element: lxml.html.HtmlElement, count: int) -> list[lxml.html.HtmlElement]:
    """The next ``count`` elements after ``element`` in document order, leaves of short text first."""
    found: list[lxml.html.HtmlElement] = []
    for following in element.itersiblings():
        for node in following.iter():
            if isinstance(node.tag, str) and node.tag in {
                "p",
                "div",
                "span",
                "time",
                "address",
                "small",
                "li",
            }:
                text = node.text_content()
                if text.strip() and len(text) < 200:
                    found.append(node)
            if len(found) >= count:
                return found
    parent = element.getparent()
    if parent is not None and len(found) < count and parent.tag in {"header", "hgroup", "div"}:
        found.extend(_blocks_after(parent, count - len(found)))
    return found


def _site_from_title(tree: lxml.html.HtmlElement, title: str | None) -> str | None:
    """``Site`` from a ``<title>`` of the form ``Article title | Site`` when the title is known."""
    element = tree.find(".//head/title")
    whole = _text(element.text_content()) if element is not None else None
    if not whole or not title:
        return None
    parts = [p.strip() for p in _TITLE_SEPARATORS.split(whole) if p.strip()]
    if len(parts) == 2 and same_text(parts[0], title):
        return parts[1]
    if len(parts) == 2 and same_text(parts[1], title):
        return parts[0]
    return None


def fill_from_extraction(meta: PageMeta, document: Any) -> None:
    """trafilatura's own guesses (visible byline, htmldate) for fields no markup gave."""
    if document is None:
        return
    if not meta.title and _text(getattr(document, "title", None)):
        meta.title = _text(document.title)
        meta.found_in["title"] = "visible"
    if not meta.authors and _text(getattr(document, "author", None)):
        meta.authors = _unique([n for part in document.author.split(";") for n in split_authors(part)])
        meta.found_in["authors"] = "visible"
    if not meta.date and getattr(document, "date", None):
        meta.date = parse_meta_date(document.date)
        meta.found_in["date"] = "visible"


__all__ = [
    "PageMeta",
    "fill_from_extraction",
    "is_http",
    "language_tag",
    "page_metadata",
    "parse_meta_date",
    "split_authors",
]
