"""The plain-text reader on page shapes people copy: headers, footers, furniture, and evidence.

Each case is a small page written for this test (invented names and publications), in the shape
real copied pages have. Every shape is also checked with its paragraphs joined by single line
breaks (as several browsers and chat apps copy), which must read the same.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest

from editions.readers import Draft
from editions.readers.text import read


def plain(fragment: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", fragment))
    return " ".join(text.replace("\u2060", "").split())


def paragraphs(fragment: str) -> list[str]:
    return [plain(p) for p in re.findall(r"<p>(.*?)</p>", fragment, re.S)]


def headings(fragment: str) -> list[str]:
    return [plain(h) for h in re.findall(r"<h2>(.*?)</h2>", fragment, re.S)]


def single(text: str) -> str:
    """The same text with paragraphs joined by one line break."""
    return re.sub(r"\n[ \t]*\n+", "\n", text)


def both(text: str, name: str = "page.txt") -> list[Draft]:
    """The page read as given, and read with single line breaks."""
    return [read(text, Path(name)), read(single(text), Path(name))]


LEAD = (
    "Drivers at the northern depot stopped work at dawn on Monday, saying the new rosters leave them "
    "with less than nine hours between shifts."
)
SECOND = "The company has not replied to the union's letter, which asks for talks before the weekend."
THIRD = "A rally is planned outside the depot on Friday afternoon."
BODY = f"{LEAD}\n\n{SECOND}\n\n{THIRD}\n"


def first_paragraph(draft: Draft) -> str:
    return paragraphs(draft.body_html)[0]


# --- line breaks ---------------------------------------------------------------------------------


def test_crlf_trailing_and_no_break_spaces_read_like_plain_lines() -> None:
    text = "Depot drivers stop work\r\n\r\nBy Ana Ruiz \r\n\r\n" + BODY.replace("\n", "\r\n").replace(
        " saying", "\u00a0\u00a0saying"
    )
    draft = read(text, Path("a.txt"))
    assert draft.title == "Depot drivers stop work"
    assert draft.authors == ("Ana Ruiz",)
    assert first_paragraph(draft).startswith(
        "Drivers at the northern depot stopped work at dawn on Monday, saying"
    )
    assert len(paragraphs(draft.body_html)) == 3


def test_hard_wrapped_text_is_joined_into_paragraphs_and_keeps_its_headings() -> None:
    wrapped = (
        "Why the night shift voted for a union\n\nBy Ana Ruiz\n\n"
        "When the night staff at the hospital first started talking about a\n"
        "union, most of them assumed it would never happen. Management had\n"
        "seen off two earlier attempts, and the night shift was spread across\n"
        "six floors that barely saw each other.\n\n"
        "What changed\n\n"
        "It was the staffing grid. In January the hospital cut one nurse from\n"
        "every night rotation on the medical floors, and within a month the\n"
        "incident reports had doubled across all of the wards that night.\n\n"
        "What comes next\n\n"
        "The vote was 148 to 61. Bargaining is expected to start in the spring,\n"
        "and the nurses say safe staffing ratios will come first at the table.\n"
    )
    for draft in both(wrapped):
        assert draft.title == "Why the night shift voted for a union"
        assert headings(draft.body_html) == ["What changed", "What comes next"]
        assert paragraphs(draft.body_html)[0].endswith("six floors that barely saw each other.")
        assert len(paragraphs(draft.body_html)) == 3


# --- the header -----------------------------------------------------------------------------------


def test_kicker_title_standfirst_byline_and_date() -> None:
    text = (
        "Transport\n\nDepot drivers stop work over rosters\n\n"
        "Drivers say the new timetable leaves them too little rest between shifts\n\n"
        f"By Ana Ruiz\n9 April 2024\n\n{BODY}"
    )
    for draft in both(text):
        assert draft.title == "Depot drivers stop work over rosters"
        assert draft.subtitle == "Drivers say the new timetable leaves them too little rest between shifts"
        assert draft.evidence["subtitle"].sure  # not caption-shaped: surely the standfirst
        assert draft.authors == ("Ana Ruiz",)
        assert draft.date == dt.date(2024, 4, 9)
        assert draft.publication is None  # a one-word section label is not the publication
        assert first_paragraph(draft) == LEAD
        assert "Transport" not in plain(draft.body_html)


def test_a_standfirst_that_reads_like_a_photo_caption_is_kept_but_marked_for_review() -> None:
    """Under a title, "Strikers march past the depot gates." may be the standfirst or the caption of
    the page's photo: it is kept as the subtitle, and the import asks a person to check it."""
    caption = "Drivers from the northern depot's night shift march past the gates with their banners."
    text = f"Depot drivers stop work over rosters\n\n{caption}\n\n{BODY}"
    for draft in both(text):
        assert draft.subtitle == caption
        assert draft.evidence["subtitle"].sure is False
        assert first_paragraph(draft) == LEAD


