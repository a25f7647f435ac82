"""Saved web pages (``.html``, ``.htm``): the article without the site around it, and its metadata.

In: the bytes of a web page (a file saved from a browser, or a page fetched by
:mod:`editions.readers.url`). Out: a :class:`~editions.readers.Draft` whose body is the article
alone — navigation, advertisements, share buttons, related links, comments, sidebars and footers
dropped by trafilatura — with headings (the top level made ``<h2>``), quotes, lists, tables,
figures with their captions, emphasis and links kept. What extraction kept of the page's header
(kicker, title, standfirst, byline, dateline) and related-link furniture are then taken out by
:mod:`editions.readers.pagebody`, so the body starts with the article's first paragraph; the
standfirst becomes the subtitle. The shared :func:`~editions.readers.finish` step then sanitises
the body and applies typography, as for every other format.

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

Broken JSON-LD is skipped, never fatal. A page that is binary data, or in which no article text
can be found, raises :class:`~editions.errors.EditionsError` naming the file.

Links are made absolute against the page's URL when it is known (else relative links are
unwrapped: they would point nowhere once the article leaves its site). Images keep a relative
``src`` (a file saved beside the page); site-absolute ones (``/wp-content/…``) are resolved
against the page's URL. Whether remote images are ever loaded is for the output stages to decide.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.parse import urljoin, urlsplit

import lxml.etree as etree
import lxml.html

from ..errors import EditionsError
from ..limits import BLOCK_TAGS, check_page_blocks
from ..model import Evidence
from ..textio import decode_text
from .draft import Draft
from .pagebody import in_chrome, page_header, same_text, tidy_body

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

_CHARSET_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_TITLE_SEPARATORS = re.compile(r"\s+[|–—·•:]\s+|\s+-\s+|\s*::\s*|\s*»\s*")
_ISO_DATE = re.compile(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:\b|T)")
_TOKEN = "editionsfigureplaceholder"
MAX_PAGE_BYTES = 50 * 1024 * 1024
"""Largest page read (pages saved with their images inside can be large)."""
MAX_ELEMENTS = 200_000
"""Most HTML elements in a page: extraction time grows faster than linearly with them (about 40 s here)."""
FAST_EXTRACTION_CHARS = 1_000_000
"""Above this much text, skip trafilatura's second opinions (readability, jusText): too slow."""
_PARSER = lxml.html.HTMLParser(huge_tree=True)  # deep nesting is kept, not cut at 256 levels


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


def read(data: bytes, path: Path) -> Draft:
    """Read a saved web page (the registry's ``.html``/``.htm`` reader; takes bytes)."""
    return read_page(data, source=path)


read.binary = True  # type: ignore[attr-defined]


def read_page(
    data: bytes, *, source: str | Path, charset: str | None = None, page_url: str | None = None
) -> Draft:
    """Extract the article and its metadata from the bytes of a web page.

    ``source`` names the file or URL in error messages; ``charset`` is the encoding an HTTP
    server declared; ``page_url`` is the address the page was fetched from (``None`` for a saved
    file), used as the source URL when the page names none and to resolve relative links.
    """
    if len(data) > MAX_PAGE_BYTES:
        size = len(data) // (1024 * 1024)
        raise EditionsError(
            f"the page is too large ({size} MB; pages up to {MAX_PAGE_BYTES >> 20} MB are read)", source
        )
    text = decode_html(data, source, charset)
    tree = parse_html(text, source)
    generator = tree.xpath("string(//head/meta[@name='generator']/@content)")
    if page_url is None and str(generator).startswith("editions "):
        raise EditionsError(
            "this is an edition made by editions, not an article: move it out of the folder", source
        )
    count = sum(1 for _ in tree.iter())
    if count > MAX_ELEMENTS:
        raise EditionsError(
            f"the page is too complex to extract ({count:,} elements; the limit is {MAX_ELEMENTS:,})", source
        )
    check_page_blocks(sum(1 for _ in tree.iter(*BLOCK_TAGS)), source)
    meta = page_metadata(tree, page_url=page_url)
    base = page_url or meta.url
    body = extract_body(tree, source, meta, base_url=base, fetched=page_url is not None)
    evidence = {}
    if meta.subtitle:
        marked = meta.found_in.get("subtitle") == "markup"
        rule = (
            "the page marks it as the standfirst"
            if marked
            else "the block set between the title and the byline"
        )
        evidence["subtitle"] = Evidence("subtitle", None, marked, rule)
    return Draft(
        title=meta.title,
        subtitle=meta.subtitle,
        body_html=body,
        evidence=evidence,
        authors=meta.authors,
        date=meta.date,
        publication=meta.publication,
        url=meta.url or page_url,
        lang=meta.lang,
    )


