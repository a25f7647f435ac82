"""Words the outputs print around the articles, and dates, in the edition's language.

In: a language tag and a label key or a date. Out: text for templates ("Contents",
"Originally published in", "9 janvier 2023"). Unknown languages fall back to English.
Dates are formatted with Babel's CLDR data, so every language Babel knows gets its own form.
"""

from __future__ import annotations

import datetime as dt
import functools

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_format_date
from babel.lists import format_list

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "and": "and",
        "contents": "Contents",
        "by": "By",
        "originally_published": "Originally published in",
        "published": "Published",
        "sources": "Sources",
        "colophon": "Colophon",
        "notes": "Notes",
        "back_to_text": "Back to the text",
        "edited_by": "Edited by",
        "published_by": "Published by",
        "rights": "Rights",
        "contact": "Contact",
        "title_page": "Title page",
        "cover": "Cover",
        "start": "Start of the text",
        "scan_to_open": "Scan to open the original",
        "source_not_recorded": "Source not recorded",
        "translated_by": "Translated by",
        "volume_abbr": "Vol.",
        "number_abbr": "No.",
    },
    "fr": {
        "and": "et",
        "contents": "Sommaire",
        "by": "Par",
        "originally_published": "Publié à l’origine dans",
        "published": "Publié",
        "sources": "Sources",
        "colophon": "Colophon",
        "notes": "Notes",
        "back_to_text": "Retour au texte",
        "edited_by": "Sous la direction de",
        "published_by": "Publié par",
        "rights": "Droits",
        "contact": "Contact",
        "title_page": "Page de titre",
        "cover": "Couverture",
        "start": "Début du texte",
        "scan_to_open": "Scanner pour ouvrir l’original",
        "source_not_recorded": "Source non indiquée",
        "translated_by": "Traduit par",
        "volume_abbr": "Vol.",
        "number_abbr": "n°",
    },
    "de": {
        "and": "und",
        "contents": "Inhalt",
        "by": "Von",
        "originally_published": "Zuerst erschienen in",
        "published": "Erschienen",
        "sources": "Quellen",
        "colophon": "Impressum",
        "notes": "Anmerkungen",
        "back_to_text": "Zurück zum Text",
        "edited_by": "Herausgegeben von",
        "published_by": "Verlegt von",
        "rights": "Rechte",
        "contact": "Kontakt",
        "title_page": "Titelseite",
        "cover": "Umschlag",
        "start": "Textanfang",
        "scan_to_open": "Scannen, um das Original zu öffnen",
        "source_not_recorded": "Quelle nicht angegeben",
        "translated_by": "Übersetzt von",
        "volume_abbr": "Jg.",
        "number_abbr": "Nr.",
    },
    "es": {
        "and": "y",
        "contents": "Índice",
        "by": "Por",
        "originally_published": "Publicado originalmente en",
        "published": "Publicado",
        "sources": "Fuentes",
        "colophon": "Colofón",
        "notes": "Notas",
        "back_to_text": "Volver al texto",
        "edited_by": "Edición de",
        "published_by": "Publicado por",
        "rights": "Derechos",
        "contact": "Contacto",
        "title_page": "Portada interior",
        "cover": "Cubierta",
        "start": "Inicio del texto",
        "scan_to_open": "Escanee para abrir el original",
        "source_not_recorded": "Fuente no indicada",
        "translated_by": "Traducido por",
        "volume_abbr": "Vol.",
        "number_abbr": "n.º",
    },
    "ru": {
        "and": "и",
        "contents": "Содержание",
        "by": "Автор:",
        "originally_published": "Впервые опубликовано в издании",
        "published": "Опубликовано",
        "sources": "Источники",
        "colophon": "Выходные данные",
        "notes": "Примечания",
        "back_to_text": "Назад к тексту",
        "edited_by": "Под редакцией",
        "published_by": "Издатель:",
        "rights": "Права",
        "contact": "Контакты",
        "title_page": "Титульная страница",
        "cover": "Обложка",
        "start": "Начало текста",
        "scan_to_open": "Отсканируйте, чтобы открыть оригинал",
        "source_not_recorded": "Источник не указан",
        "translated_by": "Перевод:",
        "volume_abbr": "Т.",
        "number_abbr": "№",
    },
    "uk": {
        "and": "і",
        "contents": "Зміст",
        "by": "Автор:",
        "originally_published": "Уперше опубліковано у виданні",
        "published": "Опубліковано",
        "sources": "Джерела",
        "colophon": "Вихідні дані",
        "notes": "Примітки",
        "back_to_text": "Назад до тексту",
        "edited_by": "За редакцією",
        "published_by": "Видавець:",
        "rights": "Права",
        "contact": "Контакти",
        "title_page": "Титульна сторінка",
        "cover": "Обкладинка",
        "start": "Початок тексту",
        "scan_to_open": "Скануйте, щоб відкрити оригінал",
        "source_not_recorded": "Джерело не вказано",
        "translated_by": "Переклад:",
        "volume_abbr": "Т.",
        "number_abbr": "№",
    },
    "it": {
        "and": "e",
        "contents": "Indice",
        "by": "Di",
        "originally_published": "Pubblicato originariamente su",
        "published": "Pubblicato",
        "sources": "Fonti",
        "colophon": "Colophon",
        "notes": "Note",
        "back_to_text": "Torna al testo",
        "edited_by": "A cura di",
        "published_by": "Pubblicato da",
        "rights": "Diritti",
        "contact": "Contatti",
        "title_page": "Frontespizio",
        "cover": "Copertina",
        "start": "Inizio del testo",
        "scan_to_open": "Scansiona per aprire l’originale",
        "source_not_recorded": "Fonte non indicata",
        "translated_by": "Tradotto da",
        "volume_abbr": "Vol.",
        "number_abbr": "n.",
    },
    "pt": {
        "and": "e",
        "contents": "Sumário",
        "by": "Por",
        "originally_published": "Publicado originalmente em",
        "published": "Publicado",
        "sources": "Fontes",
        "colophon": "Colofão",
        "notes": "Notas",
        "back_to_text": "Voltar ao texto",
        "edited_by": "Organização de",
        "published_by": "Publicado por",
        "rights": "Direitos",
        "contact": "Contato",
        "title_page": "Folha de rosto",
        "cover": "Capa",
        "start": "Início do texto",
        "scan_to_open": "Digitalize para abrir o original",
        "source_not_recorded": "Fonte não indicada",
        "translated_by": "Traduzido por",
        "volume_abbr": "Vol.",
        "number_abbr": "n.º",
    },
    "el": {
        "and": "και",
        "contents": "Περιεχόμενα",
        "by": "Του/της",
        "originally_published": "Πρώτη δημοσίευση:",
        "published": "Δημοσιεύτηκε",
        "sources": "Πηγές",
        "colophon": "Κολοφώνας",
        "notes": "Σημειώσεις",
        "back_to_text": "Επιστροφή στο κείμενο",
        "edited_by": "Επιμέλεια:",
        "published_by": "Έκδοση:",
        "rights": "Δικαιώματα",
        "contact": "Επικοινωνία",
        "title_page": "Σελίδα τίτλου",
        "cover": "Εξώφυλλο",
        "start": "Αρχή του κειμένου",
        "scan_to_open": "Σαρώστε για να ανοίξετε το πρωτότυπο",
        "source_not_recorded": "Η πηγή δεν αναφέρεται",
        "translated_by": "Μετάφραση:",
        "volume_abbr": "Τόμ.",
        "number_abbr": "Αρ.",
    },
    "ar": {
        "and": "و",
        "contents": "المحتويات",
        "by": "بقلم",
        "originally_published": "نُشر أصلًا في",
        "published": "نُشر",
        "sources": "المصادر",
        "colophon": "معلومات النشر",
        "notes": "الهوامش",
        "back_to_text": "العودة إلى النص",
        "edited_by": "تحرير",
        "published_by": "صادر عن",
        "rights": "الحقوق",
        "contact": "للتواصل",
        "title_page": "صفحة العنوان",
        "cover": "الغلاف",
        "start": "بداية النص",
        "scan_to_open": "امسح الرمز لفتح الأصل",
        "source_not_recorded": "المصدر غير مسجّل",
        "translated_by": "ترجمة",
        "volume_abbr": "المجلد",
        "number_abbr": "العدد",
    },
    "fa": {
        "and": "و",
        "contents": "فهرست مطالب",
        "by": "نوشتهٔ",
        "originally_published": "نخستین‌بار منتشرشده در",
        "published": "منتشرشده",
        "sources": "منابع",
        "colophon": "شناسنامهٔ کتاب",
        "notes": "یادداشت‌ها",
        "back_to_text": "بازگشت به متن",
        "edited_by": "به کوشش",
        "published_by": "ناشر:",
        "rights": "حقوق",
        "contact": "تماس",
        "title_page": "صفحهٔ عنوان",
        "cover": "جلد",
        "start": "آغاز متن",
        "scan_to_open": "برای باز کردن متن اصلی اسکن کنید",
        "source_not_recorded": "منبع ثبت نشده است",
        "translated_by": "ترجمهٔ",
        "volume_abbr": "دوره",
        "number_abbr": "شماره",
    },
    "he": {
        "and": "ו",
        "contents": "תוכן העניינים",
        "by": "מאת",
        "originally_published": "מקור:",
        "published": "פורסם",
        "sources": "מקורות",
        "colophon": "קולופון",
        "notes": "הערות",
        "back_to_text": "חזרה לטקסט",
        "edited_by": "עריכה:",
        "published_by": "הוצאה לאור:",
        "rights": "זכויות",
        "contact": "יצירת קשר",
        "title_page": "שער",
        "cover": "כריכה",
        "start": "תחילת הטקסט",
        "scan_to_open": "סרקו לפתיחת המקור",
        "source_not_recorded": "המקור לא צוין",
        "translated_by": "תרגום:",
        "volume_abbr": "כרך",
        "number_abbr": "גיליון",
    },
}


