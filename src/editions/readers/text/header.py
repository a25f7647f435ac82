"""What comes before and after an article's text: the header and the footer of a copied page.

In: the article's logical lines (:class:`~editions.readers.text.blocks.Unit`), the footer already
taken off (:mod:`.footer`). Out: the index of the body's first line, and in a
:class:`~editions.readers.text.kinds.Found` the title, standfirst, authors, date, publication,
source URL, notes, tags and promos, each with the line it came from.

How web pages are built, and so how the header is read (each rule is one sentence):

* The *body* starts at the first paragraph of prose (a sentence of twelve words or more, two
  sentences, or thirty words) that is not page furniture, unless that paragraph is the
  *standfirst*: it is followed by a byline, a date, a photo caption or an editor's note, or it
  stops mid-sentence or with "…" (an excerpt), or the next paragraph begins with the same words.
  Under a title, a byline or a dateline ends the header: what follows it is the text, even a
  short paragraph or a question.
* The *title* is the last title-shaped line (two to 25 words, no final full stop) above the
  standfirst or the body; a line right above it joins it when the first ends with "!", "?", ":"
  or "," (a title set over two lines). A short label above the title (one word, capitals, or up
  to three capitalised words) is a *kicker* (section label) or the masthead; a second
  title-shaped line under a title that is not such a label is the standfirst, and so is the line
  between the title and the byline. A single word alone above the text is a title unless the
  text's first sentence names it again (a dateline's place). A text starting with a line in the
  form of its own later section headings, with no byline or date, starts with a heading.
* Everything above the title is the *masthead* and page furniture. The masthead's first name is
  the publication (a name in capitalised words, not a tagline, menu, motto or date).
* Datelines and bylines near the title give the date and the authors; the date nearest to the
  title wins over a masthead's issue date; a date without a year is no date. A bare name (two to
  four capitalised words) next to a date, or alone between the title and the text, is a byline;
  a name glued to the first word of the text ("Ana RuizThe strike …") is one too.
* A byline that names an organisation (a word such as "Union", "Weekly", "Daily", "Sindicato") is
  the publication, not an author; so is the organisation of a press release's contact block, and
  the name in "Published on X", "posted by X".
* Donation and subscription appeals, login prompts, share buttons, counters, menus, breadcrumbs,
  previous/next links and mottos are furniture: kept as ``promos`` (appeals, prompts, counters,
  links) or dropped (buttons' text, menus, mottos), and listed for review either way. The name an
  appeal repeats, or the one its web address spells, is the publication when nothing better names it.
* The footer is read from the end: furniture, tags, a rights line, an end mark ("###"), a
  "Source:" line (its URL is the source URL), "first appeared in" (a note, and the date when none
  was found), a translator's credit, an author's credit ("— Story by …"), an organisation's
  signature and a closing place-and-date line.

Each field records the line it came from and whether the rule that found it is a strong one.

(About 650 lines, a little over the project's usual size: the rules above read the header in one
pass over the lines, each rule a few lines that need the ones before; cut in two, the pass would
be spread over two modules that share its state.)
"""

from __future__ import annotations

import datetime as dt
import re

from ...dates import (
    dateline_authors,
    parse_dateline,
)
from ...model import Evidence
from . import furniture as f
from .blocks import Unit
from .body import ATTRIBUTION
from .kinds import (
    DROP_KINDS,
    FURNITURE,
    HEADER_UNITS,
    META,
    PROMO_KINDS,
    PUBLISHED_ON,
    Found,
    author_or_org,
    bare_name,
    byline_names,
    caption_like,
    date_in,
    is_prose,
    kicker_shaped,
    kind_of,
    label_shaped,
    loose_date,
    present_tense_caption,
    split_glued_name,
    title_shaped,
    unspaced,
)

_DECK_END = re.compile(r"(?:\.\.\.|…|\[…\]|\[\.\.\.\]|\(…\))\s*$")
_IN_BODY_DATELINE = re.compile(r"(?P<head>[^\W\d_][^—–\n]{2,80}?)\s+[—–]\s")
_UPDATE = re.compile(
    r"\s*(?:updated|update|last modified|modified|mis à jour|aktualisiert|actualizado|atualizado|"
    r"aggiornat[oa]|обновлено|ενημερώθηκε)\b",
    re.IGNORECASE,
)


