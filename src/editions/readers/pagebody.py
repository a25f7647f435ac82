"""A web page's article header, and the body extracted from the page tidied of what repeats it.

In: the page's lxml tree with the article's title (for :func:`page_header`), and the article's
HTML as extraction gave it (an lxml ``<div>`` whose children are the blocks, for
:func:`tidy_body`). Out: what the page's header says besides the title (the kicker above it, the
standfirst under it), and a body that starts with the article's first paragraph and holds no
related-link furniture.

Pages are built the same way whatever the site: a *header* (a kicker or section label, the
title, a standfirst, the byline and dateline, a lead image) and then the text. Extraction keeps
all, some or none of that header at the top of the body, so the header is read twice:

* from the page's markup (:func:`page_header`): the standfirst is the block that ``<hgroup>``
  puts under the title, or a block marked as one by its class (``standfirst``, ``dek``,
  ``subtitle``, ``strapline``, ``chapo`` …; ``intro``, ``lead``, ``summary`` … only inside the
  title's ``<header>``) before the text starts, or a short block set between the title and the
  byline or dateline; the kicker is the short text right above the title;
* from the top of the body (:func:`tidy_body`): blocks above the title heading are the kicker (when
  all are short), the title heading goes (it is printed from the metadata), and then, until the
  first block of text, bylines, datelines, a line of the authors' names, the standfirst found in
  the markup, and a sentence-like heading or short block between the title and the byline (the
  standfirst when the markup did not say) are taken out.

Anywhere in the body, a heading worded as the title is not a section, a paragraph made of a short
label and links to the same site ("Read more: …") is a related link, and a short heading or label
followed by a list whose items are each one link to the same site is a related-links list: they
are removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import lxml.html

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_TEXT_BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "address", "time", "header"})
_CONTAINERS = frozenset({"div", "section", "header", "hgroup", "article", "main", "span", "a", "time"})
_STRONG_HINTS = frozenset(
    {"standfirst", "dek", "deck", "subtitle", "subheadline", "strapline", "strap", "chapo", "chapeau",
     "sapo"}
)  # fmt: skip
_WEAK_HINTS = frozenset(  # also the names of parts of the text on some sites: only in the header
    {"intro", "lead", "lede", "summary", "excerpt", "teaser", "abstract", "description", "desc", "subhead"}
)
_NOT_TEXT_HINTS = frozenset({"image", "img", "photo", "media", "figure", "video", "caption", "author"})
_META_HINTS = ("byline", "author", "dateline", "posted", "published", "entry-date", "entry-meta", "timestamp")

STANDFIRST_MAX_WORDS = 70
"""Longest standfirst, in words (a long block under the title is the article's first paragraph)."""
STANDFIRST_MIN_WORDS = 5
"""Shortest standfirst found by its position alone (shorter blocks there are names and labels)."""
KICKER_MAX_WORDS = 8
"""Longest kicker or section label above a title, in words."""
LABEL_MAX_WORDS = 5
"""Longest label introducing related links ("Read more:", "Related articles")."""


@dataclass(frozen=True)
class PageHeader:
    """What the page's markup says around the article's title.

    ``standfirst`` is the text set under the title (``None`` when there is none);
    ``standfirst_marked`` says whether the markup names it as such (``<hgroup>``, a class)
    rather than its position between the title and the byline; ``kickers`` are the short texts
    right above the title (a kicker, a section label, breadcrumbs); ``related_labels`` the short
    labels or headings set right above a list of links to the same site ("Read more").
    """

    standfirst: str | None = None
    standfirst_marked: bool = False
    kickers: tuple[str, ...] = ()
    related_labels: tuple[str, ...] = ()


# --- text helpers ------------------------------------------------------------------------------


def block_text(element: lxml.html.HtmlElement) -> str:
    """The text of ``element`` with its whitespace collapsed."""
    return " ".join(element.text_content().split())


def same_text(a: str, b: str) -> bool:
    """Whether two texts say the same words, whatever their case, punctuation and spacing."""

    def norm(s: str) -> str:
        return re.sub(r"\W+", " ", s.casefold()).strip()

    return norm(a) == norm(b)


def in_chrome(element: lxml.html.HtmlElement) -> bool:
    """Whether ``element`` sits in comments, a sidebar, the navigation or a footer."""
    for ancestor in element.iterancestors():
        if ancestor.tag in {"nav", "aside", "footer", "form"}:
            return True
        marks = f"{ancestor.get('class', '')} {ancestor.get('id', '')}".lower()
        if any(word in marks for word in ("comment", "sidebar", "widget", "related", "footer")):
            return True
    return False


def _words(text: str) -> int:
    return len(text.split())


def _class_words(element: lxml.html.HtmlElement) -> set[str]:
    marks = f"{element.get('class', '')} {element.get('id', '')}".lower()
    return {word for word in re.split(r"[\s_-]+", marks) if word}


def is_meta_line(text: str, authors: tuple[str, ...] = ()) -> bool:
    """Whether ``text`` is a byline, a dateline, or a line of the authors' names."""
    from ..dates import parse_byline, parse_dateline

    if not text or len(text) > 200:
        return False
    if parse_dateline(text) or parse_byline(text) is not None:
        return True
    return bool(authors) and len(text) < 120 and same_text(text, " ".join(authors))


def _is_meta_element(element: lxml.html.HtmlElement, text: str) -> bool:
    """A byline or dateline block in the page: by its text, a ``<time>`` or its class."""
    if is_meta_line(text):
        return True
    if len(text) > 200:
        return False
    if element.tag == "time" or next(iter(element.iter("time")), None) is not None:
        return True
    marks = f"{element.get('class', '')} {element.get('rel', '')}".lower()
    return any(hint in marks for hint in _META_HINTS)


# --- the header, from the page's markup --------------------------------------------------------


def title_element(tree: lxml.html.HtmlElement, title: str | None) -> lxml.html.HtmlElement | None:
    """The page's heading for the article: one worded as ``title``, else the page's single ``<h1>``."""
    headings = [h for h in tree.iter("h1", "h2", "h3") if not in_chrome(h) and block_text(h)]
    if title:
        for heading in headings:
            if same_text(block_text(heading), title):
                return heading
    h1s = [h for h in headings if h.tag == "h1"]
    return h1s[0] if len(h1s) == 1 else None


def _is_leaf_block(element: lxml.html.HtmlElement) -> bool:
    if element.tag not in _TEXT_BLOCKS:
        return False
    return not any(
        isinstance(child.tag, str) and child.tag in _TEXT_BLOCKS | {"ul", "ol", "figure", "table"}
        for child in element.iterdescendants()
    )


def _leaves(elements: list[lxml.html.HtmlElement], limit: int) -> list[tuple[lxml.html.HtmlElement, str]]:
    """The first ``limit`` leaf text blocks among ``elements`` (in that order) with their text."""
    found: list[tuple[lxml.html.HtmlElement, str]] = []
    for element in elements:
        if not isinstance(element.tag, str) or element.tag in {"script", "style", "noscript"}:
            continue
        if element.tag in {"figure", "figcaption", "img", "picture"} or not _is_leaf_block(element):
            continue
        if any(a.tag in {"figure", "figcaption", "button", "script"} for a in element.iterancestors()):
            continue
        text = block_text(element)
        if text and not in_chrome(element):
            found.append((element, text))
            if len(found) >= limit:
                break
    return found


def page_header(tree: lxml.html.HtmlElement, title: str | None, *, site: str | None = None) -> PageHeader:
    """The standfirst and kicker the page's markup sets around the article's title, and the labels
    of its related-links lists (see the module docstring). ``site`` is the page's host, if known."""
    labels = _related_labels(tree, site)
    heading = title_element(tree, title)
    if heading is None:
        return PageHeader(related_labels=labels)
    header = next((a for a in heading.iterancestors() if a.tag in {"header", "hgroup"}), None)
    following = _leaves(heading.xpath("following::*[position() <= 400]"), 8)
    standfirst, marked = _standfirst(heading, header, following)
    preceding = _leaves(list(reversed(heading.xpath("preceding::*[position() <= 200]"))), 3)
    kickers: list[str] = []
    for element, text in preceding:
        if _words(text) > KICKER_MAX_WORDS or element.tag == "h1":
            break
        kickers.append(text)
    return PageHeader(standfirst, marked, tuple(kickers), labels)


def _related_labels(tree: lxml.html.HtmlElement, site: str | None) -> tuple[str, ...]:
    """The labels right above lists whose items are each one link to the same site."""
    labels: dict[str, None] = {}
    for listing in tree.xpath("//body//ul | //body//ol")[:500]:
        items = [li for li in listing if isinstance(li.tag, str)]
        if not items or not all(li.tag == "li" and _links_only(li, site) for li in items):
            continue
        label = _label_before(listing)
        if label:
            labels.setdefault(label, None)
    return tuple(labels)


def _label_before(element: lxml.html.HtmlElement) -> str | None:
    """The text of the block right before ``element`` (climbing a few levels) if it is label-short."""
    for _ in range(3):
        previous = element.getprevious()
        while previous is not None and not (isinstance(previous.tag, str) and block_text(previous)):
            previous = previous.getprevious()
        if previous is not None:
            text = block_text(previous)
            return text if _words(text) <= LABEL_MAX_WORDS else None
        element = element.getparent()
        if element is None:
            return None
    return None


def _standfirst(
    heading: lxml.html.HtmlElement,
    header: lxml.html.HtmlElement | None,
    following: list[tuple[lxml.html.HtmlElement, str]],
) -> tuple[str | None, bool]:
    """The standfirst among the blocks after the title, and whether the markup names it."""
    for element, text in following:
        if _words(text) > STANDFIRST_MAX_WORDS:
            break  # the article's text has started
        if _is_meta_element(element, text):
            continue
        inside = header is not None and any(a is header for a in element.iterancestors())
        if header is not None and header.tag == "hgroup" and inside:
            return text, True
        words = set().union(
            *(_class_words(e) for e in (element, *_ancestors_below(element, heading.getparent())))
        )
        if words & _NOT_TEXT_HINTS:
            continue
        if words & _STRONG_HINTS or (inside and words & _WEAK_HINTS):
            return text, True
        if not inside:
            break  # plain text outside the title's header: the article has started
    # By position: the first block under the title, when a byline or dateline follows it.
    texts = [(e, t) for e, t in following if not _is_meta_element(e, t)]
    if len(following) >= 2 and texts and following[0] == texts[0]:
        element, text = following[0]
        prose = STANDFIRST_MIN_WORDS <= _words(text) <= STANDFIRST_MAX_WORDS
        if prose and not (_class_words(element) & _NOT_TEXT_HINTS) and _is_meta_element(*following[1]):
            return text, False
    return None, False


def _ancestors_below(
    element: lxml.html.HtmlElement, stop: lxml.html.HtmlElement | None
) -> list[lxml.html.HtmlElement]:
    """``element``'s ancestors up to, not including, ``stop`` (a few at most)."""
    out: list[lxml.html.HtmlElement] = []
    for ancestor in element.iterancestors():
        if ancestor is stop or ancestor.tag in {"article", "main", "body"} or len(out) >= 3:
            break
        out.append(ancestor)
    return out


# --- the body ----------------------------------------------------------------------------------

TOP_BLOCKS = 10
"""How many blocks at the top of the body may belong to the page's header."""


@dataclass(frozen=True)
class BodyHeader:
    """What :func:`tidy_body` took out of the top of the body that the article still needs.

    ``title`` is the text of a lone ``<h1>`` found there (the page's own wording of the title);
    ``standfirst`` the standfirst, with ``marked`` saying whether the page's markup named it
    (else it was found by its position between the title and the byline); ``authors`` the names
    of a byline that is a bare name next to the dateline.
    """

    title: str | None = None
    standfirst: str | None = None
    marked: bool = False
    authors: tuple[str, ...] = ()


def tidy_body(
    root: lxml.html.HtmlElement,
    *,
    title: str | None,
    authors: tuple[str, ...],
    header: PageHeader,
    site: str | None,
) -> BodyHeader:
    """Take the page header, headings worded as the title and related links out of ``root``.

    ``root`` is changed in place; ``site`` is the host of the page (``None`` when unknown: then
    only relative links count as links to the same site). See the module docstring for the rules.
    """
    found = _strip_top(root, title=title, authors=authors, header=header)
    title = title or found.title
    for element in list(root.iter(*HEADINGS)):
        if title and same_text(block_text(element), title):
            element.drop_tree()
    _strip_related_links(root, site, header.related_labels)
    return found


def _is_figure(element: lxml.html.HtmlElement) -> bool:
    if element.tag in {"figure", "img", "picture"}:
        return True
    return not block_text(element) and next(iter(element.iter("img")), None) is not None


def _sentence_like(text: str) -> bool:
    return text.rstrip().endswith((".", "!", "?", "…")) or _words(text) >= 10


def _strip_top(
    root: lxml.html.HtmlElement, *, title: str | None, authors: tuple[str, ...], header: PageHeader
) -> BodyHeader:
    blocks = [b for b in list(root)[:TOP_BLOCKS] if isinstance(b.tag, str)]
    found_title: str | None = None
    at = None
    for index, block in enumerate(blocks):
        text = block_text(block)
        if block.tag in HEADINGS and title and same_text(text, title):
            at = index
            break
        if block.tag == "h1" and (not title or len(root.findall(".//h1")) == 1):
            at, found_title = index, text  # the page's own wording of a title its metadata words otherwise
            break
        if _words(text) > STANDFIRST_MAX_WORDS:
            break  # the text has started: a heading further down is not the page's title
    start = 0
    if at is not None:
        before = blocks[:at]
        if all(
            _is_figure(b) or _words(block_text(b)) <= KICKER_MAX_WORDS or is_meta_line(block_text(b), authors)
            for b in before
        ):
            for block in before:
                if not _is_figure(block):
                    block.drop_tree()
        blocks[at].drop_tree()
        start = at + 1
    standfirst, marked = header.standfirst, header.standfirst_marked
    rest = blocks[start:]
    found_authors: tuple[str, ...] = ()
    for index, block in enumerate(rest):
        if _is_figure(block):
            continue
        text = block_text(block)
        if not text:
            block.drop_tree()
            continue
        if header.standfirst and same_text(text, header.standfirst):
            block.drop_tree()
            continue
        if block.tag in {"p", "div", "address", *HEADINGS} and is_meta_line(text, authors):
            block.drop_tree()
            continue
        names = _bare_byline(block, text, rest, index)
        if names:
            found_authors = found_authors or names
            block.drop_tree()
            continue
        short = _words(text) <= KICKER_MAX_WORDS
        if short and block.tag != "h1" and any(same_text(text, k) for k in header.kickers):
            block.drop_tree()
            continue
        if at is not None and standfirst is None and _is_standfirst(block, text, rest, index, authors):
            standfirst, marked = text, False
            block.drop_tree()
            continue
        break
    return BodyHeader(found_title, standfirst, marked, found_authors)


def _next_text(rest: list[lxml.html.HtmlElement], index: int) -> lxml.html.HtmlElement | None:
    return next((b for b in rest[index + 1 :] if not _is_figure(b) and block_text(b)), None)


def _bare_byline(
    block: lxml.html.HtmlElement, text: str, rest: list[lxml.html.HtmlElement], index: int
) -> tuple[str, ...]:
    """The names of a block that is only a person's name, right above or below a dateline."""
    from ..dates import parse_byline, parse_dateline

    if block.tag not in {"p", "div", "address"} or _words(text) > KICKER_MAX_WORDS:
        return ()
    names = parse_byline(text, bare=True)
    if not names:
        return ()
    after = _next_text(rest, index)
    before = next((b for b in reversed(rest[:index]) if block_text(b)), None)
    beside = [b for b in (after, before) if b is not None]
    return names if any(parse_dateline(block_text(b)) for b in beside) else ()


def _is_standfirst(
    block: lxml.html.HtmlElement,
    text: str,
    rest: list[lxml.html.HtmlElement],
    index: int,
    authors: tuple[str, ...],
) -> bool:
    """A block right under the title: a sentence-like heading, or a short block before the byline."""
    after = _next_text(rest, index)
    before_byline = after is not None and is_meta_line(block_text(after), authors)
    if block.tag in HEADINGS:
        return _sentence_like(text) or before_byline
    return block.tag == "p" and STANDFIRST_MIN_WORDS <= _words(text) <= STANDFIRST_MAX_WORDS and before_byline


def _same_site(href: str | None, site: str | None) -> bool:
    """Whether ``href`` leads to another page of the same site (relative, or on ``site``'s host)."""
    href = (href or "").strip()
    if not href or href.startswith("#"):
        return False
    parts = urlsplit(href)
    if not parts.scheme and not parts.netloc:
        return True
    if parts.scheme not in {"http", "https", ""} or not site:
        return False
    return _host(parts.netloc) == _host(site)


def _host(netloc: str) -> str:
    host = netloc.rsplit("@", 1)[-1].split(":")[0].lower()
    return host.removeprefix("www.")


def _is_label(text: str, element: lxml.html.HtmlElement | None = None) -> bool:
    """A short label introducing links: ``Read more:``, or a few words set in bold."""
    text = text.strip()
    if not text or _words(text) > LABEL_MAX_WORDS:
        return False
    if text.endswith(":"):
        return True
    if element is None:
        return False
    bold = [b for b in element.iter("strong", "b") if block_text(b)]
    return bool(bold) and same_text(" ".join(block_text(b) for b in bold), text)


def _links_only(element: lxml.html.HtmlElement, site: str | None) -> bool:
    """Whether ``element``'s text is all inside links, each to another page of the same site."""
    links = [a for a in element.iter("a") if block_text(a)]
    if not links or not all(_same_site(a.get("href"), site) for a in links):
        return False
    outside = block_text(element)
    for link in links:
        outside = outside.replace(block_text(link), " ", 1)
    return not re.sub(r"[\s|•·,;/–—-]+", "", outside)


def _is_related_paragraph(block: lxml.html.HtmlElement, site: str | None) -> bool:
    """``Read more: <a>…</a>``: a short label and nothing but links to the same site."""
    if block.tag != "p":
        return False
    links = [a for a in block.iter("a") if block_text(a)]
    if not links or not all(_same_site(a.get("href"), site) for a in links):
        return False
    label = block_text(block)
    for link in links:
        label = label.replace(block_text(link), " ", 1)
    label = re.sub(r"[\s|•·,;/–—-]+$", "", " ".join(label.split()))
    if not label:  # the label inside the link: <a>Read more: …</a>
        first = block_text(links[0])
        return len(links) == 1 and ":" in first and _is_label(first.split(":", 1)[0] + ":")
    return _is_label(label, block) and block_text(block).startswith(label)


def _strip_related_links(root: lxml.html.HtmlElement, site: str | None, labels: tuple[str, ...]) -> None:
    """Related links and lists (see the module docstring), and the label of a list already gone."""
    blocks = [b for b in root if isinstance(b.tag, str)]
    for index, block in enumerate(blocks):
        if block.getparent() is None:
            continue
        if _is_related_paragraph(block, site):
            block.drop_tree()
            continue
        text = block_text(block)
        if block.tag in {"p", *HEADINGS} and text and any(text == label for label in labels):
            block.drop_tree()
            continue
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if following is None or following.tag not in {"ul", "ol"}:
            continue
        items = [li for li in following if isinstance(li.tag, str)]
        if not items or not all(li.tag == "li" and _links_only(li, site) for li in items):
            continue
        if (block.tag in HEADINGS and _words(text) <= LABEL_MAX_WORDS) or (
            block.tag == "p" and _is_label(text, block)
        ):
            block.drop_tree()
            following.drop_tree()
    # A heading with nothing under it is not a section (what it introduced was page furniture).
    while len(root) and isinstance(root[-1].tag, str) and root[-1].tag in HEADINGS:
        root[-1].drop_tree()
