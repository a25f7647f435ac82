"""Language-aware typography: straight ASCII punctuation in, typeset punctuation out.

In: plain text (:func:`smarten_text`, for titles, names and the other metadata) or a sanitised
HTML fragment (:func:`smarten_html`, for article bodies and footnotes), plus the BCP 47 tag of its
language.
Out: the same text, or the same fragment with only its text nodes changed, with the quotes,
apostrophes, dashes, ellipses and no-break spaces of that language.

Nothing changes inside ``code``, ``pre``, ``kbd``, ``samp`` or ``var``, in attributes, or in URLs
and e-mail addresses written in the text. An element with its own ``lang`` is set by that
language's rules. Quote direction is decided on the text of a whole block (a paragraph, a list
item, a cell …), so ``"<em>word</em>"`` gets an opening and a closing quote. The fragment is
written back as HTML with characters as themselves (U+00A0, U+202F, U+2060 …): the only escapes are
``&amp; &lt; &gt; &quot;``, so it stays valid as XHTML. Both functions are idempotent, and their
time is linear in the size of the input.

Conventions (the README documents the same list):

* Quotes: ``"`` becomes the language's primary marks and ``'`` (when not an apostrophe) its
  secondary ones; a ``"`` directly inside primary marks gets the secondary ones. en, nl, tr “ ” ‘ ’;
  fr « » “ ”; de, cs, sk „ “ ‚ ‘; de-CH « » ‹ ›; ru, uk, be « » „ “; es, ca, it, pt, el « » “ ”;
  pt-BR “ ” ‘ ’; pl, ro „ ” « »; sv, fi ” ” ’ ’; da » « › ‹; nb, nn « » ‘ ’; ar, fa, ur « » ” “;
  he, yi „ ” ‚ ’; other languages follow English. Curly quotes already in the text are kept as
  they are.
* Arabic script: a comma between Arabic-script words becomes the Arabic comma ، (U+060C).
  Hebrew: ``"`` between Hebrew letters is gershayim ״ (U+05F4) and ``'`` after a Hebrew letter
  geresh ׳ (U+05F3), never quotes.
* Apostrophes are U+2019 in every language: don’t, l’homme, ’90s, rock ’n’ roll, ’til, ’t.
  ``5'10"`` becomes ``5′10″``.
* Dashes: ``--`` and a hyphen spaced between words become the language's dash. English (and
  languages without rules) closes up an em dash, ``word—word``, whatever the spacing around the
  hyphens; en-GB (AU, NZ, IE, ZA, IN), fr, de, it, nl, pl, cs, sv … use a spaced en dash,
  ``word – word``; ru, uk, be, bg, es, ca, pt, el a spaced em dash, ``слово — слово``. ``---``
  is an em dash in every language. The space before a spaced dash is always a no-break space, and
  a closed-up em dash has a word joiner (U+2060) before it, so a dash never starts a line.
  ``10--20`` is an en dash; so is the hyphen in an ascending range of four-digit years
  (``1946-1954``); other hyphens between digits (``5 - 3``, ``2023-01-09``) stay. ``--flag``
  after a space, four or more hyphens, and a hyphen opening a line stay.
* ``...`` and ``. . .`` become … (U+2026), ``....`` becomes ``.…``; longer runs of dots stay.
* No-break spaces (U+00A0): between a number and its unit (``10 km``, ``5 %``, ``20 °C``,
  ``1999 г.``); after initials (``J. R. R. Tolkien``); after a title before a name (``Dr.``,
  ``Gen.``, ``Mme``); after ``No.``, ``p.``, ``§``, ``№``, ``n°`` … before a number; inside
  ``z. B.`` or ``т. е.``; after one-letter words in pl, cs and sk. Spaces between groups of three
  digits (``10 000``) become U+202F in languages that group digits with spaces (fr, ru, pl, sv …).
* French: U+202F after « and before », ; ! ?, U+00A0 before : (when a space or the end follows
  it), U+202F between a number and % or ‰ (``10 %``, as the Imprimerie nationale sets it). A space
  already there is replaced with the right one; a missing one is added (``10%`` → ``10 %``).
* Whitespace: no-break spaces at the start or end of a block or line are dropped, and a run
  mixing no-break and ordinary spaces becomes one ordinary space (or its line breaks).
* URLs are recognised by a scheme (``https://``, ``mailto:`` …) or ``www.``; link text that
  repeats its ``href`` is left alone too.
"""

from __future__ import annotations

import functools
import itertools
import re
import string
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

import lxml.html
from lxml import etree

__all__ = ["smarten_html", "smarten_text"]

_Replacement = str | tuple[int, int, str] | None

NBSP = "\u00a0"
NNBSP = "\u202f"
WJ = "\u2060"
EM = "\u2014"
EN = "\u2013"

# Virtual characters stand for markup in the text the rules see; they are never written back.
_BLOCK = "\u2029"  # paragraph separator: the boundary of a block element
_LINE = "\u2028"  # line separator: <br>
_OBJECT = "\ufffc"  # object replacement: <img> and text in another language


# --------------------------------------------------------------------------- language rules


@dataclass(frozen=True)
class _Rules:
    """How one language sets its punctuation."""

    primary: tuple[str, str] = ("\u201c", "\u201d")
    secondary: tuple[str, str] = ("\u2018", "\u2019")
    dash: str = EM
    spaced_dash: bool = False
    french_spacing: bool = False
    group_digits: bool = False
    titles: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    single_letter_words: str = ""
    arabic_comma: bool = False
    hebrew_marks: bool = False


_GUILLEMETS = ("\u00ab", "\u00bb")
_ENGLISH_DOUBLE = ("\u201c", "\u201d")
_ENGLISH_SINGLE = ("\u2018", "\u2019")
_GERMAN_DOUBLE = ("\u201e", "\u201c")
_GERMAN_SINGLE = ("\u201a", "\u2018")
_POLISH_DOUBLE = ("\u201e", "\u201d")
_SWEDISH_DOUBLE = ("\u201d", "\u201d")
_SWEDISH_SINGLE = ("\u2019", "\u2019")

