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

Metadata comes from the page's markup and its visible byline, by :mod:`editions.readers.pagemeta`.
A page that is binary data, or in which no article text can be found, raises
:class:`~editions.errors.EditionsError` naming the file.

Links are made absolute against the page's URL when it is known (else relative links are
unwrapped: they would point nowhere once the article leaves its site). Images keep a relative
``src`` (a file saved beside the page); site-absolute ones (``/wp-content/…``) are resolved
against the page's URL. Whether remote images are ever loaded is for the output stages to decide.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import cast
from urllib.parse import urljoin, urlsplit

import lxml.etree as etree
import lxml.html

from ..errors import EditionsError
from ..limits import BLOCK_TAGS, check_page_blocks
from ..model import Evidence
from ..textio import decode_text
from .draft import Draft
from .pagebody import page_header, tidy_body
from .pagemeta import PageMeta, fill_from_extraction, is_http, page_metadata

log = logging.getLogger("editions")


_CHARSET_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_TOKEN = "editionsfigureplaceholder"
MAX_PAGE_BYTES = 50 * 1024 * 1024
"""Largest page read (pages saved with their images inside can be large)."""
MAX_ELEMENTS = 200_000
"""Most HTML elements in a page: extraction time grows faster than linearly with them (about 40 s here)."""
FAST_EXTRACTION_CHARS = 1_000_000
"""Above this much text, skip trafilatura's second opinions (readability, jusText): too slow."""
_PARSER = lxml.html.HTMLParser(huge_tree=True)  # deep nesting is kept, not cut at 256 levels


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
    fill_from_extraction(meta, document)
    body = etree.Element("div") if extracted is None else extracted
    root = _to_html(body)
    _restore_figures(root, figures)
    site = urlsplit(base_url).netloc if base_url and is_http(base_url) else None
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
        if base_url and is_http(base_url):
            link.set("href", urljoin(base_url, href))
        else:
            link.drop_tag()
    for img in root.iter("img"):
        src = (img.get("src") or "").strip()
        if not src or urlsplit(src).scheme:
            continue
        if base_url and is_http(base_url) and (fetched or src.startswith("/")):
            img.set("src", urljoin(base_url, src))


__all__ = ["decode_html", "extract_body", "parse_html", "read", "read_page", "shift_headings"]
