"""The templates' data: an edition's articles in, :class:`EpubArticle` (body and notes rebuilt as
XHTML by :mod:`~editions.epub.xhtml`, sections, unique file names) and :class:`TocEntry` out."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, cast

import lxml.etree as etree
import lxml.html
from markupsafe import Markup

from .. import i18n
from ..html import Note, Section, prepare_article
from ..model import Article, Edition, Source
from .files import Images
from .xhtml import EPUB_TYPE, Rebuilder, blockify, parse_fragment, serialise_children, web_url, xhtml_tag

RESERVED_NAMES = frozenset({"cover", "titlepage", "toc", "sources", "colophon"})


@dataclass(frozen=True)
class EpubArticle:
    """An article ready for its XHTML document; unknown attributes come from the :class:`Article`."""

    article: Article
    href: str
    id: str
    body: Markup
    notes: tuple[Note, ...]
    sections: tuple[Section, ...]
    foreign: bool

    @property
    def dir(self) -> str:
        return direction(self.article.lang)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.article, name)


@dataclass(frozen=True)
class TocEntry:
    title: str
    href: str
    lang: str | None = None
    children: tuple[TocEntry, ...] = ()
    play_order: int = 0

    @property
    def dir(self) -> str:
        return direction(self.lang or "en")


def prepare_articles(edition: Edition, images: Images) -> list[EpubArticle]:
    """The edition's articles ready for their documents, each with a unique file name."""
    articles = [a.replace(slug=a.slug or f"article-{i}") for i, a in enumerate(edition.articles, start=1)]
    used = set(RESERVED_NAMES) | {a.slug for a in articles}
    prepared: list[EpubArticle] = []
    for index, article in enumerate(articles, start=1):
        name, n = article.slug, 2
        if name in RESERVED_NAMES or name in {p.href[:-6] for p in prepared}:
            while f"{article.slug}-{n}" in used:
                n += 1
            name = f"{article.slug}-{n}"
            used.add(name)
        url = web_url(article.source.url)
        if url != article.source.url:
            article = article.replace(source=_replace_source(article.source, url=url))
        prepared.append(_prepare(article, f"{name}.xhtml", f"article-{index}", images, edition.lang))
    return prepared


def _prepare(article: Article, href: str, uid: str, images: Images, lang: str) -> EpubArticle:
    """One article: its body and notes rebuilt as XHTML, its sections; ``foreign`` when not in ``lang``."""
    ready = prepare_article(article, "epub", xhtml=True)
    source = parse_fragment(str(ready.body))
    found = cast(list[str], source.xpath("//@id"))  # an attribute path: strings only
    ids = {str(i) for i in found} | {n.id for n in ready.notes} | {article.slug}
    rebuild = Rebuilder(images, article, ids, shift_headings=True)
    body = rebuild.fragment(source)
    notes = []
    for note in ready.notes:
        notes.append(Note(note.number, note.id, note.ref_id, Markup(_note(note, article, ids, images))))
    sections = tuple(s for s in ready.sections if s.title.strip())
    return EpubArticle(
        article=article,
        href=href,
        id=uid,
        body=Markup(body),
        notes=tuple(notes),
        sections=sections,
        foreign=article.lang != lang,
    )


def _note(note: Any, article: Article, ids: set[str], images: Images) -> str:
    source = lxml.html.fragment_fromstring(str(note.html) or "", create_parent="div")
    rebuild = Rebuilder(images, article, ids, shift_headings=False)
    root = blockify(rebuild.tree(source))
    blocks = list(root)
    if not blocks:
        blocks = [etree.SubElement(root, xhtml_tag("p"))]
    first, last = blocks[0], blocks[-1]
    if first.tag != xhtml_tag("p"):
        first = etree.Element(xhtml_tag("p"))
        root.insert(0, first)
    number = etree.Element(xhtml_tag("span"), {"class": "note-number"})
    number.text = f"{note.number}."
    number.tail = " " + (first.text or "").lstrip()
    first.text = None
    first.insert(0, number)
    if last.tag != xhtml_tag("p"):
        last = etree.SubElement(root, xhtml_tag("p"))
    back = etree.SubElement(
        last,
        xhtml_tag("a"),
        {
            "class": "backlink",
            "href": f"#{note.ref_id}",
            EPUB_TYPE: "backlink",
            "role": "doc-backlink",
            "aria-label": i18n.label("back_to_text", article.lang),
        },
    )
    back.text = "\u21a9\ufe0e"
    if len(last) > 1:
        previous = last[-2]
        previous.tail = (previous.tail or "").rstrip() + " "
    else:
        last.text = (last.text or "").rstrip() + " "
    return serialise_children(root)


def _replace_source(source: Source, **changes: Any) -> Source:
    return dataclasses.replace(source, **changes)


def direction(lang: str) -> str:
    return i18n.direction(lang)
