"""The one shape every stage shares: :class:`Source`, :class:`Article` and :class:`Edition`.

In: nothing (plain data classes). Out: what readers return and what the HTML, PDF and EPUB
stages consume.

Article bodies are *sanitised HTML fragments* (see :mod:`editions.sanitize`) whose section
headings are ``<h2>`` (and below), whose paragraphs are ``<p>`` and whose footnote references
are ``<sup class="fn" data-fn="N">N</sup>`` markers, with the note texts in
:attr:`Article.footnotes` (index ``N - 1``). Each output stage turns the markers into what its
medium needs (linked endnotes on screen, ``float: footnote`` in print, EPUB 3 notes).

Titles and other metadata are plain text (never markup); templates escape them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Evidence:
    """Where a detected field came from, for people who review what a reader found.

    ``field`` is the field's name (``title``, ``date``, ``authors``, ``publication``, ``url`` …),
    ``line`` the 1-based line of the input it was read from (``None`` when it has no line, as for
    the file name or a web page's metadata), ``sure`` whether the rule that found it is a strong
    one (a labelled byline, a dateline under the title) rather than a guess from position alone,
    and ``rule`` one sentence saying why.
    """

    field: str
    line: int | None
    sure: bool
    rule: str


@dataclass(frozen=True)
class Source:
    """Where an article was first published: the attribution every output prints."""

    publication: str | None = None
    authors: tuple[str, ...] = ()
    date: dt.date | None = None
    url: str | None = None
    rights: str | None = None
    note: str | None = None
    translators: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """Whether the source records nothing at all: no publication, author, date, URL, rights or note."""
        return not (self.publication or self.authors or self.date or self.url or self.rights or self.note)

    @property
    def is_recorded(self) -> bool:
        """Whether the article says where it came from: a publication or a URL."""
        return bool(self.publication or self.url)


@dataclass(frozen=True)
class Article:
    """One article, whatever format it came from.

    ``subtitle`` holds a subtitle, standfirst or photo caption found right under the title.
    ``promos`` are the publication's closing calls to action ("Join our Telegram channel"),
    kept out of the body; a style may show them in the colophon.
    ``path`` is the file the article was read from (``None`` for articles built in code).
    ``evidence`` says, for each field a reader detected, the line it came from and how sure the
    reader is (empty for fields given in front matter or in code).
    """

    title: str
    body_html: str
    source: Source = field(default_factory=Source)
    subtitle: str | None = None
    lang: str = "en"
    tags: tuple[str, ...] = ()
    footnotes: tuple[str, ...] = ()
    promos: tuple[str, ...] = ()
    path: Path | None = None
    slug: str = ""
    evidence: tuple[Evidence, ...] = ()

    def replace(self, **changes: Any) -> Article:
        """Return a copy with some fields changed (each keyword names a field and gives its value)."""
        return dataclasses.replace(self, **changes)

    @property
    def authors(self) -> tuple[str, ...]:
        """The article's authors, as its source records them."""
        return self.source.authors

    @property
    def date(self) -> dt.date | None:
        """The article's date, as its source records it (None when unknown)."""
        return self.source.date

    @property
    def guessed(self) -> tuple[str, ...]:
        """Names of the fields a reader found with low confidence (see :class:`Evidence`)."""
        return tuple(e.field for e in self.evidence if not e.sure)


@dataclass(frozen=True)
class PdfSettings:
    """The edition's own defaults for the PDF (the ``[pdf]`` table of ``edition.toml``).

    ``None`` means not set: the command-line option, else the built-in default, applies. An option
    given on the command line always wins. ``impose`` (with ``signature``, ``duplex``, ``creep``
    and ``marks``) makes ``make-pdf`` also write the imposed PDF; ``archive`` makes it a PDF/A.
    ``back_cover`` is ``"designed"`` (title, publisher, contact, a QR code of the edition's
    ``url``), ``"blank"`` or ``"none"`` (no back cover page); ``None``: designed when the edition
    has a publisher, contact or URL to show, else blank.
    """

    paper: str | None = None
    font_size: float | None = None
    open_right: bool | None = None
    impose: str | None = None
    signature: int | None = None
    duplex: str | None = None
    creep: float | None = None
    marks: bool | None = None
    back_cover: str | None = None
    archive: bool | None = None


@dataclass(frozen=True)
class Edition:
    """An ordered collection of articles with its own title page data.

    ``root`` is the folder resources (images, the cover) may be read from.
    ``identifier`` is an explicit ``urn:uuid:…`` or other identifier from ``edition.toml``;
    when ``None`` the EPUB stage derives a stable one from the edition's content.
    ``require_sources`` makes the builds stop with an error, rather than warn, when an article
    has no source recorded (see :func:`editions.attribution.check_attribution`).
    ``manifests`` are the ``edition.toml`` files read (no build may write over them).

    A periodical's issue: ``series`` (the periodical's name), ``volume`` and ``number`` (whole
    numbers), and ``issue_date`` (the issue's date; :attr:`issue_day` falls back to ``date``).
    With a ``series``, the outputs carry a masthead ("Vol. 8, No. 22 · June 15, 2024"), running
    heads name the issue, default file names end with the number and the EPUB belongs to the
    series as a collection. ``logo`` is the publisher's logo (an image file), shown on the
    cover, masthead and colophon. ``url`` is the edition's or publisher's web address, printed
    with a QR code on the back cover.
    """

    title: str
    articles: tuple[Article, ...]
    subtitle: str | None = None
    editor: str | None = None
    publisher: str | None = None
    date: dt.date | None = None
    lang: str = "en"
    rights: str | None = None
    colophon: str | None = None
    contact: str | None = None
    style: str | None = None
    cover: Path | None = None
    identifier: str | None = None
    description: str | None = None
    root: Path | None = None
    slug: str = "edition"
    pdf: PdfSettings = PdfSettings()
    require_sources: bool = False
    manifests: tuple[Path, ...] = ()
    series: str | None = None
    volume: int | None = None
    number: int | None = None
    issue_date: dt.date | None = None
    logo: Path | None = None
    url: str | None = None

    def replace(self, **changes: Any) -> Edition:
        """Return a copy with some fields changed (each keyword names a field and gives its value)."""
        return dataclasses.replace(self, **changes)

    @property
    def issue_day(self) -> dt.date | None:
        """The issue's date: ``issue_date``, else the edition's ``date``."""
        return self.issue_date or self.date

    @property
    def promos(self) -> tuple[str, ...]:
        """The articles' calls to action ("Join our Telegram channel"), each once, in order of
        appearance: what a colophon may print. An article's other promos (counters, buttons,
        appeals and prompts copied with the page) stay with the article, for review."""
        lines = [line for article in self.articles for line in article.promos]
        if not lines:  # most editions: no need to load the plain-text reader's rules
            return ()
        from .readers.text.furniture import is_promo

        return tuple(dict.fromkeys(line for line in lines if is_promo(line)))

    @property
    def authors(self) -> tuple[str, ...]:
        """Every distinct author of the edition's articles, in order of appearance."""
        seen: dict[str, None] = {}
        for article in self.articles:
            for name in article.authors:
                seen.setdefault(name, None)
        return tuple(seen)
