"""The plain-text reader: web copies with mastheads, datelines, bylines, captions and promos.

The two seeds in ``tests/data/text/`` are real copies from publications' web pages (kept byte for
byte, no-break spaces included); the other files there and the strings below are variants written
to look like copies from other sites and languages.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from editions import EditionsError, read_article
from editions.readers import Draft
from editions.readers.text import is_promo, read, sentence_count

DATA = Path(__file__).parent / "data" / "text"
SPARK = DATA / "004_2a1c0961315da902.txt"
SLL = DATA / "000_eaa8f731155e5689.txt"
JAN9 = dt.date(2023, 1, 9)


def norm(text: str | None) -> str | None:
    """Text with every kind of space made one plain space (typography may add no-break spaces)."""
    return None if text is None else " ".join(text.replace("\u2060", "").split())


def plain(fragment: str) -> str:
    """The visible text of an HTML fragment with every kind of space made one plain space."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", fragment))
    return " ".join(text.replace("\u2060", "").split())


def headings(fragment: str) -> list[str]:
    return [plain(h) for h in re.findall(r"<h2>(.*?)</h2>", fragment, re.S)]


def paragraphs(fragment: str) -> list[str]:
    return [plain(p) for p in re.findall(r"<p>(.*?)</p>", fragment, re.S)]


def parse(text: str, name: str = "article.txt") -> Draft:
    return read(text, Path(name))


