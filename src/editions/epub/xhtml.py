"""XHTML fragments: a prepared article's HTML (or a note's) in, namespaced XHTML fit for the EPUB out
(images packed or left out, headings shifted, unsafe links unwrapped, attributes checked)."""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

import lxml.etree as etree
import lxml.html

from ..errors import EditionsError
from ..model import Article
from ..sanitize import append_text
from .files import Images

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = f"{{{EPUB_NS}}}type"


def web_url(url: str | None) -> str | None:
    """A URL fit for an ``href`` in the book: http(s) only, with unsafe characters escaped."""
    if not url:
        return None
    url = url.strip()
    if not re.match(r"https?://[^\s/]", url, re.I):
        return None
    return urllib.parse.quote(url, safe="!#$%&'()*+,-./:;=?@[]_~")


def xhtml_tag(tag: str) -> str:
    return f"{{{XHTML_NS}}}{tag}"


_BLOCKS = frozenset(
    {"p", "div", "ul", "ol", "dl", "blockquote", "pre", "table", "figure", "h2", "h3", "h4", "h5", "h6", "hr"}
)
_TIME = re.compile(
    r"\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?\Z"
    r"|\d{2}:\d{2}(:\d{2})?\Z"
)


def _is_block(element: etree._Element) -> bool:
    return etree.QName(element).localname in _BLOCKS


def blockify(root: etree._Element) -> etree._Element:
    """Wrap runs of text and inline elements between blocks in ``<p>`` (a note may be bare text)."""
    out = _new_root()
    run: etree._Element | None = None

    def paragraph() -> etree._Element:
        nonlocal run
        if run is None:
            run = etree.SubElement(out, xhtml_tag("p"))
        return run

    lead = (root.text or "").strip()
    if lead:
        paragraph().text = lead
    for child in list(root):
        tail, child.tail = child.tail, None
        if _is_block(child):
            run = None
            out.append(child)
        else:
            paragraph().append(child)
        if (tail or "").strip():
            append_text(paragraph(), tail)
    for block in out:
        if len(block) and block[-1].tail:
            block[-1].tail = block[-1].tail.rstrip()
        block.tail = "\n"
    return out


def parse_fragment(markup: str) -> etree._Element:
    """Parse a fragment serialised by :func:`prepare_article` (XML; HTML as a fallback)."""
    try:
        return etree.fromstring(f'<div xmlns:epub="{EPUB_NS}">{markup}</div>'.encode())
    except etree.XMLSyntaxError:
        return lxml.html.fragment_fromstring(markup, create_parent="div")


def _new_root() -> etree._Element:
    # lxml-stubs refuse the None key that lxml documents for the default namespace
    return etree.Element(xhtml_tag("div"), nsmap={None: XHTML_NS, "epub": EPUB_NS})  # type: ignore[dict-item]


def serialise_children(root: etree._Element) -> str:
    """The XHTML of ``root``'s content, namespaces declared once by the document's ``<html>``."""
    text = etree.tostring(root, encoding="unicode")
    if text.endswith("/>"):
        return ""
    return text[text.index(">") + 1 : text.rindex("</div>")].strip()


def check_xml(content: bytes, name: str) -> None:
    try:
        etree.fromstring(content)
    except etree.XMLSyntaxError as exc:
        raise EditionsError(f"template gives broken XHTML: {exc}", name) from None


class Rebuilder:
    """Copy a fragment into the XHTML namespace, fixing what the EPUB needs on the way."""

    def __init__(self, images: Images, article: Article, ids: set[str], *, shift_headings: bool) -> None:
        self.images = images
        self.article = article
        self.ids = ids
        self.shift = shift_headings

    def fragment(self, source: etree._Element) -> str:
        return serialise_children(self.tree(source))

    def tree(self, source: etree._Element) -> etree._Element:
        root = _new_root()
        root.text = source.text
        for child in source:
            self._copy(child, root)
        return root

    def _copy(self, src: Any, parent: etree._Element) -> None:
        if not isinstance(src.tag, str):
            append_text(parent, src.tail)
            return
        tag = etree.QName(src).localname.lower() if "}" in src.tag else src.tag.lower()
        attrs = self._attributes(tag, src)
        if attrs is None:  # unwrap: keep the content, drop the element
            append_text(parent, src.text)
            for child in src:
                self._copy(child, parent)
            append_text(parent, src.tail)
            return
        if tag == "img":
            resource = self.images.load(src.get("src", ""), self.article)
            if resource is None:
                alt = (src.get("alt") or "").strip()
                append_text(parent, (f"[{alt}]" if alt else "") + (src.tail or ""))
                return
            attrs["src"] = "../" + resource.name
            if not (src.get("alt") or "").strip():
                self.images.alt_missing = True
            attrs.setdefault("alt", "")
        if self.shift and re.fullmatch(r"h[2-6]", tag):
            tag = f"h{min(6, int(tag[1]) + 1)}"
        if tag == "time" and "datetime" not in attrs:
            tag = "span"
        element = etree.SubElement(parent, xhtml_tag(tag), attrs)
        element.text = src.text
        for child in src:
            self._copy(child, element)
        element.tail = src.tail

    def _attributes(self, tag: str, src: Any) -> dict[str, str] | None:
        attrs: dict[str, str] = {}
        for key, value in src.attrib.items():
            name = str(key)
            if name == EPUB_TYPE or re.fullmatch(r"(epub|ns\d+):type", name):
                attrs[EPUB_TYPE] = value
                continue
            if name.startswith("{") or ":" in name or name.startswith("xmlns"):
                continue
            if name == "lang":
                attrs["lang"] = attrs[XML_LANG] = value
            elif name == "dir":
                if value.lower() in ("ltr", "rtl", "auto"):
                    attrs["dir"] = value.lower()
            elif name == "align":
                if value.lower() in ("left", "right", "center", "justify"):
                    attrs["class"] = (attrs.get("class", "") + f" align-{value.lower()}").strip()
            elif name in ("width", "height"):
                if value.strip().isdigit():
                    attrs[name] = value.strip()
            elif name == "cite":
                url = web_url(value)
                if url:
                    attrs["cite"] = url
            elif name == "datetime":
                if _TIME.match(value.strip()):
                    attrs["datetime"] = value.strip()
            elif name == "href":
                href = self._href(value)
                if href is None:
                    return None
                attrs["href"] = href
            elif name == "class" and "class" in attrs:
                attrs["class"] = f"{value} {attrs['class']}"
            else:
                attrs[name] = value
        if tag == "a" and "href" not in attrs:
            return None
        return attrs

    def _href(self, value: str) -> str | None:
        value = value.strip()
        if value.startswith("#"):
            return value if value[1:] in self.ids else None
        if value.lower().startswith("mailto:"):
            return value
        return web_url(value)
