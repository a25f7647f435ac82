"""Markdown articles: YAML front matter and a CommonMark body.

In: the text of a ``.md`` file. Out: a :class:`~editions.readers.Draft` whose body is HTML
rendered by markdown-it-py (CommonMark with tables, strikethrough and footnotes), with section
headings starting at ``<h2>`` and footnote references as ``<sup class="fn" data-fn="N">``
markers, the notes themselves in ``Draft.footnotes``.

When the front matter has no ``title``, a leading ``# Heading`` is taken as the title.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from ..limits import check_markdown_source
from .draft import Draft, apply_front_matter
from .frontmatter import split_front_matter


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough").use(footnote_plugin)
    md.options["maxNesting"] = 60
    md.add_render_rule("footnote_ref", _render_ref)
    return md


def _render_ref(self: object, tokens: Sequence[Token], idx: int, options: object, env: object) -> str:
    number = int(tokens[idx].meta["id"]) + 1
    return f'<sup class="fn" data-fn="{number}">{number}</sup>'


_MD = _parser()


def read(text: str, path: Path) -> Draft:
    """Parse a Markdown article."""
    front = split_front_matter(text, path)
    check_markdown_source(front.body, path, front.body_line)
    tokens = _MD.parse(front.body)
    body_tokens, notes = _split_footnotes(tokens)
    draft = Draft()
    if not front.get("title"):
        body_tokens, draft.title = _take_leading_title(body_tokens)
    renderer = _MD.renderer
    body = renderer.render(body_tokens, _MD.options, {})
    draft.body_html = _shift_headings(_ALIGN.sub(r'<\1 align="\2"', body))
    draft.footnotes = [renderer.render(note, _MD.options, {}) for note in notes]
    return apply_front_matter(draft, front.fields)


def _split_footnotes(tokens: list[Token]) -> tuple[list[Token], list[list[Token]]]:
    """Separate the footnote block from the body; return the body and each note's tokens by number."""
    body: list[Token] = []
    notes: dict[int, list[Token]] = {}
    current: list[Token] | None = None
    in_block = False
    for token in tokens:
        if token.type == "footnote_block_open":
            in_block = True
        elif token.type == "footnote_block_close":
            in_block = False
        elif token.type == "footnote_open":
            current = notes.setdefault(int(token.meta["id"]), [])
        elif token.type == "footnote_close":
            current = None
        elif token.type == "footnote_anchor":
            continue
        elif current is not None:
            current.append(token)
        elif not in_block:
            body.append(token)
    ordered = [notes.get(i, []) for i in range(max(notes) + 1)] if notes else []
    return body, ordered


def _take_leading_title(tokens: list[Token]) -> tuple[list[Token], str | None]:
    if len(tokens) >= 3 and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
        title = tokens[1].content.strip()
        return tokens[3:], title
    return tokens, None


_ALIGN = re.compile(r'<(td|th) style="text-align:(left|right|center)"')
_HEADING = re.compile(r"<(/?)h([1-6])(?=[\s>])")


def _shift_headings(html: str) -> str:
    """Make the body's top heading level ``<h2>``: the article title is the only ``<h1>``."""
    levels = [int(m.group(2)) for m in _HEADING.finditer(html)]
    if not levels or min(levels) >= 2:
        return html
    shift = 2 - min(levels)
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + shift)}", html)
