"""The HTML walker: a sanitised HTML fragment and its language in, the same fragment with the
typography of each element's language applied to its text nodes out (:func:`smarten_html`)."""

from __future__ import annotations

from collections.abc import Iterator

import lxml.html
from lxml import etree

from .engine import smarten
from .rules import rules_key
from .segments import BLOCK, LINE, OBJECT, Text

_PROTECTED = frozenset({"code", "pre", "kbd", "samp", "var", "tt", "script", "style", "math", "svg"})
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "caption", "col", "colgroup", "dd", "details",
        "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
        "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre",
        "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
     "wbr"}
)  # fmt: skip
_RAW_TEXT = frozenset({"script", "style"})


def _walk(root: etree._Element) -> Iterator[tuple[bool, etree._Element]]:
    """``(True, node)`` where a node starts, ``(False, node)`` where it ends, in document order."""
    yield True, root
    stack = [(root, iter(root))]
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            yield False, node
        else:
            yield True, child
            stack.append((child, iter(child)))


def _link_text_is_url(element: etree._Element) -> bool:
    text = (element.text or "").strip()
    href = element.get("href") or ""
    if not text or len(element) or not any(ch in text for ch in "./@") or any(ch.isspace() for ch in text):
        return False
    return text in href


def smarten_html(fragment: str, lang: str) -> str:
    """Return the HTML ``fragment`` with the typography of ``lang`` applied to its text nodes."""
    if not fragment.strip(" \t\r\n"):
        return fragment
    parser = lxml.html.HTMLParser(huge_tree=True)
    root = lxml.html.fragment_fromstring(fragment, create_parent="div", parser=parser)
    if any(error.level == etree.ErrorLevels.FATAL for error in parser.error_log):
        return fragment  # lxml gave up part of the way (nesting beyond its limit): better plain than lost
    base_key = rules_key(lang)
    docs: dict[str, Text] = {}
    slots: list[tuple[etree._Element, str]] = []
    # Per open element: (protected, rules key).
    context: list[tuple[bool, str]] = [(False, base_key)]

    def add(text: str | None, node: etree._Element, attr: str, protected: bool, key: str) -> None:
        if text:
            slots.append((node, attr))
            docs.setdefault(key, Text()).add(text, len(slots) - 1, editable=not protected)

    def virtual(char: str, key: str) -> None:
        docs.setdefault(key, Text()).add_virtual(char)

    def boundary() -> None:
        for doc in docs.values():
            doc.add_virtual(BLOCK)

    for starting, node in _walk(root):
        tag = node.tag if isinstance(node.tag, str) else None
        parent_protected, parent_key = context[-1]
        if starting:
            if node is root:
                add(node.text, node, "text", False, base_key)
                continue
            if tag is None:  # a comment or processing instruction: only its tail is text
                add(node.tail, node, "tail", parent_protected, parent_key)
                continue
            protected = parent_protected or tag in _PROTECTED
            own_lang = node.get("lang")
            key = rules_key(own_lang) if own_lang else parent_key
            if tag in _BLOCKS:
                boundary()
            elif tag == "br":
                virtual(LINE, key)
            elif tag == "img":
                virtual(OBJECT, key)
            if key != parent_key:  # text in another language is an object in this one's text
                virtual(OBJECT, parent_key)
                virtual(OBJECT, key)
            context.append((protected, key))
            text_protected = protected or (tag == "a" and _link_text_is_url(node))
            add(node.text, node, "text", text_protected, key)
        elif tag is not None and node is not root:
            context.pop()
            if tag in _BLOCKS:
                boundary()
            protected, key = context[-1]
            add(node.tail, node, "tail", protected, key)

    for key, doc in docs.items():
        smarten(doc, key)
        for slot, text in doc.result().items():
            node, attr = slots[slot]
            if getattr(node, attr) != text:
                setattr(node, attr, text)
    return _serialise(root)


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(value: str) -> str:
    return _escape_text(value).replace('"', "&quot;")


def _serialise(root: etree._Element) -> str:
    """The children of ``root`` as HTML, with characters as themselves and attributes as parsed."""
    parts: list[str] = []
    for starting, node in _walk(root):
        tag = node.tag
        if node is root:
            if starting and node.text:
                parts.append(_escape_text(node.text))
            continue
        if not isinstance(tag, str):
            if starting:
                if tag is etree.Comment:
                    parts.append(f"<!--{node.text or ''}-->")
                else:
                    parts.append(etree.tostring(node, encoding="unicode", method="html", with_tail=False))
                if node.tail:
                    parts.append(_escape_text(node.tail))
            continue
        if starting:
            # parsed from text, lxml gives str names and values (lxml-stubs allow bytes too)
            attributes = "".join(
                f' {name!s}="{_escape_attribute(str(value))}"' for name, value in node.items()
            )
            parts.append(f"<{tag}{attributes}>")
            if node.text:
                parts.append(node.text if tag in _RAW_TEXT else _escape_text(node.text))
        else:
            if tag not in _VOID:
                parts.append(f"</{tag}>")
            if node.tail:
                parts.append(_escape_text(node.tail))
    return "".join(parts)