def write(tmp_path: Path, text: str, name: str = "article.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def assert_not_in_body(body_html: str, *pieces: str) -> None:
    body = plain(body_html)
    for piece in pieces:
        assert " ".join(piece.split()) not in body, piece


# --- the two seeds ------------------------------------------------------------------------------


def test_seed_files_are_kept_byte_for_byte() -> None:
    assert "\u00a0" in SLL.read_text(encoding="utf-8")
    assert not SLL.read_bytes().endswith(b"\n")  # the copy ends without a newline


def test_spark_seed() -> None:
    article = read_article(SPARK)
    assert article.title == "U.S. Weapons Threaten a Wider War"
    assert article.source.publication == "The Spark"
    assert article.date == JAN9
    assert article.subtitle is None
    assert article.authors == ()
    assert article.lang == "en"
    assert_not_in_body(
        article.body_html,
        "The Spark",
        "the Voice of",
        "The Communist League of Revolutionary Workers",
        "The emancipation of the working class",
        "Karl Marx",
        "U.S. Weapons Threaten a Wider War",
        "Jan 9, 2023",
    )
    first = paragraphs(article.body_html)[0]
    assert first.startswith("On January 1, missiles launched by Ukrainian troops")  # not a caption
    assert first.endswith("between 89 and 400 Russian soldiers.")
    assert headings(article.body_html) == []
    assert len(paragraphs(article.body_html)) == 7
    assert "<blockquote>" not in article.body_html


def test_spark_seed_without_its_dateline_still_finds_the_masthead() -> None:
    text = SPARK.read_text(encoding="utf-8").replace("Jan 9, 2023\n\n", "")
    draft = parse(text)
    assert draft.title == "U.S. Weapons Threaten a Wider War"
    assert draft.publication == "The Spark"
    assert draft.date is None
    assert_not_in_body(draft.body_html, "The Spark", "the Voice of", "Karl Marx")
    assert paragraphs(draft.body_html)[0].startswith("On January 1, missiles")


def test_struggle_la_lucha_seed() -> None:
    article = read_article(SLL)
    assert article.title == "NATO’s escalation in Ukraine: A recipe for direct war on Russia?"
    assert article.subtitle == (
        "Soldiers from U.S. Army Europe’s Charlie Company demonstrate tactics to Ukrainian Marines "
        "and National Guard soldiers."
    )
    assert headings(article.body_html) == [
        "First trainers, then combat troops",
        "2014 coup regime is no democracy",
    ]
    assert [" ".join(p.split()) for p in article.promos] == ["Join the Struggle-La Lucha Telegram channel"]
    assert_not_in_body(
        article.body_html, "Telegram channel", "Soldiers from U.S. Army Europe", "NATO’s escalation"
    )
    assert "Telegram channel" not in " ".join(headings(article.body_html))
    assert paragraphs(article.body_html)[0].startswith("Ukraine is preparing for French military instructors")
    assert article.date is None
    # the page names itself only in its call to join its channel: a guess, marked as one
    assert article.source.publication == "Struggle-La Lucha"
    assert "publication" in article.guessed
    assert article.lang == "en"


def test_struggle_la_lucha_seed_html_details() -> None:
    draft = read(SLL.read_text(encoding="utf-8"), SLL)
    # no-break spaces at paragraph ends are gone, text is escaped, nothing is a block quote
    assert "\u00a0</p>" not in draft.body_html
    assert "over time.”</p>" in draft.body_html
    assert "<blockquote>" not in draft.body_html
    assert draft.body_html.count("<p>") == 17
    assert draft.body_html.count("<h2>") == 2


# --- other publications, other languages (files in tests/data/text) -----------------------------


def test_english_site_with_byline_caption_list_quote_and_debris() -> None:
    article = read_article(DATA / "en_workers_voice.txt")
    assert article.source.publication == "Workers’ Voice"
    assert norm(article.title) == "Nurses at St. Mary’s win safe staffing after 40-day strike"
    assert article.authors == ("Ana Ruiz", "John Smith")
    assert article.date == JAN9
    assert article.subtitle is not None and norm(article.subtitle).startswith("Nurses celebrate outside")
    assert "(Photo: Ana Ruiz/Workers’ Voice)" in norm(article.subtitle)
    assert headings(article.body_html) == ["How the strike was won", "What comes next"]
    assert tuple(map(norm, article.promos)) == (
        "Subscribe to our newsletter",
        "Follow us on Facebook and Twitter",
    )
    assert article.tags == ("nurses", "strikes", "health care")
    assert norm(article.source.rights) == "© 2023 Workers’ Voice. Reprinting with credit is welcome."
    body = article.body_html
    assert re.search(r"<blockquote>\s*<p>“Safe ratios", body)
    assert re.search(r"<ol>\s*<li>Nurses from other hospitals", body)
    assert body.count("<li>") == 3
    assert_not_in_body(
        body, "Workers’ Voice", "By Ana Ruiz", "January 9, 2023", "Photo:", "Subscribe", "Follow us",
        "Tags:", "Share this article", "©",
    )  # fmt: skip
    assert paragraphs(body)[0].startswith("After forty days on the picket line")


def test_multi_line_masthead_with_tagline_and_navigation() -> None:
    article = read_article(DATA / "en_labor_tribune_nav.txt")
    assert article.source.publication == "The Labor Tribune"
    assert article.title == "Bus drivers vote to authorize strike"
    assert article.subtitle == "Transit workers say their wages have not kept up with rents in the city"
    assert article.date == dt.date(2023, 1, 10)
    assert article.authors == ("Maria Lopez",)
    assert article.promos == ("Sign up for our weekly newsletter",)
    assert_not_in_body(
        article.body_html, "Skip to content", "Home", "the newspaper of", "Posted on", "Related articles",
        "Teachers strike enters second week", "Rail workers reject contract", "Sign up",
    )  # fmt: skip
    assert paragraphs(article.body_html)[0].startswith("Bus drivers for the Metro Transit Authority voted")
    assert paragraphs(article.body_html)[-1] == "The authority has offered a 2 percent raise."


@pytest.mark.parametrize(
    ("name", "lang", "publication", "title", "authors", "heading", "promos"),
    [
        (
            "fr_greve.txt", "fr", "Le Travailleur", "Grève à la raffinerie : les salariés tiennent bon",
            ("Marie Dupont",), ["Une solidarité qui grandit"],
            ("Suivez-nous sur Telegram", "Abonnez-vous à notre lettre d’information"),
        ),
        (
            "de_streik.txt", "de", "Rote Fahne News",
            "Streik bei der Bahn: Lokführer legen die Arbeit nieder",
            ("Hans Müller",), ["Wie geht es weiter?"],
            ("Folgen Sie uns auf Telegram!", "Jetzt spenden und unabhängigen Journalismus unterstützen"),
        ),
        (
            "es_huelga.txt", "es", "La Voz Obrera", "Trabajadores de la salud en huelga",
            ("Ana Ruiz", "Carlos Pérez"), ["Las demandas"],
            ("Síguenos en Telegram", "Únete a nuestro canal de WhatsApp"),
        ),
        (
            "ru_zabastovka.txt", "ru", "Рабочая газета", "Забастовка на заводе продолжается",
            ("Иван Петров",), ["Что дальше"], ("Подписывайтесь на наш Telegram-канал",),
        ),
        (
            "uk_strike.txt", "uk", "Робітнича правда", "Шахтарі вимагають виплати зарплати",
            (), [], ("Підписуйтесь на наш канал у Telegram",),
        ),
    ],
)  # fmt: skip
def test_other_languages(
    name: str,
    lang: str,
    publication: str,
    title: str,
    authors: tuple[str, ...],
    heading: list[str],
    promos: tuple[str, ...],
) -> None:
    article = read_article(DATA / name)
    assert article.lang == lang
    assert article.source.publication == publication
    assert " ".join(article.title.split()) == title
    assert article.authors == authors
    assert article.date == JAN9
    assert headings(article.body_html) == heading
    assert tuple(" ".join(p.split()) for p in article.promos) == promos
    assert_not_in_body(article.body_html, publication, title, *promos, "2023")
    assert len(paragraphs(article.body_html)) >= 2


# --- mastheads and anchors ------------------------------------------------------------------------


BODY = (
    "Workers at the plant walked out on Monday after talks broke down. The union says the company "
    "refused every proposal.\n\n"
    "The company said it would not comment. Pickets were set up at both gates by noon.\n\n"
    "A rally is planned for Friday.\n"
)


def test_one_line_masthead_and_date() -> None:
    draft = parse(f"Fight Back News\n\nPlant workers walk out over pay\n\nJanuary 9, 2023\n\n{BODY}")
    assert draft.publication == "Fight Back News"
    assert draft.title == "Plant workers walk out over pay"
    assert draft.date == JAN9
    assert_not_in_body(draft.body_html, "Fight Back News", "Plant workers walk out", "January 9")
    assert len(paragraphs(draft.body_html)) == 3


def test_masthead_of_several_blocks_with_navigation() -> None:
    text = (
        "Menu\n\nPeople’s Tribune\nIndependent news for working people\n\n"
        "News • Labor • Housing • About • Donate\n\n"
        f"Tenants win rent freeze\n\nBy Li Wei\n\n{BODY}"
    )
    draft = parse(text)
    assert draft.publication == "People’s Tribune"
    assert draft.title == "Tenants win rent freeze"
    assert draft.authors == ("Li Wei",)
    assert draft.date is None
    assert_not_in_body(draft.body_html, "Menu", "People’s Tribune", "Donate", "By Li Wei")


def test_masthead_with_a_domain_name_and_no_dateline() -> None:
    draft = parse(f"workers.org\n\nPlant workers walk out over pay\n\n{BODY}")
    assert draft.publication is None  # a domain is not a name
    assert draft.title == "Plant workers walk out over pay"
    assert_not_in_body(draft.body_html, "workers.org")


def test_no_masthead_no_date() -> None:
    draft = parse(f"Plant workers walk out over pay\n\n{BODY}")
    assert draft.title == "Plant workers walk out over pay"
    assert draft.publication is None
    assert draft.date is None
    assert draft.authors == ()
    assert len(paragraphs(draft.body_html)) == 3


def test_dateline_above_the_title() -> None:
    draft = parse(f"January 9, 2023\n\nPlant workers walk out over pay\n\n{BODY}")
    assert draft.title == "Plant workers walk out over pay"
    assert draft.date == JAN9
    assert draft.publication is None
    assert_not_in_body(draft.body_html, "January 9, 2023", "Plant workers walk out")


def test_byline_alone_is_an_anchor() -> None:
    draft = parse(
        f"The Spark Weekly\n\nPlant workers walk out over pay\n\nBy Ana Ruiz, Staff Writer\n\n{BODY}"
    )
    assert draft.publication == "The Spark Weekly"
    assert draft.title == "Plant workers walk out over pay"
    assert draft.authors == ("Ana Ruiz",)
    assert_not_in_body(draft.body_html, "Staff Writer", "The Spark Weekly")


def test_byline_and_dateline_in_one_block() -> None:
    draft = parse(f"Plant workers walk out over pay\nBy Ana Ruiz\nJan 9, 2023\n\n{BODY}")
    assert draft.title == "Plant workers walk out over pay"
    assert draft.authors == ("Ana Ruiz",)
    assert draft.date == JAN9
    assert_not_in_body(draft.body_html, "Ana Ruiz", "Jan 9")


def test_byline_and_date_on_one_line() -> None:
    draft = parse(f"Plant workers walk out over pay\n\nAna Ruiz, January 9, 2023\n\n{BODY}")
    assert draft.authors == ("Ana Ruiz",)
    assert draft.date == JAN9


def test_bare_name_above_the_dateline() -> None:
    draft = parse(f"Plant workers walk out over pay\n\nAna Ruiz\n\nJanuary 9, 2023\n\n{BODY}")
    assert draft.title == "Plant workers walk out over pay"
    assert draft.authors == ("Ana Ruiz",)
    assert draft.publication is None
    assert_not_in_body(draft.body_html, "Ana Ruiz")


def test_bare_name_below_the_dateline() -> None:
    draft = parse(f"Plant workers walk out over pay\n\nJanuary 9, 2023\n\nAna Ruiz\n\n{BODY}")
    assert draft.authors == ("Ana Ruiz",)
    assert_not_in_body(draft.body_html, "Ana Ruiz")


def test_title_case_title_above_a_bare_name() -> None:
    draft = parse(f"Nurses Win Their Strike\n\nAna Ruiz\n\nJan 9, 2023\n\n{BODY}")
    assert draft.title == "Nurses Win Their Strike"
    assert draft.authors == ("Ana Ruiz",)


def test_short_title_case_title_under_a_site_name_is_the_title() -> None:
    draft = parse(f"The Labor Tribune\n\nNurses Win Strike\n\nJan 9, 2023\n\n{BODY}")
    assert draft.publication == "The Labor Tribune"
    assert draft.title == "Nurses Win Strike"
    assert draft.authors == ()


def test_site_name_then_date_then_title() -> None:
    text = f"The Spark\n\nJan 9, 2023\n\nU.S. Weapons Threaten a Wider War\n\n{BODY}"
    draft = parse(text)
    assert draft.publication == "The Spark"
    assert draft.title == "U.S. Weapons Threaten a Wider War"
    assert draft.date == JAN9
    assert headings(draft.body_html) == []


def test_title_then_date_then_a_first_heading() -> None:
    draft = parse(f"Plant Workers Walk Out\n\nJan 9, 2023\n\nBackground\n\n{BODY}")
    assert draft.title == "Plant Workers Walk Out"
    assert draft.publication is None
    assert headings(draft.body_html) == ["Background"]


def test_wordpress_style_header_with_navigation_buttons_and_categories() -> None:
    text = (
        "Skip to content\nSocialist Worker\nMenu\nHome\nNews\nAbout\n\nPlant workers walk out\n\n"
        f"January 9, 2023\n\nCategories: Labor, Strikes\n\nShare\n\n{BODY}"
    )
    draft = parse(text)
    assert draft.publication == "Socialist Worker"
    assert draft.title == "Plant workers walk out"
    assert draft.date == JAN9
    assert draft.tags == ("Labor", "Strikes")
    assert headings(draft.body_html) == []
    assert_not_in_body(draft.body_html, "Skip to content", "Menu", "Categories", "Share")


def test_blog_style_header_with_follow_button_and_reading_time() -> None:
    draft = parse(f"Plant workers walk out\n\nAna Ruiz\n\nFollow\n\n5 min read · Jan 9, 2023\n\n{BODY}")
    assert draft.title == "Plant workers walk out"
    assert draft.authors == ("Ana Ruiz",)
    assert draft.date == JAN9
    assert_not_in_body(draft.body_html, "Follow", "min read")


def test_standfirst_between_title_and_byline() -> None:
    draft = parse(
        "Plant workers walk out over pay\n\n"
        "After six months of talks, the union says the company never made a serious offer.\n\n"
        f"By Ana Ruiz | Jan 9, 2023\n\n{BODY}"
    )
    assert draft.title == "Plant workers walk out over pay"
    assert (
        draft.subtitle == "After six months of talks, the union says the company never made a serious offer."
    )
    assert draft.authors == ("Ana Ruiz",)
    assert draft.date == JAN9
    assert draft.publication is None


def test_paragraph_above_a_byline_is_not_a_title() -> None:
    lead = (
        "Workers at the plant walked out on Monday after talks broke down over wages, pensions and "
        "the forced overtime that the company has imposed on every shift since the summer."
    )
    draft = parse(f"{lead}\n\nBy Ana Ruiz\n\n{BODY}")
    assert draft.title is None
    assert draft.authors == ("Ana Ruiz",)
    assert paragraphs(draft.body_html)[0] == lead
    assert_not_in_body(draft.body_html, "Ana Ruiz")


def test_header_date_wins_over_a_date_at_the_end() -> None:
    draft = parse(f"Title\n\nJan 9, 2023\n\n{BODY}\nUpdated January 10, 2023")
    assert draft.date == JAN9
    assert_not_in_body(draft.body_html, "Updated")


def test_dateline_words_inside_the_body_are_not_an_anchor() -> None:
    draft = parse(
        "Plant workers walk out over pay\n\nThe strike began on January 9, 2023, at the main plant.\n\n"
        "By the end of the week, the second plant had joined.\n\nA rally is planned for Friday.\n"
    )
    assert draft.title == "Plant workers walk out over pay"
    assert draft.date is None
    assert draft.authors == ()
    assert len(paragraphs(draft.body_html)) == 3


# --- captions and standfirsts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "caption",
    [
        "Strikers picket outside the plant gates. Photo: Ana Ruiz",
        "Strikers outside the plant gates (AP Photo/John Smith)",
        "Strikers outside the plant gates. Credit: Getty Images",
        "Huelguistas frente a la fábrica. Foto: Ana Ruiz",
        "Забастовщики у ворот завода. Фото: Иван Петров",
        "Steelworkers rally outside the plant gates.",
    ],
)
def test_caption_under_the_title(caption: str) -> None:
    draft = parse(f"Plant workers walk out over pay\n\n{caption}\n\n{BODY}")
    assert draft.subtitle == caption
    assert_not_in_body(draft.body_html, caption)


