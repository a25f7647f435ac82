"""HTML to Markdown: a sanitised HTML fragment in, CommonMark out (with tables, strikethrough and
footnote references; what Markdown cannot express kept as HTML blocks), for :mod:`editions.importer`."""

from __future__ import annotations

import re
from typing import Any

import lxml.html

MAX_DEPTH = 40
"""Nesting deeper than this (lists in quotes in lists …) is written as HTML, not Markdown."""

INLINE = {
    "a", "abbr", "b", "br", "cite", "code", "del", "dfn", "em", "i", "img", "ins", "kbd", "mark", "q",
    "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
}  # fmt: skip
_RAW_INLINE = {"abbr", "ins", "kbd", "mark", "q", "samp", "small", "sub", "sup", "u", "var", "dfn"}
_TRANSPARENT = {"span", "time", "cite"}
_PUNCT = re.compile(r"[^\w\s]")
_PARSER = lxml.html.HTMLParser(huge_tree=True)


def html_to_markdown(fragment: str) -> str:
    """CommonMark (with tables, strikethrough and footnote references) for a sanitised HTML fragment."""
    if not fragment.strip():
        return ""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div", parser=_PARSER)
    blocks = _Converter().blocks(root, 0)
    return "\n\n".join(b for b in blocks if b.strip()) + "\n"


# A run of inline content: strings and elements, in document order (a name the class body cannot
# shadow: _Converter has a method called ``list``).
_Run = list[Any]


