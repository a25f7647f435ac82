"""The dateline and byline parser: every accepted form, and the lines it must refuse."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from editions.dates import (
    MAX_DATELINE,
    MONTHS,
    dateline_authors,
    month_number,
    parse_byline,
    parse_dateline,
    split_dateline,
)

JAN9 = dt.date(2023, 1, 9)


@pytest.mark.parametrize(
    "line",
    [
        # English, month first
        "Jan 9, 2023",
        "Jan. 9, 2023",
        "January 9, 2023",
        "January 9th, 2023",
        "January 9 2023",
        "JANUARY 9, 2023",
        "Monday, January 9, 2023",
        "Mon, Jan 9, 2023",
        "Published January 9, 2023",
        "Published on January 9, 2023",
        "Posted on Jan 9, 2023",
        "Last updated: Jan 9, 2023",
        "Jan 9, 2023 at 10:30 a.m. EST",
        "Jan 9, 2023 12:30 PM",
        "January 9, 2023 – 3 pm",
        "Published Jan. 9, 2023 at 10:30 a.m. ET",
        "Jan 9, 2023 · 5 min read",
        # day first
        "9 January 2023",
        "9th January 2023",
        "Monday 9 January 2023",
        "9 Jan 2023",
        "9-Jan-2023",
        "09 January 2023 10:30 GMT",
        "Updated: 9 January 2023 10:30 GMT",
        # numeric
        "2023-01-09",
        "2023/01/09",
        "2023.01.09",
        "2023-01-09T10:30:00Z",
        "2023-01-09 10:30",
        "2023-01-09T10:30:00+01:00",
        "9.1.2023",
        "09.01.2023",
        # French
        "9 janvier 2023",
        "le 9 janvier 2023",
        "lundi 9 janvier 2023",
        "Publié le 9 janvier 2023 à 10h30",
        "Mis à jour le 9 janv. 2023 à 10 h 30",
        "9 janvier 2023 à 10:30",
        # German
        "9. Januar 2023",
        "Montag, 9. Januar 2023",
        "Veröffentlicht am 9. Januar 2023 um 10:30 Uhr",
        "9. Jan. 2023",
        "9. Jänner 2023",
        # Spanish
        "9 de enero de 2023",
        "Publicado el 9 de enero de 2023",
        "Lunes 9 de enero de 2023, 10:30",
        "9 ene 2023",
        # Russian, Ukrainian
        "9 января 2023 г.",
        "9 января 2023 года",
        "Опубликовано: 9 января 2023, 10:30",
        "Дата публикации: 9 января 2023",
        "понедельник, 9 января 2023",
        "9 січня 2023 р.",
        "Оновлено: 9 січня 2023 р., 14:20",
        # Italian, Portuguese, Dutch, Polish, Catalan, others
        "9 gennaio 2023",
        "Pubblicato il 9 gennaio 2023",
        "9 de janeiro de 2023",
        "segunda-feira, 9 de janeiro de 2023",
        "9 januari 2023",
        "maandag 9 januari 2023",
        "9 stycznia 2023 r.",
        "9 de gener de 2023",
        "9 ledna 2023",
        "9 januari 2023 kl. 10.30",
        "9 ocak 2023",
        "9 Ιανουαρίου 2023",
        "2023. január 9.",
        "2023年1月9日",
        "2023년 1월 9일",
        # accents left out by the typist
        "9 Janvier 2023",
    ],
)
def test_accepted_forms(line: str) -> None:
    assert parse_dateline(line) == JAN9, line


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("1er janvier 2023", dt.date(2023, 1, 1)),
        ("Feb 28, 2024", dt.date(2024, 2, 28)),
        ("29 February 2024", dt.date(2024, 2, 29)),
        ("3 mars 2023", dt.date(2023, 3, 3)),
        ("15. März 2023", dt.date(2023, 3, 15)),
        ("15. Maerz 2023", dt.date(2023, 3, 15)),
        ("1 de septiembre de 2022", dt.date(2022, 9, 1)),
        ("1 de setiembre de 2022", dt.date(2022, 9, 1)),
        ("Sept. 1, 2022", dt.date(2022, 9, 1)),
        ("31 декабря 2022 г.", dt.date(2022, 12, 31)),
        ("1 мая 2023", dt.date(2023, 5, 1)),
        ("20 listopada 2022", dt.date(2022, 11, 20)),
        ("12 août 2021", dt.date(2021, 8, 12)),
        ("12 aout 2021", dt.date(2021, 8, 12)),
        ("13/01/2023", dt.date(2023, 1, 13)),
        ("01/13/2023", dt.date(2023, 1, 13)),
        ("09/09/2023", dt.date(2023, 9, 9)),
        ("Dec 25, 1871", dt.date(1871, 12, 25)),
    ],
)
def test_other_dates(line: str, expected: dt.date) -> None:
    assert parse_dateline(line) == expected


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("By Ana Ruiz | January 9, 2023", ("Ana Ruiz",)),
        ("By Ana Ruiz and John Smith | Jan 9, 2023", ("Ana Ruiz", "John Smith")),
        ("Ana Ruiz, January 9, 2023", ("Ana Ruiz",)),
        ("Ana Ruiz — 9 January 2023", ("Ana Ruiz",)),
        ("January 9, 2023 by Ana Ruiz", ("Ana Ruiz",)),
        ("Jan 9, 2023 • By Ana Ruiz, Staff Writer", ("Ana Ruiz",)),
        ("Par Marie Dupont, le 9 janvier 2023 à 10h30", ("Marie Dupont",)),
        ("Von Hans Müller | 9. Januar 2023", ("Hans Müller",)),
        ("Por Ana Ruiz el 9 de enero de 2023", ("Ana Ruiz",)),
        ("Автор: Иван Петров, 9 января 2023", ("Иван Петров",)),
        ("Posted by admin on January 9, 2023", ()),
        ("Paris, January 9, 2023", ()),
        ("Politics | Jan 9, 2023", ()),
    ],
)
def test_byline_with_date(line: str, authors: tuple[str, ...]) -> None:
    assert parse_dateline(line) == JAN9
    assert dateline_authors(line) == authors


@pytest.mark.parametrize(
    "line",
    [
        # dates inside sentences
        "The strike began on January 9, 2023.",
        "On January 9, 2023, workers walked out of the plant.",
        "Workers walked out on 9 January 2023 and stayed out for a month",
        "Les salariés sont en grève depuis le 9 janvier 2023 pour leurs salaires.",
        "Am 9. Januar 2023 legten die Lokführer die Arbeit nieder.",
        "On January 1, missiles launched by Ukrainian troops hit a vocational school.",
        # incomplete or impossible dates
        "January 9",
        "Jan 9",
        "January 2023",
        "May 2023",
        "2023",
        "February 30, 2023",
        "31 April 2023",
        "29 February 2023",
        "2023-13-01",
        "2023-02-30",
        "32 January 2023",
        "0 January 2023",
        "Smarch 9, 2023",
        # ambiguous numeric dates
        "09/01/2023",
        "1/2/2023",
        "01-02-2023",
        # dates out of range
        "January 9, 1066",
        "9 January 2500",
        # titles that hold a date
        "Strike Diary: January 9, 2023",
        "Statement of January 9, 2023",
        "The Strike of 9 January 2023",
        # other numbers
        "Vol. 87/No. 2 January 16, 2023",
        "Issue 1168",
        "12:30",
        "100-200-3000",
        "2023-01-09-12",
        "Call 555-01-2023 now",
        # not lines at all
        "",
        "   ",
    ],
)
def test_refused(line: str) -> None:
    assert parse_dateline(line) is None


def test_too_long_line_is_refused() -> None:
    line = "Published " + "very " * 40 + "late on January 9, 2023"
    assert len(line) > MAX_DATELINE
    assert parse_dateline(line) is None
    assert split_dateline(line) is None


def test_too_many_words_around_the_date() -> None:
    assert parse_dateline("Jan 9, 2023 | " + " | ".join(["Label"] * 20)) is None


def test_huge_line_is_quick() -> None:
    line = "9 January 2023 " * 4000 + "x" * 50_000
    start = time.perf_counter()
    assert parse_dateline(line) is None
    assert parse_byline("By " + "Ana " * 20_000) is None
    assert time.perf_counter() - start < 0.5


def test_publication_date_is_preferred_to_update() -> None:
    assert parse_dateline("Updated Jan 10, 2023 | Published Jan 9, 2023") == JAN9
    assert parse_dateline("Published Jan 9, 2023, updated Jan 10, 2023") == JAN9


def test_split_dateline_keeps_the_byline() -> None:
    found = split_dateline("By Ana Ruiz | Published January 9, 2023 at 10:30 am")
    assert found is not None
    assert found.date == JAN9
    assert found.rest == ("By Ana Ruiz",)
    assert split_dateline("Jan 9, 2023").rest == ()  # type: ignore[union-attr]


def test_month_table() -> None:
    assert month_number("Janv.") == 1
    assert month_number("février") == 2
    assert month_number("fevrier") == 2
    assert month_number("MÄRZ") == 3
    assert month_number("мая") == 5
    assert month_number("травня") == 5
    assert month_number("czerwca") == 6
    assert month_number("Smarch") is None
    # no name stands for two months in different languages (the table is checked at import)
    assert set(MONTHS.values()) == set(range(1, 13))


@pytest.mark.parametrize(
    ("text", "authors"),
    [
        ("By Ana Ruiz", ("Ana Ruiz",)),
        ("by Ana Ruiz", ("Ana Ruiz",)),
        ("BY ANA RUIZ", ("ANA RUIZ",)),
        ("By Ana Ruiz and John Smith", ("Ana Ruiz", "John Smith")),
        ("By Ana Ruiz, John Smith and Li Wei", ("Ana Ruiz", "John Smith", "Li Wei")),
        ("By Ana Ruiz & John Smith", ("Ana Ruiz", "John Smith")),
        ("By Ana Ruiz, Staff Writer", ("Ana Ruiz",)),
        ("By Ana Ruiz, Staff Writer, The Spark", ("Ana Ruiz",)),
        ("By Ana Ruiz, a nurse at St. Mary’s", ("Ana Ruiz",)),
        ("By Charles Q. Brown Jr.", ("Charles Q. Brown Jr.",)),
        ("By J. R. Smith", ("J. R. Smith",)),
        ("By Ana de la Cruz", ("Ana de la Cruz",)),
        ("By Seán O’Brien", ("Seán O’Brien",)),
        ("By Jean-Luc Martin", ("Jean-Luc Martin",)),
        ("Written by Ana Ruiz", ("Ana Ruiz",)),
        ("Story and photos by Ana Ruiz", ("Ana Ruiz",)),
        ("Par Marie Dupont", ("Marie Dupont",)),
        ("Par Marie Dupont et Jean Martin", ("Marie Dupont", "Jean Martin")),
        ("Von Hans Müller", ("Hans Müller",)),
        ("Von Hans Müller und Eva Schmidt", ("Hans Müller", "Eva Schmidt")),
        ("Por Ana Ruiz y Carlos Pérez", ("Ana Ruiz", "Carlos Pérez")),
        ("Автор: Иван Петров", ("Иван Петров",)),
        ("Авторы: Иван Петров и Анна Смирнова", ("Иван Петров", "Анна Смирнова")),
        ("Door Jan de Vries", ("Jan de Vries",)),
        ("di Mario Rossi", ("Mario Rossi",)),
        ("Author: Ana Ruiz", ("Ana Ruiz",)),
        ("By Spark Staff", ()),
        ("By admin", ()),
        ("Par la Rédaction", ()),
    ],
)
def test_bylines(text: str, authors: tuple[str, ...]) -> None:
    assert parse_byline(text) == authors


@pytest.mark.parametrize(
    "text",
    [
        "Ana Ruiz",  # a bare name needs bare=True
        "By the time the strike ended, most workers had left.",
        "By Monday",
        "By Monday, workers had returned",
        "By 2024 the union had doubled",
        "Par exemple, les salariés",
        "Par ailleurs",
        "Von Berlin aus fuhren die Züge nicht",
        "Por favor",
        "Di Maio said",
        "By",
        "By " + "Ana " * 100,
    ],
)
def test_not_bylines(text: str) -> None:
    assert parse_byline(text) is None


@pytest.mark.parametrize(
    ("text", "authors"),
    [
        ("Ana Ruiz", ("Ana Ruiz",)),
        ("Ana Ruiz and John Smith", ("Ana Ruiz", "John Smith")),
        ("Jan Kowalski", ("Jan Kowalski",)),
        ("Theresa May", ("Theresa May",)),
        ("Paris", None),
        ("the strike began", None),
        ("U.S. Weapons Threaten a Wider War", None),
    ],
)
def test_bare_bylines(text: str, authors: tuple[str, ...] | None) -> None:
    assert parse_byline(text, bare=True) == authors