def test_masthead_tagline_and_motto_above_the_title() -> None:
    text = (
        "The Signal Box\n\nthe Paper of\nThe Rail Workers' League\n\n"
        "“An injury to one is an injury to all.”\n— Old union saying\n\n"
        f"Depot drivers stop work\n\nApr 9, 2024\n\n{BODY}"
    )
    for draft in both(text):
        assert draft.publication == "The Signal Box"
        assert draft.title == "Depot drivers stop work"
        assert draft.authors == ()  # the motto's author is not the article's
        assert draft.date == dt.date(2024, 4, 9)
        assert first_paragraph(draft) == LEAD


def test_masthead_without_a_title_leaves_the_title_to_the_file_name() -> None:
    text = (
        "The Signal Box\n\nthe Paper of\nThe Rail Workers' League\n\n"
        f"“An injury to one is an injury to all.”\n— Old union saying\n\n\nApr 9, 2024\n\n{BODY}"
    )
    for draft in both(text):
        assert draft.title is None
        assert draft.publication == "The Signal Box"
        assert first_paragraph(draft) == LEAD
        assert draft.evidence["title"].sure is False


def test_a_title_set_over_two_lines_is_one_title() -> None:
    draft = read(f"Wages Frozen!\nBonuses Paid\n\nApr 9, 2024\n\n{BODY}", Path("a.txt"))
    assert draft.title == "Wages Frozen! Bonuses Paid"
    assert draft.authors == ()


def test_a_name_glued_to_the_first_word_of_the_text_is_the_byline() -> None:
    text = f"Depot drivers stop work\nDrivers say rosters leave too little rest\nAna Ruiz{LEAD}\n{SECOND}\n"
    draft = read(text, Path("a.txt"))
    assert draft.authors == ("Ana Ruiz",)
    assert draft.subtitle == "Drivers say rosters leave too little rest"
    assert first_paragraph(draft) == LEAD


def test_a_caption_with_a_credit_under_the_standfirst_is_not_the_text() -> None:
    text = (
        "Depot drivers stop work\n\n"
        "Hundreds of drivers stayed away from the depots on Monday. The union says the rosters broke the "
        "agreement signed last year.\n\n"
        f"Pickets at the northern depot. (Lena Park / Union News)\n\n{BODY}"
    )
    for draft in both(text):
        assert draft.subtitle is not None and draft.subtitle.startswith("Hundreds of drivers")
        assert first_paragraph(draft) == LEAD
        assert "Lena Park" not in plain(draft.body_html)
        assert draft.authors == ()