class _Converter:
    def blocks(self, element: lxml.html.HtmlElement, depth: int) -> list[str]:
        """The Markdown blocks of ``element``'s content (inline runs become paragraphs)."""
        out: list[str] = []
        run: list[Any] = []  # text and inline elements waiting to become a paragraph

        def flush() -> None:
            if run:
                text = self.paragraph(run)
                if text:
                    out.append(text)
                run.clear()

        if element.text:
            run.append(element.text)
        for child in element:
            if not isinstance(child.tag, str):  # comments, processing instructions
                if child.tail:
                    run.append(child.tail)
                continue
            if child.tag in INLINE:
                run.append(child)
            else:
                flush()
                out.extend(self.block(child, depth + 1))
            if child.tail:
                run.append(child.tail)
        flush()
        return out

    def block(self, element: lxml.html.HtmlElement, depth: int) -> list[str]:
        tag = element.tag
        if depth > MAX_DEPTH:
            return [_raw_html(element)]
        if tag == "p":
            text = self.paragraph([element.text or "", *self._children_with_tails(element)])
            return [text] if text else []
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            text = self.inline_run([element.text or "", *self._children_with_tails(element)]).replace(
                "\n", " "
            )
            return [f"{'#' * int(tag[1])} {text.strip()}"] if text.strip() else []
        if tag in {"ul", "ol"}:
            return [self.list(element, depth)]
        if tag == "blockquote":
            inner = "\n\n".join(self.blocks(element, depth))
            return (
                ["\n".join(f"> {line}" if line else ">" for line in inner.split("\n"))]
                if inner.strip()
                else []
            )
        if tag == "pre":
            code = element.text_content().strip("\n")
            fence = "`" * max(3, _longest_run(code, "`") + 1)
            return [f"{fence}\n{code}\n{fence}"]
        if tag == "hr":
            return ["* * *"]
        if tag == "table":
            return [self.table(element)]
        if tag in {"figure", "dl"}:
            return [_raw_html(element)]
        return self.blocks(element, depth)  # div, section, li-like wrappers: their content

    def list(self, element: lxml.html.HtmlElement, depth: int) -> str:
        ordered = element.tag == "ol"
        start = int(element.get("start", "1")) if (element.get("start") or "").isdigit() else 1
        items = [li for li in element if li.tag == "li"]
        loose = any(any(c.tag == "p" for c in li) for li in items)
        rendered = []
        for index, li in enumerate(items):
            marker = f"{start + index}. " if ordered else "- "
            blocks = self.blocks(li, depth) or [""]
            body = ("\n\n" if loose else "\n").join(blocks)
            pad = " " * len(marker)
            lines = body.split("\n")
            text = marker + lines[0] + "".join(f"\n{pad}{line}" if line else "\n" for line in lines[1:])
            rendered.append(text)
        return ("\n\n" if loose else "\n").join(rendered)

    def table(self, table: lxml.html.HtmlElement) -> str:
        rows = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
        simple = bool(rows) and not table.xpath(".//*[@colspan or @rowspan]|.//caption")
        simple = simple and not table.xpath(".//td/*[not(self::a or self::em or self::strong or self::code)]")
        header = rows[0] if rows and all(c.tag == "th" for c in rows[0]) else None
        widths = {len(r.xpath("./td|./th")) for r in rows}
        if not simple or header is None or len(widths) != 1:
            return _raw_html(table)
        lines = []
        for index, row in enumerate(rows):
            cells = [
                self.inline_run([c.text or "", *self._children_with_tails(c)]) for c in row.xpath("./td|./th")
            ]
            cells = [c.replace("\n", " ").replace("|", "\\|").strip() for c in cells]
            lines.append("| " + " | ".join(cells) + " |")
            if index == 0:
                lines.append("|" + "|".join(" --- " for _ in cells) + "|")
        return "\n".join(lines)

    @staticmethod
    def _children_with_tails(element: lxml.html.HtmlElement) -> _Run:
        out: list[Any] = []
        for child in element:
            if isinstance(child.tag, str):
                out.append(child)
            if child.tail:
                out.append(child.tail)
        return out

    def paragraph(self, run: _Run) -> str:
        text = self.inline_run(run)
        text = re.sub(r"\A(?:\s*\\\n)+|(?:\s*\\\n)+\s*\Z", "", text).strip()
        return "\n".join(_escape_line_start(line.strip()) for line in text.split("\n"))

    def inline_run(self, run: _Run, active: frozenset[str] = frozenset(), depth: int = 0) -> str:
        out: list[str] = []
        if depth > MAX_DEPTH:  # pathological nesting: keep the words, drop the formatting
            text = "".join(x if isinstance(x, str) else x.text_content() + (x.tail or "") for x in run)
            return _escape_text(_collapse(text))
        for index, item in enumerate(run):
            if isinstance(item, str):
                out.append(_escape_text(_collapse(item)))
                continue
            following = run[index + 1] if index + 1 < len(run) else ""
            after = following[:1] if isinstance(following, str) else following.text_content()[:1]
            out.append(self.inline(item, "".join(out)[-1:], after, active, depth + 1))
        return re.sub(r" {2,}", " ", "".join(out))

    def inline(
        self, element: lxml.html.HtmlElement, before: str, after: str, active: frozenset[str], depth: int
    ) -> str:
        tag = element.tag
        content = [element.text or "", *self._children_with_tails(element)]
        if tag == "br":
            return "\\\n"
        if tag == "img":
            return _image(element)
        if tag == "sup" and element.get("class") == "fn" and (element.get("data-fn") or "").isdigit():
            return f"[^{element.get('data-fn')}]"
        if tag == "code":
            code = _collapse(element.text_content())
            ticks = "`" * (_longest_run(code, "`") + 1)
            pad = " " if code.startswith("`") or code.endswith("`") else ""
            return f"{ticks}{pad}{code}{pad}{ticks}" if code else ""
        if tag in {"em", "i", "strong", "b", "del", "s"}:
            kind = {"i": "em", "b": "strong", "s": "del"}.get(tag, tag)
            inner = self.inline_run(content, active | {kind}, depth)
            if kind in active or not inner.strip():
                return inner
            mark = {"em": "*", "strong": "**", "del": "~~"}[kind]
            stripped = inner.strip()
            lead = " " if inner[:1].isspace() else ""
            trail = " " if inner[-1:].isspace() else ""
            # CommonMark flanking rules: a delimiter next to punctuation must not touch a letter outside.
            first_ok = not (_PUNCT.match(stripped[0]) and not lead and before.isalnum())
            last_ok = not (_PUNCT.match(stripped[-1]) and not trail and after.isalnum())
            clash = bool(before) and not lead and before == mark[0]
            if first_ok and last_ok and not clash and "\n" not in stripped:
                return f"{lead}{mark}{stripped}{mark}{trail}"
            html_tag = {"em": "em", "strong": "strong", "del": "del"}[kind]
            return f"{lead}<{html_tag}>{stripped}</{html_tag}>{trail}"
        if tag == "a":
            href = (element.get("href") or "").strip()
            inner = self.inline_run(content, active, depth).strip()
            if not href:
                return inner
            if not inner:
                return ""
            title = element.get("title")
            title_part = f' "{_escape_title(title)}"' if title else ""
            return f"[{inner}]({_escape_url(href)}{title_part})"
        if tag in _RAW_INLINE:
            inner = self.inline_run(content, active, depth)
            attrs = "".join(
                f' {name}="{_escape_attr(element.get(name, ""))}"'
                for name in ("title", "cite", "lang")
                if element.get(name)
            )
            return f"<{tag}{attrs}>{inner}</{tag}>" if inner.strip() else inner
        return self.inline_run(content, active, depth)  # span, time, cite: their content