_COMMON_TITLES = ("Dr.", "Prof.", "St.")
_EN_TITLES = (
    "Mr.", "Mrs.", "Ms.", "Mx.", "Messrs.", "Gen.", "Lt.", "Col.", "Capt.", "Maj.", "Sgt.", "Cpl.",
    "Pvt.", "Adm.", "Cmdr.", "Gov.", "Sen.", "Rep.", "Rev.", "Hon.", "Pres.", "Supt.", "Insp.",
    "Det.", "Fr.", "Sr.", "Mt.", "Ft.",
)  # fmt: skip
_CYRILLIC_UNITS = (
    "км", "м", "см", "мм", "кг", "г.", "гг.", "т", "л", "мл", "ч", "мин", "с", "руб.", "млн", "млрд",
    "тыс.", "грн", "коп.", "°",
)  # fmt: skip
_CYRILLIC_TITLES = ("г.", "ул.", "им.", "пр.", "пл.", "св.")

_EN = _Rules(titles=_EN_TITLES)
_EN_GB = replace(_EN, dash=EN, spaced_dash=True)
_FR = _Rules(
    _GUILLEMETS,
    _ENGLISH_DOUBLE,
    EN,
    spaced_dash=True,
    french_spacing=True,
    group_digits=True,
    titles=("M.", "MM.", "Mme", "Mmes", "Mlle", "Mlles", "Mgr", "Me", "Dr", "Pr", "Sr", "Vve"),
)
_DE = _Rules(_GERMAN_DOUBLE, _GERMAN_SINGLE, EN, spaced_dash=True, titles=("Hr.", "Hrn.", "Fr."))
_DE_CH = replace(_DE, primary=_GUILLEMETS, secondary=("\u2039", "\u203a"))
_RU = _Rules(
    _GUILLEMETS,
    _GERMAN_DOUBLE,
    EM,
    spaced_dash=True,
    group_digits=True,
    titles=_CYRILLIC_TITLES,
    units=_CYRILLIC_UNITS,
)
_ES = _Rules(
    _GUILLEMETS, _ENGLISH_DOUBLE, EM, spaced_dash=True, titles=("Sr.", "Sra.", "Srta.", "Dra.", "D.", "Dña.")
)
_IT = _Rules(
    _GUILLEMETS, _ENGLISH_DOUBLE, EN, spaced_dash=True, titles=("Sig.", "Sig.ra", "Dott.", "Dott.ssa", "Avv.")
)
_PT = _Rules(_GUILLEMETS, _ENGLISH_DOUBLE, EM, spaced_dash=True, titles=("Sr.", "Sra.", "Dra."))
_PL = _Rules(
    _POLISH_DOUBLE,
    _GUILLEMETS,
    EN,
    spaced_dash=True,
    group_digits=True,
    titles=("dr", "prof.", "mgr", "inż.", "ks.", "św.", "ul.", "al.", "pl.", "im."),
    single_letter_words="aiouwzAIOUWZ",
)
_CS = _Rules(
    _GERMAN_DOUBLE,
    _GERMAN_SINGLE,
    EN,
    spaced_dash=True,
    group_digits=True,
    single_letter_words="aiouvkszAIOUVKSZ",
)
_NL = _Rules(titles=("dhr.", "mevr.", "mr.", "dr.", "drs.", "ir.", "prof."), dash=EN, spaced_dash=True)
_SV = _Rules(_SWEDISH_DOUBLE, _SWEDISH_SINGLE, EN, spaced_dash=True, group_digits=True)
_NB = _Rules(_GUILLEMETS, _ENGLISH_SINGLE, EN, spaced_dash=True, group_digits=True)
_HR = _Rules(_POLISH_DOUBLE, _ENGLISH_SINGLE, EN, spaced_dash=True, group_digits=True)
_BALTIC = _Rules(_GERMAN_DOUBLE, _GERMAN_SINGLE, EN, spaced_dash=True, group_digits=True)
# Arabic and Persian: guillemets, as the Arabic and Persian press sets quotations (CLDR's primary
# quotes for Persian; « » are mirrored in right-to-left text, so « still opens on the right). Inner
# quotes ” “ as CLDR gives them for Arabic (curly quotes are not mirrored: ” is the one that opens
# on the right). A comma between Arabic words becomes the Arabic comma ، (U+060C). Dashes, spaces
# and digits are left as typed.
_AR = _Rules(_GUILLEMETS, ("\u201d", "\u201c"), arabic_comma=True)
# Hebrew: „ ” outside, ‚ ’ inside (the Academy of the Hebrew Language's punctuation rules, which
# also allow straight marks); a " between Hebrew letters is gershayim ״ (U+05F4: צה״ל) and a ' after
# a Hebrew letter is geresh ׳ (U+05F3: ג׳ון), never quotes (Unicode Standard, 9.1 Hebrew).
_HE = _Rules(_POLISH_DOUBLE, ("\u201a", "\u2019"), hebrew_marks=True)

