"""Writing systems in an edition, and whether the style's bundled fonts can set them.

In: an :class:`~editions.model.Edition` and a :class:`~editions.styles.Style`. Out: the scripts
(named from the Unicode character names: ``Han``, ``Devanagari``, ``Hangul`` …) whose letters
none of the style's bundled fonts has, per article, and one warning for each when a PDF is built:
WeasyPrint then takes those letters from the fonts installed on the machine, which may lack them
too, so the user is told rather than left with missing glyphs.

Scripts are read from the text itself (:mod:`unicodedata`), not from the language an article
declares: a Chinese quotation in an English article counts as much as a Chinese article.
"""

from __future__ import annotations

import functools
import logging
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from .model import Article, Edition
from .styles import Style

log = logging.getLogger("editions")

FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2")

#: Words of a character's name that end the name of its script ("DEVANAGARI LETTER KA" → Devanagari).
_NAME_ENDS = frozenset(
    {
        "LETTER", "SIGN", "DIGIT", "VOWEL", "SYLLABLE", "MARK", "LIGATURE", "NUMBER", "CHARACTER",
        "SMALL", "CAPITAL", "IDEOGRAPH", "FRACTION", "PUNCTUATION", "CONSONANT", "INDEPENDENT",
        "DEPENDENT", "TONE", "FINAL", "MEDIAL", "INITIAL", "SUBJOINED", "ABBREVIATION", "COMMA", "FULL",
    }
)  # fmt: skip
#: Scripts whose characters' names do not start with the script's name.
_NAME_SCRIPTS = {"CJK": "Han", "IDEOGRAPHIC": "Han", "KANGXI": "Han", "BOPOMOFO": "Bopomofo"}


def script_of(char: str) -> str | None:
    """The script of a letter, mark or digit (``"Han"``, ``"Arabic"``, ``"Latin"``), ``"symbols"`` for
    other symbols (emoji, pictographs), ``None`` for spaces, punctuation and controls."""
    category = unicodedata.category(char)
    if category == "So":
        return "symbols"
    if category[0] not in "LMN":
        return None
    name = unicodedata.name(char, "")
    if not name:
        return None
    words = name.split()
    if words[0] in _NAME_SCRIPTS:
        return _NAME_SCRIPTS[words[0]]
    kept: list[str] = []
    for word in words:
        if word in _NAME_ENDS or "-" in word:
            break
        kept.append(word)
    return " ".join(kept).title() if kept else None


@functools.cache
def _cmap(path: Path, mtime: float) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    try:
        with TTFont(str(path), lazy=True) as font:
            # Only the characters are wanted, not the glyphs' names: placeholder names spare reading
            # them (the 'post' table), which took most of the time; the characters are the same.
            font.setGlyphOrder([])
            return frozenset(font.getBestCmap() or ())
    except Exception:  # a file fontTools cannot read sets nothing
        return frozenset()


def bundled_codepoints(style: Style, needed: Iterable[int] | None = None) -> frozenset[int]:
    """Every character some font file in the ``fonts/`` folders of the style chain has; with
    ``needed``, the font files are read only until every one of those characters is found (the
    others may then be missing from the answer)."""
    wanted = None if needed is None else set(needed)
    covered: set[int] = set()
    for folder in style.folders:
        fonts = folder / "fonts"
        if not fonts.is_dir():
            continue
        for path in sorted(fonts.iterdir()):
            if wanted is not None and wanted <= covered:
                return frozenset(covered)
            if path.suffix.lower() in FONT_SUFFIXES and path.is_file():
                covered |= _cmap(path.resolve(), path.stat().st_mtime)
    return frozenset(covered)


_TAG = re.compile(r"<[^>]*>")


def _texts(article: Article) -> Iterable[str]:
    yield article.title
    yield article.subtitle or ""
    yield from article.authors
    source = article.source
    for value in (source.publication, source.rights, source.note):
        yield value or ""
    yield from source.translators
    for html in (article.body_html or "", *article.footnotes):
        yield _TAG.sub(" ", html)  # the text, without markup (and attribute values, never printed)


def uncovered_scripts(texts: Iterable[str], covered: frozenset[int]) -> dict[str, str]:
    """The scripts of ``texts`` with characters outside ``covered``, each with up to five of them."""
    found: dict[str, str] = {}
    for char in dict.fromkeys("".join(texts)):  # each character once, in the order of the text
        if ord(char) in covered:
            continue
        script = script_of(char)
        if script is not None and len(found.get(script, "")) < 5:
            found[script] = found.get(script, "") + char
    return found


@functools.cache
def system_font_for(chars: str) -> bool | None:
    """Whether a font installed on this machine has every one of ``chars`` (asked of fontconfig's
    ``fc-list``, which WeasyPrint's Pango uses too); ``None`` when fontconfig cannot be asked."""
    if shutil.which("fc-list") is None:
        return None
    charset = " ".join(f"{ord(ch):x}" for ch in chars)
    try:
        listing = subprocess.run(
            ["fc-list", f":charset={charset}", "family"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return bool(listing.stdout.strip()) if listing.returncode == 0 else None


def warn_unbundled_scripts(edition: Edition, style: Style) -> list[str]:
    """Log (and return) one warning per article and script that no bundled font of ``style`` sets.

    For example ``articles/tokyo.md: no bundled font for Han script (東京の港…); using the
    system's fonts``, with a warning that they print as empty boxes when no font installed on the
    machine has them either. The edition's own fields (title, subtitle …) are checked as one more
    source.
    """
    sources: list[tuple[str, list[str]]] = [
        (str(a.path) if a.path else a.title, list(_texts(a))) for a in edition.articles
    ]
    own = (
        edition.title,
        edition.subtitle,
        edition.editor,
        edition.publisher,
        edition.rights,
        edition.colophon,
    )
    sources.append(("edition", [t or "" for t in own]))
    # The fonts are read until they have every letter, mark, digit and symbol of the edition (the
    # only characters warned about): one font, for most editions.
    chars = set("".join(text for _, texts in sources for text in texts))
    covered = bundled_codepoints(style, {ord(ch) for ch in chars if script_of(ch) is not None})
    if not covered:  # a style without bundled fonts uses the system's for everything: nothing to say
        return []
    messages = []
    for where, texts in sources:
        for script, sample in sorted(uncovered_scripts(texts, covered).items()):
            what = "symbols" if script == "symbols" else f"{script} script"
            message = f"{where}: no bundled font for {what} ({sample}…); using the system's fonts"
            if system_font_for(sample) is False:
                message += (
                    ", but none here has them either: they print as empty boxes (install a font for them)"
                )
            messages.append(message)
    for message in messages:
        log.warning("%s", message)
    return messages
