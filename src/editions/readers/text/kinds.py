"""What one logical line of a copied page is, and the record of what the reader found.

In: one logical line (:class:`~editions.readers.text.blocks.Unit`), sometimes with its
neighbours. Out: a kind (``"date"``, ``"byline"``, ``"appeal"``, ``"counter"``, ``"text"`` …, see
:func:`kind_of`) and shape tests (title-shaped, a bare name, a caption, prose); :class:`Found`,
where the header and footer readers put each field with its :class:`~editions.model.Evidence`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ...dates import (
    MONTHS,
    WEEKDAYS,
    norm_word,
    parse_byline,
    parse_dateline,
    split_dateline,
)
from ...model import Evidence
from . import furniture as f
from .blocks import Unit
from .body import ATTRIBUTION

HEADER_UNITS = 30
"""How many logical lines from the top may hold the masthead, title and bylines."""

FOOTER_UNITS = 40
"""How many logical lines from the end may hold the footer."""

MAX_TITLE_WORDS = 25
MAX_HEADER_LINE = 200

PROMO_KINDS = frozenset(
    ["counter", "label", "button", "appeal", "login", "amount", "arrow", "promo", "first", "source"]
)
"""Furniture kept as the article's ``promos`` (what the page said to its reader)."""

DROP_KINDS = frozenset(
    ["share", "marks", "nav", "tagline", "motto", "debris", "boiler", "end", "contact", "url"]
)
"""Furniture dropped (and listed for review)."""

FURNITURE = PROMO_KINDS | DROP_KINDS | {"tags", "rights"}
META = frozenset({"date", "partial", "byline", "published"})

PUBLISHED_ON = re.compile(
    r"(?:published|posted|publié|publiée|paru|veröffentlicht|erschienen|publicado|publicada|pubblicato|"
    r"pubblicata|опубликовано)\s+(?:on|in|at|sur|dans|auf|in|bei|en|su|em|no|na|в|на)\s+"
    r"(?P<pub>[^,|·•]{2,80}?)\s*(?:,|\||·|•|\s-\s|\s–\s|\s—\s)\s*(?P<date>.+)",
    re.IGNORECASE,
)
_POSTED_BY = re.compile(
    r"(?:posted|published|written|submitted|shared)\s+by\s+(?P<name>.+?)(?:\s+(?:in|under|on)\s+(?P<rest>.*))?",
    re.IGNORECASE,
)
_CAPITALISED = re.compile(r"[^\W\d_]")


@dataclass
class Found:
    """What the header and footer said about the article."""

    title: str | None = None
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    translators: tuple[str, ...] = ()
    date: dt.date | None = None
    publication: str | None = None
    url: str | None = None
    notes: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    rights: str | None = None
    promos: list[tuple[int, str]] = field(default_factory=list)
    dropped: list[tuple[int, str]] = field(default_factory=list)
    evidence: dict[str, Evidence] = field(default_factory=dict)
    lang: str = "en"
    subtitle_given: bool = False
    leading: list[Unit] = field(default_factory=list)
    """Header lines that belong to the text after all (put back at the start of the body)."""

    def put(self, name: str, value: object, no: int | None, sure: bool, rule: str) -> bool:
        """Set field ``name`` unless it is set already; record where it came from."""
        if not value or getattr(self, name):
            return False
        setattr(self, name, value)
        self.evidence[name] = Evidence(name, no, sure, rule)
        return True


# --- kinds of lines -----------------------------------------------------------------------------