# --- decoding and parsing ----------------------------------------------------------------------


def decode_html(data: bytes, source: str | Path, charset: str | None = None) -> str:
    """Decode a page: a BOM, else the server's charset, else ``<meta charset>``, else UTF-8/Windows-1252."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode_text(data, source)
    if b"\x00" in data[:65536]:
        raise EditionsError("binary data, not an HTML page", source)
    declared = charset or _meta_charset(data[:4096])
    if declared:
        codec = _codec(declared)
        if codec:
            text = data.decode(codec, errors="replace")
            if codec != "utf-8" or "\ufffd" not in text:
                return _check_text(text, source)
            log.warning(
                "%s: not valid %s as the page says; read with replacement characters", source, declared
            )
            return _check_text(text, source)
    try:
        return decode_text(data, source)
    except EditionsError:
        raise EditionsError("binary data, not an HTML page", source) from None


def _meta_charset(head: bytes) -> str | None:
    match = _CHARSET_META.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def _codec(name: str) -> str | None:
    import codecs

    try:
        codec = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    # What browsers do (WHATWG Encoding): Latin-1 and ASCII labels mean Windows-1252.
    if codec in {"latin-1", "iso8859-1", "ascii"}:
        return "cp1252"
    return "utf-8" if codec.startswith("utf-16") else codec  # a utf-16 label on bytes without NULs lies


def _check_text(text: str, source: str | Path) -> str:
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > max(8, len(text[:65536]) // 100):
        raise EditionsError("binary data, not an HTML page", source)
    return text


def parse_html(text: str, source: str | Path) -> lxml.html.HtmlElement:
    """A whole-document lxml tree, or an error naming ``source``."""
    text = re.sub(r"\A\s*<\?xml[^>]*\?>", "", text)  # lxml refuses str input with an encoding declaration
    if not text.strip():
        raise EditionsError("the page is empty", source)
    try:
        # lxml-stubs type the result as a plain _Element; with an HTML parser it is an HtmlElement
        tree = cast(lxml.html.HtmlElement, lxml.html.document_fromstring(text, parser=_PARSER))
    except (etree.ParserError, ValueError) as exc:
        raise EditionsError(f"cannot parse the page as HTML ({exc})", source) from None
    if tree is None or (tree.find("body") is None and not tree.text_content().strip()):
        raise EditionsError("no text in this page", source)
    return tree


# --- metadata ----------------------------------------------------------------------------------


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
        meta.url = urljoin(page_url or "", meta.url) if not _is_http(meta.url) else meta.url
        if not _is_http(meta.url):
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


def _is_http(url: str | None) -> bool:
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
    if not value or _is_http(value) or value.lower() in GENERIC_AUTHORS or len(value) > 200:
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
        if isinstance(candidate, str) and _is_http(candidate.strip()):
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
        elif key == "og:url" and _is_http(content):
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
    out["url"] = next((u for k in META_URL for u in values.get(k, []) if _is_http(u)), None)
    if not out["url"]:
        out["url"] = next(
            (u for k in ("dc.identifier", "dcterms.identifier") for u in values.get(k, []) if _is_http(u)),
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
            if _is_http(url):
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


# --- the body ----------------------------------------------------------------------------------


@contextlib.contextmanager
def _quiet_trafilatura() -> Iterator[None]:
    """trafilatura logs every page it gives up on; our own error says so once."""
    logger = logging.getLogger("trafilatura")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def extract_body(
    tree: lxml.html.HtmlElement,
    source: str | Path,
    meta: PageMeta,
    *,
    base_url: str | None,
    fetched: bool,
) -> str:
    """The article's HTML: trafilatura's extraction turned back into HTML and tidied."""
    from trafilatura import bare_extraction

    work = _copy(tree)
    figures = _stash_figures(work)
    with _quiet_trafilatura():
        try:
            document = bare_extraction(
                work,
                fast=len(tree.text_content()) > FAST_EXTRACTION_CHARS,
                include_comments=False,
                include_tables=True,
                include_images=True,
                include_formatting=True,
                include_links=True,
                with_metadata=True,
                date_extraction_params={"extensive_search": False, "original_date": True},
            )
        except (ValueError, TypeError, RecursionError, etree.LxmlError) as exc:
            raise EditionsError(f"cannot extract the article from this page ({exc})", source) from None
    extracted = None if document is None or isinstance(document, dict) else document.body  # not as_dict
    if (extracted is None or not "".join(map(str, extracted.itertext())).strip()) and not figures:
        raise EditionsError("no article text found in this page", source)
    _fill_from_trafilatura(meta, document)
    body = etree.Element("div") if extracted is None else extracted
    root = _to_html(body)
    _restore_figures(root, figures)
    site = urlsplit(base_url).netloc if base_url and _is_http(base_url) else None
    header = page_header(tree, meta.title, site=site)
    found = tidy_body(root, title=meta.title, authors=meta.authors, header=header, site=site)
    if not meta.title and found.title:
        meta.title = found.title
        meta.found_in["title"] = "visible"
    if not meta.authors and found.authors:
        meta.authors = found.authors
        meta.found_in["authors"] = "visible"
    if found.standfirst:
        meta.subtitle = found.standfirst
        meta.found_in["subtitle"] = "markup" if found.marked else "position"
    shift_headings(root)
    _fix_links(root, base_url, fetched=fetched)
    html = "".join(lxml.html.tostring(child, encoding="unicode") for child in root)
    if not html.strip():
        raise EditionsError("no article text found in this page", source)
    return html


def _copy(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(lxml.html.tostring(tree, encoding="unicode"), parser=_PARSER)


def _fill_from_trafilatura(meta: PageMeta, document: Any) -> None:
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


def _image_src(img: lxml.html.HtmlElement) -> str | None:
    src = (img.get("src") or "").strip()
    for lazy in ("data-src", "data-lazy-src", "data-original", "data-orig-file"):
        if (not src or src.startswith("data:")) and img.get(lazy):
            src = img.get(lazy, "").strip()
    if not src and img.get("srcset"):
        src = img.get("srcset", "").split(",")[0].strip().split(" ")[0]
    return src or None


def _stash_figures(tree: lxml.html.HtmlElement) -> list[str]:
    """Replace image figures by placeholder paragraphs (trafilatura drops captions); return their HTML."""
    stashed: list[str] = []
    for figure in list(tree.iter("figure")):
        if figure.getparent() is None or any(
            e.tag in {"table", "blockquote", "figure"} for e in figure.iterdescendants()
        ):
            continue
        img = next(iter(figure.iter("img")), None)
        src = _image_src(img) if img is not None else None
        if src is None:
            continue
        caption = next(iter(figure.iter("figcaption")), None)
        out = etree.Element("figure")
        image = etree.SubElement(out, "img", src=src)
        if img is not None and img.get("alt"):
            image.set("alt", img.get("alt", ""))
        if caption is not None and caption.text_content().strip():
            new_caption = lxml.html.fragment_fromstring(lxml.html.tostring(caption, encoding="unicode"))
            new_caption.attrib.clear()
            new_caption.tail = None
            out.append(new_caption)
        placeholder = etree.Element("p")
        placeholder.text = f"{_TOKEN}{len(stashed)}x"
        placeholder.tail = figure.tail
        figure.getparent().replace(figure, placeholder)
        stashed.append(lxml.html.tostring(out, encoding="unicode"))
    return stashed


def _restore_figures(root: lxml.html.HtmlElement, figures: list[str]) -> None:
    if not figures:
        return
    pattern = re.compile(rf"{_TOKEN}(\d+)x")
    for element in list(root.iter("p", "div", "li", "td", "blockquote")):
        text = element.text_content()
        if _TOKEN not in text:
            continue
        match = pattern.search(text)
        parent = element.getparent()
        if match and int(match.group(1)) < len(figures) and parent is not None:
            figure = lxml.html.fragment_fromstring(figures[int(match.group(1))])
            figure.tail = element.tail
            parent.replace(element, figure)
        elif parent is not None:
            parent.remove(element)


_XML_TO_HTML = {
    "p": "p",
    "list": "ul",
    "item": "li",
    "quote": "blockquote",
    "lb": "br",
    "row": "tr",
    "table": "table",
}
_REND = {"#b": "strong", "#i": "em", "#u": "u", "#t": "code", "#sub": "sub", "#sup": "sup"}


def _to_html(body: etree._Element) -> lxml.html.HtmlElement:
    """trafilatura's XML (``head``, ``list``, ``hi``, ``ref``, ``graphic`` …) as HTML, iteratively."""
    for element in list(body.iter()):
        tag = element.tag
        if not isinstance(tag, str):
            continue
        attrib = {str(key): str(value) for key, value in element.attrib.items()}
        element.attrib.clear()
        if tag == "head":
            rend = attrib.get("rend", "h3")
            element.tag = rend if re.fullmatch(r"h[1-6]", rend) else "h3"
        elif tag == "list":
            element.tag = "ol" if attrib.get("rend") == "ol" else "ul"
        elif tag == "hi":
            element.tag = _REND.get(attrib.get("rend", "#i"), "span")
        elif tag == "ref":
            element.tag = "a"
            if attrib.get("target"):
                element.set("href", attrib["target"])
        elif tag == "graphic":
            element.tag = "img"
            for key in ("src", "alt", "title"):
                if attrib.get(key):
                    element.set(key, attrib[key])
        elif tag == "cell":
            element.tag = "th" if attrib.get("role") == "head" else "td"
            for key in ("colspan", "rowspan"):
                if attrib.get(key, "").isdigit():
                    element.set(key, attrib[key])
        elif tag == "code":
            parent = element.getparent()
            inline = parent is not None and parent.tag in {
                "p",
                "hi",
                "item",
                "cell",
                "ref",
            }
            if inline or "\n" not in "".join(map(str, element.itertext())):
                element.tag = "code"
            else:
                element.tag = "pre"
        elif tag == "del":
            element.tag = "del"
        elif tag in _XML_TO_HTML:
            element.tag = _XML_TO_HTML[tag]
        elif tag in {"body", "doc", "main"}:
            element.tag = "div"
        else:
            parent = element.getparent()
            element.tag = "span" if parent is not None and parent.tag == "p" else "div"
    html = etree.tostring(body, encoding="unicode", method="html")
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    # <div> wrappers left from trafilatura's containers: keep only their content.
    for div in list(root.iter("div")):
        if div is not root and div.getparent() is not None:
            div.drop_tag()
    for table in root.iter("table"):
        _table_head(table)
    return root


