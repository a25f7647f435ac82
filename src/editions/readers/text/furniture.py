"""Page furniture: the words a web page puts around an article, recognised line by line.

In: one logical line of copied text. Out: what kind of furniture it is, if any: a call to action
or appeal (donate, subscribe, read the whole article), a widget (share buttons, counters,
reactions, a countdown), navigation (a menu, a breadcrumb, previous/next links), tags, a rights
line, an editor's or source note, a photo credit, a contact block, a masthead tagline.

Every rule here is about how web pages and appeals are built (a counter is a label and a
number; an appeal asks for money or a subscription; a breadcrumb is short names joined by
arrows), never about what one site prints. Words are listed for the languages the readers
support; a line is never furniture because of one word in a long sentence.
"""

from __future__ import annotations

import re
import unicodedata

from ...dates import norm_word


def _split(words: str) -> list[str]:
    """The words of a space-separated table."""
    return words.split()


MAX_META_LINE = 200
"""Lines longer than this are never promos, buttons, bylines or navigation."""

_NAV_SEP = re.compile(r"\s*(?:[|•·»›>→]|\s/\s|\t|\s{3,})\s*")
_URL_ONLY = re.compile(r"(?:https?://)?(?:www\.)?[\w-]{1,63}(?:\.[\w-]{1,63}){1,4}(?:/\S*)?", re.IGNORECASE)
_CLOSING = ".,;:!…"

# --- calls to action, debris, tags ------------------------------------------------------------