# Keys are a primary language subtag, or primary-region where the region changes the rules.
_RULES: dict[str, _Rules] = {
    "en": _EN,
    **dict.fromkeys(("en-gb", "en-au", "en-nz", "en-ie", "en-za", "en-in"), _EN_GB),
    "fr": _FR,
    "de": _DE,
    "de-ch": _DE_CH,
    "de-li": _DE_CH,
    "ru": _RU,
    "uk": _RU,
    "be": _RU,
    "bg": replace(_RU, primary=_GERMAN_DOUBLE, secondary=_GERMAN_SINGLE),
    "es": _ES,
    "ca": _ES,
    "gl": _ES,
    "it": _IT,
    "pt": _PT,
    "pt-br": replace(_PT, primary=_ENGLISH_DOUBLE, secondary=_ENGLISH_SINGLE),
    "el": replace(_PT, titles=()),
    "pl": _PL,
    "cs": _CS,
    "sk": _CS,
    "sl": replace(_CS, single_letter_words=""),
    "hr": _HR,
    "bs": _HR,
    "sr": _HR,
    "nl": _NL,
    "sv": _SV,
    "fi": _SV,
    "da": _Rules(("\u00bb", "\u00ab"), ("\u203a", "\u2039"), EN, spaced_dash=True),
    "nb": _NB,
    "nn": _NB,
    "no": _NB,
    "hu": _Rules(_POLISH_DOUBLE, ("\u00bb", "\u00ab"), EN, spaced_dash=True, group_digits=True),
    "ro": _Rules(_POLISH_DOUBLE, _GUILLEMETS, EN, spaced_dash=True),
    "et": _BALTIC,
    "lt": _BALTIC,
    "lv": replace(_BALTIC, primary=_GUILLEMETS, secondary=_POLISH_DOUBLE),
    "is": replace(_BALTIC, group_digits=False),
    "tr": replace(_NL, titles=()),
    "ar": _AR,
    "fa": _AR,
    "ur": _AR,
    "he": _HE,
    "yi": _HE,
}


def _rules_key(lang: str) -> str:
    """The key into the rules table for a BCP 47 tag: ``de-CH`` → ``de-ch``, ``sr-Latn-RS`` → ``sr``."""
    parts = [p for p in (lang or "").strip().replace("_", "-").lower().split("-") if p]
    if not parts:
        return "en"
    primary = parts[0]
    for part in parts[1:]:
        if len(part) == 2 or (len(part) == 3 and part.isdigit()):
            if f"{primary}-{part}" in _RULES:
                return f"{primary}-{part}"
            break
    return primary if primary in _RULES else "en"


# --------------------------------------------------------------------------- text over segments


class _Text:
    """The text of one language in a fragment, as a list of segments.

    Each segment is a piece of a text node (``slot``) or a virtual character standing for markup
    (``slot`` -1). Rules see the joined text, so context crosses element boundaries, but an edit
    is applied only where every segment it touches is editable: code, URLs and virtual characters
    are not.
    """

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.editable: list[bool] = []
        self.slots: list[int] = []
        self._joined: str | None = None
        self._starts: list[int] = [0]

    def add(self, text: str, slot: int, *, editable: bool = True) -> None:
        if text:
            self.texts.append(text)
            self.editable.append(editable)
            self.slots.append(slot)
            self._joined = None

    def add_virtual(self, char: str) -> None:
        if char != _BLOCK or not self.texts or self.texts[-1] != _BLOCK:
            self.add(char, -1, editable=False)

    def joined(self) -> str:
        """The text of all segments; ``_starts[k]`` is where segment ``k`` starts in it."""
        if self._joined is None:
            self._starts = list(itertools.accumulate(map(len, self.texts), initial=0))
            self._joined = "".join(self.texts)
        return self._joined

    def walker(self) -> Callable[[int], int]:
        """A function giving the segment that holds a position, fast when positions come in order."""
        starts = self._starts
        k = 0

        def segment(pos: int) -> int:
            nonlocal k
            while k and starts[k] > pos:
                k -= 1
            while starts[k + 1] <= pos:
                k += 1
            return k

        return segment

    def protect(self, spans: Iterable[tuple[int, int]]) -> None:
        """Make each span (sorted, not overlapping) of the joined text a non-editable segment of its own."""
        self.joined()
        starts = self._starts
        cuts: dict[int, list[tuple[int, int]]] = {}
        segment = self.walker()
        for start, end in spans:
            k = segment(start)
            while k < len(self.texts) and starts[k] < end:
                cuts.setdefault(k, []).append(
                    (max(start, starts[k]) - starts[k], min(end, starts[k + 1]) - starts[k])
                )
                k += 1
        if not cuts:
            return
        texts: list[str] = []
        editable: list[bool] = []
        slots: list[int] = []
        for k, text in enumerate(self.texts):
            pieces: list[tuple[str, bool]] = []
            if k in cuts and self.editable[k]:
                pos = 0
                for lo, hi in cuts[k]:
                    pieces.append((text[pos:lo], True))
                    pieces.append((text[lo:hi], False))
                    pos = hi
                pieces.append((text[pos:], True))
            else:
                pieces.append((text, self.editable[k]))
            for piece, flag in pieces:
                if piece:
                    texts.append(piece)
                    editable.append(flag)
                    slots.append(self.slots[k])
        self.texts, self.editable, self.slots = texts, editable, slots
        self._joined = None

    def apply(self, edits: list[tuple[int, int, str]]) -> None:
        """Apply edits ``(start, end, replacement)`` of the joined text, sorted and not overlapping.

        An edit touching a segment that is not editable is dropped. One spanning several segments
        puts its replacement in the first and deletes its part of the others; an insertion goes at
        the end of the segment on its left, or else at the start of the one on its right.
        """
        starts, editable, texts = self._starts, self.editable, self.texts
        segment = self.walker()
        current, pos, pieces = -1, 0, []  # the segment being rebuilt, how far, and its new text

        def put(k: int, lo: int, hi: int, replacement: str) -> None:
            nonlocal current, pos, pieces
            if k != current:
                if current >= 0:
                    pieces.append(texts[current][pos:])
                    texts[current] = "".join(pieces)
                current, pos, pieces = k, 0, []
            pieces.append(texts[k][pos:lo])
            pieces.append(replacement)
            pos = hi

        for start, end, replacement in edits:
            if start == end:
                left = segment(start - 1) if start else -1
                if left >= 0 and editable[left]:
                    put(left, start - starts[left], start - starts[left], replacement)
                elif start < starts[-1] and editable[right := segment(start)]:
                    put(right, 0, 0, replacement)
                continue
            first = segment(start)
            if end <= starts[first + 1]:  # the usual case: inside one segment
                if editable[first]:
                    put(first, start - starts[first], end - starts[first], replacement)
                continue
            last = first
            while starts[last + 1] < end:
                last += 1
            if all(editable[first : last + 1]):
                for k in range(first, last + 1):
                    lo = max(start, starts[k]) - starts[k]
                    put(k, lo, min(end, starts[k + 1]) - starts[k], replacement if k == first else "")
        if current >= 0:
            pieces.append(texts[current][pos:])
            texts[current] = "".join(pieces)
            self._joined = None

    def substitute(
        self,
        pattern: re.Pattern[str],
        replace: Callable[[re.Match[str]], _Replacement],
        group: int | str = 0,
    ) -> None:
        """Change every match of ``pattern`` as ``replace`` says.

        ``replace`` returns None (no change), a string for ``group`` of the match, or
        ``(start, end, string)`` for a span of its own choosing. A span that overlaps the one
        before is skipped, and so is a match inside it.
        """
        text = self.joined()
        edits: list[tuple[int, int, str]] = []
        done = 0
        for match in pattern.finditer(text):
            if match.start() < done:
                continue
            result = replace(match)
            if result is None:
                continue
            if isinstance(result, tuple):
                start, end, new = result
            else:
                (start, end), new = match.span(group), result
            if start < done:
                continue
            done = end
            if text[start:end] != new:
                edits.append((start, end, new))
        if edits:
            self.apply(edits)

    def result(self) -> dict[int, str]:
        """The new text of every slot."""
        out: dict[int, list[str]] = {}
        for text, slot in zip(self.texts, self.slots, strict=True):
            if slot >= 0:
                out.setdefault(slot, []).append(text)
        return {slot: "".join(parts) for slot, parts in out.items()}


