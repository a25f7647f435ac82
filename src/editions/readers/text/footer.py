"""The footer of a copied page, read from the end.

In: the article's logical lines. Out: how many of them are left for the header and body, and, in
a :class:`~editions.readers.text.kinds.Found`, what the footer said: promos (appeals, counters,
links), tags, a rights line, a "Source:" URL, "first appeared in" notes and dates, a translator's
credit, an author's credit, an organisation's signature, a closing place-and-date line. A promo
box (its heading, a paragraph about the site) right above such furniture goes with it. A
"Related articles" heading near the end stops the article there.
"""

from __future__ import annotations

import re

from ...dates import (
    parse_dateline,
)
from . import furniture as f
from .blocks import Block, Unit
from .body import ATTRIBUTION, heading_shape
from .kinds import (
    FOOTER_UNITS,
    FURNITURE,
    HEADER_UNITS,
    PROMO_KINDS,
    Found,
    author_or_org,
    bare_name,
    byline_names,
    date_in,
    kind_of,
)

# --- the footer ---------------------------------------------------------------------------------


def read_footer(units: list[Unit], found: Found, dayfirst: bool) -> int:
    """Take the footer off the end; return how many units are left for the header and body."""
    end = _cut_related(units, found)
    edges = units[:HEADER_UNITS] + units[max(HEADER_UNITS, len(units) - FOOTER_UNITS) :]
    names = site_names([u.text for u in edges if kind_of(u.text, dayfirst) in {"appeal", "promo", "login"}])
    floor = max(1, len(units) - FOOTER_UNITS)
    box: set[int] = set()  # lines of an appeal box: a line right above one may belong to it
    while end > floor:
        unit = units[end - 1]
        text = unit.text
        kind = kind_of(text, dayfirst)
        after = units[end:]
        if kind in FURNITURE or kind in {"translator", "note"}:
            _take_footer_item(unit, kind, found, dayfirst)
            if kind in {"appeal", "login", "button", "amount"}:
                box.add(unit.no)
        elif kind in {"date", "partial"} or _closing_dateline(text, dayfirst):
            date = parse_dateline(text, dayfirst) or date_in(text, dayfirst)
            if date:
                found.put("date", date, unit.no, True, "a date line closes the text")
            found.dropped.append((unit.no, text))
        elif kind == "byline" or (ATTRIBUTION.match(text) and byline_names(text)):
            credited = byline_names(text) or ()
            author_or_org(credited, unit.no, found, "an author's credit closes the text", sure=True)
            found.dropped.append((unit.no, text))
        elif _signature(unit, after):
            people = bare_name(unit)
            if f.is_org(text):
                found.publication = None  # the signature's first line names it, read last
                found.put("publication", f.plain(text), unit.no, False, "an organisation signs the text")
            elif people:
                found.put("authors", people, unit.no, False, "a name signs the text")
            found.dropped.append((unit.no, text))
        elif (
            after
            and after[0].no in box
            and _box_part(unit, names + site_names([unit.text] + [u.text for u in after[:4]]))
        ):
            found.promos.append((unit.no, f.plain(text)))
            box.add(unit.no)
        else:
            break
        end -= 1
    found.promos.reverse()
    return end


def _cut_related(units: list[Unit], found: Found) -> int:
    """A "Related articles" / "Read next" heading near the end: the article stops there."""
    for index in range(max(1, len(units) - 12), len(units)):
        text = units[index].text
        if len(text) <= 60 and f.RELATED.fullmatch(text):
            for unit in units[index:]:
                if f.is_promo(unit.text):
                    found.promos.append((unit.no, f.plain(unit.text)))
                elif (tags := f.tags_of(unit.text)) is not None:
                    found.tags.extend(tags)
                else:
                    found.dropped.append((unit.no, unit.text))
            return index
    return len(units)


def _take_footer_item(unit: Unit, kind: str, found: Found, dayfirst: bool) -> None:
    text = unit.text
    if kind == "tags":
        tags = f.tags_of(text)
        found.tags[:0] = tags if tags is not None else [w.lstrip("#") for w in text.split()]
        return
    if kind == "rights":
        found.put("rights", f.plain(text), unit.no, True, "a copyright line")
        return
    if kind == "translator":
        found.put("translators", f.translators(text), unit.no, True, "a translator's credit")
        found.dropped.append((unit.no, text))
        return
    if kind == "source":
        rest = f.source_line(text) or ""
        if f.is_url(rest) or rest.startswith(("http://", "https://")):
            url = rest if "://" in rest else "https://" + rest
            found.put("url", url, unit.no, True, 'a "Source:" line gives the address')
        else:
            found.notes.insert(0, f.plain(text))
    if kind == "first":
        found.notes.insert(0, f.plain(text))
        date = date_in(text, dayfirst)
        if date:
            found.put("date", date, unit.no, False, "the date it first appeared")
    if kind == "note":
        found.notes.insert(0, f.plain(text))
        found.dropped.append((unit.no, text))
        return
    if kind == "url":
        found.put(
            "url", text if "://" in text else "https://" + text, unit.no, False, "an address closes the text"
        )
    if kind in PROMO_KINDS:
        found.promos.append((unit.no, f.plain(text)))
    else:
        found.dropped.append((unit.no, text))