def test_caption_after_the_dateline() -> None:
    draft = parse(
        f"Plant workers walk out over pay\n\nJan 9, 2023\n\nPickets at the gate. (Reuters/Ana Ruiz)\n\n{BODY}"
    )
    assert draft.subtitle == "Pickets at the gate. (Reuters/Ana Ruiz)"
    assert draft.date == JAN9


@pytest.mark.parametrize(
    "lead",
    [
        "Workers at the plant voted to strike after talks broke down.",  # past tense
        "Workers at the plant are on strike since January 9.",  # a date
        "Workers at the plant are on strike. Talks have broken down.",  # two sentences
        "“We are not going back,” says a striker at the plant gates.",  # a quotation
        "We are on strike at the plant until the company pays up.",  # first person
        "Workers at the plant say the company refuses to negotiate.",  # reporting verb
        "Les ouvriers de l’usine manifestent devant les grilles.",  # not English, no credit
        "Strike",  # too short
    ],
)
def test_first_paragraph_is_not_taken_for_a_caption(lead: str) -> None:
    draft = parse(f"Plant workers walk out over pay\n\n{lead}\n\n{BODY}")
    assert draft.subtitle is None
    assert lead in plain(draft.body_html)


def test_caption_needs_two_paragraphs_after_it() -> None:
    draft = parse(
        "Plant workers walk out\n\nSteelworkers rally outside the plant gates.\n\nThe only paragraph.\n"
    )
    assert draft.subtitle is None
    assert paragraphs(draft.body_html) == [
        "Steelworkers rally outside the plant gates.",
        "The only paragraph.",
    ]