# --------------------------------------------------------------------------- the rules
#
# Every pattern starts with a literal character or a small class so the regex engine can skip
# ahead quickly; the callbacks look around the match themselves and return the span they change.
# None of the patterns can backtrack more than a constant or the run of text they return.

_URL_ANCHOR = re.compile(r"://|@|www\.|mailto:|tel:")
_URL_REST = re.compile('[^\\s<>"\u00ab\u00bb\u201c\u201d\u201e\u2018\u201a]+')
_EMAIL_DOMAIN = re.compile(r"[\w\-]+(?:\.[\w\-]+)+")
_SCHEME = frozenset(string.ascii_letters + string.digits + "+.-")
_URL_TRAILING = ".,;:!?'\u2019)]}\u2026*"


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _url_spans(text: str) -> Iterator[tuple[int, int]]:
    """Spans of URLs and e-mail addresses, without the punctuation that ends the sentence around them."""
    done = 0
    for anchor in _URL_ANCHOR.finditer(text):
        at, after = anchor.span()
        if at < done:
            continue
        start = at
        mark = anchor.group()
        if mark == "://":
            while start > done and text[start - 1] in _SCHEME:
                start -= 1
            while start < at and not text[start].isalpha():
                start += 1
            rest = _URL_REST.match(text, after) if start < at else None
        elif mark == "@":
            while start > done and (_is_word(text[start - 1]) or text[start - 1] in ".+-"):
                start -= 1
            rest = _EMAIL_DOMAIN.match(text, after) if start < at else None
        else:
            before = text[start - 1] if start else " "
            rest = None if _is_word(before) or before in ".-@/" else _URL_REST.match(text, after)
        if rest is None:
            continue
        end = rest.end()
        while end > start and text[end - 1] in _URL_TRAILING:
            if text[end - 1] == ")" and text.count("(", start, end) >= text.count(")", start, end):
                break
            end -= 1
        done = end
        yield start, end


_EDGE = "\n\u2028\u2029"
_NO_BREAK_SPACE = re.compile("[\u00a0\u202f\u2007]")
_NO_BREAK = "\u00a0\u202f\u2007"


def _in_run(char: str) -> bool:
    return char.isspace() and char not in "\u2028\u2029"


def _whitespace(match: re.Match[str]) -> _Replacement:
    """Drop no-break spaces at the edge of a paragraph or line; a run mixing them with spaces: one space."""
    text = match.string
    start, end = match.span()
    while start > 0 and _in_run(text[start - 1]):
        start -= 1
    while end < len(text) and _in_run(text[end]):
        end += 1
    run = text[start:end]
    breaking = "".join(ch for ch in run if ch not in _NO_BREAK)
    if start == 0 or text[start - 1] in _EDGE or end == len(text) or text[end] in _EDGE:
        return start, end, "".join(ch for ch in breaking if ch in "\r\n")
    if not breaking:
        return start, end, run  # only no-break spaces: the author meant them
    return start, end, breaking if "\n" in breaking else " "


_ELLIPSIS = re.compile(r"\.(?:\.\.\.?|[ \u00a0]\.[ \u00a0]\.)")


def _ellipsis(match: re.Match[str]) -> _Replacement:
    text = match.string
    start, end = match.span()
    dots = match.group()
    prev = text[start - 1] if start else " "
    nxt = text[end : end + 2]
    if " " in dots or "\u00a0" in dots:
        if prev == "." or _is_word(prev) or nxt[:1] == "." or (nxt[:1] in " \u00a0" and nxt[1:] == "."):
            return None
        return "\u2026"
    if prev == "." or nxt[:1] == ".":
        return None  # five or more dots: leaders, not an ellipsis
    return ".\u2026" if dots == "...." else "\u2026"


