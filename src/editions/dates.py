"""Datelines and bylines: the date and the authors printed near an article's title.

In: one short line of text copied from a web page, such as ``Jan 9, 2023``,
``Published Monday, 9. Januar 2023, 10:30 Uhr``, ``9 января 2023 г.`` or
``By Ana Ruiz | January 9, 2023``.
Out: :func:`parse_dateline` gives a :class:`datetime.date` or ``None``; :func:`split_dateline`
gives the date and the non-date text around it (a byline, a place); :func:`parse_byline` gives
the tuple of author names of a byline (``By Ana Ruiz and John Smith``) or ``None``.

The parser is strict on purpose: the *whole* line must be a date, optionally with a weekday,
a "Published"/"Updated" prefix (in several languages), a time, a reading time, and a byline or a
short label (a place, a section) around it; a label followed by a colon makes the line a title
(``Strike Diary: January 9, 2023``). A date inside a sentence, a date without a year, an
impossible date (30 February), an ambiguous numeric date (``09/01/2023``: January or September?)
and any line longer than :data:`MAX_DATELINE` characters give ``None``.

Accepted date forms: ``Jan 9, 2023``, ``January 9th, 2023``, ``9 January 2023``, ``9-Jan-2023``,
``2023-01-09`` (also with ``/`` or ``.``, and with an ISO time), ``9.1.2023`` (day first),
``13/01/2023`` and ``01/13/2023`` (only when the day is over 12 or equals the month), ``2023. január 9.``,
``2023年1月9日``; month names and abbreviations in English, French, German, Spanish, Italian,
Portuguese, Dutch, Polish, Russian, Ukrainian, Czech, Slovak, Swedish, Danish, Norwegian,
Finnish, Catalan, Romanian, Turkish, Greek, Indonesian and Hungarian, in the nominative and the
genitive (``января``, ``stycznia``), with or without accents. The tables were checked against the
Unicode CLDR (through Babel) and are kept here so the package needs no locale data at run time.

Everything runs on lines of bounded length with patterns that cannot backtrack badly, so a
50,000-character line costs no more than a length check.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass

MAX_DATELINE = 160
"""Longest line (in characters) that may be a dateline, byline included."""

MAX_BYLINE = 200
"""Longest text that may be a byline."""

MIN_YEAR = 1700
MAX_YEAR = 2199

# Month names: "wide" and "abbreviated", "format" (genitive) and "stand-alone" forms from CLDR,
# plus a few informal forms seen on web pages ("Sept", "Jän", "setiembre", Russian short forms).
_MONTH_TABLE: dict[str, tuple[str, ...]] = {
    "en": ("jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july",
           "aug august", "sep sept september", "oct october", "nov november", "dec december"),
    "fr": ("janv janvier", "févr fév février", "mars", "avr avril", "mai", "juin", "juil juillet",
           "août", "sept septembre", "oct octobre", "nov novembre", "déc décembre"),
    "de": ("jan januar jän jänner", "feb februar", "mär märz maerz", "apr april", "mai", "jun juni",
           "jul juli", "aug august", "sep sept september", "okt oktober", "nov november",
           "dez dezember"),
    "es": ("ene enero", "feb febrero", "mar marzo", "abr abril", "may mayo", "jun junio", "jul julio",
           "ago agosto", "sep sept septiembre setiembre", "oct octubre", "nov noviembre",
           "dic diciembre"),
    "it": ("gen gennaio", "feb febbraio", "mar marzo", "apr aprile", "mag maggio", "giu giugno",
           "lug luglio", "ago agosto", "set sett settembre", "ott ottobre", "nov novembre",
           "dic dicembre"),
    "pt": ("jan janeiro", "fev fevereiro", "mar março", "abr abril", "mai maio", "jun junho",
           "jul julho", "ago agosto", "set setembro", "out outubro", "nov novembro", "dez dezembro"),
    "nl": ("jan januari", "feb februari", "mrt maart", "apr april", "mei", "jun juni", "jul juli",
           "aug augustus", "sep sept september", "okt oktober", "nov november", "dec december"),
    "pl": ("sty styczeń stycznia", "lut luty lutego", "mar marzec marca", "kwi kwiecień kwietnia",
           "maj maja", "cze czerwiec czerwca", "lip lipiec lipca", "sie sierpień sierpnia",
           "wrz wrzesień września", "paź październik października", "lis listopad listopada",
           "gru grudzień grudnia"),
    "ru": ("янв январь января", "фев февр февраль февраля", "мар март марта", "апр апрель апреля",
           "май мая", "июн июнь июня", "июл июль июля", "авг август августа",
           "сен сент сентябрь сентября", "окт октябрь октября", "ноя нояб ноябрь ноября",
           "дек декабрь декабря"),
    "uk": ("січ січень січня", "лют лютий лютого", "бер березень березня", "квіт квітень квітня",
           "трав травень травня", "черв червень червня", "лип липень липня", "серп серпень серпня",
           "вер верес вересень вересня", "жовт жовтень жовтня", "лист листопад листопада",
           "груд грудень грудня"),
    "cs": ("led leden ledna", "úno únor února", "bře březen března", "dub duben dubna",
           "kvě květen května", "čvn červen června", "čvc červenec července", "srp srpen srpna",
           "zář září", "říj říjen října", "lis listopad listopadu", "pro prosinec prosince"),
    "sk": ("jan január januára", "feb február februára", "mar marec marca", "apr apríl apríla",
           "máj mája", "jún júna", "júl júla", "aug august augusta", "sep september septembra",
           "okt október októbra", "nov november novembra", "dec december decembra"),
    "sv": ("jan januari", "feb februari", "mars", "apr april", "maj", "juni", "juli", "aug augusti",
           "sep september", "okt oktober", "nov november", "dec december"),
    "da": ("jan januar", "feb februar", "mar marts", "apr april", "maj", "jun juni", "jul juli",
           "aug august", "sep september", "okt oktober", "nov november", "dec december"),
    "nb": ("jan januar", "feb februar", "mar mars", "apr april", "mai", "jun juni", "jul juli",
           "aug august", "sep september", "okt oktober", "nov november", "des desember"),
    "fi": ("tammi tammikuu tammikuuta", "helmi helmikuu helmikuuta", "maalis maaliskuu maaliskuuta",
           "huhti huhtikuu huhtikuuta", "touko toukokuu toukokuuta", "kesä kesäkuu kesäkuuta",
           "heinä heinäkuu heinäkuuta", "elo elokuu elokuuta", "syys syyskuu syyskuuta",
           "loka lokakuu lokakuuta", "marras marraskuu marraskuuta", "joulu joulukuu joulukuuta"),
    "ca": ("gen gener", "febr febrer", "març", "abr abril", "maig", "juny", "jul juliol",
           "ag agost", "set setembre", "oct octubre", "nov novembre", "des desembre"),
    "ro": ("ian ianuarie", "feb februarie", "mar martie", "apr aprilie", "mai", "iun iunie",
           "iul iulie", "aug august", "sept septembrie", "oct octombrie", "nov noiembrie",
           "dec decembrie"),
    "tr": ("oca ocak", "şub şubat", "mar mart", "nis nisan", "may mayıs", "haz haziran",
           "tem temmuz", "ağu ağustos", "eyl eylül", "eki ekim", "kas kasım", "ara aralık"),
    "el": ("ιαν ιανουάριος ιανουαρίου γενάρη", "φεβ φεβρουάριος φεβρουαρίου φλεβάρη",
           "μαρ μάρτιος μαρτίου μάρτη", "απρ απρίλιος απριλίου απρίλη", "μαΐ μάιος μαΐου μάη",
           "ιουν ιούνιος ιουνίου ιούνη", "ιουλ ιούλιος ιουλίου ιούλη", "αυγ αύγουστος αυγούστου",
           "σεπ σεπτέμβριος σεπτεμβρίου σεπτέμβρη", "οκτ οκτώβριος οκτωβρίου οκτώβρη",
           "νοε νοέμβριος νοεμβρίου νοέμβρη", "δεκ δεκέμβριος δεκεμβρίου δεκέμβρη"),
    "id": ("jan januari", "feb februari", "mar maret", "apr april", "mei", "jun juni", "jul juli",
           "agu agt agustus", "sep september", "okt oktober", "nov november", "des desember"),
    "ar": ("يناير", "فبراير شباط", "مارس آذار", "أبريل ابريل إبريل نيسان", "مايو أيار",
           "يونيو يونية حزيران", "يوليو يولية تموز", "أغسطس اغسطس آب", "سبتمبر أيلول",
           "أكتوبر اكتوبر", "نوفمبر", "ديسمبر"),
    "hu": ("jan január", "febr február", "márc március", "ápr április", "máj május", "jún június",
           "júl július", "aug augusztus", "szept szeptember", "okt október", "nov november",
           "dec december"),
}  # fmt: skip

# Weekday names (wide and abbreviated) in the same languages; only ever skipped, never parsed.
_WEEKDAYS = (
    "mon monday tue tues tuesday wed wednesday thu thur thurs thursday fri friday sat saturday sun sunday "
    "lun lundi mar mardi mer mercredi jeu jeudi ven vendredi sam samedi dim dimanche "
    "montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag "
    "lunes martes mié miércoles jue jueves vie viernes sáb sábado dom domingo "
    "lunedì martedì mercoledì gio giovedì venerdì sab sabato domenica "
    "seg segunda segunda-feira ter terça terça-feira qua quarta quarta-feira qui quinta quinta-feira "
    "sex sexta sexta-feira feira "
    "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag "
    "pon poniedziałek wto wtorek śro środa czw czwartek pią piątek sob sobota niedz niedziela "
    "пн вт ср чт пт сб вс понедельник вторник среда четверг пятница суббота воскресенье "
    "нд понеділок вівторок середа четвер пʼятниця п'ятниця субота неділя "
    "pondělí úterý středa čtvrtek pátek neděle pondelok utorok streda štvrtok piatok nedeľa "
    "mån måndag tis tisdag ons onsdag tors torsdag fre fredag lör lördag sön söndag "
    "man mandag tirs tirsdag tir fredag lør lørdag søn søndag "
    "maanantai tiistai keskiviikko torstai perjantai lauantai sunnuntai "
    "dilluns dimarts dimecres dijous divendres dissabte diumenge "
    "luni marți miercuri joi vineri sâmbătă duminică "
    "pazartesi salı çarşamba perşembe cuma cumartesi pazar "
    "δευτέρα τρίτη τετάρτη πέμπτη παρασκευή σάββατο κυριακή "
    "senin selasa rabu kamis jumat sabtu minggu "
    "hétfő kedd szerda csütörtök péntek szombat vasárnap"
)

# Words that may stand around a date in a dateline without being a byline: "Published on",
# "Mis à jour le", "Veröffentlicht am", "г." after a Russian year, time zones, "min read" …
_FILLERS = (
    "published publication posted updated update last modified date dated on at "
    "am um vom den de del el le la les à a em às as il alle op om dnia w "
    "publié publiée mis jour modifié le "
    "veröffentlicht aktualisiert zuletzt geändert stand erschienen uhr "
    "publicado publicada actualizado actualizada atualizado atualizada fecha "
    "pubblicato pubblicata aggiornato aggiornata "
    "gepubliceerd bijgewerkt geplaatst "
    "opublikowano zaktualizowano aktualizacja opublikowany "
    "опубликовано опубликован обновлено обновлён обновлен дата публикации публикация от "
    "опубліковано оновлено від "
    "г года год р року r roku "
    "am pm a.m p.m a.m. p.m. h hs hrs hr kl klo "
    "utc gmt z et pt ct est edt cst cdt mst mdt pst pdt akst hst cet cest eet eest wet west msk bst ist "
    "jst kst aest aedt sast "
    "min mins minute minutes read reading time lesezeit lecture lectura leitura lettura чтения "
    "мин leestijd"
)

_NFC = functools.partial(unicodedata.normalize, "NFC")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def _text_of(line: str) -> str:
    """A line in NFC, with Arabic-Indic digits as ASCII digits and runs of spaces made one."""
    return _SPACES.sub(" ", _NFC(line).translate(_DIGITS)).strip()


def _split(words: str) -> list[str]:
    """The words of a space-separated table."""
    return words.split()


def norm_word(word: str) -> str:
    """A word reduced for table look-ups: case-folded, without accents, one kind of apostrophe."""
    word = word.replace("’", "'").replace("ʼ", "'").casefold().strip(".")
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _build_months() -> dict[str, int]:
    months: dict[str, int] = {}
    for names in _MONTH_TABLE.values():
        for number, forms in enumerate(names, start=1):
            for form in forms.split():
                for key in {form, norm_word(form)}:
                    previous = months.setdefault(key, number)
                    if previous != number:  # pragma: no cover - guarded by the tests
                        raise RuntimeError(f"month name {key!r} means both {previous} and {number}")
    return months


MONTHS: dict[str, int] = _build_months()
"""Every known month name or abbreviation (and its accent-free form) -> month number."""

WEEKDAYS: frozenset[str] = frozenset(norm_word(w) for w in _WEEKDAYS.split())
FILLERS: frozenset[str] = frozenset(norm_word(w) for w in _FILLERS.split()) | WEEKDAYS

_UPDATED = frozenset(
    norm_word(w)
    for w in _split(
        "updated update modified mis jour aktualisiert geändert actualizado actualizada atualizado "
        "aggiornato bijgewerkt zaktualizowano aktualizacja обновлено обновлен обновлён оновлено"
    )
)


def month_number(word: str) -> int | None:
    """The month a name or abbreviation stands for (``"janv."`` -> 1), or ``None``."""
    return MONTHS.get(norm_word(word))


# --- finding the date inside a short line -------------------------------------------------------

_MONTH_WORD = r"(?:d['’]\s?)?(?P<m>(?!(?:de|del|of|d)\b)[^\W\d_]{2,}\.?)"
_DAY = r"(?P<d>\d{1,2})(?:st|nd|rd|th|er|re|e|º|°|\.)?"
_YEAR = r"(?P<y>\d{4})(?!\d)"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # 2023-01-09, 2023/01/09, 2023.01.09 (an ISO time may follow)
    ("ymd", re.compile(r"(?<![\d.])(?P<y>\d{4})(?P<s>[-/.])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})(?!\d)")),
    # 9.1.2023 (day first), 13/01/2023, 01/13/2023
    ("num", re.compile(r"(?<![\d.])(?P<a>\d{1,2})(?P<s>[-/.])(?P<b>\d{1,2})(?P=s)(?P<y>\d{4})(?!\d)")),
    # January 9, 2023 / Jan. 9th 2023
    ("mdy", re.compile(rf"(?<!\w){_MONTH_WORD}\s?{_DAY},?\s+{_YEAR}")),
    # 9 January 2023 / 9. Januar 2023 / 9 de enero de 2023 / 9-Jan-2023 / 1er janvier 2023
    (
        "dmy",
        re.compile(
            rf"(?<![\w.]){_DAY}(?:\s+de\s+|\s+of\s+|\s+|-|/)"
            rf"{_MONTH_WORD}(?:\s+de\s+|\s+del\s+|,\s*|\s+|-|/){_YEAR}"
        ),
    ),
    # 2023. január 9. / 2023 Jan 9
    ("ymd-name", re.compile(rf"(?<![\d.])(?P<y>\d{{4}})\.?\s+{_MONTH_WORD}\s+(?P<d>\d{{1,2}})\.?(?!\d)")),
    # 2023年1月9日, 2023년 1월 9일
    ("cjk", re.compile(r"(?P<y>\d{4})\s?[年년]\s?(?P<m>\d{1,2})\s?[月월]\s?(?P<d>\d{1,2})\s?[日일]?")),
)

_TIME = re.compile(
    r"(?<![\d\w])T?\d{1,2}(?:\s?[:h.]\s?\d{2}){1,2}(?:[.,]\d+)?"
    r"(?:\s?(?:[ap]\.?\s?m\b\.?|uhr\b|h\b|hrs?\b|horas?\b|ч\b\.?))?"
    r"(?:\s?(?:Z\b|[+\-−]\d{2}:?\d{2}))?"
    r"|(?<![\d\w])\d{1,2}\s?(?:[ap]\.?\s?m\b\.?|uhr\b|h\b)"
    r"|(?<!\w)(?:utc|gmt)\s?[+\-−]\s?\d{1,2}(?::?\d{2})?",
    re.IGNORECASE,
)
_READING_TIME = re.compile(r"(?<!\d)\d{1,3}\s?(?:min(?:ute)?s?|мин)\b\.?", re.IGNORECASE)
_SEGMENT_SPLIT = re.compile(r"[|•·]|(?:^|\s)[-–—]+(?:\s|$)|\s/\s")
_EDGE_PUNCT = " \t,;:()[]{}<>\"'“”«»„‚‘’*_"
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Dateline:
    """A date found in a line, and the non-filler text around it (each piece a separate segment)."""

    date: dt.date
    rest: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    date: dt.date


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _date_of(kind: str, match: re.Match[str], dayfirst: bool = False) -> dt.date | None:
    groups = match.groupdict()
    year = int(groups["y"])
    if kind in {"ymd", "cjk"}:
        return _make_date(year, int(groups["m"]), int(groups["d"]))
    if kind == "num":
        a, b = int(groups["a"]), int(groups["b"])
        if groups["s"] == "." or a > 12 or a == b or (dayfirst and b <= 12):
            day, month = a, b  # dots are always day first; 13/01 can only be day first
        elif b > 12:
            day, month = b, a
        else:
            return None  # 09/01/2023: January or September? Better no date than a wrong one.
        return _make_date(year, month, day)
    named = month_number(groups["m"])
    if named is None:
        return None
    return _make_date(year, named, int(groups["d"]))


def _find_dates(line: str, dayfirst: bool = False) -> list[_Found]:
    found: list[_Found] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(line):
            date = _date_of(kind, match, dayfirst)
            if date is not None:
                found.append(_Found(match.start(), match.end(), date))
    # keep the longest of overlapping matches, in order of position
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[_Found] = []
    for item in found:
        if kept and item.start < kept[-1].end:
            continue
        kept.append(item)
    return kept


def _strip_fillers(segment: str) -> str:
    words = segment.split()
    while words and (norm_word(words[0].strip(_EDGE_PUNCT)) in FILLERS or not words[0].strip(_EDGE_PUNCT)):
        words.pop(0)
    while words and (norm_word(words[-1].strip(_EDGE_PUNCT)) in FILLERS or not words[-1].strip(_EDGE_PUNCT)):
        words.pop()
    return " ".join(words).strip(_EDGE_PUNCT + ".")


def split_dateline(line: str, dayfirst: bool = False) -> Dateline | None:
    """The date of a dateline and the other text on the line (a byline, a place), or ``None``.

    ``None`` when the line is too long or holds no complete, valid date. The caller decides
    whether the rest is acceptable; :func:`parse_dateline` accepts only bylines and short labels.
    ``dayfirst`` reads an ambiguous numeric date (``05/10/2023``) day first, as most of the world
    writes it; without it such a date is no date.
    """
    if len(line) > MAX_DATELINE:
        return None
    text = _text_of(line)
    if not text:
        return None
    found = _find_dates(text, dayfirst)
    if not found:
        return None
    chosen = found[0]
    for item in found:  # prefer the publication date over an "Updated …" one
        before = text[max(0, item.start - 40) : item.start].split()
        if not any(norm_word(w.strip(_EDGE_PUNCT)) in _UPDATED for w in before[-4:]):
            chosen = item
            break
    pieces = []
    last = 0
    for item in found:
        pieces.append(text[last : item.start])
        last = item.end
    pieces.append(text[last:])
    residue = " | ".join(pieces)
    residue = _TIME.sub(" ", residue)
    residue = _READING_TIME.sub(" ", residue)
    rest = []
    for segment in _SEGMENT_SPLIT.split(residue):
        kept = _strip_fillers(segment)
        if kept:
            rest.append(kept)
    return Dateline(chosen.date, tuple(rest))


def parse_dateline(line: str, dayfirst: bool = False) -> dt.date | None:
    """The date if the whole ``line`` is a dateline (possibly with a byline), else ``None``.

    >>> parse_dateline("Published Jan. 9, 2023 at 10:30 a.m. EST")
    datetime.date(2023, 1, 9)
    >>> parse_dateline("By Ana Ruiz | 9 de enero de 2023")
    datetime.date(2023, 1, 9)
    >>> parse_dateline("The strike began on January 9, 2023.") is None
    True
    """
    found = split_dateline(line, dayfirst)
    if found is None:
        return None
    if sum(len(part.split()) for part in found.rest) > 14:
        return None
    for part in found.rest:
        if re.search(re.escape(part) + r"\s*:", line):
            return None  # "Strike Diary: January 9, 2023" is a title, not a dateline
        if parse_byline(part, bare=True) is None and not is_label(part):
            return None
    return found.date


def dateline_authors(line: str) -> tuple[str, ...]:
    """The author names on a dateline such as ``By Ana Ruiz | January 9, 2023`` (may be empty)."""
    found = split_dateline(line)
    if found is None:
        return ()
    for part in found.rest:
        names = parse_byline(part, bare=True)
        if names:
            return names
    return ()


# --- bylines ------------------------------------------------------------------------------------

_MARKER = re.compile(
    r"(?:(?:written|reported|words|text|story|reporting|article|photos?|interview)"
    r"(?:\s+(?:and|&)\s+(?:photos?|video|text|words))?\s+)?by\b\s*:?"
    r"|(?:written|edited|translated)\s*:"
    r"|(?:[ée]crit\s+)?par\b|(?:scritt[oa]|a cura)\s+d[ai]\b|geschrieben\s+von\b"
    r"|von\b|text\s*:|texte\s*:|words\s*:"
    r"|(?:escrito\s+)?por\b"
    r"|door\b|av\b|af\b|od\b"
    r"|(?:authors?|autor(?:es|as|a|in|innen|ka|zy)?|auteur(?:e|s)?|autore|autori|auteurs?)\s*:"
    r"|автор(?:ы|и|ка)?\s*[:—–-]?"
    r"|συντάκτ(?:ης|ρια|ες)\s*:|(?:του|της|από)\s+(?=[Α-Ω])"
    r"|بقلم\s*:?|كتب(?:ت|ه|ها)?\s*:",
    re.IGNORECASE,
)
_MARKER_LOWER = re.compile(r"di\b")  # Italian "di Mario Rossi" (lower case only: "Di Maio" is a name)
_NAME_SPLIT = re.compile(
    r"\s*(?:,|;|\s(?:(?i:and|und|et)|&|y|e|i|и|і|та|en|och|og|ve|și|with|avec|mit|con|com|και|و)\s)\s*"
)
_BARE_NAME_SPLIT = re.compile(r"\s*(?:,|;|\s(?:(?i:and|und|et)|&|и|і|та|και)\s)\s*")
_PARTICLES = frozenset(
    _split(
        "de del della der den di da das do dos du la le les van von ter ten zu bin ibn al el ben y st st. "
        "mac ap af dei degli d' l'"
    )
)
_SUFFIXES = frozenset(_split("jr jr. sr sr. ii iii iv phd ph.d."))
_ROLE_WORDS = frozenset(
    norm_word(w)
    for w in _split(
        "writer writers reporter reporters correspondent correspondents editor editors staff "
        "contributor contributors contributing columnist journalist member members organizer organiser "
        "special bureau chief senior photographer photographers analyst professor author director secretary "
        "president activist worker student students intern team desk newsroom "
        "rédacteur rédactrice rédaction journaliste correspondant correspondante envoyé envoyée spécial "
        "spéciale redakteur redakteurin redaktion korrespondent korrespondentin "
        "redacción redactor redactora corresponsal periodista enviado enviada especial "
        "giornalista corrispondente redazione jornalista correspondente redação redactie verslaggever "
        "dziennikarz dziennikarka korespondent redakcja "
        "корреспондент журналист журналистка редактор редакция кореспондент журналіст редакція"
    )
)
_GENERIC_AUTHORS = frozenset(_split("admin administrator editor editors staff webmaster redaktion rédaction"))
_NAME_WORD = re.compile(r"[^\W\d_][\w'’.\-]*\Z")
_INITIALS = re.compile(r"(?:[^\W\d_]\.){1,3}\Z")


def _is_name_word(word: str) -> bool:
    low = word.casefold()
    if low in _PARTICLES or low in _SUFFIXES:
        return True
    if _INITIALS.match(word):
        return True
    first = word[0]
    caseless = first.isalpha() and not first.isupper() and not first.islower()  # Arabic, Hebrew …
    return bool(_NAME_WORD.match(word)) and (first.isupper() or caseless)


def _is_name(piece: str, *, bare: bool) -> bool:
    words = piece.split()
    if not 1 <= len(words) <= 6 or (bare and not 2 <= len(words) <= 4):
        return False
    if any(ch.isdigit() for ch in piece) or words[-1].casefold() in _PARTICLES:
        return False
    if words[0].islower() and words[0].casefold() in _PARTICLES:
        return False  # "do Rio de Janeiro" after a comma is a place, not a second author
    if not all(_is_name_word(w) for w in words):
        return False
    if not any(_is_name_word(w) and not w[0].islower() and w.casefold() not in _PARTICLES for w in words):
        return False
    normed = [norm_word(w) for w in words]
    if all(n in MONTHS or n in WEEKDAYS or n in _PARTICLES for n in normed):
        return False  # "By Monday", "Von Mai"
    return not any(n in _ROLE_WORDS for n in normed)


def _is_role(piece: str) -> bool:
    words = piece.split()
    if not words or len(words) > 12:
        return False
    return piece[0].islower() or any(norm_word(w) in _ROLE_WORDS for w in words)


def _names_nobody(piece: str) -> bool:
    words = [norm_word(w) for w in piece.split()]
    if len(words) > 4:
        return False
    return any(w in _GENERIC_AUTHORS or w in _ROLE_WORDS for w in words)


def parse_byline(text: str, *, bare: bool = False) -> tuple[str, ...] | None:
    """The author names of a byline, or ``None`` when ``text`` is not a byline.

    A byline starts with a marker (``By``, ``Par``, ``Von``, ``Por``, ``Door``, ``Автор:`` …) and
    names one or more people (``By Ana Ruiz and John Smith``); a role after the names is dropped
    (``By Ana Ruiz, Staff Writer``). With ``bare=True`` a marker is optional, but then each name
    must have two to four capitalised words (``Ana Ruiz``), as on ``Ana Ruiz, January 9, 2023``.
    A byline naming no person (``By admin``, ``By Staff``) gives an empty tuple.
    """
    text = _SPACES.sub(" ", text).strip().strip(_EDGE_PUNCT)
    if not text or len(text) > MAX_BYLINE:
        return None
    marker = _MARKER.match(text) or _MARKER_LOWER.match(text)
    if marker is not None:
        rest = text[marker.end() :].strip().strip(_EDGE_PUNCT)
        if not rest:
            return None
    elif bare:
        rest = text
    else:
        return None
    if rest.endswith((".", "!", "?")) and not _is_name_word(rest.split()[-1]):
        return None
    names: list[str] = []
    for raw in (_NAME_SPLIT if marker is not None else _BARE_NAME_SPLIT).split(rest):
        piece = raw.strip().strip(_EDGE_PUNCT)
        if not piece:
            continue
        if _is_name(piece, bare=marker is None):
            names.append(piece.rstrip(",;"))
            continue
        if names and _is_role(piece):
            break  # "By Ana Ruiz, Staff Writer, The Spark": everything after the role is affiliation
        if not names and marker is not None and _names_nobody(piece):
            return ()  # "By admin", "By Spark Staff", "Par la Rédaction"
        return None
    if not names:
        return None
    if marker is None and len(names) > 3:
        return None
    return tuple(names)


def is_label(text: str) -> bool:
    """A short capitalised label such as a place or a section name (``Paris``, ``New York``, ``Labor``)."""
    words = text.split()
    if not 1 <= len(words) <= 4 or len(text) > 40:
        return False
    if any(ch.isdigit() for ch in text):
        return False
    return all(_is_name_word(w) for w in words) and words[0][0].isupper()


__all__ = [
    "MAX_DATELINE",
    "MONTHS",
    "Dateline",
    "dateline_authors",
    "is_label",
    "month_number",
    "norm_word",
    "parse_byline",
    "parse_dateline",
    "split_dateline",
]