# --- front matter -------------------------------------------------------------------------------


def test_front_matter_overrides_detection(tmp_path: Path) -> None:
    text = (
        "---\ntitle: A Better Title\nauthor: [Someone Else]\ndate: 2020-01-02\npublication: Other Paper\n"
        "lang: en\nurl: https://example.org/a\n---\n"
        f"Fight Back News\n\nPlant workers walk out over pay\n\nBy Ana Ruiz | January 9, 2023\n\n{BODY}"
    )
    article = read_article(write(tmp_path, text))
    assert article.title == "A Better Title"
    assert article.authors == ("Someone Else",)
    assert article.date == dt.date(2020, 1, 2)
    assert article.source.publication == "Other Paper"
    assert article.source.url == "https://example.org/a"
    assert_not_in_body(article.body_html, "Fight Back News", "Plant workers walk out", "Ana Ruiz")


def test_front_matter_fills_what_detection_lacks(tmp_path: Path) -> None:
    text = (
        "---\nurl: https://example.org/a\ntags: [labor]\n---\n"
        f"Plant workers walk out over pay\n\nJan 9, 2023\n\n{BODY}"
    )
    article = read_article(write(tmp_path, text))
    assert article.title == "Plant workers walk out over pay"
    assert article.date == JAN9
    assert article.tags == ("labor",)
    assert article.source.url == "https://example.org/a"