_CREDIT_ONLY = re.compile(
    r"(?:photo(?:graph)?s?|image|picture|illustration|cr[ée]dits?|foto|bild|фото)"
    r"(?:\s+(?:source|credit|by|photo))?\s*[:/©]",
    re.IGNORECASE,
)
"""A photo credit with no caption before it ("Photograph Source: …"): dropped, never the standfirst."""


# --- the header ---------------------------------------------------------------------------------


def read_header(
    units: list[Unit], found: Found, dayfirst: bool, lang: str = "en", gapped: bool = True
) -> int:
    """Read the masthead, title, standfirst and bylines; return the index of the body's first unit."""
    found.lang = lang
    _unglue(units)
    zone = min(len(units), HEADER_UNITS)
    kinds = [kind_of(u.text, dayfirst) for u in units[:zone]]
    kinds += ["text"] * (len(units) - zone)
    _mark_context(units, kinds, zone)

    first_prose = next((i for i in range(zone) if is_prose(units[i], kinds[i])), None)
    standfirst: int | None = None
    if first_prose is None:
        body = _first_text_after_title(units, kinds, zone)
    else:
        body = first_prose
        j = _skip(kinds, first_prose + 1, FURNITURE)
        titled = any(kinds[i] == "text" and title_shaped(units[i]) for i in range(first_prose))
        if j < len(units) and _header_matter(units, kinds, j):
            body = _after_header_matter(units, kinds, j)
            if titled:
                standfirst = first_prose
            else:  # no title above: the paragraph is the text's first, its byline under it
                found.leading.append(units[first_prose])
                kinds[first_prose] = "lead"
        elif _deck_shaped(units, kinds, first_prose) or (
            first_prose > 0
            and kinds[first_prose - 1] == "text"
            and title_shaped(units[first_prose - 1])
            and present_tense_caption(units[first_prose].text, lang)
            and sum(1 for k in kinds[first_prose + 1 : first_prose + 4] if k == "text") >= 2
        ):
            standfirst = first_prose
            body = _after_header_matter(units, kinds, first_prose + 1)

    body, standfirst = _text_after_dateline(units, kinds, body, standfirst, dayfirst)
    title = _choose_title(units, kinds, body, standfirst, found, gapped)
    _read_header_lines(units, kinds, body, title, standfirst, found, dayfirst)
    return body


def _text_after_dateline(
    units: list[Unit], kinds: list[str], body: int, standfirst: int | None, dayfirst: bool
) -> tuple[int, int | None]:
    """Under a title, a byline or a dateline ends the header: what follows it is the text, even a
    short paragraph or a question. (Not under a masthead's short name with a title below the date.)"""
    for index in range(min(body, HEADER_UNITS)):
        kind = kinds[index]
        strict = kind in {"byline", "published"} or (
            kind == "date" and parse_dateline(units[index].text, dayfirst) is not None
        )
        if not strict:
            continue
        above = [i for i in range(index) if kinds[i] == "text" and title_shaped(units[i])]
        if not above:
            return body, standfirst
        after = _after_header_matter(units, kinds, index)
        if after >= body or (standfirst is not None and standfirst > index):
            return body, standfirst
        if (
            label_shaped(units[above[-1]])
            and after < len(units)
            and title_shaped(units[after])
            and units[after].words < 15
        ):
            return body, standfirst  # "The Spark / Jan 9, 2023 / U.S. Weapons Threaten a Wider War"
        return after, standfirst
    return body, standfirst


def _unglue(units: list[Unit]) -> None:
    for index in range(min(len(units), 15)):
        unit = units[index]
        if unit.words < 8:
            continue
        glued = split_glued_name(unit.text)
        if glued:
            name, rest = glued
            units[index : index + 1] = [
                Unit(unit.no, name, unit.gap, [name]),
                Unit(unit.no, rest, False, [rest]),
            ]
            units[index].raw = ["\x00glued"]
            return


