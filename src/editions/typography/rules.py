"""The language rules: a BCP 47 tag in, how that language sets its punctuation (:class:`Rules`:
quote marks, dash, spacing, titles, units …) out, from the table :data:`RULES`."""

from __future__ import annotations

from dataclasses import dataclass, replace

NBSP = "\u00a0"
NNBSP = "\u202f"
WJ = "\u2060"
EM = "\u2014"
EN = "\u2013"


@dataclass(frozen=True)
class Rules:
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

COMMON_TITLES = ("Dr.", "Prof.", "St.")
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

_EN = Rules(titles=_EN_TITLES)
_EN_GB = replace(_EN, dash=EN, spaced_dash=True)
_FR = Rules(
    _GUILLEMETS,
    _ENGLISH_DOUBLE,
    EN,
    spaced_dash=True,
    french_spacing=True,
    group_digits=True,
    titles=("M.", "MM.", "Mme", "Mmes", "Mlle", "Mlles", "Mgr", "Me", "Dr", "Pr", "Sr", "Vve"),
)
_DE = Rules(_GERMAN_DOUBLE, _GERMAN_SINGLE, EN, spaced_dash=True, titles=("Hr.", "Hrn.", "Fr."))
_DE_CH = replace(_DE, primary=_GUILLEMETS, secondary=("\u2039", "\u203a"))
_RU = Rules(
    _GUILLEMETS,
    _GERMAN_DOUBLE,
    EM,
    spaced_dash=True,
    group_digits=True,
    titles=_CYRILLIC_TITLES,
    units=_CYRILLIC_UNITS,
)
_ES = Rules(
    _GUILLEMETS, _ENGLISH_DOUBLE, EM, spaced_dash=True, titles=("Sr.", "Sra.", "Srta.", "Dra.", "D.", "Dña.")
)
_IT = Rules(
    _GUILLEMETS, _ENGLISH_DOUBLE, EN, spaced_dash=True, titles=("Sig.", "Sig.ra", "Dott.", "Dott.ssa", "Avv.")
)
_PT = Rules(_GUILLEMETS, _ENGLISH_DOUBLE, EM, spaced_dash=True, titles=("Sr.", "Sra.", "Dra."))
_PL = Rules(
    _POLISH_DOUBLE,
    _GUILLEMETS,
    EN,
    spaced_dash=True,
    group_digits=True,
    titles=("dr", "prof.", "mgr", "inż.", "ks.", "św.", "ul.", "al.", "pl.", "im."),
    single_letter_words="aiouwzAIOUWZ",
)
_CS = Rules(
    _GERMAN_DOUBLE,
    _GERMAN_SINGLE,
    EN,
    spaced_dash=True,
    group_digits=True,
    single_letter_words="aiouvkszAIOUVKSZ",
)
_NL = Rules(titles=("dhr.", "mevr.", "mr.", "dr.", "drs.", "ir.", "prof."), dash=EN, spaced_dash=True)
_SV = Rules(_SWEDISH_DOUBLE, _SWEDISH_SINGLE, EN, spaced_dash=True, group_digits=True)
_NB = Rules(_GUILLEMETS, _ENGLISH_SINGLE, EN, spaced_dash=True, group_digits=True)
_HR = Rules(_POLISH_DOUBLE, _ENGLISH_SINGLE, EN, spaced_dash=True, group_digits=True)
_BALTIC = Rules(_GERMAN_DOUBLE, _GERMAN_SINGLE, EN, spaced_dash=True, group_digits=True)
# Arabic and Persian: guillemets, as the Arabic and Persian press sets quotations (CLDR's primary
# quotes for Persian; « » are mirrored in right-to-left text, so « still opens on the right). Inner
# quotes ” “ as CLDR gives them for Arabic (curly quotes are not mirrored: ” is the one that opens
# on the right). A comma between Arabic words becomes the Arabic comma ، (U+060C). Dashes, spaces
# and digits are left as typed.
_AR = Rules(_GUILLEMETS, ("\u201d", "\u201c"), arabic_comma=True)
# Hebrew: „ ” outside, ‚ ’ inside (the Academy of the Hebrew Language's punctuation rules, which
# also allow straight marks); a " between Hebrew letters is gershayim ״ (U+05F4: צה״ל) and a ' after
# a Hebrew letter is geresh ׳ (U+05F3: ג׳ון), never quotes (Unicode Standard, 9.1 Hebrew).
_HE = Rules(_POLISH_DOUBLE, ("\u201a", "\u2019"), hebrew_marks=True)

# Keys are a primary language subtag, or primary-region where the region changes the rules.
RULES: dict[str, Rules] = {
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
    "da": Rules(("\u00bb", "\u00ab"), ("\u203a", "\u2039"), EN, spaced_dash=True),
    "nb": _NB,
    "nn": _NB,
    "no": _NB,
    "hu": Rules(_POLISH_DOUBLE, ("\u00bb", "\u00ab"), EN, spaced_dash=True, group_digits=True),
    "ro": Rules(_POLISH_DOUBLE, _GUILLEMETS, EN, spaced_dash=True),
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


def rules_key(lang: str) -> str:
    """The key into the rules table for a BCP 47 tag: ``de-CH`` → ``de-ch``, ``sr-Latn-RS`` → ``sr``."""
    parts = [p for p in (lang or "").strip().replace("_", "-").lower().split("-") if p]
    if not parts:
        return "en"
    primary = parts[0]
    for part in parts[1:]:
        if len(part) == 2 or (len(part) == 3 and part.isdigit()):
            if f"{primary}-{part}" in RULES:
                return f"{primary}-{part}"
            break
    return primary if primary in RULES else "en"