def test_front_matter_title_keeps_a_short_first_paragraph() -> None:
    draft = parse("---\ntitle: The Title\n---\nA short first paragraph.\n\nA second paragraph.\n")
    assert draft.title == "The Title"
    assert paragraphs(draft.body_html) == ["A short first paragraph.", "A second paragraph."]


def test_front_matter_title_repeated_in_the_text_is_not_body() -> None:
    draft = parse("---\ntitle: The Title\n---\nThe Title\n\nA short first paragraph.\n\nA second one.\n")
    assert paragraphs(draft.body_html) == ["A short first paragraph.", "A second one."]


def test_front_matter_subtitle_leaves_the_caption_in_the_body() -> None:
    draft = parse(
        f"---\nsubtitle: Given\n---\nPlant workers walk out\n\nPickets at the gate. Photo: AP\n\n{BODY}"
    )
    assert draft.subtitle == "Given"
    assert "Pickets at the gate. Photo: AP" in plain(draft.body_html)


def test_front_matter_lang_is_kept_and_otherwise_left_to_finish() -> None:
    assert parse("---\nlang: fr\n---\nTitre\n\nTexte.\n").lang == "fr"
    assert parse("Titre\n\nTexte.\n").lang is None


def test_broken_front_matter_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "---\ntitle: [unclosed\n---\nBody.\n")
    with pytest.raises(EditionsError) as info:
        read_article(path)
    assert str(path) in str(info.value)


def test_front_matter_only() -> None:
    draft = parse("---\ntitle: Only a title\n---\n")
    assert draft.title == "Only a title"
    assert draft.body_html == ""


# --- short texts --------------------------------------------------------------------------------


def test_a_single_paragraph_gets_the_file_name_as_title(tmp_path: Path) -> None:
    text = (
        "Only one paragraph of text, long enough that it cannot be a title: it goes on about the strike, "
        "the pickets, the rally, the union and the company, and it ends with a period."
    )
    article = read_article(write(tmp_path, text, "strike-report.txt"))
    assert article.title == "strike report"
    assert paragraphs(article.body_html) == [text]


