"""The rules: one language's :class:`~editions.typography.segments.Text` and its rules key in,
the same text with its quotes, apostrophes, dashes, ellipses and no-break spaces set (:func:`smarten`)."""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .rules import COMMON_TITLES, EM, EN, NBSP, NNBSP, RULES, WJ, Rules
from .segments import BLOCK, Replacement, Text

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


def _whitespace(match: re.Match[str]) -> Replacement:
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


def _ellipsis(match: re.Match[str]) -> Replacement:
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


def _dash_text(rules: Rules, dash: str, text: str, start: int, end: int, post: str) -> str:
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


def _hyphens(rules: Rules) -> Callable[[re.Match[str]], Replacement]:
    def replace(match: re.Match[str]) -> Replacement:
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


def _spaced_hyphen(rules: Rules) -> Callable[[re.Match[str]], Replacement]:
    def replace(match: re.Match[str]) -> Replacement:
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


def _year_range(match: re.Match[str]) -> Replacement:
    text = match.string
    at = match.start()
    first = text[max(at - 4, 0) : at]
    before = text[at - 5] if at >= 5 else " "
    if not _YEAR.fullmatch(first) or _is_word(before) or before in "-\u2013/.,":
        return None
    return EN if int(text[at + 1 : at + 5]) > int(first) else None


def _space_before_dash(match: re.Match[str]) -> Replacement:
    text = match.string
    at = match.start()
    if at >= 2 and text[at - 1] == " " and not text[at - 2].isspace() and text[at - 2] != WJ:
        return at - 1, at, NBSP
    return None


def _closed_em_dash(match: re.Match[str]) -> Replacement:
    text = match.string
    at = match.start()
    if at and not text[at - 1].isspace() and text[at - 1] not in (WJ, EM):
        return WJ + EM
    return None


_PRIMES = re.compile(r"'(?=\d{1,2}(?:\.\d+)?\")")
_INCHES = re.compile(r"\d{1,2}(?:\.\d+)?")


def _primes(match: re.Match[str]) -> Replacement:
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


def _quotes(doc: Text, rules: Rules) -> None:
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
        if char == BLOCK:
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


def _french_percent(match: re.Match[str]) -> Replacement:
    """``10 %``: a narrow no-break space between a number and ``%`` (or ``‰``), replacing or added."""
    text = match.string
    start = match.start()
    while start > 0 and text[start - 1] in _FR_SPACES:
        start -= 1
    if start == 0 or not text[start - 1].isdigit():
        return None
    return start, match.start(), NNBSP


def _french_after_guillemet(match: re.Match[str]) -> Replacement:
    text = match.string
    end = match.end()
    while end < len(text) and text[end] in _FR_SPACES:
        end += 1
    if end == len(text) or text[end].isspace():
        return None
    return match.end(), end, NNBSP


def _french_before(space: str, excluded: str) -> Callable[[re.Match[str]], Replacement]:
    """The right no-break space before a closing guillemet or high punctuation, replacing any space there."""

    def replace(match: re.Match[str]) -> Replacement:
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


def _number_abbreviation(match: re.Match[str]) -> Replacement:
    """``No. 5``, ``p. 12``, ``§ 3``, ``n° 7``: the number stays with its abbreviation."""
    text = match.string
    end = match.start() + 1
    start = match.start()
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "\u00a7"):
        start -= 1
    if text[start:end] in _NUMBER_ABBREVIATIONS and _starts_word(text, start):
        return NBSP
    return None


def _initial(match: re.Match[str]) -> Replacement:
    """``J. R. R. Tolkien`` and ``z. B.``: initials stay with what follows them."""
    text = match.string
    at = match.start()
    if at == 0 or not text[at - 1].isalpha() or not _starts_word(text, at - 1):
        return None
    following, dotted = match.group(2, 3)
    if dotted or (text[at - 1].isupper() and following.isupper()):
        return NBSP
    return None


def _title(match: re.Match[str]) -> Replacement:
    """``Dr. Watson``, ``Mme Curie``: a title stays with the name after it."""
    text = match.string
    if _starts_word(text, match.start()) and match.end() < len(text) and text[match.end()].isupper():
        return NBSP
    return None


def _single_letter(match: re.Match[str]) -> Replacement:
    return NBSP if _starts_word(match.string, match.start()) else None


def _digit_groups(match: re.Match[str]) -> Replacement:
    text = match.string
    if match.start() and (text[match.start() - 1].isdigit() or text[match.start() - 1] in ".,"):
        return None
    return match.group().replace(" ", NNBSP)


def _nbsp(_: re.Match[str]) -> Replacement:
    return NBSP


@dataclass(frozen=True)
class _Compiled:
    rules: Rules
    titles: re.Pattern[str]
    units: re.Pattern[str]
    single_letter: re.Pattern[str] | None


@functools.cache
def _compiled(key: str) -> _Compiled:
    rules = RULES[key]
    single = None
    if rules.single_letter_words:
        single = re.compile(f"[{rules.single_letter_words}](?P<sp> )(?=\\S)")
    return _Compiled(
        rules,
        re.compile(f"(?:{_alternation(COMMON_TITLES + rules.titles)})(?P<sp> )(?=[^\\W\\d_])"),
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


def smarten(doc: Text, key: str) -> None:
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
