"""The body of a plain-text article as HTML.

In: the body's :class:`~editions.readers.text.blocks.Block` s (header and footer already taken
off). Out: an HTML fragment of ``<p>``, ``<h2>``, ``<blockquote>`` and ``<ul>``/``<ol>``, text
escaped.

A block whose lines start with ``>`` is a block quote; a block of ``- ``/``* ``/``• `` items, or
of two or more ``1.``/``1)`` items, is a list; a quotation followed by an "— Name" attribution line
is a block quote; a paragraph wholly in quotation marks right after a paragraph ending with a
colon is a block quote; a single short line (at most 12 words) without closing punctuation,
followed by a paragraph, is a section heading (``<h2>``), and so is a numbered line ("2. Keep
records") followed by a paragraph; a line that starts with a speaker's label ("Q:", "A:") never
is. Everything else is a paragraph; a block of several short lines (verse, an address) keeps its
line breaks (``<br>``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from .blocks import VERSE_LINE, Block
from .furniture import CLOSE_QUOTES, OPEN_QUOTES, is_credit, is_url

MAX_HEADING_WORDS = 12
MAX_HEADING_CHARS = 100

_CLOSING_PUNCT = ".,;:!…"
_LIST_ITEM = re.compile(r"(?:[-*•◦▪‣–]|(?P<num>\d{1,3})[.)])\s+(?=\S)")
_QUOTE_LINE = re.compile(r">+ ?")
ATTRIBUTION = re.compile(r"(?:[—―–]|-{1,2})\s*(?=\w)")
_SPEAKER = re.compile(r"[^\W\d_][\w.]{0,20}\s?:\s")


def is_epigraph(block: Block) -> bool:
    """A quotation with an "— Name" attribution on its last line (or after it on one line)."""
    if block.words > 80:
        return False
    last = block.lines[-1]
    if len(block.lines) >= 2:
        match = ATTRIBUTION.match(last)
        if not match or len(last.split()) > 10 or _ends_closed(last.rstrip(")")):
            return False
        if not last[match.end()].isupper() or list_items(block) is not None:
            return False  # "- roses" closing a list of "- bread" items
        body = block.lines[:-1]
        return body[0][0] in OPEN_QUOTES or all(len(line) <= VERSE_LINE for line in body)
    line = block.lines[0]
    if line[0] not in OPEN_QUOTES:
        return False
    for dash in (" — ", " – ", " ― ", " -- "):
        head, sep, tail = line.rpartition(dash)
        if sep and head.rstrip()[-1:] in CLOSE_QUOTES and 1 <= len(tail.split()) <= 8:
            return True
    return False


def _ends_closed(text: str) -> bool:
    stripped = text.rstrip(CLOSE_QUOTES + ")]")
    if not stripped or stripped.endswith(("...", "…")):
        return False
    return stripped[-1] in _CLOSING_PUNCT


def heading_shape(block: Block) -> bool:
    """One short line with letters and no closing punctuation (a question may be a heading)."""
    if not block.single:
        return False
    line = block.lines[0]
    if len(line) > MAX_HEADING_CHARS or len(line.split()) > MAX_HEADING_WORDS:
        return False
    if not any(ch.isalpha() for ch in line):
        return False
    if line[0] in OPEN_QUOTES or ATTRIBUTION.match(line):
        return False
    if line[-1] in _CLOSING_PUNCT or line.endswith(("...", "…")):
        return False
    if line.endswith("?") and len(line.split()) > 8:
        return False
    if _LIST_ITEM.match(line) and not re.match(r"\d{1,3}[.)]\s", line):
        return False
    if _SPEAKER.match(line) or line.startswith("#"):
        return False  # "Q: How did it start?", "#hashtags"
    return not (is_credit(line) or is_url(line) or "://" in line or line.startswith("www."))


def list_items(block: Block) -> tuple[str, list[str], int] | None:
    """``("ul" | "ol", items, start)`` when every line of the block is a list item or continues one."""
    kind = None
    start = 1
    items: list[list[str]] = []
    for line in block.lines:
        match = _LIST_ITEM.match(line)
        if match:
            this = "ol" if match.group("num") else "ul"
            if kind is None:
                kind = this
                if this == "ol":
                    start = int(match.group("num"))
            elif this != kind:
                return None
            items.append([line[match.end() :]])
        elif items:
            items[-1].append(line)  # a continuation line of the item above
        else:
            return None
    if kind is None:
        return None
    return kind, [" ".join(parts) for parts in items], start


def _is_quote_block(block: Block) -> bool:
    return all(line.startswith(">") for line in block.lines)


def _wholly_quoted_start(block: Block) -> bool:
    return block.text[0] in OPEN_QUOTES


def _wholly_quoted_end(block: Block) -> bool:
    return block.text.rstrip(".,")[-1:] in CLOSE_QUOTES


def _inline(lines: Iterable[str]) -> str:
    lines = list(lines)
    if len(lines) >= 2 and all(len(line) <= VERSE_LINE for line in lines):
        return "<br>\n".join(html.escape(line, quote=False) for line in lines)
    return html.escape(" ".join(lines), quote=False)


def render_body(blocks: list[Block]) -> str:
    """The HTML of the body blocks."""
    out: list[str] = []
    index = 0
    count = len(blocks)
    previous_text = ""
    while index < count:
        block = blocks[index]
        if _is_quote_block(block):
            paragraphs = []
            while index < count and _is_quote_block(blocks[index]):
                stripped = [_QUOTE_LINE.sub("", line, count=1).strip() for line in blocks[index].lines]
                stripped = [s for s in stripped if s]
                if stripped:
                    paragraphs.append(f"<p>{_inline(stripped)}</p>")
                index += 1
            out.append("<blockquote>\n" + "\n".join(paragraphs) + "\n</blockquote>")
            previous_text = ""
            continue
        listed = list_items(block)
        if listed is not None:
            kind, items, start = listed
            # single-item blocks: a list only when the next blocks continue it
            run = [listed]
            j = index + 1
            while len(items) == 1 and j < count:
                nxt = list_items(blocks[j])
                if nxt is None or nxt[0] != kind:
                    break
                run.append(nxt)
                j += 1
            all_items = [item for part in run for item in part[1]]
            bullet_ok = kind == "ul" and (len(all_items) >= 2 or not block.lines[0].startswith("-"))
            if len(all_items) >= 2 or bullet_ok:
                attrs = f' start="{start}"' if kind == "ol" and start != 1 else ""
                lis = "\n".join(f"<li>{html.escape(item, quote=False)}</li>" for item in all_items)
                out.append(f"<{kind}{attrs}>\n{lis}\n</{kind}>")
                index = j
                previous_text = ""
                continue
        if is_epigraph(block) and len(block.lines) >= 2:
            quote = f"<p>{_inline(block.lines[:-1])}</p>\n<p>{html.escape(block.lines[-1], quote=False)}</p>"
            out.append(f"<blockquote>\n{quote}\n</blockquote>")
            index += 1
            previous_text = ""
            continue
        if previous_text.endswith(":") and _wholly_quoted_start(block):
            end = index
            while end < count and end - index < 10 and not _wholly_quoted_end(blocks[end]):
                if end > index and not _wholly_quoted_start(blocks[end]):
                    break
                end += 1
            if (
                end < count
                and _wholly_quoted_end(blocks[end])
                and all(_wholly_quoted_start(b) for b in blocks[index : end + 1])
            ):
                paragraphs = [f"<p>{_inline(b.lines)}</p>" for b in blocks[index : end + 1]]
                out.append("<blockquote>\n" + "\n".join(paragraphs) + "\n</blockquote>")
                index = end + 1
                previous_text = ""
                continue
        if heading_shape(block) and index + 1 < count and not heading_shape(blocks[index + 1]):
            out.append(f"<h2>{html.escape(block.lines[0], quote=False)}</h2>")
            index += 1
            previous_text = ""
            continue
        out.append(f"<p>{_inline(block.lines)}</p>")
        previous_text = block.text
        index += 1
    return "\n".join(out) + ("\n" if out else "")


__all__ = ["ATTRIBUTION", "heading_shape", "is_epigraph", "list_items", "render_body"]