def test_title_and_one_paragraph() -> None:
    draft = parse("Title only\n\nOne paragraph.")
    assert draft.title == "Title only"
    assert paragraphs(draft.body_html) == ["One paragraph."]
    assert headings(draft.body_html) == []


def test_windows_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(
        f"Plant workers walk out\r\n\r\nJan 9, 2023\r\n\r\n{BODY}".replace("\n", "\r\n").encode()
    )
    article = read_article(path)
    assert article.title == "Plant workers walk out"
    assert article.date == JAN9
    assert len(paragraphs(article.body_html)) == 3


# --- headings -------------------------------------------------------------------------------------


def test_heading_right_after_the_title_and_not_at_the_end() -> None:
    draft = parse(
        "Plant workers walk out\n\nBackground\n\nFirst paragraph.\n\nWhat happens next\n\n"
        "Second paragraph.\n\nSolidarity forever"
    )
    assert draft.title == "Plant workers walk out"
    assert headings(draft.body_html) == ["Background", "What happens next"]
    assert paragraphs(draft.body_html)[-1] == "Solidarity forever"  # a last line is not a heading


def test_two_short_lines_in_a_row_are_not_both_headings() -> None:
    draft = parse("Title\n\nFirst paragraph.\n\nPart one\n\nThe beginning\n\nSecond paragraph.")
    assert headings(draft.body_html) == ["The beginning"]
    assert "Part one" in paragraphs(draft.body_html)


@pytest.mark.parametrize(
    "line",
    [
        "The demands were these:",  # ends with a colon
        "Nobody came.",
        "“We won”",  # a quotation
        "— Ana Ruiz",  # an attribution
        "Photo: Ana Ruiz",  # a credit
        "https://example.org/strike",
        "This line has far too many words to be a heading of any article we would ever print",
        "Is this a question that goes on for far too long to be a heading?",
    ],
)
def test_short_lines_that_are_not_headings(line: str) -> None:
    draft = parse(f"Title\n\nFirst paragraph.\n\n{line}\n\nSecond paragraph.")
    assert headings(draft.body_html) == []
    assert line in paragraphs(draft.body_html)


@pytest.mark.parametrize(
    "line", ["Why now?", "2014 coup regime is no democracy", "1. Introduction", "ЧТО ДАЛЬШЕ"]
)
def test_short_lines_that_are_headings(line: str) -> None:
    draft = parse(f"Title\n\nFirst paragraph.\n\n{line}\n\nSecond paragraph.")
    assert headings(draft.body_html) == [line]


# --- lists, quotes, verse -------------------------------------------------------------------------


def test_numbered_lines_are_a_list_not_headings() -> None:
    draft = parse(
        "Title\n\nOur demands:\n\n1. Raise wages\n\n2. Hire more staff\n\n3. End forced overtime\n\nThe end."
    )
    assert headings(draft.body_html) == []
    assert re.search(
        r"<ol>\s*<li>Raise wages</li>\s*<li>Hire more staff</li>\s*<li>End forced overtime</li>",
        draft.body_html,
    )


def test_numbered_list_in_one_block_with_start_and_continuation() -> None:
    draft = parse("Title\n\nIntro.\n\n3. Third point\ngoes on here\n4. Fourth point\n\nEnd.")
    assert '<ol start="3">' in draft.body_html
    assert "<li>Third point goes on here</li>" in draft.body_html


def test_bullet_lists() -> None:
    draft = parse("Title\n\nWe want:\n\n- bread\n- roses\n\n• peace\n• land\n\nAfter.")
    assert draft.body_html.count("<ul>") == 2
    assert "<li>bread</li>" in draft.body_html and "<li>land</li>" in draft.body_html


def test_a_lone_dash_line_is_not_a_list() -> None:
    draft = parse("Title\n\nFirst paragraph.\n\n- Are you coming to the rally?\n\nSecond paragraph.")
    assert "<ul>" not in draft.body_html
    assert "- Are you coming to the rally?" in paragraphs(draft.body_html)


def test_year_at_the_start_of_a_sentence_is_not_a_list() -> None:
    draft = parse("Title\n\n2023 was a hard year for workers.\n\n1968. That was the year.\n\nEnd.")
    assert "<ol>" not in draft.body_html
    assert len(paragraphs(draft.body_html)) == 3


def test_quote_marked_with_greater_than_signs() -> None:
    draft = parse(
        "Title\n\nThe letter said:\n\n> We will not return until the ratios are in writing\n"
        "> and enforced.\n\n> Signed, the nurses\n\nAfter."
    )
    assert re.search(
        r"<blockquote>\s*<p>We will not return.*</p>\s*<p>Signed, the nurses</p>\s*</blockquote>",
        draft.body_html,
        re.S,
    )
    assert ">" not in plain(draft.body_html)