_HYPHENS = re.compile(r"-{2,}")
_SPACED_HYPHEN = re.compile(r"-(?=[ \t])")
_YEAR_RANGE = re.compile(r"-(?=(?:1\d{3}|20\d{2})(?![\w\-/]|[.,]\d))")
_YEAR = re.compile(r"1\d{3}|20\d{2}")
_DASH = re.compile("[\u2014\u2013](?=\\s|\\Z)")
_EM_DASH = re.compile("\u2014")
_CLI_OPTION = re.compile(r"[a-z][a-z0-9]")
_AFTER_DASH_CLOSERS = "\u201d\u2019\u00bb\u203a)]}?!.,;:\u2026"
_HORIZONTAL = " \t\u00a0"
_DASHES = "-\u2014\u2013"


def _dash_text(rules: _Rules, dash: str, text: str, start: int, end: int, post: str) -> str:
    """The dash that replaces ``text[start:end]``, spaced as the language spaces it."""
    prev = text[start - 1] if start else None
    nxt = text[end] if end < len(text) else None
    if prev is None or prev in _EDGE:  # a dash opening a line: dialogue, or a list
        if not rules.spaced_dash:
            return dash + post
        return dash if nxt is None or nxt.isspace() else dash + " "
    if not rules.spaced_dash:
        return dash
    if nxt is None or nxt.isspace() or nxt in _AFTER_DASH_CLOSERS:
        closing = True
    elif nxt in "\"'":  # a straight quote closes when no word follows it
        closing = end + 1 == len(text) or not text[end + 1].isalnum()
    else:
        closing = False
    return NBSP + dash if closing else NBSP + dash + " "


def _spaces_around(text: str, start: int, end: int) -> tuple[int, int]:
    """``start`` moved back over spaces and no-break spaces, ``end`` moved on over spaces."""
    while start > 0 and text[start - 1] in _HORIZONTAL:
        start -= 1
    while end < len(text) and text[end] in " \t":
        end += 1
    return start, end


def _hyphens(rules: _Rules) -> Callable[[re.Match[str]], _Replacement]:
    def replace(match: re.Match[str]) -> _Replacement:
        text = match.string
        dash = match.group()
        if len(dash) > 3:
            return None  # a rule or a separator, not a dash
        start, end = _spaces_around(text, *match.span())
        if end < len(text) and text[end] == "-":
            end = match.end()  # the next run of hyphens takes the spaces between them
        prev = text[start - 1] if start else None
        nxt = text[end] if end < len(text) else None
        pre, post = text[start : match.start()], text[match.end() : end]  # spaces around the hyphens
        if dash == "--" and not pre and not post and prev and nxt and prev.isdigit() and nxt.isdigit():
            return EN
        if (
            dash == "--"
            and not post
            and (pre or prev is None or prev.isspace())
            and _CLI_OPTION.match(text, end)
        ):
            return None  # --flag: a command-line option, not a dash
        return start, end, _dash_text(rules, EM if dash == "---" else rules.dash, text, start, end, post)

    return replace


def _spaced_hyphen(rules: _Rules) -> Callable[[re.Match[str]], _Replacement]:
    def replace(match: re.Match[str]) -> _Replacement:
        text = match.string
        if not match.start() or text[match.start() - 1] not in _HORIZONTAL:
            return None
        start, end = _spaces_around(text, *match.span())
        if start == 0 or end == len(text):
            return None
        prev, nxt = text[start - 1], text[end]
        if prev.isspace() or nxt.isspace() or (prev.isdigit() and nxt.isdigit()):
            return None
        if prev in _DASHES or nxt in _DASHES:
            return None
        return start, end, _dash_text(rules, rules.dash, text, start, end, "")

    return replace


def _year_range(match: re.Match[str]) -> _Replacement:
    text = match.string
    at = match.start()
    first = text[max(at - 4, 0) : at]
    before = text[at - 5] if at >= 5 else " "
    if not _YEAR.fullmatch(first) or _is_word(before) or before in "-\u2013/.,":
        return None
    return EN if int(text[at + 1 : at + 5]) > int(first) else None


def _space_before_dash(match: re.Match[str]) -> _Replacement:
    text = match.string
    at = match.start()
    if at >= 2 and text[at - 1] == " " and not text[at - 2].isspace() and text[at - 2] != WJ:
        return at - 1, at, NBSP
    return None


def _closed_em_dash(match: re.Match[str]) -> _Replacement:
    text = match.string
    at = match.start()
    if at and not text[at - 1].isspace() and text[at - 1] not in (WJ, EM):
        return WJ + EM
    return None


_PRIMES = re.compile(r"'(?=\d{1,2}(?:\.\d+)?\")")
_INCHES = re.compile(r"\d{1,2}(?:\.\d+)?")


def _primes(match: re.Match[str]) -> _Replacement:
    """``5'10"``: feet and inches take a prime and a double prime."""
    text = match.string
    at = match.start()
    start = at
    while start > 0 and text[start - 1].isdigit():
        start -= 1
    if not 1 <= at - start <= 2 or (start and (_is_word(text[start - 1]) or text[start - 1] in ".'\u2019")):
        return None
    inches = _INCHES.match(text, at + 1)
    if inches is None:
        return None
    return at, inches.end() + 1, f"\u2032{inches.group()}\u2033"


_MAX_QUOTE_DEPTH = 8  # quotes nested deeper than this are unbalanced text, not quotations
_QUOTES = re.compile("[\"'\u2018\u2019\u201a\u201c\u201d\u201e\u00ab\u00bb\u2039\u203a\u2029]")
_ELISION = re.compile(
    r"(?:tis|twas|twere|til|em|n|cause|bout|nuff|neath|gainst|t|s|\d\ds?)(?!\w)", re.IGNORECASE
)
_OPEN_PUNCT = frozenset("([{<\u2014\u2013/")
_DOUBLE_SHAPED = frozenset('"\u201c\u201d\u201e\u00ab\u00bb')
_UNIVERSAL_OPENERS = frozenset("\u201c\u2018\u201e\u201a\u00ab\u2039")
_UNIVERSAL_CLOSERS = frozenset("\u201d\u2019\u00bb\u203a")
_PARTNER = {
    "\u201c": "\u201d",
    "\u2018": "\u2019",
    "\u201e": "\u201d",
    "\u201a": "\u2019",
    "\u00ab": "\u00bb",
    "\u2039": "\u203a",
    "\u00bb": "\u00ab",
    "\u203a": "\u2039",
}


