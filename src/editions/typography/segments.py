"""The text the rules see: pieces of text nodes and virtual characters in (:class:`Text`), the
joined text edited in place where every piece touched is editable, the new text of each node out."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable

Replacement = str | tuple[int, int, str] | None

# Virtual characters stand for markup in the text the rules see; they are never written back.
BLOCK = "\u2029"  # paragraph separator: the boundary of a block element
LINE = "\u2028"  # line separator: <br>
OBJECT = "\ufffc"  # object replacement: <img> and text in another language


class Text:
    """The text of one language in a fragment, as a list of segments.

    Each segment is a piece of a text node (``slot``) or a virtual character standing for markup
    (``slot`` -1). Rules see the joined text, so context crosses element boundaries, but an edit
    is applied only where every segment it touches is editable: code, URLs and virtual characters
    are not.
    """

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.editable: list[bool] = []
        self.slots: list[int] = []
        self._joined: str | None = None
        self._starts: list[int] = [0]

    def add(self, text: str, slot: int, *, editable: bool = True) -> None:
        if text:
            self.texts.append(text)
            self.editable.append(editable)
            self.slots.append(slot)
            self._joined = None

    def add_virtual(self, char: str) -> None:
        if char != BLOCK or not self.texts or self.texts[-1] != BLOCK:
            self.add(char, -1, editable=False)

    def joined(self) -> str:
        """The text of all segments; ``_starts[k]`` is where segment ``k`` starts in it."""
        if self._joined is None:
            self._starts = list(itertools.accumulate(map(len, self.texts), initial=0))
            self._joined = "".join(self.texts)
        return self._joined

    def walker(self) -> Callable[[int], int]:
        """A function giving the segment that holds a position, fast when positions come in order."""
        starts = self._starts
        k = 0

        def segment(pos: int) -> int:
            nonlocal k
            while k and starts[k] > pos:
                k -= 1
            while starts[k + 1] <= pos:
                k += 1
            return k

        return segment

    def protect(self, spans: Iterable[tuple[int, int]]) -> None:
        """Make each span (sorted, not overlapping) of the joined text a non-editable segment of its own."""
        self.joined()
        starts = self._starts
        cuts: dict[int, list[tuple[int, int]]] = {}
        segment = self.walker()
        for start, end in spans:
            k = segment(start)
            while k < len(self.texts) and starts[k] < end:
                cuts.setdefault(k, []).append(
                    (max(start, starts[k]) - starts[k], min(end, starts[k + 1]) - starts[k])
                )
                k += 1
        if not cuts:
            return
        texts: list[str] = []
        editable: list[bool] = []
        slots: list[int] = []
        for k, text in enumerate(self.texts):
            pieces: list[tuple[str, bool]] = []
            if k in cuts and self.editable[k]:
                pos = 0
                for lo, hi in cuts[k]:
                    pieces.append((text[pos:lo], True))
                    pieces.append((text[lo:hi], False))
                    pos = hi
                pieces.append((text[pos:], True))
            else:
                pieces.append((text, self.editable[k]))
            for piece, flag in pieces:
                if piece:
                    texts.append(piece)
                    editable.append(flag)
                    slots.append(self.slots[k])
        self.texts, self.editable, self.slots = texts, editable, slots
        self._joined = None

    def apply(self, edits: list[tuple[int, int, str]]) -> None:
        """Apply edits ``(start, end, replacement)`` of the joined text, sorted and not overlapping.

        An edit touching a segment that is not editable is dropped. One spanning several segments
        puts its replacement in the first and deletes its part of the others; an insertion goes at
        the end of the segment on its left, or else at the start of the one on its right.
        """
        starts, editable, texts = self._starts, self.editable, self.texts
        segment = self.walker()
        current, pos, pieces = -1, 0, []  # the segment being rebuilt, how far, and its new text

        def put(k: int, lo: int, hi: int, replacement: str) -> None:
            nonlocal current, pos, pieces
            if k != current:
                if current >= 0:
                    pieces.append(texts[current][pos:])
                    texts[current] = "".join(pieces)
                current, pos, pieces = k, 0, []
            pieces.append(texts[k][pos:lo])
            pieces.append(replacement)
            pos = hi

        for start, end, replacement in edits:
            if start == end:
                left = segment(start - 1) if start else -1
                if left >= 0 and editable[left]:
                    put(left, start - starts[left], start - starts[left], replacement)
                elif start < starts[-1] and editable[right := segment(start)]:
                    put(right, 0, 0, replacement)
                continue
            first = segment(start)
            if end <= starts[first + 1]:  # the usual case: inside one segment
                if editable[first]:
                    put(first, start - starts[first], end - starts[first], replacement)
                continue
            last = first
            while starts[last + 1] < end:
                last += 1
            if all(editable[first : last + 1]):
                for k in range(first, last + 1):
                    lo = max(start, starts[k]) - starts[k]
                    put(k, lo, min(end, starts[k + 1]) - starts[k], replacement if k == first else "")
        if current >= 0:
            pieces.append(texts[current][pos:])
            texts[current] = "".join(pieces)
            self._joined = None

    def substitute(
        self,
        pattern: re.Pattern[str],
        replace: Callable[[re.Match[str]], Replacement],
        group: int | str = 0,
    ) -> None:
        """Change every match of ``pattern`` as ``replace`` says.

        ``replace`` returns None (no change), a string for ``group`` of the match, or
        ``(start, end, string)`` for a span of its own choosing. A span that overlaps the one
        before is skipped, and so is a match inside it.
        """
        text = self.joined()
        edits: list[tuple[int, int, str]] = []
        done = 0
        for match in pattern.finditer(text):
            if match.start() < done:
                continue
            result = replace(match)
            if result is None:
                continue
            if isinstance(result, tuple):
                start, end, new = result
            else:
                (start, end), new = match.span(group), result
            if start < done:
                continue
            done = end
            if text[start:end] != new:
                edits.append((start, end, new))
        if edits:
            self.apply(edits)

    def result(self) -> dict[int, str]:
        """The new text of every slot."""
        out: dict[int, list[str]] = {}
        for text, slot in zip(self.texts, self.slots, strict=True):
            if slot >= 0:
                out.setdefault(slot, []).append(text)
        return {slot: "".join(parts) for slot, parts in out.items()}