def _mark_context(units: list[Unit], kinds: list[str], zone: int) -> None:
    """Kinds that depend on the neighbours: contact blocks, mottos, bare-name bylines, amounts."""
    index = 0
    while index < zone:
        kind = kinds[index]
        if kind == "contact":
            j = index + 1
            while j < zone and j - index <= 4 and kinds[j] in {"text", "byline"}:
                text = units[j].text
                if not (
                    f.is_contact_detail(text) or f.is_org(text) or bare_name(Unit(0, text.split(",")[0]))
                ):
                    break
                kinds[j] = "contact"
                j += 1
            index = j
            continue
        if kind == "text" and units[index].raw == ["\x00glued"]:
            kinds[index] = "byline"
        elif kind == "text" and bare_name(units[index]) and _near_date(kinds, index, zone):
            previous = next(
                (j for j in range(index - 1, -1, -1) if kinds[j] not in {"marks", "button"}), None
            )
            two_line_title = (
                previous == index - 1
                and not units[index].gap
                and units[previous].text.rstrip().endswith(("!", "?", ":", ",", "–", "—"))
            )
            first = all(k in FURNITURE for k in kinds[:index]) and units[index].words <= 3
            top = units[previous] if previous is not None else None
            top_kind = kinds[previous] if previous is not None else None
            under_title = (
                top is not None
                and top_kind == "text"
                and title_shaped(top)
                and (
                    any(w[0].islower() for w in top.text.split()[1:] if w[0].isalpha())
                    or top.words >= min(5, units[index].words + 2)
                )
            )
            under_standfirst = (
                top is not None and top_kind == "text" and f.ends_closed(top.text) and top.words >= 6
            )
            if not two_line_title and (first or under_title or under_standfirst):
                kinds[index] = "byline"
        index += 1
    for index in range(zone):  # a widget's label is one next to its counter or button
        if kinds[index] == "label":
            following = kinds[index + 1] if index + 1 < len(kinds) else "counter"
            if following not in {"counter", "button", "marks", "share", "label"}:
                kinds[index] = "text"
    for index in range(1, zone):
        if kinds[index] == "text" and kinds[index - 1] == "tagline" and not units[index].gap:
            kinds[index] = "tagline"  # "the Paper of / The League of …"
    for index in range(zone):
        if (
            kinds[index] == "motto"
            and ATTRIBUTION.match(units[index].text)
            and index > 0
            and kinds[index - 1] == "text"
            and units[index - 1].text[:1] in f.OPEN_QUOTES
        ):
            kinds[index - 1] = "motto"
        if kinds[index] == "amount" or (
            kinds[index] == "text"
            and units[index].words <= 3
            and index > 0
            and kinds[index - 1] == "amount"
            and not units[index].gap
        ):
            kinds[index] = "amount"
    for index in range(zone - 1, -1, -1):  # a motto's quotation is only one with its attribution
        if (
            kinds[index] == "motto"
            and units[index].text[:1] in f.OPEN_QUOTES
            and not ATTRIBUTION.search(units[index].text[1:])
        ):
            following = kinds[index + 1] if index + 1 < zone else ""
            if following != "motto":
                kinds[index] = "text"


def _near_date(kinds: list[str], index: int, zone: int) -> bool:
    """Whether a date is next to ``index``, page widgets ("Follow", "6 min read", "·") aside."""
    for step in (-1, 1):
        j = index + step
        while 0 <= j < zone and abs(j - index) <= 4 and kinds[j] in FURNITURE:
            j += step
        if 0 <= j < zone and kinds[j] in {"date", "partial"}:
            return True
    return False


def _skip(kinds: list[str], index: int, skip: frozenset[str] | set[str]) -> int:
    while index < len(kinds) and kinds[index] in skip:
        index += 1
    return index


def _header_matter(units: list[Unit], kinds: list[str], index: int) -> bool:
    """A byline, a date, a note or a photo caption: what follows a standfirst, never a paragraph."""
    if kinds[index] in META | {"note", "source"}:
        return True
    return kinds[index] == "text" and caption_like(units[index], units, index) and index + 1 < len(units)


def _after_header_matter(units: list[Unit], kinds: list[str], index: int) -> int:
    """The first unit after the bylines, dates, captions, notes and furniture that start at ``index``."""
    while index < len(units) and index < HEADER_UNITS:
        kind = kinds[index]
        if kind in META | (FURNITURE - {"motto"}) | {"note", "source", "translator"} or (
            kind == "text" and caption_like(units[index], units, index) and index + 1 < len(units)
        ):
            index += 1
        elif (
            kind == "text"
            and bare_name(units[index])
            and index + 1 < len(units)
            and is_prose(units[index + 1], kinds[index + 1])
            and index > 0
            and kinds[index - 1] in META
        ):
            kinds[index] = "byline"
            index += 1
        else:
            break
    return index


