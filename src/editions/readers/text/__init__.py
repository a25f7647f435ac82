"""Plain-text articles, as copied from a publication's web page.

In: the decoded text of a ``.txt`` file (optionally starting with YAML front matter) and its path.
Out: a :class:`~editions.readers.Draft` with the title, standfirst, authors, translators, date,
publication and source URL found in the text (each with the line it came from and how sure the
reader is), the page's promos and the furniture left out (for review), and the body as HTML.
Front matter fields override what detection finds.

The work is done in three steps, one module each:

* :mod:`.blocks` turns the text into logical lines, whatever separates its paragraphs (blank
  lines, single line breaks, hard wraps, CRLF, no-break and trailing spaces);
* :mod:`.header` reads the footer (from the end) and the header (masthead, kicker, title,
  standfirst, bylines, dates, captions, notes), with :mod:`.furniture` recognising page furniture;
* :mod:`.body` renders what is left as HTML.
"""

from __future__ import annotations

import re
from pathlib import Path

from ...dates import norm_word, parse_byline
from ...lang import detect_language
from ...model import Evidence
from ..draft import Draft, apply_front_matter
from ..frontmatter import split_front_matter
from . import furniture as f
from .blocks import Block, Unit, clean_line, is_gapped, paragraphs, units
from .body import heading_shape, render_body
from .footer import merge_footer, read_footer, site_names
from .furniture import is_promo, sentence_count
from .header import body_dateline, read_header
from .kinds import Found

_DAY_FIRST_NOT = ("en",)


def read(text: str, path: Path) -> Draft:
    """Read a plain-text article (see :mod:`.header` for the rules)."""
    front = split_front_matter(text, path)
    fields = front.fields
    all_units, _width = units(front.body, front.body_line)
    lang = str(fields.get("lang") or "") or _language(all_units)
    dayfirst = lang.split("-")[0] not in _DAY_FIRST_NOT
    found = Found(subtitle_given=bool(fields.get("subtitle")))

    all_units = _mail_header(all_units, found, dayfirst)
    tail = Found()
    end = read_footer(all_units, tail, dayfirst)
    head = all_units[:end]
    start = read_header(head, found, dayfirst, lang, is_gapped(all_units)) if head else 0
    merge_footer(found, tail)
    body_units = found.leading + head[start:]
    body_units = _inline_furniture(body_units, found)
    _heading_first(head, start, body_units, found)
    _title_from_front_matter(head, start, body_units, found, fields)
    if not found.authors and found.subtitle:
        _credit_in_standfirst(found)
    if found.date is None and body_units:
        date = body_dateline(body_units[0].text, dayfirst)
        if date:
            found.put("date", date, body_units[0].no, True, "the dateline opening the text")
    if not found.publication:
        names = site_names([p for _, p in found.promos])
        if names:
            line = next((no for no, p in found.promos if names[0].casefold() in p.casefold()), None)
            found.put("publication", f.plain(names[0]), line, False, "the name the page's own appeals give")

    blocks = paragraphs(body_units, gapped=is_gapped(all_units))
    draft = Draft(
        title=found.title,
        subtitle=found.subtitle,
        authors=found.authors,
        translators=found.translators,
        date=found.date,
        publication=found.publication,
        url=found.url,
        note=" ".join(found.notes) or None,
        tags=tuple(found.tags),
        promos=_unique([p for _, p in sorted(found.promos)]),
        rights=found.rights,
        body_html=render_body(blocks),
        evidence=dict(found.evidence),
        dropped=sorted(found.dropped),
    )
    return apply_front_matter(draft, fields)


_STANDFIRST_CREDIT = re.compile(
    r"[^.!?:]{2,40}?\s(?:de|d['’]|di|by|von|por|par|of)\s?(?P<name>[^.!?:,]{3,60}?)\.\s+(?=\S)"
)


_CAPITALS_CREDIT = re.compile(
    r"(?P<name>[A-ZÀ-ÞĀ-Ž][A-ZÀ-ÞĀ-Ž'’-]+(?:\s+[A-ZÀ-ÞĀ-Ž][A-ZÀ-ÞĀ-Ž'’-]+){1,3})\s+"
    r"(?:reports?|writes?|argues?|explains?|looks|says|asks|examines|considers|reviews|speaks|talks)\b"
)


def _credit_in_standfirst(found: Found) -> None:
    """A standfirst that opens with its author's credit: "L'éditorial de Ana Ruiz. …", or a name
    in capitals followed by what the author does ("ANA RUIZ reports on …")."""
    assert found.subtitle is not None
    line = found.evidence["subtitle"].line if "subtitle" in found.evidence else None
    capitals = _CAPITALS_CREDIT.match(found.subtitle)
    if capitals:
        names = parse_byline(capitals.group("name").title(), bare=True)
        if names:
            found.put("authors", names, line, False, "the name in capitals that opens the standfirst")
            return
    match = _STANDFIRST_CREDIT.match(found.subtitle)
    if not match or len(match.group(0).split()) > 8:
        return
    names = parse_byline(match.group("name"), bare=True)
    if names:
        found.put("authors", names, line, False, "the credit that opens the standfirst")