def _collapse(text: str) -> str:
    return re.sub(r"[ \t\r\n\f]+", " ", text)


def _longest_run(text: str, char: str) -> int:
    runs = re.findall(f"{re.escape(char)}+", text)
    return max((len(r) for r in runs), default=0)


def _escape_text(text: str) -> str:
    text = text.replace("\\", "\\\\")
    text = re.sub(r"([`*\[\]])", r"\\\1", text)
    text = re.sub(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])", r"\\_", text)
    text = re.sub(r"<(?=[A-Za-z/!?])", r"\\<", text)
    text = re.sub(r"&(?=#?\w+;)", r"\\&", text)
    return text.replace("~~", "\\~\\~")


_LINE_START = re.compile(
    r"\A(#{1,6}(?=\s|\Z)|>|[-+](?=\s|\Z)|=+\s*\Z|(?:-[ \t]*)+\Z|\d{1,9}(?=[.)](?:\s|\Z)))"
)


def _escape_line_start(line: str) -> str:
    match = _LINE_START.match(line)
    if not match:
        return line
    token = match.group(1)
    if token[0].isdigit():
        return f"{token}\\{line[len(token) :]}"
    return "\\" + line


def _escape_url(url: str) -> str:
    url = url.replace("<", "%3C").replace(">", "%3E").replace("\n", "")
    return f"<{url}>" if any(ch in url for ch in " ()\\") else url


def _escape_title(title: str) -> str:
    return " ".join(title.split()).replace("\\", "\\\\").replace('"', '\\"')


def _escape_attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def _image(img: lxml.html.HtmlElement) -> str:
    src = (img.get("src") or "").strip()
    if not src:
        return ""
    alt = re.sub(r"([\[\]\\])", r"\\\1", " ".join((img.get("alt") or "").split()))
    title = img.get("title")
    title_part = f' "{_escape_title(title)}"' if title else ""
    return f"![{alt}]({_escape_url(src)}{title_part})"


def _raw_html(element: lxml.html.HtmlElement) -> str:
    """``element`` as one HTML block: no blank line inside (that would end the block in Markdown)."""
    copy = lxml.html.fragment_fromstring(lxml.html.tostring(element, encoding="unicode"), parser=_PARSER)
    copy.tail = None
    html = lxml.html.tostring(copy, encoding="unicode").strip()
    return re.sub(r"\n\s*\n", "\n", html)


__all__ = ["html_to_markdown"]
