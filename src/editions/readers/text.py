"""Plain-text articles, as copied from a publication's web page.

In: the decoded text of a ``.txt`` file (optionally starting with YAML front matter) and its path.
Out: a :class:`~editions.readers.Draft` with the title, subtitle (standfirst or photo caption),
authors, date and publication found in the text, the closing promo lines and tags as data, and
the body as HTML (``<p>``, ``<h2>``, ``<blockquote>``, ``<ul>``/``<ol>``; text escaped).
Front matter fields override what detection finds.

The text is split into blocks at blank lines. Detection uses general rules about how web pages
are laid out, never the words of particular publications:

*Tail.* From the end, lines that are calls to action ("Join our Telegram channel", "Subscribe to
the newsletter", "Folgen Sie uns …", "Подписывайтесь …") become ``promos``; "Tags: …" lines become
``tags``; a "© …" line becomes ``rights``; share buttons and other page debris ("Share this
article", "Leave a comment") are dropped; a "Related articles" / "Read next" header ends the article.
A whole-line dateline at the end gives the date when the header had none. "Read also: …" lines
are promos wherever they are; "Advertisement" lines are dropped wherever they are.

*Header.* The *anchor* is the first dateline or byline (``Jan 9, 2023``, ``By Ana Ruiz``,
``By Ana Ruiz | January 9, 2023``; see :mod:`editions.dates`) among the first 12 blocks, before
any block of more than 80 words. Datelines, bylines, "Tags:"/"Categories:" lines and page buttons
("Follow", "Share", "5 min read") next to it are header matter too; a bare name (``Ana Ruiz``)
counts as a byline next to a dateline. The title is the block right above the anchor (a title is
short, has at most two lines and does not end with a period). When that block reads like a
standfirst instead (it ends with a period, or it has eight or more words, more than the block
above it, which has four or more), the two blocks are the title and the subtitle. Everything
above the title is the masthead; the first line of the masthead that is not navigation, a
tagline or an epigraph is the publication. When the anchor is a bare date right under a short
name (at most four words) and right above a longer title-like line, the name is the masthead and
the line below is the title (``The Spark / Jan 9, 2023 / U.S. Weapons …``).
Without an anchor the first block is the title and there is no masthead, unless the first blocks
look strongly like a masthead (a tagline such as "the Voice of …", a quotation with an "— Name"
attribution, navigation such as "Home | News | About" or "Skip to content", a bare domain name),
in which case the title is the title-like block right after the last of them.

*Caption or standfirst.* The block right under the title (and its datelines) becomes the subtitle
when it carries a photo credit ("Photo:", "(AP Photo/…)", "Getty Images", "Reuters", "Foto:",
"Фото:" …), or, in English text, when it is one short sentence (6–35 words, ending with a period)
with no digits, quotation marks, first-person words, time words or reporting verbs, no
past-tense ``-ed`` verb, and at least two paragraphs follow it (captions are written in the
present tense; news leads rarely are). In doubt it stays body text.

*Body.* A block whose lines start with ``>`` is a block quote; a block of ``- ``/``* ``/``• ``
items, or of two or more ``1.``/``1)`` items, is a list; a quotation followed by an "— Name"
attribution line is a block quote; a paragraph wholly in quotation marks right after a paragraph
ending with a colon is a block quote; a single short line (at most 12 words) without closing
punctuation, followed by a paragraph, is a section heading (``<h2>``); everything else is a
paragraph. Lines of a paragraph are joined with a space, except in blocks of several short lines
(at most 45 characters each: verse, addresses), which keep their line breaks (``<br>``). Runs of
spaces (including no-break spaces) become one space; spaces at the ends of lines are dropped.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..dates import MONTHS, WEEKDAYS, dateline_authors, norm_word, parse_byline, parse_dateline
from ..lang import detect_language
from . import Draft, apply_front_matter
from .frontmatter import split_front_matter


def _split(words: str) -> list[str]:
    """The words of a space-separated table."""
    return words.split()


HEADER_BLOCKS = 12
"""How many blocks from the top may hold the masthead, title and dateline."""

HEADER_MAX_WORDS = 80
"""A block longer than this is body text: the header search stops there."""

MAX_HEADING_WORDS = 12
MAX_HEADING_CHARS = 100
MAX_TITLE_WORDS = 25
MAX_META_LINE = 200
"""Lines longer than this are never promos, debris, bylines or navigation."""

VERSE_LINE = 45

_ZERO_WIDTH = re.compile("[\u200b\ufeff\u2060]")
_SPACE_RUN = re.compile(r"[^\S\n]{2,}|[\t\r\f\v]")
_OPEN_QUOTES = "\"“„«‹‘'「『"
_CLOSE_QUOTES = "\"”“»›’'」』"
_CLOSING_PUNCT = ".,;:!…"
_LIST_ITEM = re.compile(r"(?:[-*•◦▪‣]|(?P<num>\d{1,3})[.)])\s+(?=\S)")
_QUOTE_LINE = re.compile(r">+ ?")
_ATTRIBUTION = re.compile(r"(?:[—―–]|-{1,2})\s*(?=\w)")
_URL_ONLY = re.compile(r"(?:https?://)?(?:www\.)?[\w-]{1,63}(?:\.[\w-]{1,63}){1,4}/?", re.IGNORECASE)
_NAV_SEP = re.compile(r"\s*(?:[|•·»›]|\s/\s|\t|\s{3,})\s*")

# --- calls to action, debris, tags ------------------------------------------------------------

_READ_ALSO = re.compile(
    r"(?:read (?:more|also|next)|also read|see also|related|more on this|"
    r"lire (?:aussi|également|la suite)|à lire (?:aussi|également)|voir aussi|"
    r"lesen sie (?:auch|mehr|hier)|mehr zum thema|auch interessant|weiterlesen|"
    r"lee (?:también|más)|leer más|lea (?:también|más)|ver también|te puede interesar|"
    r"leggi (?:anche|di più)|leia (?:também|mais)|veja também|lees (?:ook|meer)|"
    r"czytaj (?:też|także|więcej)|zobacz też|"
    r"читайте (?:также|тоже|ещё|еще)|по теме|читайте також)\b\s*[:：\-–—]",
    re.IGNORECASE,
)
_PROMO_START = re.compile(
    r"(?:read (?:more|also|next)|also read|see also|share this|subscribe\b|sign up\b|donate\b|"
    r"support us|support our\b|follow us|like us on|find us on|get our|download our|"
    r"become a (?:member|patron|subscriber|supporter)|click here|"
    r"lire (?:aussi|la suite)|à lire aussi|abonnez-vous|suivez-nous|soutenez-nous|soutenez notre|"
    r"faites un don|inscrivez-vous|rejoignez-nous|"
    r"lesen sie auch|mehr zum thema|weiterlesen|folgen sie uns|folge uns|abonnieren sie|abonniere\b|"
    r"jetzt spenden|spenden sie|unterstützen sie uns|unterstütze uns|"
    r"lee también|leer más|ver también|síguenos|suscríbete|apóyanos|dona\b|haz una donación|únete\b|"
    r"leggi anche|seguici|iscriviti|sostienici|unisciti\b|"
    r"leia também|siga-nos|inscreva-se|assine\b|apoie\b|junte-se|"
    r"lees ook|volg ons|abonneer\b|steun ons|doneer\b|word lid|"
    r"czytaj (?:też|także|więcej)|obserwuj nas|wesprzyj|subskrybuj|zapisz się|dołącz do nas|"
    r"читайте (?:также|нас)|подписывайтесь|подпишитесь|поддержите|присоединяйтесь|"
    r"читайте також|підписуйтесь|підпишіться|підтримайте|приєднуйтесь)",
    re.IGNORECASE,
)
_CALL = re.compile(
    r"(?:join|follow|subscribe|support|donate|sign up|like|check out|find|get|visit|contribute|become|help|"
    r"rejoignez|rejoindre|suivez|retrouvez|abonnez|soutenez|"
    r"tritt|treten|folge|folgen|besuche|besuchen|abonniere|abonnieren|unterstütze|unterstützen|"
    r"únete|sigue|síguenos|visita|suscríbete|apoya|"
    r"unisciti|segui|iscriviti|sostieni|"
    r"junte-se|siga|visite|apoie|"
    r"volg|word|steun|"
    r"dołącz|obserwuj|wesprzyj|"
    r"присоединяйтесь|подписывайтесь|подпишитесь|следите|поддержите|"
    r"приєднуйтесь|підписуйтесь|стежте|підтримайте)\b",
    re.IGNORECASE,
)
_MEDIUM = re.compile(
    r"telegram|newsletter|mailing list|e-?mail list|channel|canal\b|kanal\b|канал|телеграм|рассылк|розсилк|"
    r"facebook|twitter|\bx\b|instagram|youtube|tiktok|mastodon|bluesky|threads|whatsapp|\bsignal\b|"
    r"patreon|paypal|\brss\b|podcast|donat|spende|\bdon\b|\bdons\b|doa[çc]|"
    r"subscri|abonn|suscri|iscri|assin|our (?:web)?site|our page|notre site|unsere seite|"
    r"nuestr[ao] (?:sitio|web)",
    re.IGNORECASE,
)
_DEBRIS_EXACT = frozenset(
    norm_word(" ".join(s.split()))
    for s in (
        "advertisement", "advertising", "sponsored", "anzeige", "werbung", "publicité", "publicidad",
        "pubblicità", "publicidade", "advertentie", "reklama", "реклама",
        "comments", "comment", "leave a comment", "leave a reply", "add comment", "post a comment",
        "back to top", "top", "print", "print this page", "print friendly", "printer friendly", "email",
        "share", "share this", "share this article", "share this story", "share this post", "share:",
        "continue reading", "story continues below advertisement", "scroll to continue",
        "commentaires", "laisser un commentaire", "kommentare", "kommentar schreiben", "comentarios",
        "deja un comentario", "commenti", "comentários", "reacties", "komentarze", "комментарии",
        "коментарі", "partager", "teilen", "compartir", "condividi", "compartilhe", "delen",
        "udostępnij", "поделиться", "поширити", "imprimer", "drucken", "imprimir", "stampa",
    )
)  # fmt: skip
_ADVERT = frozenset(
    norm_word(s)
    for s in (
        "advertisement", "advertising", "sponsored", "anzeige", "werbung", "publicité", "publicidad",
        "pubblicità", "publicidade", "advertentie", "reklama", "реклама",
        "story continues below advertisement", "scroll to continue", "continue reading below",
    )
)  # fmt: skip
_SHARE_TOKENS = frozenset(
    _split(
        "share this article story post on via print email e-mail mail tweet facebook twitter x "
        "linkedin reddit whatsapp telegram pinterest tumblr bluesky mastodon threads copy link url "
        "pocket flipboard messenger sms partager cet teilen artikel diesen compartir este artículo "
        "condividi compartilhe compartilhar delen udostępnij поделиться поширити imprimer drucken "
        "imprimir stampa"
    )
)
_SHARE_LEADS = frozenset(
    _split(
        "share print email e-mail tweet facebook twitter linkedin partager teilen compartir condividi "
        "compartilhe compartilhar delen udostępnij поделиться поширити"
    )
)
_BUTTONS = frozenset(
    norm_word(s)
    for s in (
        "follow", "following", "share", "listen", "listen to this article", "listen to article", "save",
        "save article", "subscribe", "sign in", "log in", "menu", "print", "email", "comment", "comments",
        "copy link", "gift this article", "give this article", "open in app", "read in app", "audio",
        "folgen", "teilen", "merken", "anhören", "suivre", "partager", "écouter", "seguir", "escuchar",
        "подписаться", "поделиться", "слушать",
    )
)  # fmt: skip
_RELATED = re.compile(
    r"(?:related(?: (?:articles?|posts?|stories|content|news|reading))?|you (?:may|might) also like|"
    r"more (?:stories|from|on this topic|articles)|read next|recommended(?: for you)?|most read|"
    r"popular posts|"
    r"previous (?:article|post|story)|next (?:article|post|story)|"
    r"articles? (?:similaires|liés|connexes)|à lire aussi|sur le même sujet|"
    r"ähnliche artikel|weitere artikel|das könnte sie auch interessieren|mehr zum thema|"
    r"artículos relacionados|noticias relacionadas|te puede interesar|articoli correlati|"
    r"artigos relacionados|gerelateerde artikelen|powiązane artykuły|"
    r"похожие (?:статьи|материалы|новости)|читайте также|схожі (?:статті|матеріали)|читайте також)\s*:?",
    re.IGNORECASE,
)
_TAGS = re.compile(
    r"(?:tags|tagged(?: with| as)?|topics|filed under|categor(?:y|ies)|keywords|étiquettes|mots-clés|"
    r"schlagwörter|schlagworte|themen|etiquetas|temas|categorías|argomenti|tag|tópicos|trefwoorden|"
    r"tagi|słowa kluczowe|теги|тэги|метки|рубрики|рубрика|мітки)\s*[:：]\s*(?P<list>\S.*)",
    re.IGNORECASE,
)
_TAG_SPLIT = re.compile(r"\s*[,;|•·]\s*|\s+#|^#")
_RIGHTS = re.compile(r"(?:©|\(c\)\s|copyright\b)", re.IGNORECASE)

# --- header cues --------------------------------------------------------------------------------

_TAGLINE = re.compile(
    r"\b(?:voice|organ|newspaper|paper|journal|magazine|bulletin|newsletter|publication|website|"
    r"mouthpiece|weekly|monthly) of\b|"
    r"^(?:since|est\.?|established|founded)\s+(?:in\s+)?\d{4}\b|\bindependent (?:news|journalism|media)\b|"
    r"\breader-supported\b|\bnews (?:and|&) (?:analysis|views|opinion)\b|"
    r"\b(?:la voix|la voz|a voz|la voce|die stimme|organe|órgano|organo|órgão|organ der|"
    r"zeitung (?:für|der|des)|"
    r"journal (?:de|du|des)|périodico de|periódico de|giornale de|jornal d)\b|"
    r"\b(?:голос|орган|газета|часопис)\b",
    re.IGNORECASE,
)
_NAV_WORDS = frozenset(
    norm_word(" ".join(s.split()))
    for s in (
        "home", "about", "about us", "contact", "contact us", "donate", "subscribe", "search", "menu",
        "news", "archive", "archives", "login", "log in", "sign in", "register", "shop", "store", "events",
        "podcast", "video", "videos", "español", "english", "français", "deutsch", "accueil", "à propos",
        "recherche", "startseite", "suche", "kontakt", "impressum", "inicio", "buscar", "contacto",
        "главная", "поиск", "контакты", "о нас", "головна", "пошук", "skip to content",
        "skip to main content", "toggle navigation", "main menu", "navigation", "close", "open menu",
        "newsletter", "issues", "current issue", "back issues", "opinion", "world", "politics",
    )
)  # fmt: skip
_CREDIT = re.compile(
    r"\b(?:photo|photos|photograph|picture|pictured|image|illustration|credit|foto|bild|fotó|zdjęcie|"
    r"фото|світлина|crédit|crédito|créditos|source|courtesy)\s*(?:by\b|:|/|©)|"
    r"\((?:ap|afp|reuters|getty|epa|dpa|ria|tass|photo)\b[^)]{0,80}\)|"
    r"\bgetty images\b|\bshutterstock\b|\bwikimedia\b|\bwikipedia commons\b|\bunsplash\b|"
    r"\b(?:reuters|afp|ap|epa|dpa|anadolu|xinhua)\s*/|\bphoto:|^photo\b|\bcc by\b",
    re.IGNORECASE,
)
_PAST_ED = re.compile(r"\b[a-z]{2,}ed\b")
_ED_NOT_PAST = frozenset(
    _split("need needed seed speed feed bred shed red bed wed hundred indeed united sacred")
)
_NOT_CAPTION_EN = re.compile(
    r"\b(?:said|says|say|told|tells|reported|reports|according|announced|claims?|stated|"
    r"yesterday|today|tomorrow|tonight|ago|last|next|week|weeks|month|months|year|years|"
    r"i|we|our|us|my|you|your|will|would|could|should|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’»)\]]*\s+")
_ABBREVIATIONS = frozenset(
    _split(
        "mr mrs ms dr gen sen rep gov lt col sgt capt cmdr adm maj st jr sr prof inc co corp ltd vs "
        "etc no nos vol ed eds fig mt ft ave blvd dept univ est approx jan feb mar apr jun jul aug "
        "sep sept oct nov dec m mme mlle hr fr hrsg bzw usw ca dr sra sr srta ud uds art p pp"
    )
)


@dataclass
class _Block:
    lines: list[str]

    @property
    def text(self) -> str:
        return " ".join(self.lines)

    @property
    def words(self) -> int:
        return sum(len(line.split()) for line in self.lines)

    @property
    def single(self) -> bool:
        return len(self.lines) == 1


@dataclass
class _Found:
    title: str | None = None
    subtitle: str | None = None
    publication: str | None = None
    authors: tuple[str, ...] = ()
    date: dt.date | None = None
    promos: list[str] = field(default_factory=list)
    inline_promos: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    rights: str | None = None
    tail_date: dt.date | None = None
    tail_authors: tuple[str, ...] = ()


# --- reading ------------------------------------------------------------------------------------


def read(text: str, path: Path) -> Draft:
    """Read a plain-text article (see the module docstring for the rules)."""
    front = split_front_matter(text, path)
    fields = front.fields
    blocks = split_blocks(front.body)
    found = _Found()

    blocks = _take_tail(blocks, found)
    blocks = _take_inline_promos(blocks, found)
    body_blocks = _take_header(blocks, found, fields)

    draft = Draft(
        title=found.title,
        subtitle=found.subtitle,
        authors=found.authors or found.tail_authors,
        date=found.date or found.tail_date,
        publication=found.publication,
        tags=tuple(found.tags),
        promos=found.inline_promos + found.promos,
        rights=found.rights,
        body_html=render_body(body_blocks),
    )
    return apply_front_matter(draft, fields)


def clean_line(line: str) -> str:
    """A line without zero-width characters, with runs of spaces made one space, trimmed."""
    line = _ZERO_WIDTH.sub("", line)
    line = _SPACE_RUN.sub(" ", line)
    return line.strip()


def split_blocks(text: str) -> list[_Block]:
    """Blocks of non-blank lines, separated by blank lines (a line of spaces is blank)."""
    blocks: list[_Block] = []
    current: list[str] = []
    for raw in text.split("\n"):
        line = clean_line(raw)
        if line:
            current.append(line)
        elif current:
            blocks.append(_Block(current))
            current = []
    if current:
        blocks.append(_Block(current))
    return blocks


def _plain(text: str) -> str:
    """Metadata text: every kind of space made a plain space."""
    return " ".join(text.split())


# --- tail ---------------------------------------------------------------------------------------


def is_promo(line: str) -> bool:
    """A call to action: follow, join, subscribe, donate, read more (in several languages)."""
    if len(line) > MAX_META_LINE or len(line.split()) > 30:
        return False
    body = line.lstrip("»>→▶►•*-–— ").strip()
    if _PROMO_START.match(body) or _READ_ALSO.match(body):
        return True
    head = " ".join(body.split()[:3])
    return bool(_CALL.search(head)) and bool(_MEDIUM.search(body))


def _is_debris(line: str) -> bool:
    if len(line) > MAX_META_LINE:
        return False
    key = norm_word(_plain(line).strip(" :!.»>"))
    if key in _DEBRIS_EXACT or _RELATED.fullmatch(line.strip()):
        return True
    tokens = [t.strip(":|•·,/()[]").casefold() for t in line.split()]
    tokens = [t for t in tokens if t]
    return bool(tokens) and tokens[0] in _SHARE_LEADS and all(t in _SHARE_TOKENS for t in tokens)


def _tags_of(line: str) -> list[str] | None:
    if len(line) > MAX_META_LINE * 2:
        return None
    match = _TAGS.fullmatch(line)
    if not match:
        return None
    return [t.strip(" #.") for t in _TAG_SPLIT.split(match.group("list")) if t.strip(" #.")]


def _take_tail_line(line: str, found: _Found, *, allow_date: bool) -> bool:
    """Record ``line`` if it is tail matter (promo, tags, rights, debris, date); ``False`` if body."""
    if _is_debris(line):
        return True
    if is_promo(line):
        found.promos.insert(0, _plain(line))
        return True
    tags = _tags_of(line)
    if tags is not None:
        found.tags[:0] = tags
        return True
    words = line.split()
    if len(line) <= MAX_META_LINE and all(w.startswith("#") and len(w) > 1 for w in words):
        found.tags[:0] = [w.lstrip("#") for w in words]  # "#strike #union"
        return True
    if len(line) <= MAX_META_LINE and _RIGHTS.match(line):
        found.rights = found.rights or _plain(line)
        return True
    if allow_date and len(line) <= MAX_META_LINE:
        date = parse_dateline(line)
        if date is not None:
            found.tail_date = found.tail_date or date
            found.tail_authors = found.tail_authors or dateline_authors(line)
            return True
        authors = _byline(_Block([line]))
        if authors and len(line) <= 80 and "," not in line:
            found.tail_authors = found.tail_authors or authors
            return True
    return False


def _take_tail(blocks: list[_Block], found: _Found) -> list[_Block]:
    """Remove promos, tags and page debris from the end of the article, keeping them as data."""
    blocks = list(blocks)
    # a "Related articles" / "Read next" header near the end: the article stops there
    for index in range(max(1, len(blocks) - 12), len(blocks)):
        block = blocks[index]
        if block.single and len(block.lines[0]) <= 60 and _RELATED.fullmatch(block.lines[0]):
            for later in blocks[index + 1 :]:
                for line in later.lines:
                    if is_promo(line):
                        found.promos.append(_plain(line))
                    elif (tags := _tags_of(line)) is not None:
                        found.tags.extend(tags)
            del blocks[index:]
            break
    examined = 0
    while len(blocks) > 1 and examined < 20:
        examined += 1
        lines = list(blocks[-1].lines)
        while lines and _take_tail_line(lines[-1], found, allow_date=len(blocks[-1].lines) == 1):
            lines.pop()
        if lines:
            blocks[-1] = _Block(lines)
            break
        blocks.pop()
    return blocks


def _take_inline_promos(blocks: list[_Block], found: _Found) -> list[_Block]:
    """Drop advertisement markers and keep "Read also: …" lines anywhere as promos."""
    kept: list[_Block] = []
    for index, block in enumerate(blocks):
        if block.single and len(block.lines[0]) <= MAX_META_LINE:
            line = block.lines[0]
            if norm_word(line.strip(" :.")) in _ADVERT:
                continue
            if index > 0 and _READ_ALSO.match(line.lstrip("»>→▶►•*-–— ")):
                found.inline_promos.append(_plain(line))
                continue
        kept.append(block)
    return kept


# --- header -------------------------------------------------------------------------------------


def _is_dateline(block: _Block) -> bool:
    return (
        block.single and len(block.lines[0]) <= MAX_META_LINE and parse_dateline(block.lines[0]) is not None
    )


def _byline(block: _Block) -> tuple[str, ...] | None:
    """The authors of a one-line byline block (``By Ana Ruiz``); ``None`` if it is not one."""
    if not block.single or len(block.lines[0]) > MAX_META_LINE or not block.lines[0][0].isupper():
        return None
    return parse_byline(block.lines[0])


def _is_meta_line(line: str) -> bool:
    return len(line) <= MAX_META_LINE and (
        parse_dateline(line) is not None or _byline(_Block([line])) is not None
    )


def _split_meta_lines(blocks: list[_Block]) -> list[_Block]:
    """Give datelines and bylines that share a block with other lines (no blank line) a block each."""
    out: list[_Block] = []
    for index, block in enumerate(blocks):
        if index >= HEADER_BLOCKS or block.single or len(block.lines) > 6:
            out.append(block)
            continue
        flags = [_is_meta_line(line) for line in block.lines]
        if not any(flags):
            out.append(block)
            continue
        current: list[str] = []
        for line, is_meta in zip(block.lines, flags, strict=True):
            if is_meta:
                if current:
                    out.append(_Block(current))
                    current = []
                out.append(_Block([line]))
            else:
                current.append(line)
        if current:
            out.append(_Block(current))
    return out


def _ends_closed(text: str) -> bool:
    stripped = text.rstrip(_CLOSE_QUOTES + ")]")
    if not stripped:
        return False
    if stripped.endswith(("...", "…")):
        return False
    return stripped[-1] in _CLOSING_PUNCT


def _title_like(block: _Block) -> bool:
    """Short, one or two lines, no closing period: reads like a title."""
    if len(block.lines) > 2 or len(block.text) > 200:
        return False
    if not 1 <= block.words <= MAX_TITLE_WORDS or not any(ch.isalpha() for ch in block.text):
        return False
    return not _ends_closed(block.text) or block.text.rstrip(_CLOSE_QUOTES).endswith(("?", "!"))


def _title_ok(block: _Block) -> bool:
    """Loose test for the first block of a text without an anchor."""
    if len(block.lines) > 3 or block.words > 30 or len(block.text) > 250:
        return False
    return sentence_count(block.text) <= 1


def _name_like(block: _Block) -> bool:
    return block.single and len(block.lines[0]) <= 60 and parse_byline(block.lines[0], bare=True) is not None


def _has_lower_word(block: _Block) -> bool:
    return any(w[0].islower() for w in block.text.split() if w[0].isalpha())


def _is_nav_line(line: str) -> bool:
    if len(line) > MAX_META_LINE:
        return False
    if norm_word(_plain(line)) in _NAV_WORDS:
        return True
    items = [item for item in _NAV_SEP.split(line) if item]
    if len(items) < 3:
        return False
    if any(len(item.split()) > 4 or _ends_closed(item) for item in items):
        return False
    return len(items) >= 4 or any(norm_word(item) in _NAV_WORDS for item in items)


def _is_nav_block(block: _Block) -> bool:
    if all(_is_nav_line(line) for line in block.lines):
        return True
    if len(block.lines) >= 3 and all(len(line.split()) <= 3 for line in block.lines):
        return any(norm_word(line) in _NAV_WORDS for line in block.lines)
    return False


def _is_epigraph(block: _Block) -> bool:
    """A quotation with an "— Name" attribution on its last line (or after it on one line)."""
    if block.words > 80:
        return False
    last = block.lines[-1]
    if len(block.lines) >= 2:
        match = _ATTRIBUTION.match(last)
        if not match or len(last.split()) > 10 or _ends_closed(last.rstrip(")")):
            return False
        if not last[match.end()].isupper() or _list_items(block) is not None:
            return False  # "- roses" closing a list of "- bread" items
        body = block.lines[:-1]
        return body[0][0] in _OPEN_QUOTES or all(len(line) <= VERSE_LINE for line in body)
    line = block.lines[0]
    if line[0] not in _OPEN_QUOTES:
        return False
    for dash in (" — ", " – ", " ― ", " -- "):
        head, sep, tail = line.rpartition(dash)
        if sep and head.rstrip()[-1:] in _CLOSE_QUOTES and 1 <= len(tail.split()) <= 8:
            return True
    return False


def _masthead_cue(block: _Block) -> bool:
    if block.words > 60:
        return False
    if _is_nav_block(block) or _is_epigraph(block):
        return True
    if len(block.text) <= 200 and _TAGLINE.search(block.text):
        return True
    return block.single and bool(_URL_ONLY.fullmatch(block.lines[0]))


def _publication(masthead: list[_Block]) -> str | None:
    for block in masthead:
        if _is_epigraph(block):
            continue
        for line in block.lines:
            if _is_nav_line(line) or (len(line) <= 200 and _TAGLINE.search(line) and not line[0].isupper()):
                continue
            if _URL_ONLY.fullmatch(line) or len(line.split()) > 12:
                continue
            return _plain(line)
    return None


def _same_title(a: str, b: str) -> bool:
    def key(s: str) -> str:
        return "".join(ch for ch in norm_word(s) if ch.isalnum())

    return key(a) == key(b)


def _take_header(blocks: list[_Block], found: _Found, fields: dict[str, object]) -> list[_Block]:
    """Find the masthead, title, subtitle, dateline and byline; return the body blocks."""
    if not blocks:
        return blocks
    blocks = _split_meta_lines(blocks)
    limit = min(len(blocks), HEADER_BLOCKS)
    anchor = None
    for index in range(limit):
        block = blocks[index]
        if block.words > HEADER_MAX_WORDS:
            break
        if _is_dateline(block) or _byline(block) is not None:
            anchor = index
            break

    title_at: int | None = None
    subtitle_at: int | None = None
    meta: list[int] = []
    if anchor is not None:
        meta = _meta_run(blocks, anchor, found)
        above = anchor - 1
        while above >= 0 and _is_button(blocks[above]):  # "Follow", "Share", "5 min read"
            meta.insert(0, above)
            above -= 1
        if above >= 0 and _name_like(blocks[above]) and not found.authors:
            # "Title / Ana Ruiz / Jan 9, 2023": a bare name above the dateline is a byline when
            # the block above it is clearly a title (lower-case words, or two words more than the name)
            top = blocks[above - 1] if above >= 1 else None
            if (
                top is not None
                and _title_like(top)
                and not _masthead_cue(top)
                and (_has_lower_word(top) or top.words >= min(5, blocks[above].words + 2))
            ):
                found.authors = parse_byline(blocks[above].lines[0], bare=True) or ()
                meta.insert(0, above)
                above -= 1
        after = meta[-1] + 1
        title_below = after < len(blocks) and _title_like(blocks[after])
        if title_below and _site_name_above_date(blocks, above, anchor, after):
            # "The Spark / Jan 9, 2023 / U.S. Weapons Threaten a Wider War": a short name, then
            # a bare date, then a longer title-like line: the name is the masthead
            masthead_end = above + 1
            title_at = after
        elif above < 0 or (_masthead_cue(blocks[above]) and title_below):
            # the dateline comes first (or right under the masthead): the title follows it
            masthead_end = above + 1
            title_at = after if title_below else None
        elif _title_like(blocks[above]) and not _standfirst_under_title(blocks, above):
            title_at = above
            masthead_end = above
        elif above >= 1 and _title_like(blocks[above - 1]) and blocks[above].words <= HEADER_MAX_WORDS:
            title_at, subtitle_at = above - 1, above
            masthead_end = above - 1
        elif _title_ok(blocks[above]) and blocks[above].words <= 15:  # "Nothing is settled."
            title_at = above
            masthead_end = above
        else:
            masthead_end = 0  # a paragraph above the byline: no title here, the file name stands in
    else:
        masthead_end = 0
        for index in range(min(len(blocks) - 1, 6)):
            if _masthead_cue(blocks[index]) and _title_like(blocks[index + 1]):
                masthead_end = index + 1
        if fields.get("title") and not _same_title(str(fields["title"]), blocks[masthead_end].text):
            title_at = None  # the front matter names the title; the text may not repeat it
        elif _title_ok(blocks[masthead_end]) and (len(blocks) > masthead_end + 1 or _title_like(blocks[0])):
            title_at = masthead_end
        # (a text of a single long paragraph has no title: the file name stands in)

    if masthead_end:
        found.publication = _publication(blocks[:masthead_end])
    if title_at is not None:
        found.title = _plain(blocks[title_at].text)
    if subtitle_at is not None:
        found.subtitle = _plain(blocks[subtitle_at].text)

    used = set(range(masthead_end)) | set(meta)
    for index in (title_at, subtitle_at):
        if index is not None:
            used.add(index)
    start = max(used) + 1 if used else 0
    # datelines and bylines right under the title (when the anchor was above it)
    while start < len(blocks) and start < HEADER_BLOCKS and _take_meta_block(blocks[start], found):
        used.add(start)
        start += 1

    # a caption or standfirst under the title (kept as text when the front matter gives a subtitle)
    caption_wanted = found.subtitle is None and not fields.get("subtitle") and title_at is not None
    if (
        caption_wanted
        and start < len(blocks) - 1
        and _caption_like(blocks[start], blocks[start + 1 :], fields)
    ):
        found.subtitle = _plain(blocks[start].text)
        used.add(start)
        start += 1
        while start < len(blocks) and start < HEADER_BLOCKS and _take_meta_block(blocks[start], found):
            used.add(start)
            start += 1
    return [block for index, block in enumerate(blocks) if index not in used]


def _standfirst_under_title(blocks: list[_Block], index: int) -> bool:
    """Whether title-like ``blocks[index]`` is rather a standfirst under the title above it.

    Site names are short (one to three words), titles longer, standfirsts longer still: the pair
    is (title, standfirst) when the upper block has four or more words and is not masthead matter,
    and the lower one has at least eight words and more than the upper one.
    """
    if index < 1:
        return False
    upper, lower = blocks[index - 1], blocks[index]
    if not _title_like(upper) or _masthead_cue(upper) or _name_like(upper):
        return False
    return upper.words >= 4 and lower.words >= 8 and lower.words > upper.words


def _site_name_above_date(blocks: list[_Block], above: int, anchor: int, after: int) -> bool:
    if above < 0 or anchor != above + 1 or after >= len(blocks):
        return False
    name, title = blocks[above], blocks[after]
    if dateline_authors(blocks[anchor].lines[0]) or not _title_like(name) or name.words > 4:
        return False
    if not all(_masthead_cue(b) for b in blocks[:above]):
        return False
    if title.words <= name.words:
        return False
    return after + 1 >= len(blocks) or not _heading_shape(blocks[after + 1])


_READING_TIME = re.compile(
    r"\d{1,3}\s?(?:min(?:ute)?s?|мин\.?|Min\.)(?:\s?(?:read|lesezeit|de lecture|чтения))?", re.I
)


def _is_button(block: _Block) -> bool:
    """Page buttons and widgets copied along with the header ("Follow", "Share", "5 min read")."""
    if not block.single or len(block.lines[0]) > 40:
        return False
    line = block.lines[0].strip(" ·•|")
    key = norm_word(_plain(line))
    return not line or key in _BUTTONS or key in _DEBRIS_EXACT or bool(_READING_TIME.fullmatch(line))


def _take_meta_block(block: _Block, found: _Found) -> bool:
    """Record a dateline, byline, tags or button block; ``False`` when the block is none of these."""
    if _is_button(block):
        return True
    if block.single and (tags := _tags_of(block.lines[0])) is not None:
        found.tags.extend(tags)
        return True
    if _is_dateline(block):
        line = block.lines[0]
        found.date = found.date or parse_dateline(line)
        found.authors = found.authors or dateline_authors(line)
        return True
    authors = _byline(block)
    if authors is not None:
        found.authors = found.authors or authors
        return True
    return False


def _meta_run(blocks: list[_Block], anchor: int, found: _Found) -> list[int]:
    """The anchor and the dateline/byline blocks right after it (with a bare name next to a date)."""
    meta: list[int] = []
    index = anchor
    while index < len(blocks) and index < HEADER_BLOCKS:
        block = blocks[index]
        if _take_meta_block(block, found):
            meta.append(index)
        elif (
            not found.authors
            and _name_like(block)
            and any(_is_dateline(blocks[i]) for i in (index - 1, index + 1) if 0 <= i < len(blocks))
        ):
            found.authors = parse_byline(block.lines[0], bare=True) or ()
            meta.append(index)
        else:
            break
        index += 1
    return meta


def sentence_count(text: str) -> int:
    """Sentences in ``text``, not counting the ends of abbreviations (``U.S.``, ``Dr.``, ``J.``)."""
    if len(text) > 5000:
        return 100
    count = 1
    for match in _SENTENCE_END.finditer(text):
        following = text[match.end() : match.end() + 2].lstrip(_OPEN_QUOTES + "(")
        if not following or not following[0].isupper():
            continue
        before = text[: match.start()].rsplit(None, 1)[-1] if text[: match.start()].strip() else ""
        word = before.strip(_OPEN_QUOTES + "(").rstrip(".")
        if match.group().startswith(".") and (
            "." in word
            or len(word) <= 1
            or word.casefold() in _ABBREVIATIONS
            or (word.isupper() and len(word) <= 3)
        ):
            continue
        count += 1
    return count


def _caption_like(block: _Block, rest: list[_Block], fields: dict[str, object]) -> bool:
    """A photo caption or standfirst right under the title (see the module docstring)."""
    text = block.text
    if block.words > 60 or len(block.lines) > 3 or not rest:
        return False
    if _CREDIT.search(text):
        return True
    if not 6 <= block.words <= 35 or not block.single or not text.endswith("."):
        return False
    if sum(1 for b in rest[:3] if not _heading_shape(b)) < 2:
        return False
    if any(ch.isdigit() for ch in text) or any(q in text for q in '"“”«»„'):
        return False
    if any(ch in text for ch in ":;") or sentence_count(text) != 1:
        return False
    capitalised = [norm_word(w.strip(".,’'")) for w in text.split()[1:] if w[0].isupper()]
    if any(w in MONTHS or w in WEEKDAYS for w in capitalised if len(w) > 2):
        return False  # a time reference: a news lead, not a caption
    lang = str(fields.get("lang") or "")
    if not lang:
        sample = " ".join(b.text for b in rest[:20])[:5000]
        lang = detect_language(sample, fallback="en")
        if detect_language(text, fallback=lang) != lang:
            return False
    if lang.split("-")[0] != "en":
        return False
    if _NOT_CAPTION_EN.search(text):
        return False
    return not any(w not in _ED_NOT_PAST for w in _PAST_ED.findall(text))


# --- body ---------------------------------------------------------------------------------------


def _heading_shape(block: _Block) -> bool:
    """One short line with letters and no closing punctuation (a question may be a heading)."""
    if not block.single:
        return False
    line = block.lines[0]
    if len(line) > MAX_HEADING_CHARS or len(line.split()) > MAX_HEADING_WORDS:
        return False
    if not any(ch.isalpha() for ch in line):
        return False
    if line[0] in _OPEN_QUOTES or line[-1] in _CLOSE_QUOTES or _ATTRIBUTION.match(line):
        return False
    if line[-1] in _CLOSING_PUNCT or line.endswith(("...", "…")):
        return False
    if line.endswith("?") and len(line.split()) > 8:
        return False
    if _LIST_ITEM.match(line) and not re.match(r"\d{1,3}[.)]\s", line):
        return False
    return not (_CREDIT.search(line) or _URL_ONLY.fullmatch(line) or "://" in line or line.startswith("www."))


def _list_items(block: _Block) -> tuple[str, list[str], int] | None:
    """``("ul" | "ol", items, start)`` when every line of the block is a list item or continues one."""
    kind = None
    start = 1
    items: list[list[str]] = []
    for line in block.lines:
        match = _LIST_ITEM.match(line)
        if match:
            this = "ol" if match.group("num") else "ul"
            if kind is None:
                kind = this
                if this == "ol":
                    start = int(match.group("num"))
            elif this != kind:
                return None
            items.append([line[match.end() :]])
        elif items:
            items[-1].append(line)  # a continuation line of the item above
        else:
            return None
    if kind is None:
        return None
    return kind, [" ".join(parts) for parts in items], start


def _is_quote_block(block: _Block) -> bool:
    return all(line.startswith(">") for line in block.lines)


def _wholly_quoted_start(block: _Block) -> bool:
    return block.text[0] in _OPEN_QUOTES


def _wholly_quoted_end(block: _Block) -> bool:
    return block.text.rstrip(".,")[-1:] in _CLOSE_QUOTES


def _inline(lines: Iterable[str]) -> str:
    lines = list(lines)
    if len(lines) >= 2 and all(len(line) <= VERSE_LINE for line in lines):
        return "<br>\n".join(html.escape(line, quote=False) for line in lines)
    return html.escape(" ".join(lines), quote=False)


def render_body(blocks: list[_Block]) -> str:
    """The HTML of the body blocks."""
    out: list[str] = []
    index = 0
    count = len(blocks)
    previous_text = ""
    while index < count:
        block = blocks[index]
        if _is_quote_block(block):
            paragraphs = []
            while index < count and _is_quote_block(blocks[index]):
                stripped = [_QUOTE_LINE.sub("", line, count=1).strip() for line in blocks[index].lines]
                stripped = [s for s in stripped if s]
                if stripped:
                    paragraphs.append(f"<p>{_inline(stripped)}</p>")
                index += 1
            out.append("<blockquote>\n" + "\n".join(paragraphs) + "\n</blockquote>")
            previous_text = ""
            continue
        listed = _list_items(block)
        if listed is not None:
            kind, items, start = listed
            # single-item blocks: a list only when the next blocks continue it
            run = [listed]
            j = index + 1
            while len(items) == 1 and j < count:
                nxt = _list_items(blocks[j])
                if nxt is None or nxt[0] != kind:
                    break
                run.append(nxt)
                j += 1
            all_items = [item for part in run for item in part[1]]
            bullet_ok = kind == "ul" and (len(all_items) >= 2 or not block.lines[0].startswith("-"))
            if len(all_items) >= 2 or bullet_ok:
                attrs = f' start="{start}"' if kind == "ol" and start != 1 else ""
                lis = "\n".join(f"<li>{html.escape(item, quote=False)}</li>" for item in all_items)
                out.append(f"<{kind}{attrs}>\n{lis}\n</{kind}>")
                index = j
                previous_text = ""
                continue
        if _is_epigraph(block) and len(block.lines) >= 2:
            quote = f"<p>{_inline(block.lines[:-1])}</p>\n<p>{html.escape(block.lines[-1], quote=False)}</p>"
            out.append(f"<blockquote>\n{quote}\n</blockquote>")
            index += 1
            previous_text = ""
            continue
        if previous_text.endswith(":") and _wholly_quoted_start(block):
            end = index
            while end < count and end - index < 10 and not _wholly_quoted_end(blocks[end]):
                if end > index and not _wholly_quoted_start(blocks[end]):
                    break
                end += 1
            if (
                end < count
                and _wholly_quoted_end(blocks[end])
                and all(_wholly_quoted_start(b) for b in blocks[index : end + 1])
            ):
                paragraphs = [f"<p>{_inline(b.lines)}</p>" for b in blocks[index : end + 1]]
                out.append("<blockquote>\n" + "\n".join(paragraphs) + "\n</blockquote>")
                index = end + 1
                previous_text = ""
                continue
        if _heading_shape(block) and index + 1 < count and not _heading_shape(blocks[index + 1]):
            out.append(f"<h2>{html.escape(block.lines[0], quote=False)}</h2>")
            index += 1
            previous_text = ""
            continue
        out.append(f"<p>{_inline(block.lines)}</p>")
        previous_text = block.text
        index += 1
    return "\n".join(out) + ("\n" if out else "")


__all__ = ["clean_line", "is_promo", "read", "render_body", "sentence_count", "split_blocks"]