READ_ALSO = re.compile(
    r"(?:read (?:more|also|next)|also read|see also|related|more on this|"
    r"lire (?:aussi|également|la suite)|à lire (?:aussi|également)|voir aussi|"
    r"lesen sie (?:auch|mehr|hier)|mehr zum thema|auch interessant|weiterlesen|"
    r"lee (?:también|más)|leer más|lea (?:también|más)|ver también|te puede interesar|"
    r"leggi (?:anche|di più)|leia (?:também|mais)|veja também|lees (?:ook|meer)|"
    r"czytaj (?:też|także|więcej)|zobacz też|"
    r"читайте (?:также|тоже|ещё|еще)|по теме|читайте також|"
    r"διαβάστε (?:επίσης|ακόμα|ακόμη)|δείτε (?:επίσης|ακόμα)|"
    r"اقرأ (?:أيضا|أيضاً|ايضا|المزيد)|إقرأ (?:أيضا|أيضاً)|شاهد أيضا)\s*[:：\-–—]",
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
ADVERT = frozenset(
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
        "follow", "following", "share", "listen", "like", "reply", "most relevant", "newest", "oldest",
        "shared with public", "public", "see more", "see translation", "all reactions", "log in", "login",
        "sign up", "register", "accedi", "registrati", "anmelden", "se connecter", "connexion", "entrar",
        "iniciar sesión", "войти", "listen to this article", "listen to article", "save",
        "save article", "subscribe", "sign in", "log in", "menu", "print", "email", "comment", "comments",
        "copy link", "gift this article", "give this article", "open in app", "read in app", "audio",
        "folgen", "teilen", "merken", "anhören", "suivre", "partager", "écouter", "seguir", "escuchar",
        "подписаться", "поделиться", "слушать",
    )
)  # fmt: skip
RELATED = re.compile(
    r"(?:related(?: (?:articles?|posts?|stories|content|news|reading))?|you (?:may|might) also like|"
    r"more (?:stories|from|on this topic|articles)|read next|recommended(?: for you)?|most read|"
    r"popular posts|"
    r"previous (?:article|post|story)|next (?:article|post|story)|"
    r"articles? (?:similaires|liés|connexes)|à lire aussi|sur le même sujet|"
    r"ähnliche artikel|weitere artikel|das könnte sie auch interessieren|mehr zum thema|"
    r"artículos relacionados|noticias relacionadas|te puede interesar|articoli correlati|correlati|"
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
RIGHTS = re.compile(r"(?:©|\(c\)\s|copyright\b)", re.IGNORECASE)

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


_SOCIAL = (
    "close|mail|email|e-mail|facebook|telegram|linkedin|print|search|share|whatsapp|twitter|x|reddit|copy|"
    "link|url|pinterest|tumblr|bluesky|mastodon|threads|messenger|sms|flipboard|pocket|menu|tweet|"
    "instagram|youtube|tiktok|vk|viber|line|bookmark|save|comment|comments"
)
_SHARE_RUN = re.compile(rf"(?:{_SOCIAL})(?:[\s|/·•,]*(?:{_SOCIAL}))*", re.IGNORECASE)

_APPEAL = re.compile(
    r"donat\w*|\bdonor|chip in|contribut\w*|fund ?drive|fundrais\w*|reader-(?:funded|supported)|"
    r"worker-funded|member-funded|\bsupport (?:us|our|independent)|subscri\w*|\bpaywall|"
    r"become a (?:member|patron|supporter|subscriber)|"
    r"\bkeep\b[^.!?]{0,40}\b(?:independent|afloat|alive|going|free)|"
    r"give today|pay by card|\bone-time\b|\bmonthly (?:gift|donation|contribution)|"
    r"\breaders? (?:like you )?(?:pay|fund|support)|\bhelp\b[^.!?]{0,40}\bkeep\b|"
    r"bank transfer|secure donation|\bpatreon|\bpaypal|\bgift aid|"
    r"\bdon\b|\bdons\b|faites? un don|je donne|soutene?z|soutenir|abonn\w*|se finance|"
    r"financ\w+ participati\w*|"
    r"information indépendante|journalisme indépendant|"
    r"spende\w*|unterstütz\w*|\w*abos?\b|\w*abo-\w+|zugang zu allen|kosten geld|angebote unter|"
    r"\bdona\b|donación|donaciones|suscr[ií]b\w*|suscripci\w*|apóya\w*|apoya\w*|hazte soci\w*|"
    r"donazion\w*|abbona\w*|sostien\w*|\bdoe\b|doação|doações|assine|assinatura|apoie|"
    r"поддерж\w*|подпи\w*|пожертв\w*|донат\w*|στηρίξ\w*|συνδρομ\w*|δωρε\w*|تبرع|اشترك|ادعم",
    re.IGNORECASE,
)
_LOGIN = re.compile(
    r"\b(?:log ?in|sign ?in|sign up|register|registrati|accedi|anmelden|einloggen|connexion|"
    r"se connecter|inscri\w+|iniciar sesión|regístrate|entrar|войти|зарегистр\w+)\b|"
    r"\bto (?:read|continue reading) (?:the|this) (?:full|whole|rest)|\bper leggere\b|"
    r"pour lire la suite|um weiterzulesen|para seguir leyendo|nur mit\b.{0,30}\blesbar|"
    r"\bread the (?:full|whole) (?:article|story)|(?:type|enter) your e-?mail|your e-?mail address",
    re.IGNORECASE,
)
_AMOUNT = re.compile(r"(?:[-*•◦▪‣]\s*)?(?:[$€£¥₹]\s?\d[\d.,]*|\d[\d.,]*\s?(?:[$€£¥₹]|eur|usd|gbp)\b)", re.I)
_COUNTER = re.compile(
    r"\d[\d\s.,]*|"  # a bare number
    r"[^\d:]{1,40}:\s*\d[\d\s.,]*\s*[^\W\d_]{0,12}\.?|"  # "Views: 1 284", "Länge des Beitrags: 9271 Zeichen"
    r"\d[\d\s.,]*[kKmM]?\s+(?:comments?|shares?|likes?|views?|reactions?|reads?|responses?|replies|"
    r"retweets?|reposts?|kommentare?|commentaires?|comentarios?|commenti|comentários|"
    r"комментари\w*|просмотр\w*|σχόλια|αναγνώσεις|تعليق\w*)|"
    r"\d{1,3}\s+(?:days?|hours?|tage|stunden|jours|heures|días|horas|giorni|ore|dias|дн\w*)\s+"
    r"(?:remaining|left|to go|restants?|übrig|verbleibend|restantes?|rimanenti|осталось)|"
    r".{0,60}\band \d[\d,.]*\s+others?|"
    r"\d{1,3}\s?(?:min(?:ute)?s?|мин\.?)\s?(?:read|de lecture|lesezeit|lectura|leitura|lettura|чтения)|"
    r"(?:issue|no\.|nr\.|vol\.|volume|número|numéro|numero|ausgabe|heft|выпуск|τεύχος)\s*(?:no\.?|nr\.?|n[º°]\.?)?\s*\d+",
    re.IGNORECASE,
)
_ARROW_LINK = re.compile(r"^(?:[«‹←◀◁<]|&lt;)\s*\S.{0,120}$|^\S.{0,120}\s(?:[»›→▶▷>])$")
_LABEL_ONLY = re.compile(r"[^\W\d_][\w .'’-]{0,30}:")
_TAGLINE_LINE = re.compile(
    r"(?:the |la |le |el |die |der |il |o |a )?(?:voice|paper|newspaper|organ|journal|bulletin|"
    r"publication|newsletter|voix|voz|voce|stimme|zeitung|journal|organe|órgano|organo|órgão)\s+(?:of|de|du|des|"
    r"der|des|del|di|do|da)(?:\s+\w+){0,2}",
    re.IGNORECASE,
)
_NOTE = re.compile(
    r"(?:editor['’]?s note|note from the editor|n\.\s?d\.\s?l\.\s?r\.|note de la rédaction|"
    r"anmerkung der redaktion|nota (?:de la redacción|del editor|della redazione|do editor|da redação))\b|"
    r"\b(?:adapted from|excerpted from|an excerpt from|originally published|first published|"
    r"edited for (?:length|clarity)|republished (?:with|from)|reprinted (?:with|from)|cross-?posted)\b|"
    r"^this (?:article|piece|story|interview|essay|text|post|report|column)\b.{0,80}\b(?:was|has been|is)\b"
    r".{0,40}\b(?:adapted|edited|published|excerpted|republished|translated|updated|condensed|first)\b|"
    r"^(?:draft|brouillon|entwurf|borrador|bozza|rascunho)\b",
    re.IGNORECASE,
)
_FIRST_APPEARED = re.compile(
    r"\b(?:first appeared|appeared first|originally appeared|originally published|first published|"
    r"(?:a|ont) (?:d['’]abord|initialement) été publiée?s?|publiée? (?:initialement|d['’]abord)|"
    r"erschien (?:zuerst|ursprünglich)|zuerst erschienen|erstveröffentlich\w*|"
    r"publicad[oa] originalmente|se publicó (?:originalmente|por primera vez)|"
    r"apareció (?:originalmente|primero)|"
    r"pubblicat[oa] (?:originariamente|per la prima volta|originalmente)|"
    r"publicad[oa] (?:originalmente|primeiro)|впервые опубликован\w*|впервые опубликовано)",
    re.IGNORECASE,
)
_SOURCE_LINE = re.compile(
    r"(?:source|sources|fuentes?|fonte|fontes|quelle|quellen|origine|источник|πηγή|المصدر)\s*[:：]\s*(?P<rest>\S.*)",
    re.IGNORECASE,
)
_TRANSLATED = re.compile(
    r"(?:translated(?: from (?:the )?[^\W\d_]+)?(?: into [^\W\d_]+)? by|translation(?: by)?\s*:?|"
    r"traduit(?: de l['’][^\W\d_]+| du [^\W\d_]+)? par|traduction\s*:?|"
    r"übersetzt(?: aus dem [^\W\d_]+)? von|übersetzung\s*:?|"
    r"traducid[oa](?: del [^\W\d_]+)? por|traducción(?: de)?\s*:?|"
    r"tradott[oa](?: dal? [^\W\d_]+)? da|traduzione(?: di)?\s*:?|"
    r"traduzid[oa](?: do [^\W\d_]+)? por|tradução(?: de)?\s*:?|"
    r"перев[её]л[аи]?|перевод(?: с [^\W\d_]+)?\s*:?|μετάφραση\s*:?|ترجمة\s*:?)\s+(?P<names>\S.*)",
    re.IGNORECASE,
)
_CONTACT = re.compile(
    r"(?:for (?:more |further )?information,? )?(?:media |press |news )?"
    r"(?:contacts?|kontakt|pressekontakt|contacto|contatto|contato|контакты?)"
    r"\s*:.{0,160}",
    re.IGNORECASE,
)
_PHONE_OR_MAIL = re.compile(r"\S+@\S+\.\w+|\(?\+?\d[\d ().-]{6,}\d")
_BOILERPLATE = re.compile(r"(?:about|à propos de|über|acerca de|sobre|chi siamo)\s+[^:]{2,60}:\s+\S", re.I)
_END_MARK = re.compile(r"#{3}|-30-|\*{3}|ENDS|FIN|END")
_ORG_WORDS = frozenset(
    norm_word(w)
    for w in _split(
        "union unions local workers federation confederation association alliance league party committee "
        "council coalition network collective campaign movement front caucus society institute foundation "
        "centre center press news times post daily weekly monthly review journal gazette herald tribune "
        "magazine bulletin newsletter radio media network group organisation organization brigade assembly "
        "dispatch despatch chronicle courier observer telegraph mirror star voice socialist militant wire "
        "digest quarterly report reports hebdo revue rivista revista diario giornale "
        "jornal gazzetta quotidiano noticias notizie nachrichten новости вестник "
        "sindicato sindicatos syndicat syndicats gewerkschaft verband bund partei comité comitato collectif "
        "coletivo colectivo federación asociación associazione confédération confederación periódico "
        "zeitung rundschau sindacato partido partito parti frente front fédération secretariat secretaría "
        "профсоюз союз партия комитет федерация ассоциация газета редакция σωματείο συνδικάτο κόμμα "
        "ένωση نقابة اتحاد حزب لجنة"
    )
)  # fmt: skip
_EMOJI_OR_MARKS = re.compile(r"[^\w]*")


def plain(text: str) -> str:
    """Metadata text: every kind of space made a plain space."""
    return " ".join(text.split())


def is_share_junk(line: str) -> bool:
    """Share-button labels copied as text ("closemailfacebooktelegram…", "Share | Tweet | Email")."""
    return len(line) <= MAX_META_LINE and bool(_SHARE_RUN.fullmatch(line.strip(" :|·•")))


def is_marks(line: str) -> bool:
    """A line of separators or emoji only (" · ", "👍❤️💪", "***")."""
    if len(line) > 60 or _END_MARK.fullmatch(line):
        return False
    return not any(ch.isalnum() for ch in line)


def is_counter(line: str) -> bool:
    """A counter or widget value: "0", "Views: 1 284", "34 comments", "12 Days Remaining", "5 min read"."""
    return len(line) <= 120 and bool(_COUNTER.fullmatch(line.strip(" ·•|")))


def is_label_only(line: str) -> bool:
    """A widget's label alone on its line ("Recomiendo:", "Share:")."""
    return len(line) <= 32 and len(line.split()) <= 3 and bool(_LABEL_ONLY.fullmatch(line))


def is_button(line: str) -> bool:
    """A button or widget word ("Like", "Share", "Most relevant", "Log in")."""
    if len(line) > 40:
        return False
    key = norm_word(plain(line.strip(" ·•|:!")))
    return key in _BUTTONS or key in _DEBRIS_EXACT


def appeal_hits(text: str) -> int:
    """How many words of donation and subscription appeals ``text`` holds (each kind counted once)."""
    return len({norm_word(m.group()) for m in _APPEAL.finditer(text[:3000])})


def is_appeal(text: str) -> bool:
    """A donation or subscription appeal: two appeal words, or one in a short call (a button of up
    to four words, a line ending with "!", or one that starts with a call such as "Join", "Support")."""
    hits = appeal_hits(text)
    if hits >= 2:
        return True
    words = len(text.split())
    return (
        hits == 1 and words <= 14 and (words <= 4 or text.rstrip().endswith("!") or bool(_CALL.match(text)))
    )


def is_login(line: str) -> bool:
    """A paywall or login prompt ("Per leggere tutto l'articolo, registrati gratis", "Log in")."""
    return len(line.split()) <= 16 and bool(_LOGIN.search(line))


def is_amount(line: str) -> bool:
    """An amount to give, as donation boxes list them ("• $20", "€ 10")."""
    return (len(line) <= 30 and bool(_AMOUNT.fullmatch(line.strip()))) or bool(
        re.fullmatch(r"[-*•◦▪‣]\s*(?:other|autre|andere|otro|altro|outro|другое)", line.strip(), re.I)
    )


def is_arrow_link(line: str) -> bool:
    """A link to another page written with an arrow ("« Back to News", "Next post →"); a guillemet
    counts as an arrow only when it opens no quotation (no closing one on the line)."""
    if len(line.split()) > 15 or not _ARROW_LINK.match(line):
        return False
    if line[0] in "«‹":
        return "»" not in line and "›" not in line and len(line.split()) <= 8
    if line[-1] in "»›":
        return "«" not in line and "‹" not in line and len(line.split()) <= 8
    return True


def is_nav(line: str) -> bool:
    """A menu or a breadcrumb ("Home | News | About", "Cronaca › Lavoro", "Home / News / Labour")."""
    if len(line) > MAX_META_LINE:
        return False
    if norm_word(plain(line)) in _NAV_WORDS:
        return True
    items = [item for item in _NAV_SEP.split(line) if item]
    if len(items) < 2:
        return False
    if any(len(item.split()) > 4 or item[-1] in _CLOSING for item in items):
        return False
    if any(ch.isdigit() for ch in line) and not any(norm_word(item) in _NAV_WORDS for item in items):
        return False
    if re.search(r"[›»>→]", line):
        return True
    return len(items) >= 3 or any(norm_word(item) in _NAV_WORDS for item in items)


def is_url(line: str) -> bool:
    """A web address alone on its line."""
    return " " not in line and bool(_URL_ONLY.fullmatch(line)) and "." in line


def is_tagline(line: str) -> bool:
    """A masthead's description of itself ("the Voice of …", "the Paper of", "Since 1952")."""
    if len(line) > 200:
        return False
    if _TAGLINE_LINE.fullmatch(line.strip(" ,:")) and not line.split()[0][0].isupper():
        return True
    return line[:1].islower() and bool(_TAGLINE.search(line))


def is_note(line: str) -> bool:
    """An editor's note about the article itself ("Adapted from …", "Edited for length", "Draft 2 …")."""
    return len(line.split()) <= 60 and bool(_NOTE.search(line))


def first_appeared(line: str) -> bool:
    """A repost note: "This article first appeared in …", "Cet article a d'abord été publié dans …"."""
    return len(line.split()) <= 60 and bool(_FIRST_APPEARED.search(line))


def source_line(line: str) -> str | None:
    """What a "Source: …" / "Fuentes: …" line names (a URL or a publication), else ``None``."""
    if len(line) > 400:
        return None
    match = _SOURCE_LINE.fullmatch(line.strip())
    return match.group("rest").strip() if match else None


def translators(line: str) -> tuple[str, ...] | None:
    """The names of a translator credit ("Translated from the Spanish by Ana Ruiz."), else ``None``."""
    from ...dates import parse_byline

    if len(line) > 200:
        return None
    match = _TRANSLATED.match(line.strip(" —–-"))
    if not match:
        return None
    names = parse_byline("by " + match.group("names").strip().rstrip("."))
    return names or None


def is_contact_start(line: str) -> bool:
    """The first line of a press release's contact block ("Contact:", "Media contact: Ana Ruiz")."""
    return bool(_CONTACT.fullmatch(line.strip()))


def is_contact_detail(line: str) -> bool:
    """A phone number or e-mail address line."""
    return len(line) <= 120 and bool(_PHONE_OR_MAIL.search(line))


def is_boilerplate(line: str) -> bool:
    """A press release's "About the union: …" paragraph or an end mark ("###", "-30-")."""
    return bool(_END_MARK.fullmatch(line.strip())) or bool(_BOILERPLATE.match(line))


def is_end_mark(line: str) -> bool:
    return bool(_END_MARK.fullmatch(line.strip()))


def is_org(name: str) -> bool:
    """Whether a name is an organisation's or a publication's rather than a person's."""
    words = [norm_word(w.strip("(),.")) for w in name.split()]
    if any(w in _ORG_WORDS for w in words):
        return True
    letters = [ch for ch in name if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters) and len(name.split()) == 1


def is_emoji_line(line: str) -> bool:
    return (
        bool(line)
        and not any(ch.isalnum() for ch in line)
        and any(unicodedata.category(ch) == "So" for ch in line)
    )


def is_promo(line: str) -> bool:
    """A call to action: follow, join, subscribe, donate, read more (in several languages)."""
    if len(line) > MAX_META_LINE or len(line.split()) > 30:
        return False
    body = line.lstrip("»>→▶►•*-–— ").strip()
    if _PROMO_START.match(body) or READ_ALSO.match(body):
        return True
    head = " ".join(body.split()[:3])
    return bool(_CALL.search(head)) and bool(_MEDIUM.search(body))


def is_debris(line: str) -> bool:
    if len(line) > MAX_META_LINE:
        return False
    key = norm_word(plain(line).strip(" :!.»>"))
    if key in _DEBRIS_EXACT or RELATED.fullmatch(line.strip()):
        return True
    tokens = [t.strip(":|•·,/()[]").casefold() for t in line.split()]
    tokens = [t for t in tokens if t]
    return bool(tokens) and tokens[0] in _SHARE_LEADS and all(t in _SHARE_TOKENS for t in tokens)


def tags_of(line: str) -> list[str] | None:
    if len(line) > MAX_META_LINE * 2:
        return None
    match = _TAGS.fullmatch(line)
    if not match:
        return None
    return [t.strip(" #.") for t in _TAG_SPLIT.split(match.group("list")) if t.strip(" #.")]


def ends_closed(text: str) -> bool:
    """Whether ``text`` ends with closing punctuation (a sentence), quotes and brackets aside."""
    stripped = text.rstrip(CLOSE_QUOTES + ")]")
    if not stripped or stripped.endswith(("...", "…")):
        return False
    return stripped[-1] in _CLOSING


OPEN_QUOTES = "\"“„«‹‘'「『"
CLOSE_QUOTES = "\"”“»›’'」』"


def sentence_count(text: str) -> int:
    """Sentences in ``text``, not counting the ends of abbreviations (``U.S.``, ``Dr.``, ``J.``)."""
    if len(text) > 5000:
        return 100
    count = 1
    for match in _SENTENCE_END.finditer(text):
        following = text[match.end() : match.end() + 2].lstrip(OPEN_QUOTES + "(")
        if not following or not following[0].isupper():
            continue
        before = text[: match.start()].rsplit(None, 1)[-1] if text[: match.start()].strip() else ""
        word = before.strip(OPEN_QUOTES + "(").rstrip(".")
        if match.group().startswith(".") and (
            "." in word
            or len(word) <= 1
            or word.casefold() in _ABBREVIATIONS
            or (word.isupper() and len(word) <= 3)
        ):
            continue
        count += 1
    return count


def is_credit(text: str) -> bool:
    """Whether ``text`` carries a photo credit ("Photo: …", "(AP Photo/…)", "(Name / Agency)")."""
    return bool(_CREDIT.search(text) or _CREDIT_MORE.search(text))


_CREDIT_MORE = re.compile(
    r"(?<=\s)[A-Z][\w.&-]*\s+(?i:photo|photograph|foto|image)s?\.?\s*$|"  # "… Liberation photo", "AP Photo"
    r"\((?:[^()]{2,60}\s/\s[^()]{2,40}|(?:foto|photo|photos|bild|фото|immagine|imagen|imagem)\s+"
    r"(?:di|de|von|by|par|por|от|da)\s[^()]{2,60})\)\s*$|"
    r"\b(?:foto|photo|bild|фото)\s+(?:di|de|von|by|par|por|от|da)\s+[^\W\d_]",
    re.IGNORECASE,
)