def _deck_shaped(units: list[Unit], kinds: list[str], index: int) -> bool:
    """A standfirst without a byline under it: an excerpt that stops mid-sentence or with "…", or
    one the text then repeats, right under a title-shaped line."""
    above = index - 1
    while above >= 0 and kinds[above] in {"note", "source", "first"}:
        above -= 1
    if above < 0 or kinds[above] != "text" or not title_shaped(units[above]):
        return False
    if caption_like(units[above], units, above):
        return False
    text = units[index].text
    nxt = _skip(kinds, index + 1, FURNITURE)
    if nxt >= len(units) or (not is_prose(units[nxt], kinds[nxt]) and kinds[nxt] != "byline"):
        return False  # nothing follows it: it is the text itself, cut short
    if _DECK_END.search(text) or not f.ends_closed(text):
        return True
    if nxt < len(units):
        mine, theirs = text.split()[:6], units[nxt].text.split()[:6]
        if len(mine) == 6 and mine == theirs:
            return True
        if kinds[nxt] == "byline" and units[nxt].raw == ["\x00glued"]:
            return True
    return False


def _lone_word_title(units: list[Unit], kinds: list[str], index: int) -> bool:
    """A single word can be the title when it opens the text, unless the first sentence under it
    names it again: then it is a dateline's place ("Millbrook / On May 21st the Millbrook …")."""
    if kinds[index] != "text" or units[index].words != 1 or not title_shaped(units[index], single=True):
        return False
    if any(k not in FURNITURE for k in kinds[:index]):
        return False
    word = units[index].text.strip().casefold()
    following = next(
        (u.text for u, k in zip(units[index + 1 :], kinds[index + 1 :], strict=False) if k == "text"), ""
    )
    first_sentence = re.split(r"(?<=[.!?])\s", following, maxsplit=1)[0]
    return word not in first_sentence.casefold()


def _first_text_after_title(units: list[Unit], kinds: list[str], zone: int) -> int:
    """A short text without a paragraph of prose: the body starts after the title and its bylines."""
    for index in range(zone):
        if kinds[index] == "text" and (title_shaped(units[index]) or _lone_word_title(units, kinds, index)):
            return _after_header_matter(units, kinds, index + 1) if index + 1 < len(units) else index
    return _skip(kinds, 0, FURNITURE | META)


def _choose_title(
    units: list[Unit], kinds: list[str], body: int, standfirst: int | None, found: Found, gapped: bool
) -> tuple[int, int] | None:
    """``(first, last)`` unit of the title, or ``None``; fills kicker, standfirst and masthead."""
    limit = min(standfirst if standfirst is not None else body, len(units))
    masthead_end = max((i + 1 for i in range(limit) if kinds[i] in {"tagline", "motto", "nav"}), default=0)
    candidates = [
        i for i in range(masthead_end, limit)
        if kinds[i] == "text"
        and (title_shaped(units[i]) or _lone_word_title(units, kinds, i))
        and not caption_like(units[i], units, i)
    ]  # fmt: skip
    if not candidates:
        # "Nothing is settled." right above a byline: a title may end with a full stop
        meta = next((i for i in range(masthead_end, limit) if kinds[i] in META), None)
        above = meta - 1 if meta is not None else -1
        if (
            above >= masthead_end
            and kinds[above] == "text"
            and units[above].words <= 15
            and f.sentence_count(units[above].text) == 1
        ):
            return above, above
        return None
    last = candidates[-1]
    # a bare name under the title, right above the text, is a byline
    if bare_name(units[last]) and len(candidates) >= 2 and candidates[-2] == last - 1 and last + 1 == body:
        kinds[last] = "byline"
        candidates.pop()
        last = candidates[-1]
    first = last
    above = last - 1
    if above >= 0 and kinds[above] == "text" and title_shaped(units[above]) and above != standfirst:
        upper, lower = units[above], units[last]
        if not lower.gap and (
            upper.text.rstrip().endswith(("!", "?", ":", ",", "–", "—")) or lower.text[0].islower()
        ):
            first = above  # a title set over two lines
        elif (gapped and upper.gap is False and above > 0 and kinds[above - 1] != "text") or (
            lower.words >= 2
            and upper.words <= 3
            and (
                label_shaped(upper)
                or (
                    lower.gap
                    and lower.words > upper.words + 1
                    and not (lower.words >= 8 and lower.words > upper.words)
                )
            )
        ):
            kinds[above] = "kicker" if kicker_shaped(upper) else "masthead"
        elif gapped and not upper.gap:
            kinds[above] = "masthead"  # the second line of the masthead's block
        elif (standfirst is None and not f.ends_closed(upper.text) and not label_shaped(lower)) or (
            standfirst is None and not f.ends_closed(upper.text)
        ):
            kinds[last] = "standfirst"
            first = last = above
    above = first - 1
    if above >= 0 and kinds[above] == "text" and kicker_shaped(units[above]):
        kinds[above] = "kicker"
    if (
        first == last
        and units[first].words < 2
        and not unspaced(units[first].text)
        and not _lone_word_title(units, kinds, first)
    ):
        return None
    return first, last