@pytest.mark.parametrize(
    ("byline", "authors", "publication"),
    [
        ("Posted on April 9, 2024 by Ana Ruiz", ("Ana Ruiz",), None),
        ("April 9, 2024 by Depot Workers Weekly", (), "Depot Workers Weekly"),
        ("posted by Daily Signal in Transport", (), "Daily Signal"),
        ("Interview by Ana Ruiz", ("Ana Ruiz",), None),
        ("By Ana Ruiz And Tom Lee", ("Ana Ruiz", "Tom Lee"), None),
    ],
)
def test_bylines_name_people_or_organisations(
    byline: str, authors: tuple[str, ...], publication: str | None
) -> None:
    for draft in both(f"Depot drivers stop work\n\n{byline}\n\n{BODY}"):
        assert draft.authors == authors
        assert draft.publication == publication
        assert first_paragraph(draft) == LEAD


def test_the_date_nearest_the_title_wins_over_a_masthead_issue_date() -> None:
    text = (
        "Founded 1952 Thursday, 7 March 2019, No. 56\n"
        "The Signal Box has 3104 readers\n"
        f"09.04.2024 / Transport / Page 12\n\nDepot drivers stop work\n\nAna Ruiz\n\n{BODY}"
    )
    draft = read(text, Path("a.txt"))
    assert draft.date == dt.date(2024, 4, 9)
    assert draft.title == "Depot drivers stop work"
    assert draft.authors == ("Ana Ruiz",)
    assert draft.publication == "The Signal Box"


def test_published_wins_over_updated_and_numeric_dates_are_day_first_outside_english() -> None:
    text = (
        "Gli autisti si fermano\n\ndi Anna Rossi\n\nPubblicato: 09/04/2024 - 09:12\n"
        "Aggiornato: 10/04/2024 - 18:40\n\n"
        "Gli autisti del deposito nord hanno fermato il lavoro lunedì all'alba, dicendo che i nuovi turni "
        "lasciano meno di nove ore di riposo.\n\nL'azienda non ha risposto alla lettera del sindacato.\n"
    )
    draft = read(text, Path("a.txt"))
    assert draft.date == dt.date(2024, 4, 9)
    assert draft.authors == ("Anna Rossi",)
    italian = text.split("Pubblicato")[0] + "05/04/2024\n\n" + text.split("18:40\n\n")[1]
    assert read(italian, Path("b.txt")).date == dt.date(2024, 4, 5)


def test_a_date_without_a_year_is_no_date() -> None:
    for line in ("Thursday 9th", "Published on Depot News, April 9", "April 9 at 9:02 PM ·"):
        draft = read(f"Depot drivers stop work\n\n{line}\n\n{BODY}", Path("a.txt"))
        assert draft.date is None, line
        assert first_paragraph(draft) == LEAD, line
    assert read(
        f"Depot drivers stop work\n\nPublished on Depot News, April 9\n\n{BODY}", Path("a.txt")
    ).publication == ("Depot News")


def test_arabic_digits_and_byline() -> None:
    text = (
        "صوت العمال\n\nإضراب عمال النسيج يدخل أسبوعه الثاني\n\nبقلم: سلمى حداد\n٢٣ أبريل ٢٠٢٣\n\n"
        "يواصل أكثر من ثمانمئة عامل وعاملة في مصانع النسيج إضرابهم لليوم العاشر على التوالي "
        "مطالبين بزيادة الأجور.\n\n"
        "وقالت العاملة منى الخطيب إن اللجنة ستواصل الإضراب حتى توقيع اتفاق مكتوب مع الإدارة.\n"
    )
    draft = read(text, Path("a.txt"))
    assert draft.date == dt.date(2023, 4, 23)
    assert draft.authors == ("سلمى حداد",)
    assert draft.publication == "صوت العمال"


