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

The modules: :mod:`~editions.typography.rules`, how each language sets its punctuation (the
table); :mod:`~editions.typography.segments`, the text the rules see, over the pieces of text
nodes; :mod:`~editions.typography.engine`, the quote, dash, ellipsis and space rules run over it;
:mod:`~editions.typography.walker`, the HTML fragment walked into that text and written back.
"""

from __future__ import annotations

from .engine import smarten
from .rules import rules_key
from .segments import Text
from .walker import smarten_html

__all__ = ["smarten_html", "smarten_text"]


def smarten_text(text: str, lang: str) -> str:
    """Return plain ``text`` (a title, a name, a caption) with the typography of ``lang``."""
    if not text:
        return text
    doc = Text()
    doc.add(text, 0)
    smarten(doc, rules_key(lang))
    return doc.result().get(0, "")