def _quotes(doc: _Text, rules: _Rules) -> None:
    """Curl straight quotes, reading curly quotes already there to know which quotes are open."""
    own_open = {rules.primary[0], rules.secondary[0]}
    own_close = {rules.primary[1], rules.secondary[1]}
    openers = own_open | (_UNIVERSAL_OPENERS - own_close)
    closers = own_close | (_UNIVERSAL_CLOSERS - own_open)
    partner = {**_PARTNER, rules.secondary[0]: rules.secondary[1], rules.primary[0]: rules.primary[1]}

    text = doc.joined()
    stack: list[tuple[bool, str, str]] = []  # (double-shaped, open mark, close mark)
    edits: list[tuple[int, int, str]] = []
    last_pos, last_char = -2, ""

    def opening_context(prev: str | None) -> bool:
        return (
            prev is None or prev.isspace() or prev in _OPEN_PUNCT or (prev in openers and prev not in closers)
        )

    def push(double: bool, mark: str, close: str) -> None:
        stack.append((double, mark, close))
        if len(stack) > _MAX_QUOTE_DEPTH:
            del stack[0]

    def close_to(double: bool) -> str | None:
        for k in range(len(stack) - 1, -1, -1):
            if stack[k][0] == double:
                close = stack[k][2]
                del stack[k:]
                return close
        return None

    segment = doc.walker()
    for match in _QUOTES.finditer(text):
        i = match.start()
        char = text[i]
        if char == _BLOCK:
            stack.clear()
            continue
        if not doc.editable[segment(i)]:
            continue
        prev = last_char if last_pos == i - 1 else (text[i - 1] if i else None)
        nxt = text[i + 1] if i + 1 < len(text) else None
        is_open = opening_context(prev)
        next_space = nxt is None or nxt.isspace()
        next_word = nxt is not None and nxt.isalnum()
        out: str | None = None

        if char == '"':
            if is_open and not next_space:
                opens = True
            elif not is_open and not next_word:
                opens = False
            else:
                opens = not any(entry[0] for entry in stack)
            if opens:
                pair = rules.secondary if stack and stack[-1][1] == rules.primary[0] else rules.primary
                push(True, pair[0], pair[1])
                out = pair[0]
            else:
                out = close_to(True) or rules.primary[1]
        elif char == "'":
            prev_word = prev is not None and prev.isalnum()
            if (prev_word and next_word) or (not prev_word and _ELISION.match(text, i + 1)):
                out = "\u2019"  # an apostrophe: don't, ’90s, ’til
            elif is_open and not next_space:
                push(False, rules.secondary[0], rules.secondary[1])
                out = rules.secondary[0]
            elif stack and not stack[-1][0]:
                out = stack.pop()[2]
            else:
                out = "\u2019"
        elif char == "\u2019" and prev is not None and prev.isalnum() and next_word:
            continue  # an apostrophe
        else:
            both = char in openers and char in closers
            if (char in openers and not both) or (both and is_open and not next_space):
                push(char in _DOUBLE_SHAPED, char, partner.get(char, char))
            elif char in closers:
                for k in range(len(stack) - 1, -1, -1):
                    if stack[k][2] == char:
                        del stack[k:]
                        break
                    if char == "\u2019":
                        break  # a closing single quote closes only the innermost quote
            continue
        edits.append((i, i + 1, out))
        last_pos, last_char = i, out
    if edits:
        doc.apply(edits)


_FR_SPACES = " \t\u00a0\u202f\u2009"
_FR_OPEN = re.compile("\u00ab")
_FR_CLOSE = re.compile("\u00bb")
_FR_HIGH = re.compile("[;!?]")
_FR_COLON = re.compile(":(?=[\\s\u00bb]|\\Z)")
_FR_NOT_BEFORE_HIGH = ";:!?\u00ab([" + WJ
_FR_PERCENT = re.compile("[%\u2030\u2031](?![\\w%])")


def _french_percent(match: re.Match[str]) -> _Replacement:
    """``10 %``: a narrow no-break space between a number and ``%`` (or ``‰``), replacing or added."""
    text = match.string
    start = match.start()
    while start > 0 and text[start - 1] in _FR_SPACES:
        start -= 1
    if start == 0 or not text[start - 1].isdigit():
        return None
    return start, match.start(), NNBSP


def _french_after_guillemet(match: re.Match[str]) -> _Replacement:
    text = match.string
    end = match.end()
    while end < len(text) and text[end] in _FR_SPACES:
        end += 1
    if end == len(text) or text[end].isspace():
        return None
    return match.end(), end, NNBSP


def _french_before(space: str, excluded: str) -> Callable[[re.Match[str]], _Replacement]:
    """The right no-break space before a closing guillemet or high punctuation, replacing any space there."""

    def replace(match: re.Match[str]) -> _Replacement:
        text = match.string
        start = match.start()
        while start > 0 and text[start - 1] in _FR_SPACES:
            start -= 1
        if start == 0 or text[start - 1].isspace() or text[start - 1] in excluded:
            return None
        return start, match.start(), space

    return replace