def test_quoted_paragraphs_after_a_colon_are_a_block_quote() -> None:
    draft = parse(
        "Title\n\nThe statement read:\n\n“We are on strike for safe staffing.\n\n"
        "“We will not go back without it.”\n\nThe company did not reply.\n"
    )
    assert re.search(
        r"<blockquote>\s*<p>“We are on strike.*?</p>\s*"
        r"<p>“We will not go back without it.”</p>\s*</blockquote>",
        draft.body_html,
        re.S,
    )
    assert paragraphs(draft.body_html)[-1] == "The company did not reply."


def test_quoted_paragraph_without_a_colon_stays_a_paragraph() -> None:
    draft = parse("Title\n\nThe union spoke.\n\n“We are on strike for safe staffing.”\n\nEnd.")
    assert "<blockquote>" not in draft.body_html


def test_epigraph_in_the_body_is_a_block_quote() -> None:
    draft = parse("Title\n\n“Workers of the world, unite!”\n— Karl Marx\n\nFirst paragraph.\n\nSecond.")
    assert re.search(
        r"<blockquote>\s*<p>“Workers of the world, unite!”</p>\s*<p>— Karl Marx</p>\s*</blockquote>",
        draft.body_html,
    )


def test_a_signed_paragraph_is_not_an_epigraph() -> None:
    draft = parse(
        "Title\n\nFirst paragraph.\n\n"
        "Thank you all for standing with us through this long strike.\n— Ana Ruiz\n\nEnd."
    )
    assert "<blockquote>" not in draft.body_html


def test_verse_keeps_its_line_breaks_and_prose_is_joined() -> None:
    draft = parse(
        "Title\n\nSolidarity forever,\nSolidarity forever,\nFor the union makes us strong.\n\n"
        "This paragraph was wrapped by the program that saved it, so its lines\n"
        "are long and should be joined into one paragraph with a single space.\n\nEnd."
    )
    assert (
        "Solidarity forever,<br>\nSolidarity forever,<br>\nFor the union makes us strong." in draft.body_html
    )
    assert "so its lines are long and should be joined" in draft.body_html


def test_spaces_and_escaping() -> None:
    draft = parse(
        "Title\n\n  Wages  &  <hours>\u00a0 \u00a0matter\u00a0 .\u00a0\u00a0\n\nA\u00a0B.\u200b\n\nEnd."
    )
    assert "<p>Wages &amp; &lt;hours&gt; matter .</p>" in draft.body_html
    assert "<p>A\u00a0B.</p>" in draft.body_html  # a single no-break space between words is kept


# --- promos and page debris ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Join the Struggle-La Lucha Telegram channel",
        "Join our mailing list",
        "Subscribe to our newsletter",
        "Follow us on Twitter, Facebook and Instagram",
        "Support independent journalism: donate today",
        "Donate to keep this paper going",
        "Read more: Teachers strike enters second week",
        "Become a member",
        "Suivez-nous sur Telegram",
        "Rejoignez notre chaîne Telegram",
        "Abonnez-vous à notre lettre d’information",
        "Folgen Sie uns auf Telegram",
        "Unterstützen Sie uns mit einer Spende",
        "Síguenos en Telegram",
        "Únete a nuestro canal de Telegram",
        "Suscríbete a nuestro boletín",
        "Подписывайтесь на наш Telegram-канал",
        "Присоединяйтесь к нашему каналу",
        "Читайте также: Забастовка продолжается",
        "Підписуйтесь на наш канал",
        "Seguici su Telegram",
        "Siga-nos no Instagram",
        "Volg ons op Mastodon",
        "Obserwuj nas na Facebooku",
    ],
)
def test_promo_lines(line: str) -> None:
    assert is_promo(line)


@pytest.mark.parametrize(
    "line",
    [
        "Join the picket line on Monday at 8 at the main gate.",
        "Follow the money.",
        "Support the strikers!",
        "The union channel its anger into action.",
        "Workers joined the Telegram channel of the union in thousands, and the company took notice of it.",
        "Subscribe " + "x" * 300,
    ],
)
def test_not_promo_lines(line: str) -> None:
    assert not is_promo(line)


def test_tail_debris_tags_and_rights() -> None:
    draft = parse(
        f"Title\n\n{BODY}\nShare this:\nFacebook | Twitter | Email\n\nTags: strike, wages; union\n\n"
        "Leave a comment\n\nCopyright 2023 Fight Back News\n"
    )
    assert draft.tags == ("strike", "wages", "union")
    assert draft.rights == "Copyright 2023 Fight Back News"
    assert draft.promos == []
    assert paragraphs(draft.body_html)[-1] == "A rally is planned for Friday."