def test_press_release_contact_block_names_the_organisation_not_an_author() -> None:
    text = (
        "FOR IMMEDIATE RELEASE\n\nContact:\nLena Park, Communications Director\nRail Workers Union Local 12\n"
        "(555) 014-2290 | press@example.org\n\nDepot drivers vote to strike\n\n"
        "NORTHTOWN, Apr. 9, 2024 — Drivers at the northern depot voted on Monday to strike if the company "
        "does not withdraw the new rosters.\n\n"
        + SECOND
        + "\n\nAbout Local 12: the union represents 900 drivers.\n\n###\n"
    )
    draft = read(text, Path("a.txt"))
    assert draft.title == "Depot drivers vote to strike"
    assert draft.authors == ()
    assert draft.publication == "Rail Workers Union Local 12"
    assert draft.date == dt.date(2024, 4, 9)  # from the dateline opening the text
    assert first_paragraph(draft).startswith("NORTHTOWN, Apr. 9, 2024 — Drivers")
    assert "About Local 12" not in plain(draft.body_html) and "###" not in draft.body_html


def test_a_text_copied_from_inside_an_article_starts_with_a_heading_not_a_title() -> None:
    text = (
        "Los conductores y el nuevo turno\n"
        "Los conductores del depósito norte pararon el lunes al amanecer porque los nuevos turnos les dejan "
        "menos de nueve horas de descanso.\n"
        "La empresa no ha respondido a la carta del sindicato, que pide negociar antes del fin de semana.\n"
        "Lo que piden los conductores\n"
        "Piden que se retire el nuevo cuadrante y que se respete el convenio firmado el año pasado "
        "por todos.\n"
    )
    draft = read(text, Path("a.txt"))
    assert draft.title is None
    assert headings(draft.body_html) == ["Los conductores y el nuevo turno", "Lo que piden los conductores"]


def test_a_place_alone_above_the_text_is_a_dateline_not_a_title() -> None:
    text = "Northtown\nOn Monday the Northtown branch of the union held its third open day at the depot.\n"
    assert read(text, Path("a.txt")).title is None
    assert read("Solidarity\n\n" + BODY, Path("a.txt")).title == "Solidarity"


# --- furniture -----------------------------------------------------------------------------------


def test_donation_box_above_the_title_is_a_promo_and_names_the_publication() -> None:
    text = (
        "• $10\n  • $25\n  • other\n\n"
        "READERS! The Depot Gazette is kept afloat by readers like you. Keep The Depot Gazette independent: "
        "donate today by card or bank transfer.\n\n\n"
        f"Depot drivers stop work\n\nby Ana Ruiz\n\n{BODY}"
    )
    for draft in both(text):
        assert draft.title == "Depot drivers stop work"
        assert draft.publication == "The Depot Gazette"
        assert draft.evidence["publication"].sure is False
        assert any(p.startswith("READERS!") for p in draft.promos)
        assert first_paragraph(draft) == LEAD


def test_share_widgets_counters_paywall_and_links_are_kept_out_of_the_text() -> None:
    text = (
        "closemailfacebooktelegramwhatsappx\nTransport\n\nDepot drivers stop work\n\n"
        f"Recommend:\n0\n\n{BODY}\n"
        "Length of the article: 4390 characters\n\nTo read the whole article, log in\n\nLog in\n\n"
        "← Bus fares to rise in May\nCleaners win back pay →\n"
    )
    for draft in both(text):
        assert draft.title == "Depot drivers stop work"
        assert first_paragraph(draft) == LEAD
        assert paragraphs(draft.body_html)[-1] == THIRD
        for promo in ("0", "Length of the article: 4390 characters", "Log in", "Cleaners win back pay →"):
            assert promo in draft.promos
        assert "closemail" not in draft.body_html
        assert any("closemail" in text for _, text in draft.dropped)


def test_promo_box_with_a_heading_and_an_appeal_after_the_text() -> None:
    text = (
        f"Depot drivers stop work\n\n{BODY}\nLocal news is disappearing\n"
        "Reader-funded papers matter more than ever.\n"
        "The Depot Gazette publishes what the big papers leave out.\n"
        "Help The Depot Gazette keep going with a monthly or one-time contribution.\n"
    )
    draft = read(text, Path("a.txt"))
    assert paragraphs(draft.body_html)[-1] == THIRD
    assert headings(draft.body_html) == []
    assert "Local news is disappearing" in draft.promos