def kind_of(text: str, dayfirst: bool) -> str:
    """What a logical line is, on its own (the header and footer readers add context)."""
    if len(text) > 1500:
        return "text"
    short = len(text) <= MAX_HEADER_LINE
    if f.is_share_junk(text):
        return "share"
    if f.is_marks(text):
        return "marks"
    if f.is_end_mark(text):
        return "end"
    if short and (f.tags_of(text) is not None or _hashtags(text)):
        return "tags"
    if short and f.RIGHTS.match(text):
        return "rights"
    if f.is_counter(text):
        return "counter"
    if f.is_contact_start(text):
        return "contact"
    if f.is_label_only(text) and len(text.split()) == 1:
        return "label"
    if short and f.is_debris(text):
        return "debris"
    if f.is_label_only(text):
        return "label"
    if f.is_button(text):
        return "button"
    if f.is_arrow_link(text):
        return "arrow"
    if f.is_nav(text):
        return "nav"
    if f.is_url(text):
        return "url"
    if f.source_line(text) is not None:
        return "source"
    if f.translators(text):
        return "translator"
    if f.first_appeared(text):
        return "first"
    if f.is_note(text):
        return "note"
    if f.is_amount(text):
        return "amount"
    if short and (f.is_promo(text) or f.READ_ALSO.match(text.lstrip("»>→▶►•*-–— "))):
        return "promo"
    if f.is_login(text):
        return "login"
    if f.is_appeal(text):
        return "appeal"
    if short and f.is_debris(text):
        return "debris"
    if f.is_boilerplate(text):
        return "boiler"
    if short:
        if parse_dateline(text, dayfirst) is not None:
            return "date"
        if PUBLISHED_ON.fullmatch(text) and not _POSTED_BY.match(text):
            return "published"
        if loose_date(text, dayfirst):
            return "date"
        if _partial_date(text):
            return "partial"
        if byline_names(text) is not None:
            return "byline"
        if _is_motto_line(text):
            return "motto"
        if f.is_tagline(text):
            return "tagline"
    return "text"


def _hashtags(text: str) -> bool:
    words = text.split()
    return bool(words) and all(w.startswith("#") and len(w) > 1 for w in words)


_UPDATED_NOTE = re.compile(
    r"(?:updated|last updated|mis à jour|aktualisiert|actualizado|atualizado|aggiornato|обновлено)\b|"
    r"(?:há|hace|vor|il y a|fa)?\s*\d{1,3}\s*(?:min\w*|hours?|hrs?|horas?|heures?|stunden?|ore|minut\w*|"
    r"час\w*|мин\w*)(?:\s+ago|\s+fa|\s+назад)?$",
    re.IGNORECASE,
)
"""An "Updated" note or a relative time ("2 hours ago", "há 2 horas") beside a date."""


def loose_date(text: str, dayfirst: bool) -> bool:
    """A short line holding a full date among page labels ("13.11.2016 / Hintergrund / Seite 12")."""
    if len(text.split()) > 12:
        return False
    found = split_dateline(text, dayfirst)
    if found is None:
        return False
    rest = [part for part in found.rest if not _UPDATED_NOTE.match(part)]
    if sum(len(p.split()) for p in rest) > 8:
        return False
    return all(
        len(part.split()) <= 4 and all(w[0].isupper() or any(ch.isdigit() for ch in w) for w in part.split())
        for part in rest
    )


def _partial_date(text: str) -> bool:
    """A date without a year ("Thursday 9th", "March 14 at 9:02 PM", "3 mars"): a date line, no date."""
    tokens = [t.strip(" ,.·•|()") for t in text.split()]
    tokens = [t for t in tokens if t]
    if not 1 <= len(tokens) <= 8:
        return False
    named = False
    for token in tokens:
        key = norm_word(token)
        if key in MONTHS or key in WEEKDAYS:
            named = True
        elif re.fullmatch(
            r"\d{1,2}(?:st|nd|rd|th|er|e|\.|º)?|\d{4}|\d{1,2}[:h.]\d{2}|[ap]\.?m\.?|at|um|à|a|às|le|de|del|the|on",
            key,
        ):
            continue
        else:
            return False
    return named


def byline_names(text: str) -> tuple[str, ...] | None:
    """The names of a byline with a marker ("By Ana Ruiz", "— Story by Ana Ruiz", "posted by X")."""
    text = text.strip(" —–-")
    if not text or not (text[0].isupper() or text[0].islower() or not text[0].isascii()):
        return None
    posted = _POSTED_BY.fullmatch(text)
    if posted:
        name = posted.group("name").strip()
        if f.is_org(name) or parse_byline(name, bare=True):
            return (f.plain(name),)
    return parse_byline(text)