def _read_header_lines(
    units: list[Unit],
    kinds: list[str],
    body: int,
    title: tuple[int, int] | None,
    standfirst: int | None,
    found: Found,
    dayfirst: bool,
) -> None:
    """Fields from the header's lines, given where the title, standfirst and body are."""
    start_of_title = title[0] if title else None
    if title is not None:
        first, last = title
        text = " ".join(units[i].text for i in range(first, last + 1))
        sure = (
            any(kinds[i] in META | {"standfirst"} for i in range(last + 1, min(body + 1, len(kinds))))
            or (standfirst is not None)
            or any(kinds[i] in {"masthead", "kicker", "tagline", "motto", "nav"} for i in range(first))
        )
        found.put(
            "title",
            f.plain(text),
            units[first].no,
            sure,
            "the title-shaped line above the bylines" if sure else "the first title-shaped line",
        )
    else:
        found.evidence["title"] = Evidence(
            "title", None, False, "no title in the text: the file name stands in"
        )
    if standfirst is None:
        standfirst = next((i for i in range(len(kinds[:body])) if kinds[i] == "standfirst"), None)
    if standfirst is not None:
        text = f.plain(units[standfirst].text)
        if present_tense_caption(text, found.lang):  # a standfirst, or the caption of the page's photo
            found.put("subtitle", text, units[standfirst].no, False, "the standfirst, or a photo caption")
        else:
            found.put("subtitle", text, units[standfirst].no, True, "the standfirst")
    masthead: list[int] = []
    dates: list[tuple[int, dt.date, bool]] = []
    for index in range(min(body, len(units))):
        unit, kind = units[index], kinds[index]
        if (title is not None and title[0] <= index <= title[1]) or index == standfirst:
            continue
        text = unit.text
        before_title = start_of_title is not None and index < start_of_title
        if kind in {"date", "partial"}:
            date = parse_dateline(text, dayfirst) or (
                date_in(text, dayfirst) if loose_date(text, dayfirst) else None
            )
            if date is not None:
                dates.append((index, date, bool(_UPDATE.match(text))))
            names = dateline_authors(text) if kind == "date" else ()
            if names:
                author_or_org(names, unit.no, found, "the byline on the dateline", sure=True)
            found.dropped.append((unit.no, text))
        elif kind == "published":
            match = PUBLISHED_ON.fullmatch(text)
            assert match is not None
            found.put("publication", f.plain(match.group("pub")), unit.no, True, 'a "Published on" line')
            date = parse_dateline(match.group("date"), dayfirst)
            if date:
                dates.append((index, date, False))
            found.dropped.append((unit.no, text))
        elif kind == "byline":
            names = byline_names(text) or bare_name(unit) or ()
            sure = byline_names(text) is not None
            author_or_org(names, unit.no, found, "a byline" if sure else "a name next to the date", sure=sure)
            found.dropped.append((unit.no, text))
        elif kind == "contact":
            if f.is_org(text) and not f.is_contact_detail(text) and "," not in text:
                found.put(
                    "publication", f.plain(text), unit.no, True, "the organisation of the press contact"
                )
            found.dropped.append((unit.no, text))
        elif kind in {"note", "source", "first"}:
            rest = f.source_line(text) if kind == "source" else None
            if rest and (f.is_url(rest) or "://" in rest):
                found.put(
                    "url", rest if "://" in rest else "https://" + rest, unit.no, True, 'a "Source:" line'
                )
            else:
                found.notes.append(f.plain(text))
            found.dropped.append((unit.no, text))
        elif kind == "url":
            found.put(
                "url", text if "://" in text else "https://" + text, unit.no, True, "the page's address"
            )
            found.dropped.append((unit.no, text))
        elif kind in PROMO_KINDS:
            found.promos.append((unit.no, f.plain(text)))
        elif kind == "tags":
            tags = f.tags_of(text)
            found.tags.extend(tags if tags is not None else [w.lstrip("#") for w in text.split()])
        elif kind == "rights":
            found.put("rights", f.plain(text), unit.no, True, "a copyright line")
        elif kind == "motto" and start_of_title is not None and index > start_of_title:
            found.leading.append(unit)  # an epigraph under the title belongs to the text
        elif kind in DROP_KINDS | {"kicker"}:
            found.dropped.append((unit.no, text))
        elif kind in {"masthead", "text"} and (before_title or (title is None and index < body)):
            if kind == "text" and title is not None and caption_like(unit, units, index):
                found.dropped.append((unit.no, text))
                continue
            if kind == "text" and text.endswith((",", ":")) and index == body - 1:
                found.leading.append(unit)  # "Dear members,": the text's salutation
                continue
            masthead.append(index)
            found.dropped.append((unit.no, text))
        elif kind == "text":
            if caption_like(unit, units, index) and not found.subtitle_given:
                if (
                    not found.subtitle
                    and not _CREDIT_ONLY.match(text)
                    and not any(u == f.plain(text) for _, u in found.dropped)
                ):
                    found.put("subtitle", f.plain(text), unit.no, False, "a photo caption under the title")
                else:
                    found.dropped.append((unit.no, text))
            elif (
                not found.subtitle
                and not found.subtitle_given
                and title is not None
                and index > title[1]
                and any(k in META for k in kinds[index + 1 : body])
            ):
                found.put(
                    "subtitle", f.plain(text), unit.no, True, "the line between the title and the byline"
                )
            elif (
                not found.subtitle
                and not found.subtitle_given
                and title is not None
                and index > title[1]
                and (present_tense_caption(text, found.lang) or (not f.ends_closed(text) and unit.words >= 4))
            ):
                found.put("subtitle", f.plain(text), unit.no, False, "a line between the title and the text")
            else:
                found.leading.append(unit)
    _choose_date(units, dates, start_of_title, found)
    _choose_publication(units, kinds, masthead, found)