def test_editors_notes_are_notes_not_the_standfirst_or_the_text() -> None:
    text = (
        "Depot drivers stop work\n\nThis piece is adapted from The Roster Book.\n\n"
        f"By Ana Ruiz\n\nDraft 2 — please check the figures\n\n{BODY}"
    )
    draft = read(text, Path("a.txt"))
    assert draft.subtitle is None
    assert draft.note is not None and "adapted from The Roster Book" in draft.note and "Draft 2" in draft.note
    assert first_paragraph(draft) == LEAD


# --- the footer ----------------------------------------------------------------------------------


def test_repost_note_source_url_and_translator_at_the_end() -> None:
    text = (
        f"Depot drivers stop work\n\nBy Ana Ruiz\n\n{BODY}\n"
        "Translated from the Spanish by Tom Lee.\n\n"
        "This article first appeared in The Depot Gazette on 9 April 2024.\n\n"
        "Source: https://depot-gazette.example.org/2024/04/drivers\n"
    )
    for draft in both(text):
        assert draft.authors == ("Ana Ruiz",)
        assert draft.translators == ("Tom Lee",)
        assert draft.url == "https://depot-gazette.example.org/2024/04/drivers"
        assert draft.date == dt.date(2024, 4, 9)
        assert draft.note is not None and "first appeared in The Depot Gazette" in draft.note
        assert paragraphs(draft.body_html)[-1] == THIRD


def test_author_credit_at_the_end_and_a_statement_signed_by_an_organisation() -> None:
    draft = read(f"Depot drivers stop work\n\n{BODY}\n— Story and photos by Ana Ruiz\n", Path("a.txt"))
    assert draft.authors == ("Ana Ruiz",)
    statement = (
        f"STATEMENT\n\nOn the new rosters at the northern depot\n\n{BODY}\n"
        "In Northtown, 9 April 2024.\n\nRail Workers Union of Northtown\nPress Office\n"
    )
    draft = read(statement, Path("b.txt"))
    assert draft.title == "On the new rosters at the northern depot"
    assert draft.authors == ()
    assert draft.publication == "Rail Workers Union of Northtown"
    assert draft.date == dt.date(2024, 4, 9)
    assert paragraphs(draft.body_html)[-1] == THIRD


def test_a_pasted_address_first_is_the_source_url() -> None:
    address = "https://news.example.org/2024/04/09/depot/"
    text = f"{address}\nDepot drivers stop work\nBy Ana Ruiz | Apr. 9, 2024\n{LEAD}"
    draft = read(text, Path("a.txt"))
    assert draft.url == "https://news.example.org/2024/04/09/depot/"
    assert draft.publication is None  # an address alone does not name the publication
    assert draft.date == dt.date(2024, 4, 9)


def test_an_email_copied_with_its_headers() -> None:
    text = (
        "From: Ana Ruiz <ana@example.org>\nDate: 9 April 2024\nSubject: Strike bulletin no. 4\n\n"
        "Dear members,\n\nThe strike committee met last night and agreed to continue the action for another "
        "week.\n\nIn solidarity,\nAna\n"
    )
    draft = read(text, Path("a.txt"))
    assert draft.title == "Strike bulletin no. 4"
    assert draft.authors == ("Ana Ruiz",)
    assert draft.date == dt.date(2024, 4, 9)
    assert first_paragraph(draft) == "Dear members,"


# --- evidence ------------------------------------------------------------------------------------


def test_every_detected_field_knows_its_line_and_how_sure_the_reader_is() -> None:
    text = f"The Signal Box\nHome | News\n\nDepot drivers stop work\n\nBy Ana Ruiz\nApr 9, 2024\n\n{BODY}"
    draft = read(text, Path("a.txt"))
    assert draft.evidence["title"].line == 4 and draft.evidence["title"].sure
    assert draft.evidence["authors"].line == 6 and draft.evidence["authors"].sure
    assert draft.evidence["date"].line == 7
    assert draft.evidence["publication"].line == 1
    front = read(f"---\ntitle: Given\n---\n{text}", Path("b.txt"))
    assert front.title == "Given" and "title" not in front.evidence
    assert front.evidence["authors"].line == 9  # lines counted in the file, front matter included


