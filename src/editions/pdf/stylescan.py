"""The style, read for the skeletons: which of its rules may match an element, which may set the furniture.

In: a stylesheet's text, and the elements a document may hold as their signatures (tag, classes,
id: :func:`signature`). Out: the stylesheet without the rules none of whose selectors may match
one of them (:func:`pruned_css`: the same computed style for those elements, less to parse and
match), and the subjects of the rules by which an element may change what a page's furniture
shows (:func:`furniture_selectors`; :func:`may_set_furniture` asks it of an element). A
conservative reading of the CSS text, no parser: whatever it does not follow (escapes, unbalanced
braces, ``@import``, selectors it cannot split) keeps the whole style or the whole header, so it
only ever keeps too much. Used by :mod:`editions.pdf.book` for the skeletons' documents.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

#: Comments, strings and unquoted URLs: blanked before the CSS is cut into rules.
_OPAQUE = re.compile(
    r"""/\*.*?\*/|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|url\(\s*[^\s"')][^)]*\)""", re.DOTALL
)
_ARGUMENTS = re.compile(r"\([^()]*\)")
_NO_REQUIREMENT = re.compile(r"\[[^\]]*\]|::?[-\w]+")
_COMBINATOR = re.compile(r"\s*[>+~]\s*|\s+")
_COMPOUND = re.compile(r"(?P<tag>[-\w]+|\*)?(?P<rest>(?:\.[-\w]+|#[-\w]+|§)*)")

#: An element as a selector's subject sees it: tag, classes, id (lower case: a superset of matches).
Signature = tuple[str, frozenset[str], str]


def signature(element: Any) -> Signature:
    classes = frozenset((element.get("class") or "").lower().split())
    return element.tag.lower(), classes, (element.get("id") or "").lower()


def _statements(css: str) -> list[tuple[int, int, int]] | None:
    """Where the top-level rules with a block are in ``css``: (start, opening brace, end) of each;
    None when the CSS has what this reading does not follow (escapes outside strings, unbalanced
    braces)."""
    masked = _OPAQUE.sub(lambda m: " " * len(m.group()), css)
    if any(c in masked for c in "\\\"'") or "/*" in masked:
        return None
    found, depth, start, brace = [], 0, 0, 0
    for match in re.finditer(r"[{};]", masked):
        char, position = match.group(), match.start()
        if char == "{":
            if depth == 0:
                brace = position
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return None
            if depth == 0:
                found.append((start, brace, position + 1))
                start = position + 1
        elif depth == 0:  # the end of an at-rule without a block (@import, @charset, @layer a, b;)
            start = position + 1
    return found if depth == 0 else None


Requirement = tuple[str, frozenset[str], frozenset[str]]


def _compounds(selector: str) -> list[Requirement] | None:
    """What the elements a selector's compounds match must have: tag (or ""), classes and ids, lower
    case, pseudo-classes, attributes and pseudo-elements taken as true; None when any elements may
    (a selector this reading does not follow)."""
    while True:
        reduced = _ARGUMENTS.sub("", selector)
        if reduced == selector:
            break
        selector = reduced
    if "(" in selector or ")" in selector or "|" in selector:
        return None
    found = []
    for piece in _COMBINATOR.split(_NO_REQUIREMENT.sub("§", selector).strip()):
        match = _COMPOUND.fullmatch(piece.lower())
        if match is None:
            return None
        tag = match["tag"] if match["tag"] and match["tag"] != "*" else ""
        classes = frozenset(re.findall(r"\.([-\w]+)", match["rest"]))
        ids = frozenset(re.findall(r"#([-\w]+)", match["rest"]))
        found.append((tag, classes, ids))
    return found


def _may_match(prelude: str, found: Callable[[Requirement], bool]) -> bool:
    """Whether one of the selectors of ``prelude`` may match in a document where ``found`` says which
    compounds match an element: each of its compounds does (an over-estimate)."""
    for text in _selectors(prelude):
        compounds = _compounds(text.strip())
        if compounds is None or all(found(compound) for compound in compounds):
            return True
    return False


def pruned_css(css: str, elements: set[Signature]) -> str:
    """``css`` without the rules none of whose selectors may match one of ``elements`` (at-rules,
    ``@page`` and ``@font-face`` among them, are kept whole): the same computed style for each of
    those elements, a shorter stylesheet to parse and match. ``css`` itself when it cannot be read."""
    statements = _statements(css)
    if statements is None:
        return css
    by_class: dict[str, list[Signature]] = {}
    for element in elements:
        for name in element[1]:
            by_class.setdefault(name, []).append(element)
    known: dict[Requirement, bool] = {}

    def found(requirement: Requirement) -> bool:
        if requirement not in known:
            tag, classes, ids = requirement
            candidates = by_class.get(min(classes), []) if classes else elements
            known[requirement] = any(
                (not tag or tag == element_tag) and classes <= element_classes and ids <= {element_id}
                for element_tag, element_classes, element_id in candidates
            )
        return known[requirement]

    masked = _OPAQUE.sub(lambda m: (" " if m.group().startswith("/*") else "x") * len(m.group()), css)
    kept, position = [], 0
    for start, brace, end in statements:
        prelude = masked[start:brace].strip()
        if prelude.startswith("@") or _may_match(prelude, found):
            continue
        kept.append(css[position:start])
        position = end
    kept.append(css[position:])
    return "".join(kept)


#: Properties by which an element may change the page furniture of a skeleton (or its pages).
_FURNITURE_NAMES = (
    "string-set|counter-reset|counter-increment|counter-set|page|break-before|break-after|"
    "page-break-before|page-break-after|float|visibility|position|content"
)
_FURNITURE = re.compile(rf"(?:^|[;{{])\s*({_FURNITURE_NAMES})\s*:\s*([^;{{}}]*)", re.IGNORECASE)
_NOT_FURNITURE = {"none", "auto", "avoid", "avoid-page", "avoid-column"}
#: At-rules whose blocks hold no rules for elements.
_NOT_ELEMENT_RULES = {
    "page",
    "font-face",
    "counter-style",
    "font-feature-values",
    "property",
    "keyframes",
    "color-profile",
}
#: Pseudo-classes that look at the siblings after an element, or at its children.
_FROM_THE_END = re.compile(r":(?:nth-)?last-|:only-|:empty|:has\(", re.IGNORECASE)
_INLINE_FURNITURE = re.compile(r"string-set|counter-|page|break-|float|visibility|position|content", re.I)


def furniture_selectors(css: str) -> list[tuple[Requirement, bool]] | None:
    """The subjects (see :func:`_compounds`) of the rules by which an element may set what a page's
    furniture shows (running strings and elements, counters, named pages, forced breaks, footnotes,
    visibility, quotes), each with whether its text counts (a running string or element: then its
    descendants count too); None when the style may set it otherwise (strings from counters,
    pseudo-elements or variables, such rules in conditional at-rules, imports, CSS this reading
    does not follow)."""
    statements = _statements(css)
    if statements is None or re.search(r"@import", css, re.IGNORECASE):
        return None
    masked = _OPAQUE.sub(lambda m: (" " if m.group().startswith("/*") else "x") * len(m.group()), css)
    subjects: list[tuple[Requirement, bool]] = []
    for start, brace, end in statements:
        prelude, block = masked[start:brace].strip(), css[brace:end]
        declarations = [
            (name.lower(), value.strip().lower())
            for name, value in _FURNITURE.findall(_OPAQUE.sub("", block))
        ]
        if prelude.startswith("@"):
            keyword = prelude[1:].split(None, 1)[0].lower() if prelude[1:].strip() else ""
            if keyword not in _NOT_ELEMENT_RULES and declarations:
                return None
            continue
        relevant = whole = False
        for name, value in declarations:
            text = _OPAQUE.sub("", value)
            if name == "string-set" and re.search(r"counter|var\(|content\(\s*(?!text\b)[-\w]", value):
                return None
            if name == "float" and "footnote" not in text and "var(" not in text:
                continue
            if name == "position" and "running" not in text and "var(" not in text:
                continue
            if name == "content" and "quote" not in text and "var(" not in text:
                continue
            if text in _NOT_FURNITURE:
                continue
            relevant = True
            whole = whole or name in ("string-set", "position")
        if not relevant:
            continue
        if _FROM_THE_END.search(prelude):  # may match once the children after it are left out
            return None
        for selector in _selectors(prelude):
            compounds = _compounds(selector.strip())
            if compounds is None:
                return None
            subjects.append((compounds[-1], whole))
    return subjects


def _selectors(prelude: str) -> list[str]:
    """The selectors of a selector list (split at its top-level commas)."""
    depth, selector, selectors = 0, "", []
    for char in prelude:
        depth += 1 if char in "([" else -1 if char in ")]" else 0
        if char == "," and depth == 0:
            selectors.append(selector)
            selector = ""
        else:
            selector += char
    selectors.append(selector)
    return selectors


def may_set_furniture(
    element: Any, subjects: Sequence[tuple[Requirement, bool]], *, text: bool = False
) -> bool:
    """Whether ``element`` or one of its descendants may matter to the page furniture (see
    :func:`furniture_selectors`); with ``text``, whether the text of ``element`` may (so that
    leaving out one of its descendants may change it)."""
    for descendant in [element] if text else element.iter():
        if not isinstance(descendant.tag, str):
            continue
        if _INLINE_FURNITURE.search(descendant.get("style") or ""):
            return True
        tag, classes, ident = signature(descendant)
        for (subject_tag, subject_classes, subject_ids), whole in subjects:
            if text and not whole:
                continue
            if (
                (not subject_tag or subject_tag == tag)
                and subject_classes <= classes
                and subject_ids <= {ident}
            ):
                return True
    return False