def primary(lang: str) -> str:
    """The primary subtag of a language tag (``pt-BR`` → ``pt``)."""
    return lang.split("-")[0].lower()


def label(key: str, lang: str) -> str:
    """The word for ``key`` in ``lang``, falling back to English."""
    return LABELS.get(primary(lang), LABELS["en"]).get(key) or LABELS["en"][key]


#: Languages written right to left (primary subtags): Arabic, Aramaic, Dhivehi, Persian, Hebrew,
#: Kurdish (Sorani, in Arabic script), Pashto, Sindhi, Uyghur, Urdu, Yiddish.
RTL_LANGS = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "ku", "ps", "sd", "ug", "ur", "yi"})


def direction(lang: str) -> str:
    """``"rtl"`` for a language written right to left (Arabic, Persian, Hebrew …), else ``"ltr"``."""
    return "rtl" if primary(lang or "en") in RTL_LANGS else "ltr"


#: The word "and" between the last two names where it joins the next word (Arabic و, Hebrew ו).
_JOINED_AND = frozenset({"ar", "he", "yi"})
#: Languages written in Arabic script, whose comma is the Arabic comma ، (U+060C).
_ARABIC_COMMA = frozenset({"ar", "fa", "ur", "ps", "ckb", "sd", "ug"})


def comma(lang: str) -> str:
    """The comma of ``lang``: ``","``, or ``"،"`` in languages written in Arabic script."""
    return "\u060c" if primary(lang or "en") in _ARABIC_COMMA else ","