def _table_head(table: lxml.html.HtmlElement) -> None:
    rows = [r for r in table if r.tag == "tr"]
    if rows and len(rows) > 1 and all(cell.tag == "th" for cell in rows[0]):
        thead = etree.Element("thead")
        table.insert(0, thead)
        thead.append(rows[0])
        tbody = etree.SubElement(table, "tbody")
        for row in rows[1:]:
            tbody.append(row)


def shift_headings(root: lxml.html.HtmlElement) -> None:
    """Shift every heading under ``root`` so the highest level present becomes ``<h2>``.

    Up (a body using ``<h1>`` for sections) or down (one using ``<h3>``), keeping the relative
    levels, capped at ``<h6>``.
    """
    headings = list(root.iter("h1", "h2", "h3", "h4", "h5", "h6"))
    if not headings:
        return
    shift = 2 - min(int(e.tag[1]) for e in headings)
    if shift:
        for element in headings:
            element.tag = f"h{min(6, int(element.tag[1]) + shift)}"


def _fix_links(root: lxml.html.HtmlElement, base_url: str | None, *, fetched: bool) -> None:
    for link in list(root.iter("a")):
        href = (link.get("href") or "").strip()
        if not href or href.startswith("#"):
            link.drop_tag()
            continue
        scheme = urlsplit(href).scheme.lower()
        if scheme:
            continue
        if base_url and _is_http(base_url):
            link.set("href", urljoin(base_url, href))
        else:
            link.drop_tag()
    for img in root.iter("img"):
        src = (img.get("src") or "").strip()
        if not src or urlsplit(src).scheme:
            continue
        if base_url and _is_http(base_url) and (fetched or src.startswith("/")):
            img.set("src", urljoin(base_url, src))


__all__ = [
    "PageMeta",
    "decode_html",
    "page_metadata",
    "parse_meta_date",
    "read",
    "read_page",
    "split_authors",
]
