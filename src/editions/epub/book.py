"""The EPUB builder: an edition, a style and options in, the EPUB file's bytes out.

It renders every document from the style's ``epub/*.xhtml`` templates (the chapters' data from
:mod:`~editions.epub.chapters`), gathers the resources (CSS, fonts, images, the cover), writes the
package's metadata (identifier, creators, series, accessibility) and hands the book to
:mod:`~editions.epub.package`.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from ebooklib import epub

from .. import i18n
from ..errors import EditionsError
from ..html import environment, logo_file
from ..model import Edition
from ..resources import ResourceLoader
from ..styles import Style
from ..version import __version__
from .chapters import EpubArticle, TocEntry, direction, prepare_articles
from .cover import cover_text, draw_cover
from .files import Document, Images, Resource, picture
from .fonts import bundled_fonts, font_css
from .package import IBOOKS_PREFIX, Writer, XhtmlItem, reproducible_zip
from .xhtml import XML_LANG, check_xml

TEXT_DIR = "text"

# Words the EPUB needs that editions.i18n does not have (yet).
_LANDMARKS = {
    "en": "Landmarks",
    "fr": "Repères",
    "de": "Orientierungspunkte",
    "es": "Puntos de referencia",
    "ru": "Ориентиры",
    "uk": "Орієнтири",
    "it": "Punti di riferimento",
    "pt": "Pontos de referência",
}
_EN_SUMMARY = (
    "A reflowable text edition: a table of contents with every article and its sections, landmarks, "
    "headings in a logical order, footnotes linked both ways{images}."
)


def epub_identifier(edition: Edition) -> str:
    """``edition.identifier`` (a bare UUID gets ``urn:uuid:``), else a ``urn:uuid`` derived from the edition.

    The derived UUID (version 5) depends on the edition's title, subtitle, editor, publisher, date and
    language and on each article's title, authors and source URL, in order: rebuilding after fixing a
    typo in a text keeps the identifier (reading systems update the book), a different selection or
    order of articles gets a new one.
    """
    if edition.identifier:
        given = edition.identifier.strip()
        try:
            return f"urn:uuid:{uuid.UUID(given)}"
        except ValueError:
            return given
    key = {
        "title": edition.title,
        "subtitle": edition.subtitle,
        "editor": edition.editor,
        "publisher": edition.publisher,
        "date": edition.date.isoformat() if edition.date else None,
        "lang": edition.lang,
        "articles": [[a.title, list(a.authors), a.source.url] for a in edition.articles],
    }
    name = "editions:" + json.dumps(key, ensure_ascii=False, sort_keys=True)
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def build_datetime() -> dt.datetime:
    """The build time in UTC: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        except (ValueError, OverflowError, OSError):
            message = f"SOURCE_DATE_EPOCH must be a whole number of seconds, not '{epoch}'"
            raise EditionsError(message) from None
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class Builder:
    """Builds one EPUB: :meth:`build` returns its bytes."""

    def __init__(
        self, edition: Edition, style: Style, *, embed_fonts: bool, resources: ResourceLoader | None = None
    ) -> None:
        self.edition = edition
        self.style = style
        self.embed_fonts = embed_fonts
        self.lang = edition.lang
        self.when = build_datetime()
        self.identifier = epub_identifier(edition)
        self.env = environment(style)
        loader = resources or ResourceLoader(edition.root)
        self.images = Images(edition.root.resolve() if edition.root else None, loader)

    # -- the whole book ----------------------------------------------------------------------

    def build(self) -> bytes:
        edition = self.edition
        articles = prepare_articles(self.edition, self.images)
        fonts = bundled_fonts(self.style) if self.embed_fonts else []
        cover_image, cover_alt = self._cover_image()
        logo_path = logo_file(edition, self.style)
        logo = picture(logo_path, "publisher-logo", "publisher-logo", "logo image") if logo_path else None

        names = {
            "cover": "cover.xhtml",
            "titlepage": "titlepage.xhtml",
            "toc": "toc.xhtml",
            "sources": "sources.xhtml",  # every article, those without a source as "source not recorded"
            "colophon": "colophon.xhtml",
        }
        toc = self._toc(articles, names)
        landmarks = [
            ("cover", names["cover"], i18n.label("cover", self.lang)),
            ("toc", names["toc"] + "#toc", i18n.label("contents", self.lang)),
            ("bodymatter", articles[0].href, i18n.label("start", self.lang)),
            ("credits", names["sources"], i18n.label("sources", self.lang)),
        ]
        context: dict[str, Any] = {
            "edition": edition,
            "lang": self.lang,
            "articles": articles,
            "names": names,
            "toc": toc,
            "landmarks": landmarks,
            "landmarks_label": _LANDMARKS.get(i18n.primary(self.lang), _LANDMARKS["en"]),
            "css_href": "../css/epub.css",
            "cover_src": "../" + cover_image.name,
            "cover_alt": cover_alt,
            "logo": "../" + logo.name if logo else None,
            "identifier": self.identifier,
            "generator": f"editions {__version__}",
            "build_date": self.when.date(),
            "promos": _promos(edition),
            "contact": _contact(edition.contact),
            "dir": direction(self.lang),
            "xhtml": True,  # the url_breaks filter writes <wbr/>
        }
        front = [("cover", "cover"), ("titlepage", "title_page"), ("toc", "contents")]
        back = [("sources", "sources"), ("colophon", "colophon")]
        documents = [self._page(uid, names[uid], context, label) for uid, label in front]
        for a in articles:
            documents.append(self._render(a.id, a.href, "epub/article.xhtml", {**context, "a": a}, a.title))
        documents += [self._page(uid, names[uid], context, label) for uid, label in back]
        depth = 2 if any(entry.children for entry in toc) else 1
        ncx = self._render_text("epub/toc.ncx.xml", {**context, "depth": depth}).encode("utf-8")
        check_xml(ncx, "toc.ncx")

        css = self.style.css("epub")
        font_resources: list[Resource] = []
        if fonts:
            css, font_resources = font_css(fonts, css, documents)
        resources = [
            Resource("css/epub.css", "text/css", css.encode("utf-8"), "css"),
            *font_resources,
            *([logo] if logo else []),
            *self.images.by_digest.values(),
        ]
        book = self._book(articles, documents, resources, cover_image)
        raw = io.BytesIO()
        options = {"mtime": self.when.replace(tzinfo=None), "epub2_guide": False}
        prefixes = [IBOOKS_PREFIX] if fonts else []
        writer = Writer(raw, book, options, ncx=ncx, lang=self.lang, prefixes=prefixes)
        writer.process()
        writer.write()
        return reproducible_zip(raw.getvalue(), self.when)

    # -- front and back matter ----------------------------------------------------------------

    def _toc(self, articles: Sequence[EpubArticle], names: dict[str, str]) -> list[TocEntry]:
        counter = iter(range(1, 100000))
        entries = []
        for a in articles:
            title = a.title.strip() or a.slug
            lang = a.lang if a.foreign else None
            entry_order = next(counter)
            children = tuple(
                TocEntry(s.title, f"{a.href}#{s.id}", None, (), next(counter)) for s in a.sections
            )
            entries.append(TocEntry(title, a.href, lang, children, entry_order))
        for key in ("sources", "colophon"):
            entries.append(TocEntry(i18n.label(key, self.lang), names[key], None, (), next(counter)))
        return entries

    def _cover_image(self) -> tuple[Resource, str]:
        edition = self.edition
        if edition.cover is not None:
            resource = self._own_cover(Path(edition.cover))
            return resource, edition.title
        png = draw_cover(edition, self.style)
        return Resource("images/cover.png", "image/png", png, "cover-image"), cover_text(edition)

    def _own_cover(self, path: Path) -> Resource:
        return picture(path, "cover", "cover-image", "cover image")

    # -- rendering ---------------------------------------------------------------------------

    def _render_text(self, template: str, context: dict[str, Any]) -> str:
        try:
            return self.env.get_template(template).render(context)
        except jinja2.TemplateSyntaxError as exc:
            raise EditionsError(
                f"template error: {exc.message}", exc.filename or exc.name, exc.lineno
            ) from None
        except jinja2.TemplateNotFound as exc:
            raise EditionsError(f"style '{self.style.name}' has no template '{exc.name}'") from None

    def _page(self, uid: str, name: str, context: dict[str, Any], label_key: str) -> Document:
        properties = ("nav",) if uid == "toc" else ()
        title = i18n.label(label_key, self.lang)
        return self._render(uid, name, f"epub/{uid}.xhtml", context, title, properties=properties)

    def _render(
        self,
        uid: str,
        name: str,
        template: str,
        context: dict[str, Any],
        title: str,
        *,
        properties: tuple[str, ...] = (),
    ) -> Document:
        content = self._render_text(template, context).encode("utf-8")
        check_xml(content, template)
        return Document(uid, f"{TEXT_DIR}/{name}", title, content, properties)

    # -- the package ------------------------------------------------------------------------

    def _book(
        self,
        articles: Sequence[EpubArticle],
        documents: Sequence[Document],
        resources: Sequence[Resource],
        cover: Resource,
    ) -> epub.EpubBook:
        edition = self.edition
        book = epub.EpubBook()
        book.FOLDER_NAME = "EPUB"
        book.IDENTIFIER_ID = "uid"
        book.set_identifier(self.identifier)
        book.metadata[epub.NAMESPACES["OPF"]]["generator"] = [
            ("", {"name": "generator", "content": f"editions {__version__}"})
        ]
        book.title = edition.title
        book.language = self.lang
        book.add_metadata("DC", "title", edition.title, {"id": "title"})
        book.add_metadata(None, "meta", "main", {"refines": "#title", "property": "title-type"})
        if edition.subtitle:
            book.add_metadata("DC", "title", edition.subtitle, {"id": "subtitle"})
            book.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
        languages = [self.lang, *sorted({a.lang for a in articles} - {self.lang})]
        for lang in languages:
            book.add_metadata("DC", "language", lang)
        creators: list[tuple[str, str]] = []
        if edition.editor:
            creators.append((edition.editor, "edt"))
        creators.extend((name, "aut") for name in edition.authors if name != edition.editor)
        for number, (name, role) in enumerate(creators, start=1):
            uid = f"creator-{number}"
            book.add_metadata("DC", "creator", name, {"id": uid})
            book.add_metadata(
                None, "meta", role, {"refines": f"#{uid}", "property": "role", "scheme": "marc:relators"}
            )
            if len(creators) > 1:
                book.add_metadata(
                    None, "meta", str(number), {"refines": f"#{uid}", "property": "display-seq"}
                )
        book.add_metadata("DC", "date", (edition.issue_day or self.when.date()).isoformat())
        if edition.series:  # an issue of a periodical: the series is its collection
            book.add_metadata(
                None, "meta", edition.series, {"property": "belongs-to-collection", "id": "series"}
            )
            book.add_metadata(None, "meta", "series", {"refines": "#series", "property": "collection-type"})
            if edition.number is not None:
                book.add_metadata(
                    None, "meta", str(edition.number), {"refines": "#series", "property": "group-position"}
                )
        if edition.publisher:
            book.add_metadata("DC", "publisher", edition.publisher)
        if edition.rights:
            book.add_metadata("DC", "rights", edition.rights)
        book.add_metadata("DC", "description", _description(edition))
        for tag in dict.fromkeys(t for a in articles for t in a.tags):
            book.add_metadata("DC", "subject", tag)
        for a in articles:
            if a.source.url:
                book.add_metadata("DC", "source", a.source.url)
        for prop, value in self._accessibility(articles):
            attrs = {"property": prop}
            if prop == "schema:accessibilitySummary" and i18n.primary(self.lang) != "en":
                attrs[XML_LANG] = "en"
            book.add_metadata(None, "meta", value, attrs)
        book.add_metadata(None, "meta", None, {"name": "cover", "content": "cover-image"})
        if any(r.media_type.startswith("font/") for r in resources):
            book.add_metadata(None, "meta", "true", {"property": "ibooks:specified-fonts"})
        if direction(self.lang) == "rtl":
            book.set_direction("rtl")

        book.add_item(epub.EpubNcx())
        items: dict[str, epub.EpubItem] = {}
        for document in documents:
            item = XhtmlItem(uid=document.uid, file_name=document.name, title=document.title, lang=self.lang)
            item.content = document.content
            item.properties = list(document.properties)
            items[document.uid] = item
        book.add_item(items["toc"])
        for resource in resources:
            book.add_item(epub.EpubItem(resource.uid, resource.name, resource.media_type, resource.data))
        cover_item = epub.EpubCover(uid=cover.uid, file_name=cover.name)
        cover_item.media_type = cover.media_type
        cover_item.content = cover.data
        book.add_item(cover_item)
        for document in documents:
            if document.uid != "toc":
                book.add_item(items[document.uid])
        book.spine = [items[d.uid] for d in documents]
        return book

    def _accessibility(self, articles: Sequence[EpubArticle]) -> Iterator[tuple[str, str]]:
        has_images = bool(self.images.by_digest)
        yield "schema:accessMode", "textual"
        if has_images:
            yield "schema:accessMode", "visual"
        if has_images and self.images.alt_missing:
            yield "schema:accessModeSufficient", "textual,visual"
        else:
            yield "schema:accessModeSufficient", "textual"
        features = ["tableOfContents", "readingOrder", "structuralNavigation", "displayTransformability"]
        if has_images and not self.images.alt_missing:
            features.append("alternativeText")
        for feature in features:
            yield "schema:accessibilityFeature", feature
        # Article images are the publishers': an animated GIF may flash, so say so rather than "none".
        gifs = any(r.media_type == "image/gif" for r in self.images.by_digest.values())
        yield "schema:accessibilityHazard", "unknown" if gifs else "none"
        images = ""
        if has_images and self.images.alt_missing:
            images = "; some images have no text alternative"
        elif has_images:
            images = "; images have text alternatives"
        yield "schema:accessibilitySummary", _EN_SUMMARY.format(images=images)


def _description(edition: Edition) -> str:
    if edition.description:
        return edition.description
    titles = "; ".join(a.title for a in edition.articles)
    return f"{edition.subtitle}: {titles}" if edition.subtitle else titles


@dataclass(frozen=True)
class Contact:
    """The edition's contact line split around its first e-mail address (which the colophon links)."""

    before: str
    email: str | None = None
    after: str = ""


def _contact(contact: str | None) -> Contact | None:
    if not contact:
        return None
    text = contact.strip()
    match = re.search(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text)
    if not match:
        return Contact(text)
    return Contact(text[: match.start()], match.group(0), text[match.end() :])


def _promos(edition: Edition) -> list[tuple[str, str | None]]:
    """The colophon's promo lines (:attr:`Edition.promos`) with each one's language when it differs."""
    printed = set(edition.promos)
    seen: dict[str, str | None] = {}
    for article in edition.articles:
        for line in article.promos:
            if line in printed:
                seen.setdefault(line, article.lang if article.lang != edition.lang else None)
    return list(seen.items())
