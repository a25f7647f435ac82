"""What an OpenDocument's styles mean: a document in, for each style name the kind of paragraph
(``title``, ``caption``, ``quote`` …), the inline elements its text properties ask for, and whether
a list level is numbered out (:class:`Styles`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from odfdo import Document

# Paragraph styles by what they mean, by name (case and spaces aside) or by the style they are based on.
_KINDS = {
    "title": "title",
    "subtitle": "subtitle",
    "author": "author",
    "date": "date",
    "caption": "caption",
    "figure": "caption",
    "illustration": "caption",
    "drawing": "caption",
    "figurecaption": "caption",
    "imagecaption": "caption",
    "tablecaption": "caption",
    "quotations": "quote",
    "quote": "quote",
    "intensequote": "quote",
    "blocktext": "quote",
    "blockquotation": "quote",
    "preformattedtext": "pre",
    "sourcetext": "pre",
    "tableheading": "table-heading",
}


def _key(name: str) -> str:
    """A style name as people see it, for comparison: ``Text_20_body`` → ``textbody``."""
    name = re.sub(r"_([0-9a-fA-F]{2})_", lambda m: chr(int(m.group(1), 16)), name)
    return "".join(name.split()).casefold()


def _position(value: str) -> float:
    """Above (positive) or below (negative) the baseline, from ``style:text-position`` (``super 58%``)."""
    first = (value.split() or [""])[0]
    if first in {"super", "sub"}:
        return 1.0 if first == "super" else -1.0
    try:
        return float(first.rstrip("%"))
    except ValueError:
        return 0.0


def _bold(value: str | None) -> bool:
    return value is not None and (value == "bold" or (value.isdigit() and int(value) >= 600))


class Styles:
    """What the document's styles mean for the HTML (looked up once per name)."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self._kinds: dict[str, str | None] = {}
        self._formats: dict[tuple[str, str], tuple[str, ...]] = {}
        self._ordered: dict[tuple[str, int], bool | None] = {}
        self._list_of: dict[str, str | None] = {}

    def _style(self, family: str, name: str, *, automatic: bool = False) -> object | None:
        """The style ``name``; with ``automatic``, only the document's automatic styles (its direct
        formatting, in ``content.xml``)."""
        if automatic:
            return self.document.content.get_style(family, name)
        return self.document.get_style(family, name)

    def kind(self, name: str | None) -> str | None:
        """``title``, ``caption``, ``quote`` … for a paragraph style (or one it is based on)."""
        if not name:
            return None
        if name not in self._kinds:
            found: str | None = None
            seen: set[str] = set()
            current: str | None = name
            while current and current not in seen and len(seen) < 20:
                seen.add(current)
                style = self._style("paragraph", current)
                display = getattr(style, "display_name", None) if style is not None else None
                for candidate in (display, current):
                    if candidate and _key(candidate) in _KINDS:
                        found = _KINDS[_key(candidate)]
                        break
                if found or style is None:
                    break
                current = getattr(style, "parent_style", None)
            self._kinds[name] = found
        return self._kinds[name]

    def formats(self, name: str | None, family: str, *, inherited: bool) -> tuple[str, ...]:
        """The inline elements (``strong``, ``em``, ``s``, ``sup``, ``sub``) a style's text properties
        ask for. With ``inherited`` the styles it is based on count too; without, only an automatic
        style counts (a paragraph's direct formatting, not what its named style looks like)."""
        if not name:
            return ()
        key = (family, name)
        if key not in self._formats:
            props: dict[str, str] = {}
            seen: set[str] = set()
            current: str | None = name
            while current and current not in seen and len(seen) < 20:
                seen.add(current)
                style = self._style(family, current, automatic=not inherited)
                if style is None:
                    break
                for prop, value in (style.get_properties(area="text") or {}).items():  # type: ignore[attr-defined]
                    props.setdefault(prop, str(value))
                display = _key(getattr(style, "display_name", None) or current)
                if display == "strongemphasis" or display == "strong":
                    props.setdefault("fo:font-weight", "bold")
                elif display == "emphasis":
                    props.setdefault("fo:font-style", "italic")
                if not inherited:
                    break
                current = getattr(style, "parent_style", None)
            out = []
            if _bold(props.get("fo:font-weight")):
                out.append("strong")
            if props.get("fo:font-style") in {"italic", "oblique"}:
                out.append("em")
            if props.get("style:text-line-through-style", "none") not in {"none", ""}:
                out.append("s")
            shift = _position(props.get("style:text-position", ""))
            if shift > 0:
                out.append("sup")
            elif shift < 0:
                out.append("sub")
            self._formats[key] = tuple(out)
        return self._formats[key]

    def ordered(self, list_style: str | None, level: int) -> bool | None:
        """Whether level ``level`` of a list style is numbered (``None``: the style is unknown)."""
        if not list_style:
            return None
        key = (list_style, level)
        if key not in self._ordered:
            answer: bool | None = None
            style = self._style("list", list_style)
            if style is not None:
                level_style = style.get_level_style(min(level, 10))  # type: ignore[attr-defined]
                if level_style is not None:
                    numbered = level_style.tag == "text:list-level-style-number"
                    answer = numbered and bool(level_style.get_attribute_string("style:num-format"))
            self._ordered[key] = answer
        return self._ordered[key]

    def list_style_of(self, paragraph_style: str | None) -> str | None:
        """The list style a paragraph style names (``style:list-style-name``), through its parents."""
        if not paragraph_style:
            return None
        if paragraph_style not in self._list_of:
            found = None
            seen: set[str] = set()
            current: str | None = paragraph_style
            while current and current not in seen and len(seen) < 20:
                seen.add(current)
                style = self._style("paragraph", current)
                if style is None:
                    break
                found = style.get_attribute_string("style:list-style-name")  # type: ignore[attr-defined]
                if found:
                    break
                current = getattr(style, "parent_style", None)
            self._list_of[paragraph_style] = found
        return self._list_of[paragraph_style]
