"""Lines and paragraphs of copied text.

In: the text of an article as a person copied it (blank lines between paragraphs, or single line
breaks, CRLF, hard-wrapped lines of about 70 characters as mail and some editors give, trailing
spaces, no-break spaces, or a mix). Out: :func:`units`, the article's logical lines, each with
its 1-based line number and whether a blank line came before it; :func:`paragraphs`, body units
grouped into :class:`Block` s (one per paragraph, list, verse or quote).

A line break is a *soft wrap* (the lines are one sentence run) when the text is hard-wrapped and
the next line's first word would not have fitted on the line, or when the line stops without
closing punctuation and the next one continues in lower case. Every other line break ends a unit:
text copied with single line breaks between paragraphs reads the same as text with blank lines.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

_ZERO_WIDTH = re.compile("[\u200b\ufeff\u2060\u00ad]")
_SPACE_RUN = re.compile(r"[^\S\n]{2,}|[\t\r\f\v]")
_SENTENCE_END = tuple(".!?…:;")
_CLOSERS = "\"”’»)]'"

MIN_WRAPPED_LINES = 6
"""A text is hard-wrapped when at least this many lines end near one width …"""

MAX_WRAP_WIDTH = 100
"""… and that width is at most this many characters (longer lines are whole paragraphs)."""

VERSE_LINE = 45


@dataclass
class Unit:
    """One logical line: a paragraph, a heading, a byline … (soft-wrapped lines joined)."""

    no: int
    text: str
    gap: bool = True
    raw: list[str] = field(default_factory=list)

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass
class Block:
    """Body text to render: one or more lines that belong together (a paragraph, verse, a list)."""

    lines: list[str]
    no: int = 0

    @property
    def text(self) -> str:
        return " ".join(self.lines)

    @property
    def words(self) -> int:
        return sum(len(line.split()) for line in self.lines)

    @property
    def single(self) -> bool:
        return len(self.lines) == 1


def clean_line(line: str) -> str:
    """A line without zero-width characters, with every run of spaces (no-break ones too) one space."""
    line = _ZERO_WIDTH.sub("", line)
    return _SPACE_RUN.sub(" ", line).strip()


def raw_lines(text: str, first_no: int = 1) -> list[tuple[int, str]]:
    """``(line number, cleaned line)`` for every line of ``text``, blank ones included (as "")."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    return [(first_no + i, clean_line(line)) for i, line in enumerate(text.split("\n"))]


def wrap_width(lines: list[str]) -> int | None:
    """The width a hard-wrapped text was wrapped at, or ``None`` when its lines are paragraphs."""
    long = [len(line) for line in lines if len(line) >= 40]
    if len(long) < MIN_WRAPPED_LINES:
        return None
    width = sorted(long)[int(len(long) * 0.9)]
    if width > MAX_WRAP_WIDTH:
        return None
    near = sum(1 for n in long if width - 20 <= n <= width + 2)
    if near < 0.7 * len(long):
        return None
    return max(n for n in long if n <= width + 2)


def _soft_wrap(line: str, following: str, width: int | None, gapped: bool) -> bool:
    """Whether the break between ``line`` and ``following`` only wrapped one run of text."""
    if not following:
        return False
    end = line.rstrip(_CLOSERS)[-1:]
    closed = bool(end) and (end in _SENTENCE_END or line.endswith(("...", "…")))
    if width is not None:
        first = following.split()[0]
        full = len(line) + 1 + len(first) > width - 2 and len(line) >= width * 0.6
        heading_next = (
            closed and len(following) < width * 0.6 and following.rstrip(_CLOSERS)[-1:] not in ".!?…:;"
        )
        return full and not heading_next
    if closed or _BYLINE_START.match(following):
        return False
    if end in ",(–—-" and following[0].islower():
        return True
    return gapped and len(line) >= 60 and end.isalnum()


_BYLINE_START = re.compile(r"(?:by|posted|par|von|por|di|door|av|af|od)\s", re.IGNORECASE)


def units(text: str, first_no: int = 1) -> tuple[list[Unit], int | None]:
    """The logical lines of ``text`` and the width it was hard-wrapped at (``None`` if it was not)."""
    lines = raw_lines(text, first_no)
    width = wrap_width([line for _, line in lines if line])
    texts = [line for _, line in lines]
    breaks = sum(1 for a, b in itertools.pairwise(texts) if a and not b)
    gapped = breaks >= 0.3 * max(1, sum(1 for t in texts if t) - 1) or sum(1 for t in texts if t) < 4
    out: list[Unit] = []
    gap = True
    for no, line in lines:
        if not line:
            gap = True
            continue
        if out and not gap and _soft_wrap(out[-1].raw[-1], line, width, gapped) and not _list_start(line):
            out[-1].text = f"{out[-1].text} {line}"
            out[-1].raw.append(line)
        else:
            out.append(Unit(no, line, gap, [line]))
        gap = False
    return out, width


_LIST_START = re.compile(r"(?:[-*•◦▪‣–]|\d{1,3}[.)])\s+\S")


def _list_start(line: str) -> bool:
    return bool(_LIST_START.match(line))


def paragraphs(body: list[Unit], *, gapped: bool) -> list[Block]:
    """Body units as blocks: one per unit, except runs of short lines with no blank line between
    them in a text that separates paragraphs with blank lines (verse, an address), kept as one block."""
    blocks: list[Block] = []
    for unit in body:
        previous = blocks[-1] if blocks else None
        if (
            gapped
            and previous is not None
            and not unit.gap
            and len(unit.text) <= VERSE_LINE
            and all(len(line) <= VERSE_LINE for line in previous.lines)
            and not _list_start(unit.text)
            and not _list_start(previous.lines[0])
        ):
            previous.lines.append(unit.text)
            continue
        if (
            previous is not None
            and not unit.gap
            and _list_start(previous.lines[0])
            and _list_start(unit.text)
        ):
            previous.lines.append(unit.text)  # the next item of the same list
            continue
        if (
            previous is not None
            and not unit.gap
            and _list_start(previous.lines[0])
            and not _list_start(unit.text)
            and len(previous.lines) >= 1
            and _list_start(previous.lines[-1])
            and unit.text[:1].islower()
        ):
            previous.lines.append(unit.text)  # an item's continuation line
            continue
        blocks.append(Block([unit.text], unit.no))
    return blocks


def is_gapped(all_units: list[Unit]) -> bool:
    """Whether the text separates its paragraphs with blank lines (most of its units follow one)."""
    if len(all_units) < 4:
        return True
    return sum(1 for u in all_units[1:] if u.gap) >= 0.3 * (len(all_units) - 1)


__all__ = ["Block", "Unit", "clean_line", "is_gapped", "paragraphs", "raw_lines", "units", "wrap_width"]