def _closing_dateline(text: str, dayfirst: bool) -> bool:
    """ "In Villaseca, 22 November 2022." closing a statement: a place and a date."""
    return len(text.split()) <= 12 and parse_dateline(text.rstrip("."), dayfirst) is not None


def _signature(unit: Unit, after: list[Unit]) -> bool:
    """An organisation's or a person's name closing the text (a statement's signature)."""
    text = unit.text
    if unit.words > 12 or f.ends_closed(text) or text.endswith(("?", "!")):
        return False
    if not (f.is_org(text) or bare_name(unit)):
        return False
    if any(w[0].islower() for w in text.split() if len(w) >= 4 and w[0].isalpha()):
        return False  # a name is written in capitalised words
    return all(_signature(u, []) or kind_of(u.text, False) in FURNITURE for u in after[:3]) or not after


def _box_part(unit: Unit, names: list[str]) -> bool:
    """A line of an appeal box, right above another: its heading, a line with an appeal word, or a
    paragraph about the site (one that names it)."""
    if f.appeal_hits(unit.text) >= 1:
        return True
    if any(name.casefold() in unit.text.casefold() for name in names):
        return True
    return heading_shape(Block([unit.text]))


def merge_footer(found: Found, tail: Found) -> None:
    """What the footer said, under what the header said (the header's fields win)."""
    for name in ("authors", "translators", "date", "publication", "url", "rights"):
        value = getattr(tail, name)
        if value and not getattr(found, name):
            setattr(found, name, value)
            if name in tail.evidence:
                found.evidence[name] = tail.evidence[name]
    found.notes.extend(tail.notes)
    found.tags.extend(tail.tags)
    found.promos.extend(tail.promos)
    found.dropped.extend(tail.dropped)


_CTA_NAME = re.compile(
    r"(?i:join|follow|subscribe to|support|read)\s+(?i:the\s+|our\s+|us on\s+)?"
    r"(?P<name>[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*){0,4}?)\s+"
    r"(?i:telegram|newsletter|channel|mailing list|on\b|podcast|youtube|facebook|twitter|instagram)"
)
_NAME_PHRASE = re.compile(
    r"(?:(?<=\s)|^|(?<=[“\"«(]))((?:[A-ZÀ-ÖØ-ÞĀ-ſА-ЯΑ-Ω][\w’'-]*)(?:\s+(?:of|the|de|la|du|des|del|di|da|do)?\s*"
    r"[A-ZÀ-ÖØ-ÞĀ-ſА-ЯΑ-Ω][\w’'-]*)+)"
)


# --- publication names in the page's own furniture ---------------------------------------------


def site_names(texts: list[str]) -> list[str]:
    """Names a site gives itself in its own appeals and links: the one its web address spells,
    then a capitalised name said twice or more, then the name in "Join the X Telegram channel"."""
    joined = "\n".join(texts)
    names: list[str] = []
    for domain in re.findall(r"(?:https?://)?(?:www\.)?([\w-]{3,63})\.[a-z]{2,6}\b", joined, re.I):
        words = [w for w in re.split(r"[-_]", domain) if w]
        if not words:
            continue
        pattern = r"\b" + r"[\s-]+".join(re.escape(w) for w in words) + r"\b"
        for match in re.finditer(pattern, joined, re.IGNORECASE):
            if (
                not re.search(r"[./]", joined[max(0, match.start() - 1) : match.start()])
                and " " in match.group()
            ):
                names.append(match.group())
                break
    counts: dict[str, int] = {}
    for text in texts:
        for match in _NAME_PHRASE.finditer(text):
            phrase = re.sub(r"[’']s$", "", match.group(1))
            for sub in _sub_phrases(phrase):
                counts[sub] = counts.get(sub, 0) + 1
    repeated = [p for p, n in counts.items() if n >= 2 and not p.isupper()]
    repeated.sort(key=lambda p: (-len(p.split()), -counts[p]))
    names.extend(repeated[:1])
    for text in texts:
        cta = _CTA_NAME.search(text)
        if cta and cta.group("name").strip():
            names.append(cta.group("name").strip())
    return names


def _sub_phrases(phrase: str) -> list[str]:
    words = phrase.split()
    out = []
    for i in range(len(words)):
        for j in range(i + 2, len(words) + 1):
            if words[i][0].isupper() and words[j - 1][0].isupper():
                out.append(" ".join(words[i:j]))
    return out


__all__ = ["merge_footer", "read_footer", "site_names"]