def _is_motto_line(text: str) -> bool:
    """A quotation alone, or with its "— Name" attribution on the same line (a masthead motto)."""
    if text[0] in f.OPEN_QUOTES and text.rstrip(".")[-1:] in f.CLOSE_QUOTES and len(text.split()) <= 40:
        return True
    if ATTRIBUTION.match(text) and len(text.split()) <= 6:
        rest = ATTRIBUTION.sub("", text, count=1)
        return parse_byline(rest, bare=True) is not None or f.is_org(rest) or len(rest.split()) <= 3
    for dash in (" — ", " – ", " ― "):
        head, sep, tail = text.rpartition(dash)
        if sep and head and head[0] in f.OPEN_QUOTES and head.rstrip()[-1:] in f.CLOSE_QUOTES:
            return 1 <= len(tail.split()) <= 8
    return False


def title_shaped(unit: Unit, *, single: bool = False) -> bool:
    """Two to 25 words (one with ``single``), at most two hundred characters, letters, no final full stop."""
    text = unit.text
    if len(text) > MAX_HEADER_LINE or not any(ch.isalpha() for ch in text):
        return False
    words = unit.words
    if words > MAX_TITLE_WORDS or (words < 2 and not single and not (unspaced(text) and len(text) >= 4)):
        return False
    if text.endswith((":", ",", ";")) or f.is_url(text):
        return False
    return not f.ends_closed(text) or text.rstrip(f.CLOSE_QUOTES).endswith(("?", "!"))


def unspaced(text: str) -> bool:
    return any("\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" for ch in text)


def label_shaped(unit: Unit) -> bool:
    """A section label or a masthead name: one word, capitals, or two to four capitalised words."""
    text = unit.text
    words = text.split()
    if not 1 <= len(words) <= 4 or f.ends_closed(text) or text.endswith(("?", "!")):
        return False
    letters = [ch for ch in text if ch.isalpha()]
    if letters and all(ch.isupper() for ch in letters):
        return True
    return all(w[0].isupper() or not w[0].isalpha() for w in words)


def kicker_shaped(unit: Unit) -> bool:
    """One word, or a short line in capitals: a section label ("Labour", "INTERVIEWS")."""
    text = unit.text
    words = text.split()
    if not 1 <= len(words) <= 4 or f.ends_closed(text):
        return False
    letters = [ch for ch in text if ch.isalpha()]
    return len(words) == 1 or (bool(letters) and all(ch.isupper() for ch in letters))


_DETERMINERS = frozenset(
    [
        "the",
        "a",
        "an",
        "le",
        "la",
        "les",
        "l",
        "un",
        "une",
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "el",
        "los",
        "las",
        "lo",
        "il",
        "gli",
        "i",
        "o",
        "os",
        "as",
        "uns",
        "umas",
        "this",
        "these",
        "our",
        "my",
    ]
)


def bare_name(unit: Unit) -> tuple[str, ...] | None:
    """The names of a line that is only a person's name (two to four capitalised words)."""
    if unit.words > 8 or f.ends_closed(unit.text) or unit.text.endswith(("!", "?")):
        return None
    if norm_word(unit.text.split()[0]) in _DETERMINERS:
        return None
    names = parse_byline(unit.text, bare=True)
    if names and all(len(n.split()) <= 4 for n in names):
        return names
    return None


def is_prose(unit: Unit, kind: str) -> bool:
    """A paragraph: a sentence of twelve words or more, two sentences, or thirty words or more."""
    if kind != "text":
        return False
    words = unit.words
    if words >= 30:
        return True
    closed = f.ends_closed(unit.text) and not unit.text.rstrip(f.CLOSE_QUOTES).endswith(("?", "!"))
    return closed and (words >= 12 or (words >= 8 and f.sentence_count(unit.text) >= 2))


_PAST_ED = re.compile(r"\b[a-z]{2,}ed\b")
_ED_NOT_PAST = frozenset(
    [
        "need",
        "needed",
        "seed",
        "speed",
        "feed",
        "bred",
        "shed",
        "red",
        "bed",
        "wed",
        "hundred",
        "indeed",
        "united",
        "sacred",
    ]
)
_NOT_CAPTION_EN = re.compile(
    r"\b(?:said|says|say|told|tells|reported|reports|according|announced|claims?|stated|"
    r"yesterday|today|tomorrow|tonight|ago|last|next|week|weeks|month|months|year|years|"
    r"i|we|our|us|my|you|your|will|would|could|should|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.IGNORECASE,
)