def test_a_title_with_nothing_around_it_is_a_guess() -> None:
    draft = read(f"Depot drivers stop work\n\n{BODY}", Path("a.txt"))
    assert draft.title == "Depot drivers stop work"
    assert draft.evidence["title"].sure is False


def test_a_translator_is_printed_under_the_byline_and_widgets_stay_out_of_the_colophon(
    tmp_path: Path,
) -> None:
    import editions

    (tmp_path / "a.txt").write_text(
        f"Depot drivers stop work\n\nBy Ana Ruiz\n\n{BODY}\nTranslated from the Spanish by Tom Lee.\n\n"
        "Join the Depot Gazette Telegram channel\n\n34 comments\n\nLike\n",
        encoding="utf-8",
    )
    edition = editions.load_edition([tmp_path / "a.txt"])
    [article] = edition.articles
    assert article.source.translators == ("Tom Lee",)
    assert {"34 comments", "Like", "Join the Depot Gazette Telegram channel"} <= set(article.promos)
    assert edition.promos == ("Join the Depot Gazette Telegram channel",)
    page = editions.make_html(edition, tmp_path / "e.html").read_text(encoding="utf-8")
    assert re.search(
        r'<p class="translator">Translated by <span class="translator-name">Tom Lee</span></p>', page
    )
    colophon = page[page.rindex("Depot Gazette Telegram") - 2000 :]
    assert "34 comments" not in colophon and ">Like<" not in colophon


def test_a_name_between_the_standfirst_and_the_date_is_the_author() -> None:
    text = (
        "Depot drivers stop work\n\nDrivers say the new rosters leave them no rest between shifts.\n\n"
        f"Ana Ruiz\n\n9 April 2024\n\n{BODY}"
    )
    for draft in both(text):
        assert draft.authors == ("Ana Ruiz",)
        assert draft.subtitle == "Drivers say the new rosters leave them no rest between shifts."
        assert first_paragraph(draft) == LEAD


def test_blog_widgets_around_the_byline_and_a_month_without_a_day() -> None:
    widgets = "Follow\n\n6 min read\n·\nApr 9, 2024\n\n--\n\nListen\n\nShare"
    text = f"Depot drivers stop work\n\nAna Ruiz\n\n{widgets}\n\n{BODY}"
    draft = read(text, Path("a.txt"))
    assert draft.authors == ("Ana Ruiz",) and draft.subtitle is None
    assert draft.date == dt.date(2024, 4, 9)
    assert first_paragraph(draft) == LEAD
    monthly = read(f"Le travail sans fin\n\npar Claire Moreau\n\nMars 2024\n\n{BODY}", Path("b.txt"))
    assert monthly.date is None and headings(monthly.body_html) == []
    assert first_paragraph(monthly) == LEAD


def test_a_credit_alone_is_not_a_caption_and_a_news_service_byline_is_the_publication() -> None:
    draft = read(
        f"Depot drivers stop work\n\nby Ana Ruiz\n\nPhotograph Source: Depot Union – CC BY 2.0\n\n{BODY}",
        Path("a.txt"),
    )
    assert draft.subtitle is None and "Photograph" not in draft.body_html
    service = read(f"Depot drivers stop work\n\nApril 9, 2024 by Northern Dispatch\n\n{BODY}", Path("b.txt"))
    assert service.authors == () and service.publication == "Northern Dispatch"