def test_hashtags_at_the_end_are_tags() -> None:
    draft = parse(f"Title\n\n{BODY}\n#strike #union")
    assert draft.tags == ("strike", "union")
    assert "#" not in draft.body_html


def test_promo_lines_at_the_end_of_the_last_paragraph_block() -> None:
    draft = parse("Title\n\nFirst paragraph.\n\nThe last paragraph.\nFollow us on Telegram\nDonate today")
    assert draft.promos == ["Follow us on Telegram", "Donate today"]
    assert paragraphs(draft.body_html)[-1] == "The last paragraph."


def test_related_articles_end_the_article() -> None:
    draft = parse(f"Title\n\n{BODY}\nRelated\n\nAnother story about strikes\n\nYet another story\n")
    assert_not_in_body(draft.body_html, "Related", "Another story", "Yet another story")
    assert paragraphs(draft.body_html)[-1] == "A rally is planned for Friday."


def test_advertisement_and_read_also_inside_the_body() -> None:
    draft = parse(
        "Title\n\nFirst paragraph.\n\nAdvertisement\n\nSecond paragraph.\n\n"
        "Lire aussi : La grève continue\n\nThird."
    )
    assert paragraphs(draft.body_html) == ["First paragraph.", "Second paragraph.", "Third."]
    assert draft.promos == ["Lire aussi : La grève continue"]


def test_dateline_and_byline_at_the_end() -> None:
    draft = parse(f"Title\n\n{BODY}\nBy Ana Ruiz\n\nPublished January 9, 2023\n")
    assert draft.date == JAN9
    assert draft.authors == ("Ana Ruiz",)
    assert_not_in_body(draft.body_html, "Published", "Ana Ruiz")


def test_promos_keep_their_order() -> None:
    draft = parse("Title\n\nOne.\n\nRead also: First link\n\nTwo.\n\nThree.\n\nFollow us on Telegram")
    assert draft.promos == ["Read also: First link", "Follow us on Telegram"]


def test_promo_is_never_a_heading_even_mid_text() -> None:
    draft = parse("Title\n\nFirst paragraph.\n\nRead also: The strike goes on\n\nSecond paragraph.")
    assert headings(draft.body_html) == []
    assert draft.promos == ["Read also: The strike goes on"]


# --- robustness ----------------------------------------------------------------------------------


def test_sentence_count() -> None:
    assert sentence_count("Soldiers from U.S. Army Europe’s Charlie Company demonstrate tactics.") == 1
    assert sentence_count("Gen. Charles Q. Brown Jr. said so. Then he left.") == 2
    assert sentence_count("One. Two! Three?") == 3


def test_large_text_is_read_in_linear_time() -> None:
    paragraph = "Workers at the plant voted to strike on Monday, and the vote was 90 percent in favour. " * 6
    text = "Title\n\nJanuary 9, 2023\n\n" + "\n\n".join([paragraph, "A heading", paragraph] * 20_000)
    assert len(text) > 20_000_000
    start = time.perf_counter()
    draft = parse(text)
    assert time.perf_counter() - start < 20
    assert draft.body_html.count("<h2>") == 20_000


@pytest.mark.parametrize(
    "line",
    [
        "By " + "Ana " * 12_500,
        "9 January 2023 " * 3_400,
        "- " * 25_000,
        "| " * 25_000,
        "“" + "quoted " * 7_000,
        "Join " + "Telegram " * 5_600,
        "Tags: " + "a, " * 16_000,
    ],
)
def test_one_huge_line_does_not_hang(line: str) -> None:
    assert len(line) >= 45_000
    start = time.perf_counter()
    parse(f"Title\n\n{line}\n\n{line}\n— {line}\n\nEnd.\n\n{line}")
    assert time.perf_counter() - start < 2


PIECES = [
    "", "", "", "Title", "The Spark", "By Ana Ruiz", "Ana Ruiz", "Jan 9, 2023", "9 janvier 2023", "- item",
    "* item", "1. first", "2) second", "> quoted", "“Quoted.”", "— Karl Marx", "Join our Telegram channel",
    "Tags: a, b", "Related", "Advertisement", "Read also: x", "Share", "©", "<script>alert(1)</script>",
    "A & B < C", "Photo: AP", "A sentence that ends.", "What next?", "\u00a0", "  ", "#tag", "---", "x" * 300,
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_any_mix_of_lines_reads_and_escapes(lines: list[str]) -> None:
    try:
        draft = parse("\n".join(lines))
    except EditionsError:
        assert lines[0] == "---"  # a "---" first line starts front matter: a clear error at worst
        return
    markup = re.sub(r"</?(?:p|h2|blockquote|ul|ol|li)>|<ol start=\"\d+\">|<br>", "", draft.body_html)
    assert "<" not in markup and ">" not in markup
    assert draft.title is None or draft.title.strip() == draft.title