def present_tense_caption(text: str, lang: str) -> bool:
    """An English photo caption without a credit: one short sentence (6 to 35 words) in the present
    tense, with no digits, quotations, first person, time words or reporting verbs (news leads
    are written in the past tense and say when and who said so)."""
    if lang.split("-")[0] != "en" or not 6 <= len(text.split()) <= 35 or not text.endswith("."):
        return False
    from ...lang import detect_language

    if detect_language(text, fallback="en") != "en":
        return False
    if any(ch.isdigit() for ch in text) or any(q in text for q in '"“”«»„') or any(ch in text for ch in ":;"):
        return False
    if f.sentence_count(text) != 1:
        return False
    capitalised = [norm_word(w.strip(".,’'")) for w in text.split()[1:] if w[0].isupper()]
    if any(w in MONTHS or w in WEEKDAYS for w in capitalised if len(w) > 2):
        return False
    if _NOT_CAPTION_EN.search(text):
        return False
    if any(norm_word(w.strip(".,")) in _IRREGULAR_PAST for w in text.split()):
        return False
    return not any(w not in _ED_NOT_PAST for w in _PAST_ED.findall(text))


_IRREGULAR_PAST = frozenset(
    [
        "came",
        "kept",
        "went",
        "took",
        "made",
        "said",
        "told",
        "got",
        "gave",
        "began",
        "won",
        "held",
        "left",
        "met",
        "ran",
        "saw",
        "sent",
        "spent",
        "stood",
        "struck",
        "thought",
        "brought",
        "bought",
        "fought",
        "caught",
        "taught",
        "found",
        "lost",
        "paid",
        "became",
        "broke",
        "chose",
        "drove",
        "fell",
        "felt",
        "flew",
        "forgot",
        "grew",
        "hid",
        "knew",
        "led",
        "rose",
        "sang",
        "sat",
        "slept",
        "spoke",
        "stole",
        "swore",
        "threw",
        "understood",
        "woke",
        "wore",
        "wrote",
        "was",
        "were",
        "had",
        "did",
    ]
)


def caption_like(unit: Unit, units: list[Unit], index: int) -> bool:
    """A photo caption: a credit, an image's file-name alt text ("a_b"), or a line printed twice."""
    text = unit.text
    if unit.words > 60:
        return False
    if f.is_credit(text):
        return True
    if re.search(r"[^\W\d_]_[^\W\d_]", text) and " " in text:
        return True
    if text.endswith((",", ";", ":")):
        return False  # a repeated line of verse or a list
    return any(0 <= other < len(units) and units[other].text == text for other in (index - 1, index + 1))


# --- glued names --------------------------------------------------------------------------------


def split_glued_name(text: str) -> tuple[str, str] | None:
    """``("Ana Ruiz", "The strike …")`` when a byline is glued to the text ("Ana RuizThe strike …")."""
    words = text.split(" ", 5)
    for k in range(1, min(4, len(words) - 1)):
        token = words[k]
        for pos in range(3, min(len(token) - 1, 30)):
            if token[pos].isupper() and token[pos - 1].islower() and token[pos + 1 : pos + 2].islower():
                head = token[:pos]
                if not (head[0].isupper() and head[1:].isalpha() and head[1:].islower()):
                    break
                name = " ".join([*words[:k], head])
                names = parse_byline(name, bare=True)
                if names and len(names) == 1 and not f.is_org(name):
                    return name, text[len(name) :]
                break
    return None


def author_or_org(names: tuple[str, ...], no: int, found: Found, rule: str, *, sure: bool) -> None:
    people = tuple(n for n in names if not f.is_org(n))
    orgs = [n for n in names if f.is_org(n)]
    if orgs:
        found.put("publication", orgs[0], no, sure, rule.replace("an author", "an organisation"))
    if people:
        found.put("authors", people, no, sure, rule)


def date_in(text: str, dayfirst: bool) -> dt.date | None:
    found = split_dateline(text[:160], dayfirst)
    return found.date if found else None


__all__ = ["FURNITURE", "META", "PROMO_KINDS", "Found", "kind_of", "split_glued_name", "title_shaped"]