_MAIL_FIELD = re.compile(
    r"(?P<key>subject|betreff|objet|asunto|oggetto|assunto|тема|from|von|de|da|от|date|datum|fecha|data|дата|"
    r"to|an|à|para|a|кому|cc|sent|gesendet|envoyé|enviado)\s*:\s*(?P<value>\S.*)",
    re.IGNORECASE,
)
_MAIL_KEYS = {
    "title": {"subject", "betreff", "objet", "asunto", "oggetto", "assunto", "тема"},
    "from": {"from", "von", "de", "da", "от"},
    "date": {"date", "datum", "fecha", "data", "дата", "sent", "gesendet", "envoyé", "enviado"},
}


def _mail_header(all_units: list[Unit], found: Found, dayfirst: bool) -> list[Unit]:
    """An e-mail's header lines ("Subject:", "From:", "Date:") at the top: its title, author and
    date, taken off the text."""
    taken = 0
    fields: dict[str, tuple[int, str]] = {}
    for unit in all_units[:8]:
        match = _MAIL_FIELD.fullmatch(unit.text)
        if not match or len(unit.text) > 200:
            break
        key = norm_word(match.group("key"))
        for name, keys in _MAIL_KEYS.items():
            if key in {norm_word(k) for k in keys}:
                fields.setdefault(name, (unit.no, match.group("value").strip()))
        taken += 1
    if "title" not in fields:
        return all_units
    no, subject = fields["title"]
    found.put(
        "title",
        f.plain(re.sub(r"^(?:re|fwd?|aw|tr)\s*:\s*", "", subject, flags=re.I)),
        no,
        True,
        "the e-mail's subject",
    )
    if "from" in fields:
        no, sender = fields["from"]
        names = parse_byline(re.sub(r"<[^>]*>|\S+@\S+", "", sender).strip(" \"'"), bare=True)
        if names:
            found.put("authors", names, no, True, "the e-mail's sender")
    if "date" in fields:
        from ...dates import split_dateline

        no, value = fields["date"]
        dated = split_dateline(value, dayfirst)
        if dated:
            found.put("date", dated.date, no, True, "the e-mail's date")
    for unit in all_units[:taken]:
        found.dropped.append((unit.no, unit.text))
    return all_units[taken:]


def _language(all_units: list[Unit]) -> str:
    sample = " ".join(u.text for u in all_units if u.words >= 8)[:4000]
    return detect_language(sample, fallback="en") if sample else "en"


def _unique(items: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)


def _inline_furniture(body: list[Unit], found: Found) -> list[Unit]:
    """Drop advertisement markers and keep "Read also: …" lines anywhere in the text as promos."""
    kept: list[Unit] = []
    for unit in body:
        line = unit.text
        if len(line) <= f.MAX_META_LINE:
            if norm_word(line.strip(" :.")) in f.ADVERT:
                found.dropped.append((unit.no, line))
                continue
            if kept and f.READ_ALSO.match(line.lstrip("»>→▶►•*-–— ")):
                found.promos.append((unit.no, f.plain(line)))
                continue
        kept.append(unit)
    return kept


def _heading_first(head: list[Unit], start: int, body: list[Unit], found: Found) -> None:
    """A text copied from inside an article: its first line has the form of the section headings
    further down (no byline, date or standfirst around it), so it is a heading, not the title."""
    if not found.title or found.subtitle or found.authors or found.date or found.publication:
        return
    title_unit = next((u for u in head[:start] if u.text == found.title), None)
    if title_unit is None or head.index(title_unit) != 0 or start != 1:
        return
    if _title_case(found.title) and len(found.title.split()) > 3:
        return
    later = [
        u for i, u in enumerate(body[1:-1], 1)
        if heading_shape(Block([u.text])) and body[i + 1].words >= 12 and body[i - 1].words >= 12
    ]  # fmt: skip
    if not later:
        return
    body.insert(0, title_unit)
    found.title = None
    found.evidence["title"] = Evidence(
        "title", None, False, "the text starts with a section heading: the file name stands in"
    )


def _title_case(text: str) -> bool:
    words = [w for w in text.split() if w[:1].isalpha()]
    return len(words) >= 2 and sum(1 for w in words if w[0].isupper()) >= 0.7 * len(words)


def _title_from_front_matter(
    head: list[Unit], start: int, body: list[Unit], found: Found, fields: dict[str, object]
) -> None:
    """When the front matter names the title and the text's first line is something else, that
    line stays text."""
    given = fields.get("title")
    if not given or not found.title or _same(str(given), found.title):
        return
    unit = next((u for u in head[:start] if u.text == found.title), None)
    if unit is not None and head.index(unit) == 0:
        body.insert(0, unit)


def _same(a: str, b: str) -> bool:
    def key(s: str) -> str:
        return "".join(ch for ch in norm_word(s) if ch.isalnum())

    return key(a) == key(b)


__all__ = ["clean_line", "is_promo", "read", "render_body", "sentence_count"]
