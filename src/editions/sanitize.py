"""Sanitising untrusted article HTML with an allowlist.

In: an HTML fragment from any reader (Markdown output, a saved web page, a Word file). Out: a
fragment holding only the elements and attributes the outputs know how to print, with no
scripts, event handlers, styles, forms, frames, embedded objects or inline SVG, links only to
``http``, ``https`` and ``mailto`` (and relative ones), image sources only relative paths,
``http(s)`` URLs and base64 ``data:`` images up to the image size cap (the HTML, PDF and EPUB
stages then load them under one policy: :mod:`editions.resources`), attribute values the outputs
can use as they are (language tags, numbers, known keywords), no control characters, and no
element nested deeper than
:data:`MAX_NESTING` levels (deeper content is kept as paragraphs of text: layout engines recurse
per level).
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html
import nh3

from .resources import MAX_IMAGE_BYTES

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
    "blockquote": {"cite", "class"},
    "*": {"lang", "dir"},
}

#: The one class an article may give (to a ``<blockquote>``): a pull quote, which styles may set
#: apart (the newsletter does; elsewhere it is a block quote).
PULL_QUOTE = "pull-quote"

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

MAX_DATA_URI = (MAX_IMAGE_BYTES + 2) // 3 * 4 + MAX_IMAGE_BYTES // 40 + 64
"""Longest ``data:`` URI kept: an image of :data:`editions.resources.MAX_IMAGE_BYTES` in base64,
with room for line breaks."""
MAX_NESTING = 32
"""Deepest element nesting kept in a fragment (WeasyPrint lays out about 100 levels at most)."""

_DATA_IMAGE = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+\Z")
_URL_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_SCHEMES_FOR = {
    "href": {"http", "https", "mailto"},
    "src": {"http", "https", "data"},
    "cite": {"http", "https"},
}
_LANG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*\Z")
_NUMBER = re.compile(r"-?\d{1,6}\Z")
_KEYWORDS = {
    "dir": {"ltr", "rtl", "auto"},
    "scope": {"row", "col", "rowgroup", "colgroup"},
    "align": {"left", "right", "center", "justify"},
    "reversed": {"", "reversed"},
}


def _filter(element: str, attribute: str, value: str) -> str | None:
    if attribute in {"href", "src", "cite"}:
        stripped = value.strip()
        scheme = _URL_SCHEME.match(_CONTROL.sub("", stripped))
        if scheme and scheme.group(1).lower() not in _SCHEMES_FOR.get(attribute, URL_SCHEMES):
            return None
        if stripped.lower().startswith("data:"):
            if element != "img" or attribute != "src":
                return None
            if len(stripped) > MAX_DATA_URI or not _DATA_IMAGE.match(stripped):
                return None
        if (
            element == "img"
            and attribute == "src"
            and stripped.startswith(("/", "\\"))
            and not (stripped.startswith("//"))
        ):
            return None
        return value
    if attribute == "lang":
        return value.strip() if _LANG.match(value.strip()) else None
    if attribute in _KEYWORDS:
        lowered = value.strip().lower()
        return lowered if lowered in _KEYWORDS[attribute] else None
    if attribute in {"start", "value"}:
        return value.strip() if _NUMBER.match(value.strip()) else None
    if attribute in {"colspan", "rowspan", "width", "height"}:
        stripped = value.strip()
        return (
            stripped
            if stripped.isdigit() and 0 < int(stripped) <= (1000 if "span" in attribute else 100000)
            else None
        )
    if attribute == "type":
        return value.strip() if value.strip() in {"1", "a", "A", "i", "I"} else None
    if element == "sup" and attribute == "class" and value != "fn":
        return None
    if element == "blockquote" and attribute == "class":
        return PULL_QUOTE if value.strip() == PULL_QUOTE else None
    if attribute == "data-fn" and not value.isdigit():
        return None
    return value


_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """``text`` without the characters no output can hold: control characters (but tab and line
    breaks), lone surrogates and non-characters (XML, hence XHTML and lxml, refuses them)."""
    return _NOT_TEXT.sub("", text)


#: The longest value kept for each metadata field (longer ones are cut, with a warning): titles
#: and names are set large on covers and title pages, where layout time grows fast with length.
FIELD_LIMITS = {
    "title": 300, "subtitle": 1000, "author": 200, "editor": 300, "publisher": 300, "publication": 300,
    "identifier": 300, "url": 2000, "contact": 1000, "tag": 100, "promo": 500, "rights": 2000,
    "note": 5000, "description": 5000, "colophon": 20000,
}  # fmt: skip
#: The most authors, tags and promos kept for one article.
MAX_ITEMS = 100


def clip(text: str, field: str) -> tuple[str, bool]:
    """``text`` cut to the limit of ``field`` (see :data:`FIELD_LIMITS`) at a space if it can be, and
    whether it was cut."""
    limit = FIELD_LIMITS.get(field)
    if limit is None or len(text) <= limit:
        return text, False
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + "…", True


def clean_html(fragment: str) -> str:
    """Return ``fragment`` with everything outside the allowlist removed (see the module docstring)."""
    if not fragment:
        return ""
    fragment = clean_text(fragment)
    if _max_depth(fragment) > MAX_NESTING:
        # Flatten first: the sanitiser's HTML parser takes quadratic time in the nesting depth.
        fragment = _flatten(fragment)
    cleaned = nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    if _max_depth(cleaned) > MAX_NESTING:
        cleaned = _flatten(cleaned)
    return cleaned


# --- nesting -----------------------------------------------------------------------------------

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")
_VOID = frozenset({"br", "hr", "img", "col", "wbr"})
_FLOW = frozenset(
    {"div", "blockquote", "li", "dd", "td", "th", "figure", "section", "article", "main", "aside"}
)
_BLOCKS = frozenset(
    {"p", "div", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "table", "caption", "tr", "td"}
    | {"th", "figure", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "br", "thead", "tbody"}
    | {"tfoot", "section", "article", "main", "aside", "header", "footer", "nav", "address", "details"}
)


def _max_depth(html: str) -> int:
    """The element nesting of HTML as its tags say (a linear scan, no parsing).

    Exact for sanitised HTML (every element closed); in other HTML, elements left open (``<p>``
    without ``</p>``) count as nested, so this may overstate the depth, never understate it.
    """
    depth = deepest = 0
    for match in _TAG.finditer(html):
        if match.group(2).lower() in _VOID:
            continue
        if match.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def _flatten(html: str) -> str:
    """Keep the content nested deeper than :data:`MAX_NESTING` as paragraphs of plain text.

    The nearest flow container (``div``, ``blockquote``, ``li`` …) at or above the limit keeps
    its place; everything inside it becomes ``<p>`` paragraphs, one per block of text. (The HTML
    parser keeps at most about 2,000 levels; content nested deeper than that is lost.)
    """
    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div", parser=parser)
    except lxml.etree.ParserError:
        return ""
    anchors: dict[lxml.html.HtmlElement, None] = {}
    stack = [(root, 0, root)]
    while stack:
        element, depth, anchor = stack.pop()
        if depth > MAX_NESTING:
            anchors.setdefault(anchor, None)
            continue
        for child in element:
            if isinstance(child.tag, str):
                child_anchor = child if child.tag in _FLOW and depth + 1 <= MAX_NESTING - 1 else anchor
                stack.append((child, depth + 1, child_anchor))
    flattened = set()
    for anchor in anchors:
        if any(a in flattened for a in anchor.iterancestors()):
            continue
        blocks = _text_blocks(anchor)
        tail = anchor.tail
        for child in list(anchor):
            anchor.remove(child)
        anchor.text = None
        for text in blocks:
            paragraph = lxml.html.Element("p")
            paragraph.text = text
            anchor.append(paragraph)
        anchor.tail = tail
        flattened.add(anchor)
    parts = [_escape(root.text or "")]
    parts.extend(lxml.etree.tostring(child, method="html", encoding="unicode") for child in root)
    return "".join(parts)


def _text_blocks(element: lxml.html.HtmlElement) -> list[str]:
    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = " ".join("".join(current).split())
        if text:
            blocks.append(text)
        current.clear()

    lxml.etree.strip_elements(element, lxml.etree.Comment, lxml.etree.ProcessingInstruction, with_tail=False)
    hidden = 0  # inside script, style … whose content is not text
    for event, node in lxml.etree.iterwalk(element, events=("start", "end")):
        if node.tag in CLEAN_CONTENT_TAGS:
            hidden += 1 if event == "start" else -1
            if event == "end" and not hidden:
                current.append(node.tail or "")
            continue
        if hidden:
            continue
        block = node.tag in _BLOCKS
        if event == "start":
            if block:
                flush()
            current.append(node.text or "")
        else:
            if block:
                flush()
            if node is not element:
                current.append(node.tail or "")
    flush()
    return blocks


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def html_to_text(fragment: str) -> str:
    """The visible text of an HTML fragment, for language detection and searching."""
    if not fragment.strip():
        return ""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    return " ".join(root.text_content().split())


def append_text(element: lxml.etree._Element, text: str | None) -> None:
    """Append ``text`` at the end of ``element``'s content (after its last child, if it has one)."""
    if not text:
        return
    if len(element):
        last = element[-1]
        last.tail = (last.tail or "") + text
    else:
        element.text = (element.text or "") + text