_UNITS = (
    "km/h", "km²", "km2", "km", "cm", "mm", "µm", "μm", "nm", "m²", "m³", "m/s", "m", "kg", "mg", "g",
    "ml", "mL", "cl", "dl", "kWh", "MWh", "GWh", "TWh", "kW", "MW", "GW", "Hz", "kHz", "MHz", "GHz",
    "kV", "mA", "mAh", "Pa", "kPa", "hPa", "MPa", "mph", "kph", "°C", "°F", "°", "‰", "%", "KB", "kB",
    "MB", "GB", "TB", "Mbps", "Gbps", "ft", "yd", "lb", "lbs", "oz", "ha", "kcal", "dB", "px", "min",
    "ms", "h", "€", "₽", "₴", "zł", "Kč", "CHF", "EUR", "USD", "GBP",
)  # fmt: skip
_NUMBER_ABBREVIATIONS = frozenset((
    "No.", "Nos.", "no.", "nos.", "Nr.", "nr.", "p.", "pp.", "vol.", "Vol.", "ch.", "Ch.", "chap.",
    "fig.", "Fig.", "art.", "Art.", "Abs.", "S.", "núm.", "pág.", "págs.", "n°", "N°", "nº", "Nº", "§§",
    "§", "№", "стр.", "с.", "рис.", "гл.", "ст.", "т.", "ч.", "п.",
))  # fmt: skip
_NUMBER_ABBREVIATION = re.compile(r"[.§№°º](?P<sp> )(?=\d|[IVXLCDM]+\b)")
_INITIAL = re.compile(r"\.(?<=(?<![\w.'\u2019\-])[^\W\d_]\.)(?P<sp> )(?=([^\W\d_])(\.(?!\w))?)")
_DIGIT_GROUPS = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?!\d)")
_NOT_BEFORE_WORD = ".'\u2019-"


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _starts_word(text: str, at: int) -> bool:
    return at == 0 or not (_is_word(text[at - 1]) or text[at - 1] in _NOT_BEFORE_WORD)


def _number_abbreviation(match: re.Match[str]) -> _Replacement:
    """``No. 5``, ``p. 12``, ``§ 3``, ``n° 7``: the number stays with its abbreviation."""
    text = match.string
    end = match.start() + 1
    start = match.start()
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "\u00a7"):
        start -= 1
    if text[start:end] in _NUMBER_ABBREVIATIONS and _starts_word(text, start):
        return NBSP
    return None


def _initial(match: re.Match[str]) -> _Replacement:
    """``J. R. R. Tolkien`` and ``z. B.``: initials stay with what follows them."""
    text = match.string
    at = match.start()
    if at == 0 or not text[at - 1].isalpha() or not _starts_word(text, at - 1):
        return None
    following, dotted = match.group(2, 3)
    if dotted or (text[at - 1].isupper() and following.isupper()):
        return NBSP
    return None


def _title(match: re.Match[str]) -> _Replacement:
    """``Dr. Watson``, ``Mme Curie``: a title stays with the name after it."""
    text = match.string
    if _starts_word(text, match.start()) and match.end() < len(text) and text[match.end()].isupper():
        return NBSP
    return None


def _single_letter(match: re.Match[str]) -> _Replacement:
    return NBSP if _starts_word(match.string, match.start()) else None


def _digit_groups(match: re.Match[str]) -> _Replacement:
    text = match.string
    if match.start() and (text[match.start() - 1].isdigit() or text[match.start() - 1] in ".,"):
        return None
    return match.group().replace(" ", NNBSP)


def _nbsp(_: re.Match[str]) -> _Replacement:
    return NBSP


@dataclass(frozen=True)
class _Compiled:
    rules: _Rules
    titles: re.Pattern[str]
    units: re.Pattern[str]
    single_letter: re.Pattern[str] | None


@functools.cache
def _compiled(key: str) -> _Compiled:
    rules = _RULES[key]
    single = None
    if rules.single_letter_words:
        single = re.compile(f"[{rules.single_letter_words}](?P<sp> )(?=\\S)")
    return _Compiled(
        rules,
        re.compile(f"(?:{_alternation(_COMMON_TITLES + rules.titles)})(?P<sp> )(?=[^\\W\\d_])"),
        re.compile(f"\\d(?P<sp> )(?:{_alternation(_UNITS + rules.units)})(?![\\w'\u2019])"),
        single,
    )


_HEBREW_LETTER = "\u05d0-\u05ea"
_GERSHAYIM = re.compile(f'(?<=[{_HEBREW_LETTER}])"(?=[{_HEBREW_LETTER}])')
_GERESH = re.compile(f"(?<=[{_HEBREW_LETTER}])'")
# A comma after an Arabic-script letter (not a digit: 1,5 stays) and before a space and Arabic text.
_ARABIC_WORD_COMMA = re.compile(
    "(?<=[\u0621-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f]),(?=[ \u00a0]+[\u0600-\u06ff])"
)


def _smarten(doc: _Text, key: str) -> None:
    """Run every rule, in order, over one language's text."""
    compiled = _compiled(key)
    rules = compiled.rules
    doc.protect(_url_spans(doc.joined()))
    doc.substitute(_NO_BREAK_SPACE, _whitespace)
    doc.substitute(_ELLIPSIS, _ellipsis)
    doc.substitute(_HYPHENS, _hyphens(rules))
    doc.substitute(_SPACED_HYPHEN, _spaced_hyphen(rules))
    doc.substitute(_YEAR_RANGE, _year_range)
    doc.substitute(_PRIMES, _primes)
    if rules.hebrew_marks:
        doc.substitute(_GERSHAYIM, lambda _: "\u05f4")
        doc.substitute(_GERESH, lambda _: "\u05f3")
    _quotes(doc, rules)
    if rules.arabic_comma:
        doc.substitute(_ARABIC_WORD_COMMA, lambda _: "\u060c")
    if rules.french_spacing:
        doc.substitute(_FR_OPEN, _french_after_guillemet)
        doc.substitute(_FR_CLOSE, _french_before(NNBSP, "\u00ab"))
        doc.substitute(_FR_HIGH, _french_before(NNBSP, _FR_NOT_BEFORE_HIGH))
        doc.substitute(_FR_COLON, _french_before(NBSP, _FR_NOT_BEFORE_HIGH))
        doc.substitute(_FR_PERCENT, _french_percent)
    doc.substitute(_DASH, _space_before_dash)
    doc.substitute(_EM_DASH, _closed_em_dash)
    doc.substitute(compiled.units, _nbsp, "sp")
    if rules.group_digits:
        doc.substitute(_DIGIT_GROUPS, _digit_groups)
    doc.substitute(_INITIAL, _initial, "sp")
    doc.substitute(compiled.titles, _title, "sp")
    doc.substitute(_NUMBER_ABBREVIATION, _number_abbreviation, "sp")
    if compiled.single_letter is not None:
        doc.substitute(compiled.single_letter, _single_letter, "sp")


