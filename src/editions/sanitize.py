"""Sanitising untrusted article HTML with an allowlist.

In: an HTML fragment from any reader (Markdown output, a saved web page, a Word file). Out: a
fragment holding only the elements and attributes the outputs know how to print, with no
scripts, event handlers, styles, forms, frames or embedded objects, and links only to ``http``,
``https`` and ``mailto`` (images: files of the edition and size-capped ``data:`` URIs; the
PDF and EPUB stages check them again when they load them).
"""

from __future__ import annotations

import re

import lxml.html
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
    "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small",
    "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr",
    "u", "ul", "var",
}  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "time": {"datetime"},
    "sup": {"class", "data-fn"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "*": {"lang", "dir"},
}

CLEAN_CONTENT_TAGS = {
    "script",
    "style",
    "template",
    "noscript",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "title",
}

URL_SCHEMES = {"http", "https", "mailto", "data"}

MAX_DATA_URI = 2 * 1024 * 1024
_DATA_IMAGE = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+\Z")


def _filter(element: str, attribute: str, value: str) -> str | None:
    if attribute in {"href", "src", "cite"}:
        stripped = value.strip()
        if stripped.lower().startswith("data:"):
            if element != "img" or attribute != "src":
                return None
            if len(stripped) > MAX_DATA_URI or not _DATA_IMAGE.match(stripped):
                return None
        if element == "img" and attribute == "src" and stripped.startswith(("/", "\\")):
            return None
    if element == "sup" and attribute == "class" and value != "fn":
        return None
    if attribute == "data-fn" and not value.isdigit():
        return None
    return value


def clean_html(fragment: str) -> str:
    """Return ``fragment`` with everything outside the allowlist removed."""
    if not fragment:
        return ""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


def html_to_text(fragment: str) -> str:
    """The visible text of an HTML fragment, for language detection and searching."""
    if not fragment.strip():
        return ""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    return " ".join(root.text_content().split())