@pytest.mark.parametrize(
    ("header", "authors", "date"),
    [
        ("Scritto da Marco Bianchi il 9 aprile 2024", ("Marco Bianchi",), dt.date(2024, 4, 9)),
        (
            "9 de abril de 2024, 10h00 | Atualizado há 2 horas\n\nPor Ana Souza, do Rio de Janeiro",
            ("Ana Souza",),
            dt.date(2024, 4, 9),
        ),
        ("Updated: April 10, 2024\nPublished: April 9, 2024", (), dt.date(2024, 4, 9)),
    ],
)
def test_bylines_and_dates_with_places_and_updates(
    header: str, authors: tuple[str, ...], date: dt.date
) -> None:
    draft = read(f"Depot drivers stop work\n\n{header}\n\n{BODY}", Path("a.txt"))
    assert draft.authors == authors
    assert draft.date == date
    assert draft.subtitle is None
    assert first_paragraph(draft) == LEAD


def test_arrow_breadcrumbs_share_buttons_and_contacts_are_furniture() -> None:
    text = (
        f"Home → News\n\nDepot drivers stop work\n\n09.04.2024 10:15\n\n{BODY}\n"
        "Share:\nFacebook\nTwitter\n\nRelated\n"
    )
    draft = read(text, Path("a.txt"))
    assert draft.publication is None
    assert paragraphs(draft.body_html)[-1] == THIRD
    release = read(
        f"Depot drivers stop work\n\nApril 9, 2024\n\n{BODY}\nFor more information contact: Lena Park, "
        "(555) 014-2290, press@example.org\n",
        Path("b.txt"),
    )
    assert paragraphs(release.body_html)[-1] == THIRD


def test_agency_credit_after_a_caption_and_greek_colloquial_months() -> None:
    draft = read(
        "Depot drivers stop work\n\nApr 9, 2024\n\n"
        f"Pickets outside the northern depot. Union News photo\n\n{BODY}",
        Path("a.txt"),
    )
    assert draft.subtitle == "Pickets outside the northern depot. Union News photo"
    assert first_paragraph(draft) == LEAD
    greek = read(
        "ΠΟΛΙΤΙΚΗ\n\nΑπεργία στα λιμάνια για τα μέτρα ασφαλείας\n\nΔευτέρα 4 Μάρτη 2024\n\n"
        "Σε απεργία βρίσκονται από σήμερα το πρωί οι λιμενεργάτες, διαμαρτυρόμενοι για την έλλειψη μέτρων.\n",
        Path("b.txt"),
    )
    assert greek.date == dt.date(2024, 3, 4) and greek.subtitle is None


def test_a_short_title_ending_with_a_full_stop_above_a_byline_is_the_title() -> None:
    draft = read(f"Nothing is settled.\n\nBy Ana Ruiz\n\n{BODY}", Path("a.txt"))
    assert draft.title == "Nothing is settled."
    assert draft.authors == ("Ana Ruiz",)
    assert first_paragraph(draft) == LEAD


def test_issue_numbers_names_in_capitals_and_a_title_over_its_standfirst_without_blank_lines() -> None:
    draft = read(
        f"Depot drivers stop work\n\nby Ana Ruiz\n\nPublished Tue 9 Apr 2024\n\nIssue No. 2895\n\n{BODY}",
        Path("a.txt"),
    )
    assert first_paragraph(draft) == LEAD and headings(draft.body_html) == []
    capitals = read(
        f"Depot drivers stop work\n\nANA RUIZ reports on a walkout at the depot\n\n{BODY}", Path("b.txt")
    )
    assert capitals.authors == ("Ana Ruiz",) and capitals.evidence["authors"].sure is False
    joined = read(
        f"Título del texto\nSubtítulo del texto que resume\nAna Ruiz\n9 abr 2024 06:00\n{LEAD}\n",
        Path("c.txt"),
    )
    assert joined.title == "Título del texto" and joined.subtitle == "Subtítulo del texto que resume"
    assert joined.authors == ("Ana Ruiz",) and joined.date == dt.date(2024, 4, 9)