# --------------------------------------------------------------------------- public functions


def smarten_text(text: str, lang: str) -> str:
    """Return plain ``text`` (a title, a name, a caption) with the typography of ``lang``."""
    if not text:
        return text
    doc = _Text()
    doc.add(text, 0)
    _smarten(doc, _rules_key(lang))
    return doc.result().get(0, "")


_PROTECTED = frozenset({"code", "pre", "kbd", "samp", "var", "tt", "script", "style", "math", "svg"})
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "caption", "col", "colgroup", "dd", "details",
        "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2",
        "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre",
        "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
     "wbr"}
)  # fmt: skip
_RAW_TEXT = frozenset({"script", "style"})


def _walk(root: etree._Element) -> Iterator[tuple[bool, etree._Element]]:
    """``(True, node)`` where a node starts, ``(False, node)`` where it ends, in document order."""
    yield True, root
    stack = [(root, iter(root))]
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            yield False, node
        else:
            yield True, child
            stack.append((child, iter(child)))


def _link_text_is_url(element: etree._Element) -> bool:
    text = (element.text or "").strip()
    href = element.get("href") or ""
    if not text or len(element) or not any(ch in text for ch in "./@") or any(ch.isspace() for ch in text):
        return False
    return text in href


def smarten_html(fragment: str, lang: str) -> str:
    """Return the HTML ``fragment`` with the typography of ``lang`` applied to its text nodes."""
    if not fragment.strip(" \t\r\n"):
        return fragment
    parser = lxml.html.HTMLParser(huge_tree=True)
    root = lxml.html.fragment_fromstring(fragment, create_parent="div", parser=parser)
    if any(error.level == etree.ErrorLevels.FATAL for error in parser.error_log):
        return fragment  # lxml gave up part of the way (nesting beyond its limit): better plain than lost
    base_key = _rules_key(lang)
    docs: dict[str, _Text] = {}
    slots: list[tuple[etree._Element, str]] = []
    # Per open element: (protected, rules key).
    context: list[tuple[bool, str]] = [(False, base_key)]

    def add(text: str | None, node: etree._Element, attr: str, protected: bool, key: str) -> None:
        if text:
            slots.append((node, attr))
            docs.setdefault(key, _Text()).add(text, len(slots) - 1, editable=not protected)

    def virtual(char: str, key: str) -> None:
        docs.setdefault(key, _Text()).add_virtual(char)

    def boundary() -> None:
        for doc in docs.values():
            doc.add_virtual(_BLOCK)

    for starting, node in _walk(root):
        tag = node.tag if isinstance(node.tag, str) else None
        parent_protected, parent_key = context[-1]
        if starting:
            if node is root:
                add(node.text, node, "text", False, base_key)
                continue
            if tag is None:  # a comment or processing instruction: only its tail is text
                add(node.tail, node, "tail", parent_protected, parent_key)
                continue
            protected = parent_protected or tag in _PROTECTED
            own_lang = node.get("lang")
            key = _rules_key(own_lang) if own_lang else parent_key
            if tag in _BLOCKS:
                boundary()
            elif tag == "br":
                virtual(_LINE, key)
            elif tag == "img":
                virtual(_OBJECT, key)
            if key != parent_key:  # text in another language is an object in this one's text
                virtual(_OBJECT, parent_key)
                virtual(_OBJECT, key)
            context.append((protected, key))
            text_protected = protected or (tag == "a" and _link_text_is_url(node))
            add(node.text, node, "text", text_protected, key)
        elif tag is not None and node is not root:
            context.pop()
            if tag in _BLOCKS:
                boundary()
            protected, key = context[-1]
            add(node.tail, node, "tail", protected, key)

    for key, doc in docs.items():
        _smarten(doc, key)
        for slot, text in doc.result().items():
            node, attr = slots[slot]
            if getattr(node, attr) != text:
                setattr(node, attr, text)
    return _serialise(root)


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(value: str) -> str:
    return _escape_text(value).replace('"', "&quot;")


def _serialise(root: etree._Element) -> str:
    """The children of ``root`` as HTML, with characters as themselves and attributes as parsed."""
    parts: list[str] = []
    for starting, node in _walk(root):
        tag = node.tag
        if node is root:
            if starting and node.text:
                parts.append(_escape_text(node.text))
            continue
        if not isinstance(tag, str):
            if starting:
                if tag is etree.Comment:
                    parts.append(f"<!--{node.text or ''}-->")
                else:
                    parts.append(etree.tostring(node, encoding="unicode", method="html", with_tail=False))
                if node.tail:
                    parts.append(_escape_text(node.tail))
            continue
        if starting:
            # parsed from text, lxml gives str names and values (lxml-stubs allow bytes too)
            attributes = "".join(
                f' {name!s}="{_escape_attribute(str(value))}"' for name, value in node.items()
            )
            parts.append(f"<{tag}{attributes}>")
            if node.text:
                parts.append(node.text if tag in _RAW_TEXT else _escape_text(node.text))
        else:
            if tag not in _VOID:
                parts.append(f"</{tag}>")
            if node.tail:
                parts.append(_escape_text(node.tail))
    return "".join(parts)