def name_separator(lang: str, *, last: bool) -> str:
    """What goes between two names in running text: ``", "``, or ``" and "`` before the last one
    (``"، "`` and ``" و"`` in Arabic, whose "and" joins the name after it)."""
    if not last:
        return comma(lang) + " "
    word = label("and", lang)
    return f" {word}" if primary(lang) in _JOINED_AND else f" {word} "


@functools.cache
def _locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        try:
            return Locale.parse(primary(lang))
        except (UnknownLocaleError, ValueError):
            return Locale.parse("en")


def format_date(date: dt.date | None, lang: str) -> str:
    """A date as readers of ``lang`` write it in running text ("January 9, 2023", "9 janvier 2023")."""
    if date is None:
        return ""
    return _babel_format_date(date, "long", locale=_locale(lang))


def issue_number(volume: int | None, number: int | None, lang: str) -> str:
    """A periodical's volume and number as ``lang`` abbreviates them ("Vol. 8, No. 22", "Jg. 8, Nr. 22").

    Either may be ``None`` (then it is left out); the abbreviation and its number are joined by a
    no-break space. Returns ``""`` when both are ``None``.
    """
    parts = [
        f"{label(key, lang)}\u00a0{value}"
        for key, value in (("volume_abbr", volume), ("number_abbr", number))
        if value is not None
    ]
    return f"{comma(lang)} ".join(parts)


def issue_line(volume: int | None, number: int | None, date: dt.date | None, lang: str) -> str:
    """The masthead's issue line: "Vol. 8, No. 22 · June 15, 2024" (the parts that are known)."""
    return " · ".join(part for part in (issue_number(volume, number, lang), format_date(date, lang)) if part)


def join_names(names: tuple[str, ...] | list[str], lang: str) -> str:
    """Names joined as a list in ``lang`` ("Ana Ruiz and John Smith")."""
    if not names:
        return ""
    return format_list(list(names), locale=_locale(lang))
