"""What a reader found (:class:`Draft`), and the finishing steps every reader's draft goes through.

In: a :class:`Draft` (metadata a reader found plus a raw HTML body and footnotes) and, for
:func:`apply_front_matter`, the fields of an article's front matter. Out: an
:class:`~editions.model.Article` (:func:`finish`: front matter over detection, the language
detected, the HTML sanitised and its size checked, typography applied, the metadata too).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from ..lang import detect_language
from ..limits import check_article, count_html
from ..model import Article, Evidence, Source
from ..sanitize import MAX_ITEMS, clean_html, clean_text, clip, html_to_text
from ..typography import smarten_html, smarten_text

log = logging.getLogger("editions")


@dataclass
class Draft:
    """What a reader found, before the shared finishing steps."""

    title: str | None = None
    body_html: str = ""
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    date: dt.date | None = None
    publication: str | None = None
    url: str | None = None
    rights: str | None = None
    note: str | None = None
    lang: str | None = None
    tags: tuple[str, ...] = ()
    footnotes: list[str] = field(default_factory=list)
    promos: list[str] = field(default_factory=list)
    translators: tuple[str, ...] = ()
    evidence: dict[str, Evidence] = field(default_factory=dict)
    dropped: list[tuple[int, str]] = field(default_factory=list)
    """Page furniture left out of the article (1-based first line, text), for review."""


def finish(draft: Draft, path: Path | None, *, fallback_lang: str | None = None) -> Article:
    """The shared last steps of every reader: sanitise, detect the language, apply typography.

    Typography (:func:`~editions.typography.smarten_text`, in the article's language) is applied
    to every text field that is printed: title, subtitle, authors, translators, publication,
    rights, note and promos, as well as the body and footnotes. The URL, the date and the tags
    are left as they are.
    """
    _clean_fields(draft, path)
    body = clean_html(draft.body_html)
    footnotes = [clean_html(note) for note in draft.footnotes]
    check_article(count_html(body, footnotes), path)
    title = (draft.title or "").strip()
    if not title:
        title = path.stem.replace("_", " ").replace("-", " ").strip() if path else "Untitled"
    lang = draft.lang or detect_language(html_to_text(body), fallback=fallback_lang or "en")

    def typeset(value: str | None) -> str | None:
        return smarten_text(value, lang) if value else value

    source = Source(
        publication=typeset(draft.publication),
        authors=tuple(smarten_text(name, lang) for name in draft.authors),
        date=draft.date,
        url=_source_url(draft.url, path),
        rights=typeset(draft.rights),
        note=typeset(draft.note),
        translators=tuple(smarten_text(name, lang) for name in draft.translators),
    )
    return Article(
        title=smarten_text(title, lang),
        subtitle=typeset(draft.subtitle),
        body_html=smarten_html(body, lang),
        footnotes=tuple(smarten_html(note, lang) for note in footnotes),
        source=source,
        lang=lang,
        tags=tuple(draft.tags),
        promos=tuple(smarten_text(p, lang) for p in draft.promos),
        path=path,
        evidence=tuple(draft.evidence.values()),
    )


def _clean_fields(draft: Draft, path: Path | None) -> None:
    """Text fields without the characters no output can hold (control characters …), and cut to
    the length of :data:`~editions.sanitize.FIELD_LIMITS` (with a warning)."""
    cut: list[str] = []

    def tidy(value: str, field: str) -> str:
        value, clipped = clip(clean_text(value), field)
        if clipped and field not in cut:
            cut.append(field)
        return value

    for name in ("title", "subtitle", "publication", "url", "rights", "note"):
        value = getattr(draft, name)
        if value:
            setattr(draft, name, tidy(value, name))
    for name, kind in (("authors", "author"), ("tags", "tag"), ("promos", "promo")):
        values = list(getattr(draft, name))
        if len(values) > MAX_ITEMS:
            values = values[:MAX_ITEMS]
            cut.append(f"{name} (more than {MAX_ITEMS})")
        cleaned = [tidy(v, kind) for v in values]
        setattr(draft, name, cleaned if name == "promos" else tuple(cleaned))
    if cut:
        log.warning("%s: too long, cut short: %s", path or draft.title or "article", ", ".join(cut))


_WEB_URL = re.compile(r"https?://[^\s/?#@]+[^\x00-\x1f\x7f]*\Z", re.I)


def _source_url(url: str | None, path: Path | None) -> str | None:
    """The source URL if it is an ``http(s)`` URL (outputs print and link it), else ``None`` and a warning."""
    if not url:
        return None
    url = url.strip()
    if _WEB_URL.match(url):
        return url
    shown = url if len(url) <= 80 else url[:79] + "…"
    log.warning("%s: the source url '%s' is not an http(s) URL; left out", path or "article", shown)
    return None


def apply_front_matter(draft: Draft, fields: dict[str, object]) -> Draft:
    """Let every field the front matter gives override what detection found.

    ``fields`` come from :func:`~editions.readers.frontmatter.split_front_matter`, which checked
    their types (tuples of names and tags, a list of promos, a date)."""
    for key in ("title", "subtitle", "publication", "url", "rights", "note", "lang"):
        if fields.get(key):
            setattr(draft, key, fields[key])
            draft.evidence.pop(key, None)
    if fields.get("authors"):
        draft.authors = cast(tuple[str, ...], fields["authors"])
        draft.evidence.pop("authors", None)
    if fields.get("translators"):
        draft.translators = cast(tuple[str, ...], fields["translators"])
        draft.evidence.pop("translators", None)
    if fields.get("tags"):
        draft.tags = cast(tuple[str, ...], fields["tags"])
    if fields.get("promos"):
        draft.promos = list(cast(Iterable[str], fields["promos"]))
    if fields.get("date"):
        draft.date = cast(dt.date, fields["date"])
        draft.evidence.pop("date", None)
    return draft