def _choose_date(
    units: list[Unit], dates: list[tuple[int, dt.date, bool]], title: int | None, found: Found
) -> None:
    """The date nearest under the title (a published date before an updated one), else the nearest above."""
    if not dates:
        return
    below = [d for d in dates if title is None or d[0] > title]
    above = [d for d in dates if title is not None and d[0] < title]
    for group, rule in (
        (below, "the dateline under the title"),
        (list(reversed(above)), "the date nearest the title"),
    ):
        if group:
            chosen = next((d for d in group if not d[2]), group[0])
            found.put("date", chosen[1], units[chosen[0]].no, True, rule)
            return


def _choose_publication(units: list[Unit], kinds: list[str], masthead: list[int], found: Found) -> None:
    for index in masthead:
        text = units[index].text
        if kinds[index] in {"kicker"} or f.is_tagline(text):
            continue
        if index > 0 and kinds[index - 1] == "tagline":
            continue  # "the Paper of / The League of …": the organisation the paper belongs to
        if index > 0 and not units[index].gap and units[index - 1].words == 1:
            continue  # "Opinion / Workers' rights": a section under a section label
        with_menu = index + 1 < len(kinds) and kinds[index + 1] in {"nav", "tagline"}
        name = _masthead_name(text, single=with_menu)
        if name:
            found.put(
                "publication",
                name,
                units[index].no,
                kinds[index] != "masthead" or index == 0,
                "the masthead above the title",
            )
            return


def _masthead_name(text: str, *, single: bool = False) -> str | None:
    """The publication a masthead line names: the line itself when it is a name, else the words
    before a sentence's verb ("Die linke Rundschau gehört 3104 Lesern" gives "Die linke Rundschau")."""
    words = text.split()
    if len(words) == 1 and not single:
        return None  # a single word above the title is a section label more often than a name, unless
        # a menu or a tagline follows it
    if len(words) <= 6 and not any(ch.isdigit() for ch in text) and not f.ends_closed(text):
        if not words[0][0].islower():
            return f.plain(text)
        return None
    head: list[str] = []
    for word in words:
        if any(ch.isdigit() for ch in word):
            break
        head.append(word)
    while head and head[-1][0].islower():
        head.pop()
    if 1 <= len(head) <= 5 and head[0][0].isupper() and len(head) < len(words):
        return " ".join(head)
    return None


def body_dateline(text: str, dayfirst: bool) -> dt.date | None:
    """The date of a news dateline opening the text ("PORT ASHBY, Oct. 17, 2022 — Crane operators …")."""
    match = _IN_BODY_DATELINE.match(text[:120])
    if not match:
        return None
    return parse_dateline(match.group("head"), dayfirst)


__all__ = ["body_dateline", "read_header"]
